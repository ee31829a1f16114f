// commerce_fdw PostgreSQL glue: executing scans, and EXPLAIN.
#include "pg/exec.h"

#include <unistd.h>

#include <cmath>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/run/adaptive.h"
#include "engine/run/scan.h"
#include "pg/boundary.h"
#include "pg/ops.h"
#include "pg/exec_budget.h"
#include "pg/options.h"
#include "pg/plan.h"

namespace cfdw::pg {

namespace {

// The C++ side of one scan: owned by the executor's memory context, so an
// aborted query frees it too. Its statistics join the server's when it goes.
struct ScanExec {
  Config config;
  ServerStats stats;  // this scan's own counters (EXPLAIN ANALYZE)
  std::unique_ptr<Session> session;
  std::unique_ptr<Scan> scan;
  std::unique_ptr<AdaptiveLookups> adaptive;  // a parameterized scan that may switch to one read of the list
  ScanPlan plan;
  Row row;
  int64_t count = 0;
  int wait_fd = -1;  // async: this scan's descriptor for the client's wait set
  ~ScanExec() {
    if (wait_fd >= 0) close(wait_fd);
    stats_flush(config, stats, true);
  }
};

// A scan's executor state (its fdw_state).
struct CfdwScanState {
  RelDesc* desc;
  Owned<ScanExec>* exec;
  List* value_states;   // ExprState* per fdw_expr
  const char* arrays;   // '1' where the expression yields an array of values
  const char* plan_text;
  const char* needed;
  double est_requests;  // one execution's requests, estimated at planning
  const char* drivers;  // what drives that count
  const char* fallback; // ListFallback of adaptive lookups, "" for none
  int lookup_exprs;     // the first value_states are the scan's, the rest the list read's
  bool count_only;
  bool started;
  bool count_done;
  bool async_end;       // async: the scan has no more rows (an empty slot is not the end there)
  FmgrInfo* inputs;     // per attribute
  Oid* ioparams;
  // Finished scans' counters, for EXPLAIN ANALYZE across rescans.
  int64 requests, retries, bytes, rows;
  double wait_ms;
  const char* lookups_note;  // adaptive lookups: whether they gave way to the list (EXPLAIN ANALYZE)
};

CfdwScanState* state_of(ForeignScanState* node) { return static_cast<CfdwScanState*>(node->fdw_state); }

// A condition's value in canonical text: none for NULL, the elements of an
// array (`is_array`: IN lists, @>), else the one value; *count gets how many.
// PostgreSQL work (output functions may raise): outside guarded().
char** canonical_values(Datum value, bool isnull, Oid type, bool is_array, int* count) {
  if (isnull) {
    *count = 0;
    return nullptr;
  }
  if (is_array) return array_to_canonical(value, count);
  *count = 1;
  char** out = static_cast<char**>(palloc(sizeof(char*)));
  out[0] = datum_to_canonical(value, type);
  return out;
}

// The engine's view of canonical_values() output (nullptr elements: SQL NULL). C++ only.
CondValues to_cond_values(char** values, int count) {
  CondValues cv;
  for (int k = 0; k < count; ++k)
    cv.values.push_back(values[k] ? std::optional<std::string>(values[k]) : std::nullopt);
  return cv;
}

// Values of the pushed conditions in canonical text (PostgreSQL work).
struct EvaluatedValues {
  int n;
  int* counts;        // values per condition
  char*** values;     // NULL element = SQL NULL
};

EvaluatedValues evaluate_values(CfdwScanState* st, ExprContext* econtext) {
  EvaluatedValues ev{list_length(st->value_states), nullptr, nullptr};
  ev.counts = static_cast<int*>(palloc0(sizeof(int) * std::max(1, ev.n)));
  ev.values = static_cast<char***>(palloc0(sizeof(char**) * std::max(1, ev.n)));
  MemoryContext old = MemoryContextSwitchTo(econtext->ecxt_per_query_memory);
  int i = 0;
  ListCell* lc;
  foreach (lc, st->value_states) {
    ExprState* es = static_cast<ExprState*>(lfirst(lc));
    bool isnull;
    Datum v = ExecEvalExpr(es, econtext, &isnull);
    ev.values[i] = canonical_values(v, isnull, exprType(reinterpret_cast<Node*>(es->expr)), st->arrays[i] == '1',
                                    &ev.counts[i]);
    ++i;
  }
  MemoryContextSwitchTo(old);
  return ev;
}

std::vector<CondValues> to_cond_values(const EvaluatedValues& ev) {
  std::vector<CondValues> out;
  for (int i = 0; i < ev.n; ++i) out.push_back(to_cond_values(ev.values[i], ev.counts[i]));
  return out;
}

void start_scan(ForeignScanState* node) {
  CfdwScanState* st = state_of(node);
  EvaluatedValues ev = evaluate_values(st, node->ss.ps.ps_ExprContext);
  Owned<ScanExec>* owned = st->exec;
  const RelDesc* d = st->desc;
  const char* needed = st->needed;
  const size_t nlookup = size_t(st->lookup_exprs);
  guarded_or_raise([&] {
    ScanExec& x = *owned->object;
    x.scan.reset();
    std::vector<bool> need;
    for (const char* p = needed; *p; ++p) need.push_back(*p == '1');
    std::vector<CondValues> values = to_cond_values(ev);
    const std::vector<CondValues> list_values(values.begin() + long(nlookup), values.end());
    values.resize(nlookup);
    // Adaptive lookups: answered from the list once lookups have cost as much as reading it.
    if (x.adaptive && x.adaptive->answer(*x.session, *d->table, values, list_values, need, x.stats.http.requests))
      return;
    x.scan = std::make_unique<Scan>(*x.session, *d->table, x.plan, std::move(values), need);
  });
  st->started = true;
}

// Error context while converting a remote value: names table and column.
struct ConvertContext {
  const char* relname;
  const char* column;
};
void convert_error_callback(void* arg) {
  auto* c = static_cast<ConvertContext*>(arg);
  errcontext("column \"%s\" of foreign table \"%s\"", c->column, c->relname);
}

void collect_counters(CfdwScanState* st) {
  if (!st->exec || !st->exec->object) return;
  const ServerStats& s = st->exec->object->stats;
  st->requests = s.http.requests;
  st->retries = s.http.retries;
  st->bytes = s.http.bytes_received;
  st->rows = s.rows;
  st->wait_ms = s.http.rate_wait_ms;
  const AdaptiveLookups* a = st->exec->object->adaptive.get();
  char* note = nullptr;
  if (a && a->state() != AdaptiveLookups::State::Lookups && guarded([&] { note = pstrdup_nothrow(a->describe()); }))
    st->lookups_note = note;
}

}  // namespace

void begin_scan(ForeignScanState* node, int eflags) {
  ForeignScan* fsplan = reinterpret_cast<ForeignScan*>(node->ss.ps.plan);
  List* priv = fsplan->fdw_private;
  CfdwScanState* st = static_cast<CfdwScanState*>(palloc0(sizeof(CfdwScanState)));
  node->fdw_state = st;
  const Oid relid = Oid(intVal(list_nth(priv, kScanRelid)));
  st->plan_text = strVal(list_nth(priv, kScanPlan));
  st->needed = strVal(list_nth(priv, kScanNeeded));
  st->arrays = strVal(list_nth(priv, kScanArrays));
  st->est_requests = std::atof(strVal(list_nth(priv, kScanRequests)));
  st->drivers = strVal(list_nth(priv, kScanDrivers));
  st->fallback = strVal(list_nth(priv, kScanFallback));
  st->lookup_exprs = intVal(list_nth(priv, kScanLookupExprs));
  st->count_only = fsplan->scan.scanrelid == 0;
  if (node->ss.ss_currentRelation) {
    st->desc = describe_relation(node->ss.ss_currentRelation);
  } else {
    Relation rel = table_open(relid, NoLock);
    st->desc = describe_relation(rel);
    table_close(rel, NoLock);
  }
  st->value_states = ExecInitExprList(fsplan->fdw_exprs, reinterpret_cast<PlanState*>(node));
  if (eflags & EXEC_FLAG_EXPLAIN_ONLY) return;

  if (!st->count_only) input_functions(node->ss.ss_ScanTupleSlot->tts_tupleDescriptor, &st->inputs, &st->ioparams);
  // The user whose mapping applies: the table's owner for a view's query, else the session user.
  const Index rtindex = fsplan->scan.scanrelid > 0 ? fsplan->scan.scanrelid : bms_next_member(fsplan->fs_relids, -1);
  RangeTblEntry* rte = exec_rt_fetch(rtindex, node->ss.ps.state);
  const Oid userid = OidIsValid(rte->checkAsUser) ? rte->checkAsUser : GetUserId();
  Oid umid = InvalidOid;
  List* user_options = user_mapping_options(st->desc, userid, &umid);
  st->exec = own_in<ScanExec>(node->ss.ps.state->es_query_cxt);
  Owned<ScanExec>* owned = st->exec;
  const RelDesc* d = st->desc;
  const char* plan_text = st->plan_text;
  const double estimate = st->est_requests;
  const char* fallback = st->fallback;
  RequestBudget* budget = statement_budget(node->ss.ps.state, d->serverid);
  long max = d->api->default_max_requests;
  ListCell* lc;
  foreach (lc, d->options) {  // the server's, then the table's: the last one wins
    DefElem* def = static_cast<DefElem*>(lfirst(lc));
    if (std::strcmp(def->defname, "max_requests") == 0) max = std::atol(strVal(def->arg));
  }
  const BudgetText text = budget_text(d, st->drivers, max, estimate);
  guarded_or_raise([&] {
    auto x = std::make_unique<ScanExec>();
    x->config = make_config(d, user_options, userid, umid);
    // A plan estimated above max_requests fails before sending anything.
    if (max > 0 && estimate > double(max))
      throw Error(sqlstate::kProgramLimitExceeded,
                  "a scan of foreign table \"" + std::string(d->relname) + "\" would send about " +
                      std::to_string(long(estimate)) + " requests, more than max_requests (" + std::to_string(max) +
                      ")",
                  text.detail, text.hint);
    x->plan = ScanPlan::deserialize(plan_text);
    if (*fallback) x->adaptive = std::make_unique<AdaptiveLookups>(ListFallback::deserialize(fallback));
    x->session = open_session(*d->api, x->config, &x->stats);
    x->session->set_budget(budget, max,
                           "a statement reading foreign table \"" + std::string(d->relname) +
                               "\" reached max_requests (" + std::to_string(max) + ") of server \"" +
                               x->config.server + "\"",
                           text.detail, text.hint);
    owned->object = x.release();
  });
}

TupleTableSlot* iterate_scan(ForeignScanState* node) {
  CfdwScanState* st = state_of(node);
  TupleTableSlot* slot = node->ss.ss_ScanTupleSlot;
  ExecClearTuple(slot);
  if (!st->started) start_scan(node);
  ScanExec* x = st->exec->object;

  if (st->count_only) {
    if (st->count_done) return slot;
    guarded_or_raise([&] { x->count = x->scan->count(); });
    st->count_done = true;
    for (int i = 0; i < slot->tts_tupleDescriptor->natts; ++i) {
      slot->tts_values[i] = Int64GetDatum(x->count);
      slot->tts_isnull[i] = false;
    }
    return ExecStoreVirtualTuple(slot);
  }

  bool has = false;
  if (x->adaptive && x->adaptive->answering()) {  // from the held list (adaptive lookups): no waiting
    guarded_or_raise([&] { has = x->adaptive->next(&x->row); });
    st->async_end = !has;
  } else if (node->ss.ps.async_capable) {
    // Under an async Append: no waiting here. An empty slot means "pending"
    // unless async_end says the scan is over.
    Scan::Poll r = Scan::Poll::Pending;
    guarded_or_raise([&] { r = x->scan->poll(&x->row); });
    st->async_end = r == Scan::Poll::End;
    has = r == Scan::Poll::Row;
  } else {
    guarded_or_raise([&] { has = x->scan->next(&x->row); });
  }
  if (!has) return slot;

  const RelDesc* d = st->desc;
  TupleDesc td = slot->tts_tupleDescriptor;
  ConvertContext cc{d->relname, nullptr};
  ErrorContextCallback errcb;
  errcb.callback = convert_error_callback;
  errcb.arg = &cc;
  errcb.previous = error_context_stack;
  error_context_stack = &errcb;
  for (int i = 0; i < td->natts; ++i) {
    Form_pg_attribute att = TupleDescAttr(td, i);
    const int col = i < d->natts ? d->column_of[i] : -1;
    slot->tts_isnull[i] = true;
    slot->tts_values[i] = (Datum)0;
    if (att->attisdropped) continue;
    cc.column = NameStr(att->attname);
    if (col < 0) {  // a constant column: OPTIONS (constant '...')
      if (i < d->natts && d->constant_of[i]) {
        slot->tts_values[i] = canonical_to_datum(d->constant_of[i], att, &st->inputs[i], st->ioparams[i]);
        slot->tts_isnull[i] = false;
      }
      continue;
    }
    if (!x->row[col]) continue;
    slot->tts_values[i] = canonical_to_datum(x->row[col]->c_str(), att, &st->inputs[i], st->ioparams[i]);
    slot->tts_isnull[i] = false;
  }
  error_context_stack = errcb.previous;
  return ExecStoreVirtualTuple(slot);
}

void rescan_scan(ForeignScanState* node) {
  CfdwScanState* st = state_of(node);
  st->started = false;
  st->count_done = false;
  st->async_end = false;
}

// ---------------------------------------------------------------------------
// Asynchronous execution (PostgreSQL's async Append, as in postgres_fdw).
//
// Every scan of the backend shares the one HttpClient: the Append's first
// request starts each scan's first page at once, so N scans have their
// requests in flight together. The client's wait set (an epoll descriptor
// with libcurl's sockets and a timerfd armed for libcurl's timeout, the next
// retry or rate-limit slot, and at most 50 ms) is what the Append waits on;
// each pending scan registers its own duplicate of it, as a wait event set
// takes a descriptor once. Whichever scan is notified drives every transfer.

namespace {

// A row was produced while configuring the wait: the set must not sleep.
bool wake_now = false;

bool option_async_capable(const RelDesc* d) {
  // The table's value wins over the server's: the last entry counts.
  bool value = true;
  ListCell* lc;
  foreach (lc, d->options) {
    DefElem* def = static_cast<DefElem*>(lfirst(lc));
    if (std::strcmp(def->defname, "async_capable") == 0) (void)parse_bool(strVal(def->arg), &value);
  }
  return value;
}

// Asks the scan for a row through the executor (so that the plan's filter and
// projection apply) and answers the request: a row, the end, or pending.
void produce_tuple(AsyncRequest* areq) {
  ForeignScanState* node = reinterpret_cast<ForeignScanState*>(areq->requestee);
  CfdwScanState* st = state_of(node);
  st->async_end = false;
  TupleTableSlot* result = ExecProcNode(&node->ss.ps);
  if (!TupIsNull(result)) {
    ExecAsyncRequestDone(areq, result);
  } else if (st->async_end) {
    ExecAsyncRequestDone(areq, nullptr);
  } else {
    ExecAsyncRequestPending(areq);
  }
}

}  // namespace

bool is_async_capable_path(ForeignPath* path) {
  const RelDesc* d = planned_table(path->path.parent);
  return d && option_async_capable(d);
}

void async_request(AsyncRequest* areq) {
  wake_now = false;
  produce_tuple(areq);
}

void async_configure_wait(AsyncRequest* areq) {
  ForeignScanState* node = reinterpret_cast<ForeignScanState*>(areq->requestee);
  CfdwScanState* st = state_of(node);
  // Another scan's turn may have brought this one's page: answer at once
  // (the request is completed here, as postgres_fdw does).
  areq->callback_pending = false;
  produce_tuple(areq);
  if (areq->request_complete) {
    wake_now = true;
    guarded_or_raise([&] { http_client().prepare_wait(true); });
    ExecAsyncResponse(areq);
    return;
  }
  ScanExec* x = st->exec->object;
  int fd = -1;
  guarded_or_raise([&] {
    if (x->wait_fd < 0) x->wait_fd = http_client().new_wait_fd();
    http_client().prepare_wait(wake_now);
    fd = x->wait_fd;
  });
  AddWaitEventToSet(reinterpret_cast<AppendState*>(areq->requestor)->as_eventset, WL_SOCKET_READABLE, fd, nullptr,
                    areq);
}

void async_notify(AsyncRequest* areq) {
  wake_now = false;
  produce_tuple(areq);
}

void end_scan(ForeignScanState* node) {
  CfdwScanState* st = state_of(node);
  if (!st || !st->exec) return;
  Owned<ScanExec>* owned = st->exec;
  collect_counters(st);
  guarded([&] {
    delete owned->object;
    owned->object = nullptr;
  });
}

void explain_scan(ForeignScanState* node, ExplainState* es) {
  CfdwScanState* st = state_of(node);
  ForeignScan* fsplan = reinterpret_cast<ForeignScan*>(node->ss.ps.plan);
  // Constant values are shown; others appear as $column. (The list read's
  // values of adaptive lookups follow the scan's own.)
  int n = st->lookup_exprs;
  char*** values = static_cast<char***>(palloc0(sizeof(char**) * std::max(1, n)));
  int* counts = static_cast<int*>(palloc0(sizeof(int) * std::max(1, n)));
  bool* known = static_cast<bool*>(palloc0(sizeof(bool) * std::max(1, n)));
  int i = 0;
  ListCell* lc;
  foreach (lc, fsplan->fdw_exprs) {
    Expr* e = static_cast<Expr*>(lfirst(lc));
    if (i >= n) break;
    if (IsA(e, Const)) {
      Const* c = reinterpret_cast<Const*>(e);
      known[i] = true;
      values[i] = canonical_values(c->constvalue, c->constisnull, c->consttype, st->arrays[i] == '1', &counts[i]);
    }
    ++i;
  }
  const RelDesc* d = st->desc;
  const char* plan_text = st->plan_text;
  char* lines = nullptr;
  char* notes = nullptr;
  guarded_or_raise([&] {
    ScanPlan plan = ScanPlan::deserialize(plan_text);
    std::vector<std::optional<CondValues>> vals(n);
    for (int k = 0; k < n; ++k) {
      if (known[k]) vals[k] = to_cond_values(values[k], counts[k]);
    }
    Config cfg = make_config(d, NIL, InvalidOid);
    std::string all;
    // The requests a scan with these values sends, as rendered for it (values
    // known only at execution shown as $column).
    const RenderedScan rendered = render_scan(*d->table, plan, vals, cfg);
    for (const auto& l : describe_scan(*d->table, plan, rendered)) all += l + "\n";
    std::string note;
    if (plan.count_only) note += "count(*) from the remote total; ";
    if (!plan.sort_column.empty()) note += "sorted remotely by " + plan.sort_column + (plan.sort_desc ? " desc" : "") + "; ";
    if (plan.limit >= 0) {
      // Where the API takes a page size the limit shapes the request; elsewhere paging just stops early.
      bool sized = false;
      for (int e : plan.endpoints) sized |= !d->table->reads[e].paging.size_param.empty();
      note += "limit " + std::to_string(plan.limit) + (sized ? " applied remotely; " : ": paging stops once it has the rows; ");
    }
    if (plan.detail) note += "detail columns fetched per row; ";
    if (plan.supplement) note += "missing columns supplied by a lookup; ";
    if (!note.empty()) note.resize(note.size() - 2);
    lines = pstrdup_nothrow(all);
    notes = pstrdup_nothrow(note);
    if (!lines || !notes) throw std::bad_alloc();
  });
  ExplainPropertyText("Remote API", d->api->name.c_str(), es);
  if (es->verbose) {
    List* reqs = NIL;
    for (char* p = lines; p && *p;) {
      char* nl = std::strchr(p, '\n');
      *nl = '\0';
      reqs = lappend(reqs, p);
      p = nl + 1;
    }
    ExplainPropertyList("Remote requests", reqs, es);
  }
  if (notes && *notes) ExplainPropertyText("Remote pushdown", notes, es);
  // An estimate, shown with the other estimates (costs); never checked against max_requests here.
  if (es->costs) ExplainPropertyFloat("Estimated requests", nullptr, st->est_requests, 0, es);
  if (es->analyze) {
    collect_counters(st);
    ExplainPropertyInteger("Requests sent", nullptr, st->requests, es);
    ExplainPropertyInteger("Retries", nullptr, st->retries, es);
    ExplainPropertyInteger("Bytes received", "bytes", st->bytes, es);
    ExplainPropertyFloat("Rate limit wait", "ms", st->wait_ms, 1, es);
    if (st->lookups_note) ExplainPropertyText("Lookups", st->lookups_note, es);
  }
}

}  // namespace cfdw::pg
