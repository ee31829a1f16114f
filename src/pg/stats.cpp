// commerce_fdw PostgreSQL glue: the statistics behind commerce_fdw_stats(),
// commerce_fdw_stats_info() and commerce_fdw_stats_detail() (see ops.h).
//
// Shared statistics are a table of commerce_fdw.stats_max entries in shared
// memory, keyed by (database OID, server OID), behind one LWLock. A backend
// adds to its server's entry whenever one of its requests changes phase or
// ends (stats_flush: what its table access counted since the last flush), so
// the totals move while a statement runs. When the table is full, the least
// recently used entry is evicted and counted (commerce_fdw_stats_info().dealloc).
// Entries of dropped databases (checked against pg_database, a shared
// catalog) and of the current database's dropped servers are freed by
// stats_reclaim(), which every statistics function runs before it reads; an
// entry nobody uses any more is also the first one evicted. Nothing under the
// lock can raise or throw.
#include <cstring>
#include <map>
#include <new>
#include <unordered_map>
#include <vector>

#include "pg/ops_internal.h"
#include "pg/pg.h"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
extern "C" {
#include "catalog/pg_authid.h"
#include "catalog/pg_proc.h"
#include "commands/dbcommands.h"
#include "utils/acl.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"
}
#pragma GCC diagnostic pop

namespace cfdw::pg {

namespace {

int g_stats_max = 256;

struct StatSlot {
  Oid database;              // InvalidOid: free
  Oid server_id;
  char server[NAMEDATALEN];  // the server's name when last used
  int64 counters[kStatsCounterCount];  // in kStatsCounters order, the wait in microseconds
  int64 cancelled;
  char last_error[kErrorText];
  TimestampTz last_error_at;
  TimestampTz last_used;
};

struct SharedStats {
  LWLock* lock;
  int slots;                 // commerce_fdw.stats_max at startup
  int64 dealloc;             // entries evicted to make room
  TimestampTz stats_reset;   // last reset (or startup)
  StatSlot slot[FLEXIBLE_ARRAY_MEMBER];
};

SharedStats* g_stats = nullptr;

Size stats_size(int slots) { return add_size(offsetof(SharedStats, slot), mul_size(sizeof(StatSlot), slots)); }

void clear_slot(StatSlot& s) {
  std::memset(&s, 0, sizeof s);
  s.database = InvalidOid;
}

// The backend's guess of where its server's entry is (checked under the lock).
int g_slot_hint = -1;

// With the lock held exclusively: the entry of (database, server), claimed if
// need be, evicting the least recently used one when the table is full.
StatSlot* slot_locked(Oid database, Oid server_id, const char* name) {
  StatSlot* slots = g_stats->slot;
  const int n = g_stats->slots;
  StatSlot* found = nullptr;
  if (g_slot_hint >= 0 && g_slot_hint < n && slots[g_slot_hint].database == database &&
      slots[g_slot_hint].server_id == server_id)
    found = &slots[g_slot_hint];
  StatSlot* free_slot = nullptr;
  StatSlot* oldest = nullptr;
  for (int i = 0; i < n && !found; ++i) {
    StatSlot& s = slots[i];
    if (s.database == database && s.server_id == server_id) {
      found = &s;
    } else if (s.database == InvalidOid) {
      if (!free_slot) free_slot = &s;
    } else if (!oldest || s.last_used < oldest->last_used) {
      oldest = &s;
    }
  }
  if (!found) {
    found = free_slot ? free_slot : oldest;
    if (!found) return nullptr;  // (no slot at all)
    if (!free_slot) ++g_stats->dealloc;
    clear_slot(*found);
    found->database = database;
    found->server_id = server_id;
  }
  g_slot_hint = int(found - slots);
  copy_text(found->server, NAMEDATALEN, name);  // (a renamed server shows its new name)
  found->last_used = GetCurrentTimestamp();
  return found;
}

// Per backend, when not preloaded (the wait in microseconds).
std::map<std::string, StatsRow>& local_stats() {
  static std::map<std::string, StatsRow> stats;
  return stats;
}

// What each live table access had already added (stats_flush's deltas).
std::unordered_map<const ServerStats*, ServerStats>& flushed() {
  static std::unordered_map<const ServerStats*, ServerStats> sent;
  return sent;
}

// The difference of two snapshots of a table access's counters, as a row (the wait in microseconds).
StatsRow delta(const ServerStats& now, const ServerStats& before) {
  StatsRow r;
  r.requests = now.http.requests - before.http.requests;
  r.errors = now.http.errors - before.http.errors;
  r.retries = now.http.retries - before.http.retries;
  r.http_429 = now.http.http_429 - before.http.http_429;
  r.wait_ms = int64_t(now.http.rate_wait_ms * 1000) - int64_t(before.http.rate_wait_ms * 1000);
  r.bytes = now.http.bytes_received - before.http.bytes_received;
  r.rows = now.rows - before.rows;
  r.cancelled = now.http.cancelled - before.http.cancelled;
  return r;
}

bool is_zero(const StatsRow& r) {
  for (const auto field : kStatsCounters)
    if (r.*field != 0) return false;
  return r.cancelled == 0;
}

// A total as commerce_fdw_stats() shows it: the wait in milliseconds.
void to_ms(StatsRow* r) { r->wait_ms /= 1000; }

}  // namespace

void note_error(const Config& cfg, const char* text) noexcept {
  const TimestampTz now = GetCurrentTimestamp();
  if (g_stats) {
    LWLockAcquire(g_stats->lock, LW_EXCLUSIVE);
    if (StatSlot* s = slot_locked(MyDatabaseId, cfg.server_id, cfg.server.c_str())) {
      copy_text(s->last_error, sizeof s->last_error, text);
      s->last_error_at = now;
    }
    LWLockRelease(g_stats->lock);
    return;
  }
  try {
    StatsRow& r = local_stats()[cfg.server];
    r.last_error = text;
    r.last_error_at = now;
  } catch (...) {
  }
}

void stats_define_settings() {
  DefineCustomIntVariable(
      "commerce_fdw.stats_max", "Foreign servers whose statistics are kept in shared memory.",
      "Entries are per database and server; when the table is full the least recently used one is evicted "
      "(commerce_fdw_stats_info().dealloc counts them). Takes effect at server start.",
      &g_stats_max, 256, 16, 100000, PGC_POSTMASTER, 0, nullptr, nullptr, nullptr);
}

size_t stats_shmem_size() { return stats_size(g_stats_max); }

void stats_shmem_startup() {
  bool found = false;
  auto* s = static_cast<SharedStats*>(ShmemInitStruct("commerce_fdw statistics", stats_size(g_stats_max), &found));
  if (!found) {
    s->lock = &(GetNamedLWLockTranche("commerce_fdw statistics"))->lock;
    s->slots = g_stats_max;
    s->dealloc = 0;
    s->stats_reset = GetCurrentTimestamp();
    for (int i = 0; i < s->slots; ++i) clear_slot(s->slot[i]);
  }
  g_stats = s;
}

void stats_flush(const Config& cfg, const ServerStats& live, bool final) noexcept {
  StatsRow added;
  try {
    auto& sent = flushed();
    if (final) {
      auto it = sent.find(&live);
      added = delta(live, it == sent.end() ? ServerStats() : it->second);
      if (it != sent.end()) sent.erase(it);
    } else {
      ServerStats& before = sent[&live];
      added = delta(live, before);
      before = live;
    }
  } catch (...) {
    return;  // out of memory while counting: the counters are lost, the query is not
  }
  if (is_zero(added)) return;
  activity_count(added.requests, added.rows);
  if (g_stats) {
    LWLockAcquire(g_stats->lock, LW_EXCLUSIVE);
    if (StatSlot* s = slot_locked(MyDatabaseId, cfg.server_id, cfg.server.c_str())) {
      for (int k = 0; k < kStatsCounterCount; ++k) s->counters[k] += added.*kStatsCounters[k];
      s->cancelled += added.cancelled;
    }
    LWLockRelease(g_stats->lock);
    return;
  }
  try {
    StatsRow& r = local_stats()[cfg.server];
    r.database = MyDatabaseId;
    r.server_id = cfg.server_id;
    r.server = cfg.server;
    for (const auto field : kStatsCounters) r.*field += added.*field;
    r.cancelled += added.cancelled;
    r.last_used = GetCurrentTimestamp();
  } catch (...) {
  }
}

std::vector<StatsRow> stats_rows() {
  std::vector<StatsRow> out;
  if (!g_stats) {
    for (const auto& [server, r] : local_stats()) {
      out.push_back(r);
      out.back().database = MyDatabaseId;
      out.back().server = server;
      to_ms(&out.back());
    }
    return out;
  }
  // Copied under the lock into plain storage, then turned into rows.
  std::vector<StatSlot> copy(g_stats->slots);
  LWLockAcquire(g_stats->lock, LW_SHARED);
  std::memcpy(static_cast<void*>(copy.data()), g_stats->slot, sizeof(StatSlot) * copy.size());
  LWLockRelease(g_stats->lock);
  for (const StatSlot& s : copy) {
    if (s.database == InvalidOid) continue;
    StatsRow r;
    r.database = s.database;
    r.server_id = s.server_id;
    r.server.assign(s.server, strnlen(s.server, NAMEDATALEN));
    for (int k = 0; k < kStatsCounterCount; ++k) r.*kStatsCounters[k] = s.counters[k];
    r.cancelled = s.cancelled;
    to_ms(&r);
    r.last_error.assign(s.last_error, strnlen(s.last_error, sizeof s.last_error));
    r.last_error_at = s.last_error_at;
    r.last_used = s.last_used;
    out.push_back(std::move(r));
  }
  return out;
}

void stats_reset() noexcept {
  if (g_stats) {
    LWLockAcquire(g_stats->lock, LW_EXCLUSIVE);
    for (int i = 0; i < g_stats->slots; ++i) clear_slot(g_stats->slot[i]);
    g_stats->dealloc = 0;
    g_stats->stats_reset = GetCurrentTimestamp();
    LWLockRelease(g_stats->lock);
    return;
  }
  local_stats().clear();
}

void stats_reclaim() {
  if (!g_stats) return;
  const int n = g_stats->slots;
  struct Key {
    Oid database, server;
  };
  Key* keys = static_cast<Key*>(palloc(sizeof(Key) * n));
  LWLockAcquire(g_stats->lock, LW_SHARED);
  for (int i = 0; i < n; ++i) keys[i] = {g_stats->slot[i].database, g_stats->slot[i].server_id};
  LWLockRelease(g_stats->lock);
  // Which entries are gone: their database (pg_database is shared by every
  // database), or their server when it belonged to this database.
  bool* gone = static_cast<bool*>(palloc0(sizeof(bool) * n));
  int count = 0;
  for (int i = 0; i < n; ++i) {
    if (keys[i].database == InvalidOid) continue;
    if (keys[i].database == MyDatabaseId)
      gone[i] = !SearchSysCacheExists1(FOREIGNSERVEROID, ObjectIdGetDatum(keys[i].server));
    else
      gone[i] = !SearchSysCacheExists1(DATABASEOID, ObjectIdGetDatum(keys[i].database));
    count += gone[i];
  }
  if (count > 0) {
    LWLockAcquire(g_stats->lock, LW_EXCLUSIVE);
    for (int i = 0; i < n; ++i)
      if (gone[i] && g_stats->slot[i].database == keys[i].database && g_stats->slot[i].server_id == keys[i].server)
        clear_slot(g_stats->slot[i]);
    LWLockRelease(g_stats->lock);
  }
  pfree(keys);
  pfree(gone);
}

bool may_read_all_stats() { return superuser() || has_privs_of_role(GetUserId(), ROLE_PG_READ_ALL_STATS); }

bool public_may_execute(unsigned function) {
  HeapTuple tuple = SearchSysCache1(PROCOID, ObjectIdGetDatum(function));
  if (!HeapTupleIsValid(tuple)) return true;
  bool isnull = false;
  const Datum acl_datum = SysCacheGetAttr(PROCOID, tuple, Anum_pg_proc_proacl, &isnull);
  bool result = true;  // a NULL ACL is the default one: EXECUTE to PUBLIC
  if (!isnull) {
    const Acl* acl = DatumGetAclP(acl_datum);
    const AclItem* items = ACL_DAT(acl);
    result = false;
    for (int i = 0; i < ACL_NUM(acl); ++i)
      if (items[i].ai_grantee == ACL_ID_PUBLIC && (ACLITEM_GET_PRIVS(items[i]) & ACL_EXECUTE)) result = true;
  }
  ReleaseSysCache(tuple);
  return result;
}

// A reset clears the whole cluster's statistics. Allowed to superusers, and
// to a role that may execute the function while PUBLIC may not: the 1.1 and
// later scripts revoke it from PUBLIC, so only an explicit GRANT opens it;
// under 1.0's script (executable by PUBLIC) only superusers reset.
void check_may_reset(unsigned function) {
  if (superuser()) return;
  if (public_may_execute(function))
    ereport(ERROR, (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
                    errmsg("permission denied to reset commerce_fdw statistics"),
                    errdetail("Only superusers reset them while commerce_fdw_stats_reset() is executable by PUBLIC."),
                    errhint("Run ALTER EXTENSION commerce_fdw UPDATE, then GRANT EXECUTE on the function to the role.")));
}

}  // namespace cfdw::pg

// ---------------------------------------------------------------------------
// SQL functions of 1.2

using namespace cfdw::pg;

namespace {

Datum name_datum(const char* s) { return DirectFunctionCall1(namein, CStringGetDatum(s)); }

}  // namespace

extern "C" {

PG_FUNCTION_INFO_V1(commerce_fdw_stats_info);
PG_FUNCTION_INFO_V1(commerce_fdw_stats_detail);

// One row: entries evicted to make room (dealloc), the last reset, and the
// table's size and use.
Datum commerce_fdw_stats_info(PG_FUNCTION_ARGS) {
  TupleDesc desc;
  if (get_call_result_type(fcinfo, nullptr, &desc) != TYPEFUNC_COMPOSITE)
    ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED), errmsg("return type must be a row type")));
  stats_reclaim();
  Datum values[4];
  bool nulls[4] = {false, false, false, false};
  if (g_stats) {
    LWLockAcquire(g_stats->lock, LW_SHARED);
    int used = 0;
    for (int i = 0; i < g_stats->slots; ++i) used += g_stats->slot[i].database != InvalidOid;
    values[0] = Int64GetDatum(g_stats->dealloc);
    values[1] = TimestampTzGetDatum(g_stats->stats_reset);
    values[2] = Int32GetDatum(g_stats->slots);
    values[3] = Int32GetDatum(used);
    LWLockRelease(g_stats->lock);
  } else {
    values[0] = Int64GetDatum(0);
    nulls[1] = true;
    nulls[2] = true;
    values[3] = Int32GetDatum(0);
  }
  PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(desc), values, nulls)));
}

// Per server: what commerce_fdw_stats() does not show (1.2): the server's
// OID, the requests cut short by a cancel, and when it was last used.
Datum commerce_fdw_stats_detail(PG_FUNCTION_ARGS) {
  ReturnSetInfo* rsinfo = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
  InitMaterializedSRF(fcinfo, 0);
  stats_reclaim();
  const bool all = may_read_all_stats();
  struct Row {
    Oid database, server_id;
    char* server;
    int64 cancelled;
    TimestampTz last_used;
  };
  int n = 0;
  Row* rows = nullptr;
  bool failed = false;
  try {
    const std::vector<StatsRow> got = stats_rows();
    rows = static_cast<Row*>(palloc_extended(sizeof(Row) * (got.size() + 1), MCXT_ALLOC_NO_OOM | MCXT_ALLOC_ZERO));
    if (!rows) throw std::bad_alloc();
    for (const StatsRow& s : got) {
      if (!all && s.database != MyDatabaseId) continue;
      Row& r = rows[n];
      r.database = s.database;
      r.server_id = s.server_id;
      r.server = static_cast<char*>(palloc_extended(s.server.size() + 1, MCXT_ALLOC_NO_OOM));
      if (!r.server) throw std::bad_alloc();
      std::memcpy(r.server, s.server.c_str(), s.server.size() + 1);
      r.cancelled = s.cancelled;
      r.last_used = s.last_used;
      ++n;
    }
  } catch (...) {
    failed = true;
  }
  if (failed) ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
  for (int i = 0; i < n; ++i) {
    Datum values[5];
    bool nulls[5] = {false, false, false, false, false};
    const char* db = get_database_name(rows[i].database);
    nulls[0] = db == nullptr;
    if (db) values[0] = name_datum(db);
    values[1] = CStringGetTextDatum(rows[i].server);
    values[2] = ObjectIdGetDatum(rows[i].server_id);
    values[3] = Int64GetDatum(rows[i].cancelled);
    nulls[4] = rows[i].last_used == 0;
    values[4] = TimestampTzGetDatum(rows[i].last_used);
    tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
  }
  return (Datum)0;
}

}  // extern "C"
