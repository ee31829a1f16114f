// commerce_fdw PostgreSQL glue: the handler, the validator, what each table
// can write, and the statistics functions — the extension's SQL-visible entry
// points. IMPORT FOREIGN SCHEMA: import.cpp.
#include <algorithm>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "pg/boundary.h"
#include "pg/exec.h"
#include "pg/glue.h"
#include "pg/import.h"
#include "pg/options.h"
#include "pg/modify.h"
#include "pg/ops.h"
#include "pg/plan.h"
#include "pg/remote_size.h"
#include "pg/shared_budget.h"
#include "pg/shared_cache.h"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
extern "C" {
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "commands/comment.h"
#include "commands/dbcommands.h"
#include "tcop/utility.h"
}
#pragma GCC diagnostic pop


using namespace cfdw;
using namespace cfdw::pg;

extern "C" {

PG_MODULE_MAGIC;

PGDLLEXPORT void _PG_init(void);

// Settings; preloaded (shared_preload_libraries), the library sets up the
// statistics and request budgets all backends share; loaded on first use,
// each backend keeps its own. The utility hook comments the tables IMPORT
// FOREIGN SCHEMA creates (the library is loaded before the import runs them).
void _PG_init(void) {
  remote_sizes_init();
  shared_cache_init();  // first: its setting must exist before ops_init() reserves the prefix
  ops_init();
  shared_budgets_init();
  prev_process_utility = ProcessUtility_hook;
  ProcessUtility_hook = cfdw_process_utility;
}

PG_FUNCTION_INFO_V1(commerce_fdw_handler);
PG_FUNCTION_INFO_V1(commerce_fdw_validator);
PG_FUNCTION_INFO_V1(commerce_fdw_stats);
PG_FUNCTION_INFO_V1(commerce_fdw_stats_reset);

// What the table can write, from its declared write rules: read-only 0,
// insert-only 1 << CMD_INSERT (8), and so on. A table whose declaration
// cannot be found reports nothing (using it fails with the reason).
static int cfdw_rel_updatable(Relation rel) {
  ForeignTable* ft = GetForeignTable(RelationGetRelid(rel));
  ForeignServer* server = GetForeignServer(ft->serverid);
  const char* api_name = nullptr;
  const char* resource = nullptr;
  ListCell* lc;
  foreach (lc, server->options) {
    DefElem* d = static_cast<DefElem*>(lfirst(lc));
    if (std::strcmp(d->defname, "api") == 0) api_name = strVal(d->arg);
  }
  foreach (lc, ft->options) {
    DefElem* d = static_cast<DefElem*>(lfirst(lc));
    if (std::strcmp(d->defname, "resource") == 0) resource = strVal(d->arg);
  }
  const Api* api = api_name ? find_api(api_name) : nullptr;
  if (!api) return 0;
  const char* relname = RelationGetRelationName(rel);
  const std::string prefix = api->name + "_";
  const Table* t = nullptr;
  if (resource)
    t = api->table(resource);
  else if (std::strncmp(relname, prefix.c_str(), prefix.size()) == 0)
    t = api->table(relname + prefix.size());
  if (!t) return 0;
  int mask = 0;
  if (table_writes(*t, WriteKind::Insert)) mask |= 1 << CMD_INSERT;
  if (table_writes(*t, WriteKind::Update)) mask |= 1 << CMD_UPDATE;
  if (table_writes(*t, WriteKind::Delete)) mask |= 1 << CMD_DELETE;
  return mask;
}

Datum commerce_fdw_handler(PG_FUNCTION_ARGS) {
  (void)fcinfo;
  FdwRoutine* r = makeNode(FdwRoutine);
  r->GetForeignRelSize = get_rel_size;
  r->GetForeignPaths = get_paths;
  r->GetForeignPlan = get_plan;
  r->GetForeignUpperPaths = get_upper_paths;
  r->BeginForeignScan = begin_scan;
  r->IterateForeignScan = iterate_scan;
  r->ReScanForeignScan = rescan_scan;
  r->EndForeignScan = end_scan;
  r->ExplainForeignScan = explain_scan;
  r->IsForeignPathAsyncCapable = is_async_capable_path;
  r->ForeignAsyncRequest = async_request;
  r->ForeignAsyncConfigureWait = async_configure_wait;
  r->ForeignAsyncNotify = async_notify;
  r->AnalyzeForeignTable = analyze_table;
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
  r->IsForeignRelUpdatable = cfdw_rel_updatable;
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

// Per server (and database): requests, errors, retries, 429s, wait ms, bytes,
// rows, and (version 1.1) the last failed request and when it failed. Version
// 1.0 of the SQL function declares the first eight columns only: the columns
// the caller declared are filled.
Datum commerce_fdw_stats(PG_FUNCTION_ARGS) {
  ReturnSetInfo* rsinfo = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
  InitMaterializedSRF(fcinfo, 0);
  // Columns: the server, the counters, then (since 1.1) last_error, last_error_at, database.
  constexpr int kBaseColumns = 1 + kStatsCounterCount;
  constexpr int kAllColumns = kBaseColumns + 3;
  const int natts = rsinfo->setDesc->natts;
  if (natts != kBaseColumns && natts != kAllColumns)
    ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                    errmsg("commerce_fdw_stats() is declared with %d columns, which this library does not know", natts),
                    errhint("Run ALTER EXTENSION commerce_fdw UPDATE.")));
  // Copy the counters out of C++ first, then build tuples.
  struct Row {
    Oid database;
    char* server;
    int64 v[kStatsCounterCount];
    char* last_error;  // nullptr: none
    TimestampTz last_error_at;
  };
  int n = 0;
  Row* rows = nullptr;
  // Entries of dropped databases and servers go first; other databases' rows
  // only for superusers and pg_read_all_stats members, whatever the SQL grants.
  stats_reclaim();
  const bool other_databases = may_read_all_stats();
  guarded_or_raise([&] {
    const std::vector<StatsRow> all = stats_rows();
    rows = static_cast<Row*>(palloc_extended(sizeof(Row) * (all.size() + 1), MCXT_ALLOC_NO_OOM | MCXT_ALLOC_ZERO));
    if (!rows) throw std::bad_alloc();
    for (const StatsRow& s : all) {
      if (!other_databases && s.database != MyDatabaseId) continue;
      Row& r = rows[n];
      r.database = s.database;
      r.server = pstrdup_nothrow(s.server);
      if (!r.server) throw std::bad_alloc();
      for (int k = 0; k < kStatsCounterCount; ++k) r.v[k] = s.*kStatsCounters[k];
      if (!s.last_error.empty()) {
        r.last_error = pstrdup_nothrow(s.last_error);
        if (!r.last_error) throw std::bad_alloc();
      }
      r.last_error_at = s.last_error_at;
      ++n;
    }
  });
  for (int i = 0; i < n; ++i) {
    Datum values[kAllColumns];
    bool nulls[kAllColumns] = {false};
    values[0] = CStringGetTextDatum(rows[i].server);
    for (int k = 0; k < kStatsCounterCount; ++k) values[k + 1] = Int64GetDatum(rows[i].v[k]);
    if (natts == kAllColumns) {
      nulls[kBaseColumns] = nulls[kBaseColumns + 1] = rows[i].last_error == nullptr;
      if (rows[i].last_error) {
        values[kBaseColumns] = CStringGetTextDatum(rows[i].last_error);
        values[kBaseColumns + 1] = TimestampTzGetDatum(rows[i].last_error_at);
      }
      const char* db = get_database_name(rows[i].database);
      nulls[kBaseColumns + 2] = db == nullptr;
      if (db) values[kBaseColumns + 2] = DirectFunctionCall1(namein, CStringGetDatum(db));
    }
    tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
  }
  return (Datum)0;
}

// Clears the statistics: every backend's when preloaded (superusers, or a
// role granted EXECUTE while PUBLIC may not execute it: check_may_reset),
// else the calling backend's.
Datum commerce_fdw_stats_reset(PG_FUNCTION_ARGS) {
  check_may_reset(fcinfo->flinfo->fn_oid);
  stats_reset();
  PG_RETURN_VOID();
}

}  // extern "C"
