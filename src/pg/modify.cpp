// commerce_fdw PostgreSQL glue: writes. Each statement's rows become the API's
// create / edit / adjust / bulk requests chosen when the statement is planned
// (modify_plan.cpp).
#include "pg/modify.h"

#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/run/modify.h"
#include "pg/boundary.h"
#include "pg/ops.h"
#include "pg/plan.h"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
extern "C" {
#include "common/hashfn.h"
}
#pragma GCC diagnostic pop

namespace cfdw::pg {

namespace {

struct ModifyExec {
  Config config;
  ServerStats stats;
  std::unique_ptr<Session> session;
  std::unique_ptr<Writer> writer;
  Row returned;
  ~ModifyExec() { stats_flush(config, stats, true); }
};

struct ModifyState {
  RelDesc* desc;
  Owned<ModifyExec>* exec;
  int rule;
  bool on_conflict;
  bool returning;
  int ncolumns;
  AttrNumber* key_junk;    // per table column: junk attno of its key value (0: none)
  AttrNumber wholerow;     // UPDATE: junk attno of the old row
  FmgrInfo* inputs;        // per attribute, for RETURNING
  Oid* ioparams;
  int delta_att;           // attno-1 of the delta column, -1 none
  int conflict_col;        // ON CONFLICT DO NOTHING: the lookup's column (table column index), -1 none
};

ModifyState* state_of(ResultRelInfo* rinfo) { return static_cast<ModifyState*>(rinfo->ri_FdwState); }

// Canonical text per table column from a slot (PostgreSQL work).
char** slot_to_columns(ModifyState* st, TupleTableSlot* slot) {
  const RelDesc* d = st->desc;
  char** out = static_cast<char**>(palloc0(sizeof(char*) * std::max(1, st->ncolumns)));
  slot_getallattrs(slot);
  TupleDesc td = slot->tts_tupleDescriptor;
  for (int i = 0; i < td->natts && i < d->natts; ++i) {
    const int col = d->column_of[i];
    if (col < 0 || slot->tts_isnull[i]) continue;
    out[col] = datum_to_canonical(slot->tts_values[i], TupleDescAttr(td, i)->atttypid);
  }
  return out;
}

// The old row of an UPDATE from the whole-row junk column.
char** old_row_columns(ModifyState* st, TupleTableSlot* planSlot, TupleDesc td) {
  char** out = static_cast<char**>(palloc0(sizeof(char*) * std::max(1, st->ncolumns)));
  const RelDesc* d = st->desc;
  if (st->wholerow != InvalidAttrNumber) {
    bool isnull;
    Datum whole = ExecGetJunkAttribute(planSlot, st->wholerow, &isnull);
    if (!isnull) {
      HeapTupleHeader th = DatumGetHeapTupleHeader(whole);
      HeapTupleData tup;
      tup.t_len = HeapTupleHeaderGetDatumLength(th);
      ItemPointerSetInvalid(&tup.t_self);
      tup.t_tableOid = InvalidOid;
      tup.t_data = th;
      Datum* values = static_cast<Datum*>(palloc(sizeof(Datum) * td->natts));
      bool* nulls = static_cast<bool*>(palloc(sizeof(bool) * td->natts));
      heap_deform_tuple(&tup, td, values, nulls);
      for (int i = 0; i < td->natts && i < d->natts; ++i) {
        const int col = d->column_of[i];
        if (col < 0 || nulls[i]) continue;
        out[col] = datum_to_canonical(values[i], TupleDescAttr(td, i)->atttypid);
      }
    }
  }
  for (int col = 0; col < st->ncolumns; ++col) {
    if (!st->key_junk[col]) continue;
    bool isnull;
    Datum v = ExecGetJunkAttribute(planSlot, st->key_junk[col], &isnull);
    if (isnull) continue;
    for (int i = 0; i < d->natts; ++i)
      if (d->column_of[i] == col) out[col] = datum_to_canonical(v, TupleDescAttr(td, i)->atttypid);
  }
  return out;
}

Row to_row(char** cols, int n) {
  Row r(n);
  for (int i = 0; i < n; ++i)
    if (cols && cols[i]) r[i] = std::string(cols[i]);
  return r;
}

// Puts the row the remote returned into the slot (RETURNING).
TupleTableSlot* store_returned(ModifyState* st, TupleTableSlot* slot, const Row& row) {
  const RelDesc* d = st->desc;
  TupleDesc td = slot->tts_tupleDescriptor;
  ExecClearTuple(slot);
  for (int i = 0; i < td->natts; ++i) {
    Form_pg_attribute att = TupleDescAttr(td, i);
    const int col = i < d->natts ? d->column_of[i] : -1;
    slot->tts_isnull[i] = true;
    slot->tts_values[i] = (Datum)0;
    const char* text = col >= 0 ? (row[col] ? row[col]->c_str() : nullptr)
                                : (i < d->natts ? d->constant_of[i] : nullptr);  // a constant column
    if (att->attisdropped || !text) continue;
    slot->tts_values[i] = canonical_to_datum(text, att, &st->inputs[i], st->ioparams[i]);
    slot->tts_isnull[i] = false;
  }
  return ExecStoreVirtualTuple(slot);
}

// new - old of the delta column, exactly (numeric arithmetic); both are set.
char* delta_text(const char* new_value, const char* old_value) {
  Datum n = DirectFunctionCall3(numeric_in, CStringGetDatum(new_value), ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1));
  Datum o = DirectFunctionCall3(numeric_in, CStringGetDatum(old_value), ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1));
  return DatumGetCString(DirectFunctionCall1(numeric_out, DirectFunctionCall2(numeric_sub, n, o)));
}

// ON CONFLICT DO NOTHING: the lookup and the create of one natural key are
// serialized across the cluster by a transaction-level advisory lock on a
// hash of (server OID, remote table, key value), so sessions racing on the
// same key create it once: the later ones wait, then find it. PostgreSQL
// code, called outside any guarded section (it may wait, be cancelled, or
// end in a deadlock error).
void lock_natural_key(const ModifyState* st, char** cols) {
  if (st->conflict_col < 0 || !cols[st->conflict_col]) return;  // NULL never conflicts: nothing to serialize
  const RelDesc* d = st->desc;
  StringInfoData key;
  initStringInfo(&key);
  appendStringInfo(&key, "commerce_fdw/%u/%s/", d->serverid, d->table->name.c_str());
  const bool fold = d->table->conflict.ignore_case;
  for (const char* p = cols[st->conflict_col]; *p; ++p)
    appendStringInfoChar(&key, fold ? char(pg_ascii_tolower(static_cast<unsigned char>(*p))) : *p);
  const uint64 h = hash_bytes_extended(reinterpret_cast<const unsigned char*>(key.data), key.len, 0);
  DirectFunctionCall1(pg_advisory_xact_lock_int8, Int64GetDatum(int64(h)));
  pfree(key.data);
}

// Runs a step of the writer. A cancel (query cancel, statement_timeout) while
// a request was in flight leaves a WARNING saying what became of the
// statement's rows before PostgreSQL raises its own error.
template <typename F>
void run_write(ModifyExec* x, F&& step) {
  char* detail = nullptr;
  char* hint = nullptr;
  const bool ok = guarded([&] {
    try {
      step();
    } catch (const Cancelled&) {
      if (x && x->writer) {
        x->writer->cancelled_in_flight();
        if (x->writer->ledger().total() > 0) {
          const Error e = x->writer->report(Error(sqlstate::kQueryCanceled, "cancelled"));
          detail = pstrdup_nothrow(e.detail());
          hint = pstrdup_nothrow(e.hint());
        }
      }
      throw;
    }
  });
  if (ok) return;
  if (detail)
    ereport(WARNING, (errmsg("the statement was cancelled while writing to foreign table \"%s\"", x->config.relname.c_str()),
                      errdetail("%s", detail), hint && hint[0] ? errhint("%s", hint) : 0));
  raise_captured();
}

}  // namespace

void begin_modify(ModifyTableState* mtstate, ResultRelInfo* rinfo, List* fdw_private, int, int eflags) {
  EState* estate = mtstate->ps.state;
  Relation rel = rinfo->ri_RelationDesc;
  ModifyState* st = static_cast<ModifyState*>(palloc0(sizeof(ModifyState)));
  rinfo->ri_FdwState = st;
  st->desc = describe_relation(rel);
  st->rule = intVal(list_nth(fdw_private, kModifyRule));
  st->on_conflict = intVal(list_nth(fdw_private, kModifyOnConflict)) != 0;
  st->returning = intVal(list_nth(fdw_private, kModifyReturning)) != 0;
  st->ncolumns = int(st->desc->table->columns.size());
  st->delta_att = -1;
  st->conflict_col = -1;
  if (eflags & EXEC_FLAG_EXPLAIN_ONLY) return;

  const RelDesc* d = st->desc;
  TupleDesc td = RelationGetDescr(rel);
  st->key_junk = static_cast<AttrNumber*>(palloc0(sizeof(AttrNumber) * std::max(1, st->ncolumns)));
  const CmdType op = mtstate->operation;
  if (op == CMD_UPDATE || op == CMD_DELETE) {
    Plan* subplan = outerPlanState(mtstate)->plan;
    for (const auto& key : d->table->key) {
      char* name = psprintf("%s%s", kKeyPrefix, key.c_str());
      AttrNumber att = ExecFindJunkAttributeInTlist(subplan->targetlist, name);
      if (!AttributeNumberIsValid(att))
        ereport(ERROR, (errcode(ERRCODE_FDW_ERROR), errmsg("could not find junk column \"%s\"", name)));
      st->key_junk[d->table->column_index(key)] = att;
    }
    if (op == CMD_UPDATE) st->wholerow = ExecFindJunkAttributeInTlist(subplan->targetlist, "wholerow");
  }
  const std::string& delta_col = d->table->writes[st->rule].delta_column;
  for (int i = 0; i < td->natts && !delta_col.empty(); ++i)
    if (d->column_of[i] >= 0 && d->table->columns[d->column_of[i]].name == delta_col) st->delta_att = i;

  input_functions(td, &st->inputs, &st->ioparams);

  RangeTblEntry* rte = exec_rt_fetch(rinfo->ri_RangeTableIndex, estate);
  const Oid userid = OidIsValid(rte->checkAsUser) ? rte->checkAsUser : GetUserId();
  Oid umid = InvalidOid;
  List* user_options = user_mapping_options(st->desc, userid, &umid);
  // The assigned columns as plain data for the C++ side.
  List* changed_list = static_cast<List*>(list_nth(fdw_private, kModifyChanged));
  const int nchanged = list_length(changed_list);
  const char** changed = static_cast<const char**>(palloc0(sizeof(char*) * std::max(1, nchanged)));
  for (int k = 0; k < nchanged; ++k) changed[k] = strVal(list_nth(changed_list, k));
  st->exec = own_in<ModifyExec>(estate->es_query_cxt);
  Owned<ModifyExec>* owned = st->exec;
  const int rule = st->rule;
  const bool returning = st->returning || st->on_conflict;
  guarded_or_raise([&] {
    auto x = std::make_unique<ModifyExec>();
    x->config = make_config(d, user_options, userid, umid);
    x->session = open_session(*d->api, x->config, &x->stats);
    std::vector<std::string> cols(changed, changed + nchanged);
    const int batch = x->config.batch_size > 0 ? x->config.batch_size : 1 << 30;
    x->writer = std::make_unique<Writer>(*x->session, *d->table, rule, batch, returning, cols);
    owned->object = x.release();
    if (st->on_conflict) st->conflict_col = d->table->column_index(d->table->conflict.column);
  });
}

TupleTableSlot* exec_insert(EState*, ResultRelInfo* rinfo, TupleTableSlot* slot, TupleTableSlot*) {
  ModifyState* st = state_of(rinfo);
  char** cols = slot_to_columns(st, slot);
  ModifyExec* x = st->exec->object;
  bool skip = false;
  const int n = st->ncolumns;
  const bool on_conflict = st->on_conflict;
  if (on_conflict) lock_natural_key(st, cols);
  run_write(x, [&] {
    Row row = to_row(cols, n);
    if (on_conflict && x->writer->exists(row)) {
      skip = true;
      return;
    }
    x->writer->write(row, Row(), std::nullopt, &x->returned);
  });
  if (skip) return nullptr;
  if (st->returning) return store_returned(st, slot, x->returned);
  return slot;
}

int batch_size(ResultRelInfo* rinfo) {
  ModifyState* st = state_of(rinfo);
  const WriteRule& w = st->desc->table->writes[st->rule];
  if (w.batch_max <= 0 || st->returning || st->on_conflict) return 1;
  if (rinfo->ri_TrigDesc && (rinfo->ri_TrigDesc->trig_insert_after_row || rinfo->ri_TrigDesc->trig_insert_before_row))
    return 1;
  int size = w.batch_max;
  if (st->exec && st->exec->object && st->exec->object->config.batch_size > 0)
    size = std::min(size, st->exec->object->config.batch_size);
  return std::max(1, size);
}

TupleTableSlot** exec_batch_insert(EState*, ResultRelInfo* rinfo, TupleTableSlot** slots, TupleTableSlot**,
                                   int* numSlots) {
  ModifyState* st = state_of(rinfo);
  const int n = *numSlots;
  char*** rows = static_cast<char***>(palloc(sizeof(char**) * std::max(1, n)));
  for (int i = 0; i < n; ++i) rows[i] = slot_to_columns(st, slots[i]);
  ModifyExec* x = st->exec->object;
  const int ncol = st->ncolumns;
  run_write(x, [&] {
    std::vector<Row> in;
    for (int i = 0; i < n; ++i) in.push_back(to_row(rows[i], ncol));
    x->writer->write_batch(in);  // no RETURNING here: batch_size() is 1 with it
  });
  return slots;
}

TupleTableSlot* exec_update(EState*, ResultRelInfo* rinfo, TupleTableSlot* slot, TupleTableSlot* planSlot) {
  ModifyState* st = state_of(rinfo);
  char** cols = slot_to_columns(st, slot);
  char** old_cols = old_row_columns(st, planSlot, RelationGetDescr(rinfo->ri_RelationDesc));
  char* delta = nullptr;
  ModifyExec* x = st->exec->object;
  bool have = false;
  const int n = st->ncolumns;
  // A remote row met again in this statement is not written again (the
  // first assignment wins, as for a heap table): not counted, no RETURNING.
  bool first = true;
  run_write(x, [&] { first = x->writer->first_visit(to_row(old_cols, n)); });
  if (!first) return nullptr;
  if (st->delta_att >= 0) {
    const int col = st->desc->column_of[st->delta_att];
    if (!cols[col] || !old_cols[col]) {
      // The statement ends here; the engine says what became of its earlier rows.
      run_write(x, [&] {
        x->writer->refuse(to_row(cols, n), to_row(old_cols, n),
                          Error(sqlstate::kNullValueNotAllowed, st->desc->table->writes[st->rule].null_delta_message));
      });
    }
    delta = delta_text(cols[col], old_cols[col]);
  }
  run_write(x, [&] {
    have = x->writer->write(to_row(cols, n), to_row(old_cols, n),
                            delta ? std::optional<std::string>(delta) : std::nullopt, &x->returned);
  });
  if (st->returning && have) return store_returned(st, slot, x->returned);
  return slot;
}

TupleTableSlot* exec_delete(EState*, ResultRelInfo* rinfo, TupleTableSlot* slot, TupleTableSlot* planSlot) {
  ModifyState* st = state_of(rinfo);
  char** old_cols = old_row_columns(st, planSlot, RelationGetDescr(rinfo->ri_RelationDesc));
  ModifyExec* x = st->exec->object;
  const int n = st->ncolumns;
  bool first = true;
  run_write(x, [&] { first = x->writer->first_visit(to_row(old_cols, n)); });
  if (!first) return nullptr;  // deleted already by this statement
  run_write(x, [&] {
    Row old = to_row(old_cols, n);
    x->writer->write(Row(n), old, std::nullopt, &x->returned);
    x->returned = old;
  });
  if (st->returning) return store_returned(st, slot, x->returned);
  return slot;
}

void end_modify(EState*, ResultRelInfo* rinfo) {
  ModifyState* st = state_of(rinfo);
  if (!st || !st->exec) return;
  Owned<ModifyExec>* owned = st->exec;
  if (owned->object)
    run_write(owned->object, [&] { owned->object->writer->flush(); });  // queued rows go at the end of the statement
  guarded([&] {
    delete owned->object;
    owned->object = nullptr;
  });
}

void explain_modify(ModifyTableState*, ResultRelInfo* rinfo, List* fdw_private, int, ExplainState* es) {
  ModifyState* st = state_of(rinfo);
  const WriteRule& w = st->desc->table->writes[intVal(list_nth(fdw_private, kModifyRule))];
  char* text = nullptr;
  const bool on_conflict = intVal(list_nth(fdw_private, kModifyOnConflict)) != 0;
  const bool returning = intVal(list_nth(fdw_private, kModifyReturning)) != 0;
  guarded_or_raise([&] {
    text = pstrdup_nothrow(describe_write(*st->desc->table, w, returning, on_conflict));
    if (!text) throw std::bad_alloc();
  });
  ExplainPropertyText("Remote API", st->desc->api->name.c_str(), es);
  ExplainPropertyText("Remote write", text, es);
}

}  // namespace cfdw::pg
