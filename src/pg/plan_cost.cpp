// commerce_fdw PostgreSQL glue: the engine's planning of a read (which
// endpoint, which conditions shape it, sorted, limited, count(*)), computed
// once per relation and path shape, and what a path costs: the requests it
// sends and the rows it receives.
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <string>

#include "engine/run/scan.h"
#include "pg/boundary.h"
#include "pg/plan_internal.h"

namespace cfdw::pg {

namespace {

// Costs count requests. A request costs the server's latency estimate
// (`request_cost_ms`) plus the interval of its rate budget
// (60000 / rate_limit_per_minute ms, 0 without a limit), one planner cost
// unit a millisecond; each row received adds cpu_tuple_cost.
constexpr double kDefaultRequestMs = 50.0;

// The table's (else the server's) request_cost_ms, or the default.
double request_cost_ms(const RelDesc* d) {
  double v = kDefaultRequestMs;
  ListCell* lc;
  foreach (lc, d->options) {  // server options first, the table's last: the last one wins
    DefElem* def = static_cast<DefElem*>(lfirst(lc));
    if (std::strcmp(def->defname, "request_cost_ms") == 0) v = std::atof(strVal(def->arg));
  }
  return v;
}

bool same_shape(const PathShape& a, const PathShape& b) {
  const bool same_sort = (!a.sort_column && !b.sort_column) ||
                         (a.sort_column && b.sort_column && std::strcmp(a.sort_column, b.sort_column) == 0);
  return bms_equal(a.outer, b.outer) && same_sort && a.sort_desc == b.sort_desc && a.limit == b.limit &&
         a.count_only == b.count_only;
}

// What the engine's planner reads, gathered before guarded() as plain data,
// so that the C++ side touches no PostgreSQL list or node.
struct PlanInputs {
  const Table* table;
  int ncond;
  int* column;          // per offered condition
  unsigned* op;
  int* nvalues;
  const bool* needed;   // per table column
  int nclauses;
  PathShape shape;
  EnginePlans* plans;
};

PlanInputs gather(const RelPlanInfo* ps, const EnginePlan& ep) {
  PlanInputs in{};
  in.table = ps->desc->table;
  in.ncond = list_length(ep.conds);
  const int n = std::max(1, in.ncond);
  in.column = static_cast<int*>(palloc0(sizeof(int) * n));
  in.op = static_cast<unsigned*>(palloc0(sizeof(unsigned) * n));
  in.nvalues = static_cast<int*>(palloc0(sizeof(int) * n));
  int k = 0;
  ListCell* lc;
  foreach (lc, ep.conds) {
    const CondInfo* c = static_cast<const CondInfo*>(lfirst(lc));
    in.column[k] = c->column;
    in.op[k] = c->op;
    in.nvalues[k] = c->nvalues;
    ++k;
  }
  in.needed = ep.needed;
  in.nclauses = ep.nclauses;
  in.shape = ep.shape;
  in.plans = ps->engine_plans;
  return in;
}

// The engine's plan of the scan into *ep (C++ only: inside guarded()).
void plan_in_engine(const PlanInputs& in, EnginePlan* ep) {
  const Table& t = *in.table;
  ScanRequest req;
  for (int k = 0; k < in.ncond; ++k)
    req.conds.push_back(CondShape{t.columns[in.column[k]].name, Op(in.op[k]), in.nvalues[k]});
  for (size_t i = 0; i < t.columns.size(); ++i)
    if (in.needed[i]) req.needed.push_back(t.columns[i].name);
  if (in.shape.sort_column) {
    req.sort_column = in.shape.sort_column;
    req.sort_desc = in.shape.sort_desc;
  }
  req.limit = in.shape.limit;
  req.unoffered = std::max(0, in.nclauses - in.ncond);  // clauses we could not read make it inexact
  std::optional<ScanPlan> plan = plan_scan(t, req);
  if (!plan) return;
  plan->count_only = in.shape.count_only;
  if (in.shape.count_only && !can_count(t, *plan)) return;
  ep->nendpoints = int(plan->endpoints.size());
  ep->is_lookup = plan->endpoints.size() == 1 && t.reads[plan->endpoints[0]].shape == Shape::Object;
  ep->sorted = !plan->sort_column.empty();
  ep->all_exact = plan->all_exact;
  ep->nused = int(plan->used.size());
  for (size_t u = 0; u < plan->used.size(); ++u) {
    ep->used[u] = plan->used[u];
    ep->remote_only[u] = remote_only(t, *plan, u);
  }
  in.plans->push_back(std::make_unique<ScanPlan>(std::move(*plan)));
  ep->plan = in.plans->back().get();
  ep->ok = true;
}

// A shape in words, for the planner's debug message.
const char* shape_text(const PathShape& s) {
  StringInfoData b;
  initStringInfo(&b);
  if (s.count_only) appendStringInfoString(&b, ", count(*)");
  if (s.outer) appendStringInfo(&b, ", parameterized by %d relation(s)", bms_num_members(s.outer));
  if (s.sort_column) appendStringInfo(&b, ", sorted by %s%s", s.sort_column, s.sort_desc ? " desc" : "");
  if (s.limit >= 0) appendStringInfo(&b, ", limit %ld", s.limit);
  return b.len ? b.data + 2 : "plain";
}

}  // namespace

void resolve_options(RelPlanInfo* ps) {
  const RelDesc* d = ps->desc;
  Owned<EnginePlans>* owned = own_in<EnginePlans>(CurrentMemoryContext);
  double rate = 0;
  int page_size = 0;
  guarded_or_raise([&] {
    owned->object = new EnginePlans();
    Config cfg = make_config(d, NIL, InvalidOid);
    rate = cfg.rate_limit_per_minute;
    page_size = cfg.page_size;
  });
  ps->engine_plans = owned->object;
  ps->page_size = page_size;
  ps->request_ms = request_cost_ms(d) + (rate > 0 ? 60000.0 / rate : 0.0);
}

EnginePlan* engine_plan_at(RelPlanInfo* ps, int index) {
  if (ps->base) ps = ps->base;
  return static_cast<EnginePlan*>(list_nth(ps->plans, index));
}

EnginePlan* engine_plan(PlannerInfo* root, RelPlanInfo* ps, const PathShape& shape, List* conds, int nclauses,
                        bool* needed, int* index) {
  if (ps->base) ps = ps->base;
  int i = 0;
  ListCell* lc;
  foreach (lc, ps->plans) {
    EnginePlan* seen = static_cast<EnginePlan*>(lfirst(lc));
    if (same_shape(seen->shape, shape)) {
      if (index) *index = i;
      return seen;
    }
    ++i;
  }
  EnginePlan* ep = static_cast<EnginePlan*>(palloc0(sizeof(EnginePlan)));
  ep->shape = shape;
  ep->shape.outer = bms_copy(shape.outer);
  ep->shape.sort_column = shape.sort_column ? pstrdup(shape.sort_column) : nullptr;
  ep->conds = conds;
  ep->nclauses = nclauses;
  ep->needed = needed;
  ep->request_ms = ps->request_ms;
  const int n = std::max(1, list_length(conds));
  ep->used = static_cast<int*>(palloc0(sizeof(int) * n));
  ep->remote_only = static_cast<bool*>(palloc0(sizeof(bool) * n));
  const PlanInputs in = gather(ps, *ep);
  elog(DEBUG1, "commerce_fdw: engine plan of foreign table \"%s\" (%s)", ps->desc->relname, shape_text(shape));
  guarded_or_raise([&in, ep] { plan_in_engine(in, ep); });
  ps->plans = lappend(ps->plans, ep);
  if (index) *index = list_length(ps->plans) - 1;
  if (!ep->ok) return ep;

  // Requests: the rows the remote returns (the table's size narrowed by the
  // conditions that shape the requests), in pages; a lookup per value.
  List* used = NIL;
  for (int u = 0; u < ep->nused; ++u)
    used = lappend(used, static_cast<CondInfo*>(list_nth(conds, ep->used[u]))->rinfo);
  RelOptInfo* rel = ps->rel;
  ep->remote_rows =
      rel ? clamp_row_est(ps->tuples * clauselist_selectivity(root, used, int(rel->relid), JOIN_INNER, nullptr))
          : ps->tuples;
  double lookups = 1;
  for (int u = 0; u < ep->nused; ++u) {
    const int nv = in.nvalues[ep->used[u]];
    if (nv > 1) lookups *= nv;
  }
  const Table* t = ps->desc->table;
  const Api* api = ps->desc->api;
  const int page_size = ps->page_size;
  const double remote_rows = ep->remote_rows;
  guarded_or_raise([&] {
    ep->est = estimate(*t, *ep->plan, page_size, remote_rows);
    if (ep->plan->count_only) {
      ep->est = RequestEstimate{};
      ep->est.pages = std::max(1, ep->nendpoints);  // one request (of one row) per endpoint
    } else if (ep->is_lookup) {
      ep->est.lookups = lookups;
      ep->est.supplements = ep->plan->supplement ? lookups : 0;
    }
    ep->est.logins = api->login_requests;
  });
  // Costs compare the requests the scan itself sends (a login is shared).
  ep->requests = ep->est.total() - ep->est.logins;
  return ep;
}

Cost path_cost(const EnginePlan& ep, double requests, double rows) {
  return requests * ep.request_ms + rows * cpu_tuple_cost;
}

char* request_drivers(const RelPlanInfo* ps, const EnginePlan& ep) {
  const RelDesc* d = ps->desc;
  const RequestEstimate& e = ep.est;
  StringInfoData b;
  initStringInfo(&b);
  if (e.pages > 0)
    appendStringInfo(&b, "%.0f list page%s for about %.0f rows", e.pages, e.pages == 1 ? "" : "s",
                     ep.plan->limit >= 0 ? std::min<double>(ep.remote_rows, ep.plan->limit) : ep.remote_rows);
  if (e.details > 0) {
    StringInfoData cols;
    initStringInfo(&cols);
    for (size_t i = 0; i < d->table->columns.size(); ++i)
      if (ep.needed[i] && d->table->columns[i].has(ColumnFlag::kDetail))
        appendStringInfo(&cols, "%s%s", cols.len ? ", " : "", d->table->columns[i].name.c_str());
    appendStringInfo(&b, "%s%.0f per-row detail requests (one a row) for the detail column%s %s", b.len ? "; " : "",
                     e.details, std::strchr(cols.data, ',') ? "s" : "", cols.data);
  }
  if (e.lookups > 0)
    appendStringInfo(&b, "%s%.0f lookup%s", b.len ? "; " : "", e.lookups, e.lookups == 1 ? "" : "s");
  if (e.supplements > 0)
    appendStringInfo(&b, "%s%.0f supplement request%s", b.len ? "; " : "", e.supplements,
                     e.supplements == 1 ? "" : "s");
  if (e.logins > 0) appendStringInfo(&b, "%s%.0f login", b.len ? "; " : "", e.logins);
  return b.data;
}

}  // namespace cfdw::pg
