// commerce_fdw PostgreSQL glue: the handler, the validator, IMPORT FOREIGN
// SCHEMA and the statistics functions — the extension's SQL-visible entry points.
#include <cstring>
#include <string>

#include "apis/apis.h"
#include "pg/boundary.h"
#include "pg/exec.h"
#include "pg/glue.h"
#include "pg/modify.h"
#include "pg/plan.h"
#include "pg/shared_budget.h"

namespace cfdw::pg {
void validate_options(List* options, Oid catalog);
}

using namespace cfdw;
using namespace cfdw::pg;

extern "C" {

PG_MODULE_MAGIC;

PGDLLEXPORT void _PG_init(void);

// Preloaded (shared_preload_libraries), the library sets up the request
// budgets all backends share; loaded on first use, each backend keeps its own.
void _PG_init(void) { shared_budgets_init(); }

PG_FUNCTION_INFO_V1(commerce_fdw_handler);
PG_FUNCTION_INFO_V1(commerce_fdw_validator);
PG_FUNCTION_INFO_V1(commerce_fdw_stats);
PG_FUNCTION_INFO_V1(commerce_fdw_stats_reset);

static void cfdw_get_rel_size(PlannerInfo* root, RelOptInfo* baserel, Oid id) { get_rel_size(root, baserel, id); }
static void cfdw_get_paths(PlannerInfo* root, RelOptInfo* baserel, Oid id) { get_paths(root, baserel, id); }
static ForeignScan* cfdw_get_plan(PlannerInfo* root, RelOptInfo* rel, Oid id, ForeignPath* path, List* tlist,
                                  List* clauses, Plan* outer) {
  return get_plan(root, rel, id, path, tlist, clauses, outer);
}
static void cfdw_upper_paths(PlannerInfo* root, UpperRelationKind stage, RelOptInfo* in, RelOptInfo* out,
                             void* extra) {
  get_upper_paths(root, stage, in, out, extra);
}
static void cfdw_begin_scan(ForeignScanState* node, int eflags) { begin_scan(node, eflags); }
static TupleTableSlot* cfdw_iterate(ForeignScanState* node) { return iterate_scan(node); }
static void cfdw_rescan(ForeignScanState* node) { rescan_scan(node); }
static void cfdw_end_scan(ForeignScanState* node) { end_scan(node); }
static void cfdw_explain_scan(ForeignScanState* node, ExplainState* es) { explain_scan(node, es); }

static List* cfdw_import(ImportForeignSchemaStmt* stmt, Oid server_oid) {
  ForeignServer* server = GetForeignServer(server_oid);
  const char* api_name = nullptr;
  ListCell* lc;
  foreach (lc, server->options) {
    DefElem* d = static_cast<DefElem*>(lfirst(lc));
    if (std::strcmp(d->defname, "api") == 0) api_name = strVal(d->arg);
  }
  const Api* api = api_name ? find_api(api_name) : nullptr;
  if (!api) ereport(ERROR, (errcode(ERRCODE_FDW_ERROR), errmsg("server \"%s\" has no valid api", server->servername)));
  if (api->name != stmt->remote_schema)
    ereport(ERROR, (errcode(ERRCODE_FDW_SCHEMA_NOT_FOUND),
                    errmsg("schema \"%s\" is not available on server \"%s\"", stmt->remote_schema,
                           server->servername),
                    errhint("The remote schema of this server is \"%s\".", api->name.c_str())));
  List* commands = NIL;
  for (const Table& t : api->tables) {
    char* relname = psprintf("%s_%s", api->name.c_str(), t.name.c_str());
    bool listed = false;
    foreach (lc, stmt->table_list) {
      RangeVar* rv = static_cast<RangeVar*>(lfirst(lc));
      if (std::strcmp(rv->relname, relname) == 0) listed = true;
    }
    if (stmt->list_type == FDW_IMPORT_SCHEMA_LIMIT_TO && !listed) continue;
    if (stmt->list_type == FDW_IMPORT_SCHEMA_EXCEPT && listed) continue;
    StringInfoData sql;
    initStringInfo(&sql);
    appendStringInfo(&sql, "CREATE FOREIGN TABLE %s.%s (\n", quote_identifier(stmt->local_schema),
                     quote_identifier(relname));
    for (size_t i = 0; i < t.columns.size(); ++i)
      appendStringInfo(&sql, "  %s %s%s\n", quote_identifier(t.columns[i].name.c_str()),
                       coltype_sql_name(t.columns[i].type), i + 1 < t.columns.size() ? "," : "");
    appendStringInfo(&sql, ") SERVER %s OPTIONS (resource %s)", quote_identifier(server->servername),
                     quote_literal_cstr(t.name.c_str()));
    commands = lappend(commands, sql.data);
  }
  return commands;
}

Datum commerce_fdw_handler(PG_FUNCTION_ARGS) {
  (void)fcinfo;
  FdwRoutine* r = makeNode(FdwRoutine);
  r->GetForeignRelSize = cfdw_get_rel_size;
  r->GetForeignPaths = cfdw_get_paths;
  r->GetForeignPlan = cfdw_get_plan;
  r->GetForeignUpperPaths = cfdw_upper_paths;
  r->BeginForeignScan = cfdw_begin_scan;
  r->IterateForeignScan = cfdw_iterate;
  r->ReScanForeignScan = cfdw_rescan;
  r->EndForeignScan = cfdw_end_scan;
  r->ExplainForeignScan = cfdw_explain_scan;
  r->IsForeignPathAsyncCapable = is_async_capable_path;
  r->ForeignAsyncRequest = async_request;
  r->ForeignAsyncConfigureWait = async_configure_wait;
  r->ForeignAsyncNotify = async_notify;
  r->AddForeignUpdateTargets = add_update_targets;
  r->PlanForeignModify = plan_modify;
  r->BeginForeignModify = begin_modify;
  r->ExecForeignInsert = exec_insert;
  r->ExecForeignBatchInsert = exec_batch_insert;
  r->GetForeignModifyBatchSize = batch_size;
  r->ExecForeignUpdate = exec_update;
  r->ExecForeignDelete = exec_delete;
  r->EndForeignModify = end_modify;
  r->ExplainForeignModify = explain_modify;
  r->IsForeignRelUpdatable = rel_updatable;
  r->ImportForeignSchema = cfdw_import;
  PG_RETURN_POINTER(r);
}

Datum commerce_fdw_validator(PG_FUNCTION_ARGS) {
  List* options = untransformRelOptions(PG_GETARG_DATUM(0));
  Oid catalog = PG_GETARG_OID(1);
  if (catalog == ForeignDataWrapperRelationId && options != NIL)
    ereport(ERROR, (errcode(ERRCODE_FDW_INVALID_OPTION_NAME), errmsg("invalid option \"%s\"",
                                                                      static_cast<DefElem*>(linitial(options))->defname),
                    errhint("The foreign-data wrapper takes no options; set them on servers and tables.")));
  validate_options(options, catalog);
  PG_RETURN_VOID();
}

Datum commerce_fdw_stats(PG_FUNCTION_ARGS) {
  ReturnSetInfo* rsinfo = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
  InitMaterializedSRF(fcinfo, 0);
  // Copy the counters out of C++ first, then build tuples.
  int n = 0;
  char** names = nullptr;
  int64* vals = nullptr;  // 7 per server
  const bool ok = guarded([&] {
    auto& all = all_stats();
    names = static_cast<char**>(palloc_extended(sizeof(char*) * (all.size() + 1), MCXT_ALLOC_NO_OOM));
    vals = static_cast<int64*>(palloc_extended(sizeof(int64) * 7 * (all.size() + 1), MCXT_ALLOC_NO_OOM));
    if (!names || !vals) throw std::bad_alloc();
    for (const auto& [server, s] : all) {
      names[n] = pstrdup_nothrow(server);
      if (!names[n]) throw std::bad_alloc();
      int64* v = vals + 7 * n;
      v[0] = s.http.requests;
      v[1] = s.http.errors;
      v[2] = s.http.retries;
      v[3] = s.http.http_429;
      v[4] = int64(s.http.rate_wait_ms);
      v[5] = s.http.bytes_received;
      v[6] = s.rows;
      ++n;
    }
  });
  if (!ok) raise_captured();
  for (int i = 0; i < n; ++i) {
    Datum values[8];
    bool nulls[8] = {false};
    values[0] = CStringGetTextDatum(names[i]);
    for (int k = 0; k < 7; ++k) values[k + 1] = Int64GetDatum(vals[7 * i + k]);
    tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
  }
  return (Datum)0;
}

Datum commerce_fdw_stats_reset(PG_FUNCTION_ARGS) {
  (void)fcinfo;
  guarded([] { all_stats().clear(); });
  PG_RETURN_VOID();
}

}  // extern "C"
