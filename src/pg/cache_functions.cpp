// commerce_fdw PostgreSQL glue: the SQL functions of the response cache,
// commerce_fdw_cache_reset() and commerce_fdw_cache_info() (the cache itself:
// engine/run/cache.h, shared by every backend when preloaded: shared_cache.cpp).
#include <cstring>
#include <new>
#include <vector>

#include "engine/http/ratelimit.h"
#include "engine/run/cache.h"
#include "pg/boundary.h"
#include "pg/glue.h"
#include "pg/ops.h"
#include "pg/pg.h"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
extern "C" {
#include "commands/dbcommands.h"
#include "foreign/foreign.h"
}
#pragma GCC diagnostic pop

using namespace cfdw;
using namespace cfdw::pg;

extern "C" {

PG_FUNCTION_INFO_V1(commerce_fdw_cache_reset);
PG_FUNCTION_INFO_V1(commerce_fdw_cache_info);

// Clears a server's cached answers and counters (all servers' when NULL):
// every backend's when shared, else the calling backend's. Superusers only,
// unless EXECUTE was granted (checked here too: a function executable by
// PUBLIC is refused to others).
Datum commerce_fdw_cache_reset(PG_FUNCTION_ARGS) {
  if (!superuser() && public_may_execute(fcinfo->flinfo->fn_oid))
    ereport(ERROR, (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
                    errmsg("permission denied for function commerce_fdw_cache_reset"),
                    errhint("Only superusers, and roles granted EXECUTE on it, may clear the response cache.")));
  Oid server = InvalidOid;
  if (!PG_ARGISNULL(0)) server = GetForeignServerByName(NameStr(*PG_GETARG_NAME(0)), false)->serverid;
  response_cache().clear(server);
  PG_RETURN_VOID();
}

// Per server (and database): the cached answers, their bytes, hits, misses
// and evictions. Superusers and members of pg_read_all_stats.
Datum commerce_fdw_cache_info(PG_FUNCTION_ARGS) {
  if (!may_read_all_stats())
    ereport(ERROR, (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
                    errmsg("permission denied for function commerce_fdw_cache_info"),
                    errhint("Members of pg_read_all_stats may read it.")));
  ReturnSetInfo* rsinfo = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
  InitMaterializedSRF(fcinfo, 0);
  constexpr int kColumns = 7;
  if (rsinfo->setDesc->natts != kColumns)
    ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                    errmsg("commerce_fdw_cache_info() is declared with %d columns, which this library does not know",
                           rsinfo->setDesc->natts),
                    errhint("Run ALTER EXTENSION commerce_fdw UPDATE.")));
  struct Row {
    Oid database;
    char* server;
    int64 v[5];
  };
  int n = 0;
  Row* rows = nullptr;
  guarded_or_raise([&] {
    const std::vector<CacheServerInfo> all = response_cache().info(monotonic_ms());
    rows = static_cast<Row*>(palloc_extended(sizeof(Row) * (all.size() + 1), MCXT_ALLOC_NO_OOM | MCXT_ALLOC_ZERO));
    if (!rows) throw std::bad_alloc();
    for (const CacheServerInfo& i : all) {
      Row& r = rows[n];
      r.database = i.database ? i.database : MyDatabaseId;
      r.server = pstrdup_nothrow(i.server);
      if (!r.server) throw std::bad_alloc();
      const int64 v[5] = {i.entries, i.bytes, i.hits, i.misses, i.evictions};
      std::memcpy(r.v, v, sizeof v);
      ++n;
    }
  });
  for (int i = 0; i < n; ++i) {
    Datum values[kColumns];
    bool nulls[kColumns] = {false};
    values[0] = CStringGetTextDatum(rows[i].server);
    for (int k = 0; k < 5; ++k) values[k + 1] = Int64GetDatum(rows[i].v[k]);
    const char* db = get_database_name(rows[i].database);
    nulls[6] = db == nullptr;
    if (db) values[6] = DirectFunctionCall1(namein, CStringGetDatum(db));
    tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
  }
  return (Datum)0;
}

}  // extern "C"
