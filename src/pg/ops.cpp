// commerce_fdw PostgreSQL glue: settings, statistics, activity, request log,
// wait events (see ops.h).
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
//
// Activity: one slot per backend (MaxBackends), written only by its backend
// under a change counter (as PostgreSQL's st_changecount): the counter is odd
// while the slot changes, and a reader copies the slot until it saw the same
// even counter before and after.
//
// The request log is written from inside the engine's event loop (a C++
// frame), at the moment an attempt ends, so retries are logged as they
// happen: each line is sent with ereport(LOG) inside PG_TRY/PG_CATCH, which
// drops any error right there (as notice_safely does), so no longjmp crosses
// a C++ frame.
#include "pg/ops.h"

#include <cstdio>
#include <cstring>
#include <map>
#include <new>
#include <unordered_map>

#include "pg/pg.h"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
extern "C" {
#include "catalog/pg_authid.h"
#include "catalog/pg_proc.h"
#include "commands/dbcommands.h"
#include "storage/backendid.h"
#include "utils/acl.h"
#include "utils/backend_status.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"
#include "utils/wait_event.h"
}
#pragma GCC diagnostic pop

namespace cfdw::pg {

namespace {

// ---------------------------------------------------------------------------
// Settings

int g_log_requests = kLogErrors;
char* g_secret_dir = nullptr;
int g_stats_max = 256;

const struct config_enum_entry kLogLevels[] = {
    {"off", kLogOff, false},
    {"errors", kLogErrors, false},
    {"writes", kLogWrites, false},
    {"all", kLogAll, false},
    {nullptr, 0, false},
};

// ---------------------------------------------------------------------------
// Shared statistics

constexpr int kErrorText = 256;

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

// ---------------------------------------------------------------------------
// Activity

constexpr int kActivityRequests = 16;  // requests shown per backend
constexpr int kActivityPath = 256;

enum ActState { kActNone = 0, kActHttp, kActRateLimit, kActLogin, kActRetryWait };
const char* const kActStateNames[] = {"", "http", "rate_limit", "login", "retry_wait"};

struct ActRequest {
  int state;                 // kActNone: unused
  uintptr_t key;             // the backend's HttpRequest (only its own backend compares it)
  char server[NAMEDATALEN];
  char table[NAMEDATALEN];
  char method[8];
  char path[kActivityPath];
  TimestampTz since;         // when it entered this state
};

struct ActSlot {
  pg_atomic_uint32 changecount;
  int pid;                   // 0: no backend
  Oid userid;
  Oid database;
  TimestampTz statement_start;
  int64 statement_requests;  // the statement's requests and rows so far
  int64 statement_rows;
  ActRequest req[kActivityRequests];
};

SharedStats* g_stats = nullptr;
ActSlot* g_activity = nullptr;
int g_activity_slots = 0;
shmem_request_hook_type g_prev_request = nullptr;
shmem_startup_hook_type g_prev_startup = nullptr;

Size stats_size(int slots) { return add_size(offsetof(SharedStats, slot), mul_size(sizeof(StatSlot), slots)); }

void clear_slot(StatSlot& s) {
  std::memset(&s, 0, sizeof s);
  s.database = InvalidOid;
}

void request_shmem() {
  if (g_prev_request) g_prev_request();
  RequestAddinShmemSpace(stats_size(g_stats_max));
  RequestAddinShmemSpace(mul_size(sizeof(ActSlot), MaxBackends));
  RequestNamedLWLockTranche("commerce_fdw statistics", 1);
}

void startup_shmem() {
  if (g_prev_startup) g_prev_startup();
  LWLockAcquire(AddinShmemInitLock, LW_EXCLUSIVE);
  bool found = false;
  auto* s = static_cast<SharedStats*>(ShmemInitStruct("commerce_fdw statistics", stats_size(g_stats_max), &found));
  if (!found) {
    s->lock = &(GetNamedLWLockTranche("commerce_fdw statistics"))->lock;
    s->slots = g_stats_max;
    s->dealloc = 0;
    s->stats_reset = GetCurrentTimestamp();
    for (int i = 0; i < s->slots; ++i) clear_slot(s->slot[i]);
  }
  bool act_found = false;
  auto* a = static_cast<ActSlot*>(
      ShmemInitStruct("commerce_fdw activity", mul_size(sizeof(ActSlot), MaxBackends), &act_found));
  if (!act_found) {
    std::memset(static_cast<void*>(a), 0, sizeof(ActSlot) * MaxBackends);
    for (int i = 0; i < MaxBackends; ++i) pg_atomic_init_u32(&a[i].changecount, 0);
  }
  g_stats = s;
  g_activity = a;
  g_activity_slots = MaxBackends;
  LWLockRelease(AddinShmemInitLock);
}

void copy_text(char* dst, size_t n, const char* src) {
  const size_t len = strnlen(src, n - 1);
  std::memcpy(dst, src, len);
  dst[len] = '\0';
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

// ---------------------------------------------------------------------------
// Activity (the backend's own slot)

ActSlot* my_activity() {
  if (!g_activity || MyBackendId < 1 || MyBackendId > g_activity_slots) return nullptr;
  return &g_activity[MyBackendId - 1];
}

// Whether this backend has claimed its slot (and set the exit callback).
bool g_activity_claimed = false;

void activity_begin(ActSlot* a) {
  pg_atomic_fetch_add_u32(&a->changecount, 1);
  pg_write_barrier();
}

void activity_end(ActSlot* a) {
  pg_write_barrier();
  pg_atomic_fetch_add_u32(&a->changecount, 1);
}

void activity_exit(int, Datum) {
  ActSlot* a = my_activity();
  if (!a) return;
  activity_begin(a);
  a->pid = 0;
  for (ActRequest& r : a->req) r.state = kActNone;
  activity_end(a);
}

// With the slot being written: claims it for this backend (once), and starts
// the statement's counters afresh when a new statement began.
void activity_own(ActSlot* a) {
  if (!g_activity_claimed) {
    g_activity_claimed = true;
    std::memset(a->req, 0, sizeof a->req);
    a->statement_start = 0;
    before_shmem_exit(activity_exit, 0);
  }
  a->pid = MyProcPid;
  a->userid = GetUserId();
  a->database = MyDatabaseId;
  const TimestampTz statement = GetCurrentStatementStartTimestamp();
  if (a->statement_start != statement) {
    a->statement_start = statement;
    a->statement_requests = 0;
    a->statement_rows = 0;
  }
}

// ---------------------------------------------------------------------------
// Request log

// Interrupts are held meanwhile: ereport() checks for them after a LOG line,
// and a cancel taken there would be dropped with the error instead of being
// raised by the statement (with its own message: statement timeout, ...).
void log_safely(const char* line) noexcept {
  MemoryContext oldcxt = CurrentMemoryContext;
  HOLD_INTERRUPTS();
  PG_TRY();
  {
    ereport(LOG, (errmsg_internal("%s", line), errhidestmt(true), errhidecontext(true)));
  }
  PG_CATCH();
  {
    MemoryContextSwitchTo(oldcxt);
    FlushErrorState();
  }
  PG_END_TRY();
  RESUME_INTERRUPTS();
}

// The current database's name, looked up once (its OID if the lookup fails).
const char* database_name() noexcept {
  static char name[NAMEDATALEN] = "";
  static Oid of = InvalidOid;
  if (of == MyDatabaseId && name[0]) return name;
  snprintf(name, sizeof name, "%u", MyDatabaseId);
  of = MyDatabaseId;
  MemoryContext oldcxt = CurrentMemoryContext;
  PG_TRY();
  {
    if (const char* db = get_database_name(MyDatabaseId)) copy_text(name, sizeof name, db);
  }
  PG_CATCH();
  {
    MemoryContextSwitchTo(oldcxt);
    FlushErrorState();
  }
  PG_END_TRY();
  return name;
}

// Appends ` key=value` in logfmt: a value that is empty or holds a space, a
// quote, a backslash, an equals sign or a control character is written in
// double quotes, with \" \\ \n \r \t escapes (other control characters as \u00XX).
void logfmt(std::string* out, const char* key, const char* value) {
  bool quote = *value == '\0';
  for (const char* p = value; *p && !quote; ++p)
    quote = *p == ' ' || *p == '"' || *p == '\\' || *p == '=' || static_cast<unsigned char>(*p) < 0x20 || *p == 0x7f;
  *out += ' ';
  *out += key;
  *out += '=';
  if (!quote) {
    *out += value;
    return;
  }
  *out += '"';
  for (const char* p = value; *p; ++p) {
    const unsigned char c = static_cast<unsigned char>(*p);
    if (c == '"' || c == '\\') {
      *out += '\\';
      *out += char(c);
    } else if (c == '\n') {
      *out += "\\n";
    } else if (c == '\r') {
      *out += "\\r";
    } else if (c == '\t') {
      *out += "\\t";
    } else if (c < 0x20 || c == 0x7f) {
      char esc[8];
      snprintf(esc, sizeof esc, "\\u%04x", c);
      *out += esc;
    } else {
      *out += char(c);
    }
  }
  *out += '"';
}

// The path and query of a request as displayed ("GET /inventory?page=2" -> "/inventory?page=2").
const char* display_path(const HttpRequest& req) {
  const char* display = req.display.c_str();
  const char* space = std::strchr(display, ' ');
  return space ? space + 1 : display;
}

}  // namespace

void ops_init() {
  DefineCustomEnumVariable(
      "commerce_fdw.log_requests", "Which remote requests commerce_fdw writes to the server log.",
      "off: none; errors: failed attempts (HTTP status 400 or more, or no answer), retried ones included; "
      "writes: those and every request that is not a GET; all: every request.",
      &g_log_requests, kLogErrors, kLogLevels, PGC_SUSET, 0, nullptr, nullptr, nullptr);
  DefineCustomStringVariable(
      "commerce_fdw.secret_dir", "Directory of the secret files named by user mappings (option \"secret\").",
      "A user mapping with OPTIONS (secret 'name') reads its secret options from <secret_dir>/<name>, one "
      "key=value a line. Set in postgresql.conf only.",
      &g_secret_dir, "", PGC_SIGHUP, 0, nullptr, nullptr, nullptr);
  // A postmaster setting can only be defined while shared_preload_libraries
  // loads the library (PostgreSQL stops a backend that defines one later);
  // loaded on first use, there is no shared table to size.
  if (process_shared_preload_libraries_in_progress)
    DefineCustomIntVariable(
      "commerce_fdw.stats_max", "Foreign servers whose statistics are kept in shared memory.",
      "Entries are per database and server; when the table is full the least recently used one is evicted "
      "(commerce_fdw_stats_info().dealloc counts them). Takes effect at server start.",
      &g_stats_max, 256, 16, 100000, PGC_POSTMASTER, 0, nullptr, nullptr, nullptr);
  MarkGUCPrefixReserved("commerce_fdw");

  if (!process_shared_preload_libraries_in_progress) return;
  g_prev_request = shmem_request_hook;
  shmem_request_hook = request_shmem;
  g_prev_startup = shmem_startup_hook;
  shmem_startup_hook = startup_shmem;
}

int log_requests_level() { return g_log_requests; }
const char* secret_dir() { return g_secret_dir ? g_secret_dir : ""; }
bool stats_shared() { return g_stats != nullptr; }

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
  if (ActSlot* a = my_activity()) {
    activity_begin(a);
    activity_own(a);
    a->statement_requests += added.requests;
    a->statement_rows += added.rows;
    activity_end(a);
  }
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

// A reset clears the whole cluster's statistics. Allowed to superusers, and
// to a role that may execute the function while PUBLIC may not: the 1.1 and
// later scripts revoke it from PUBLIC, so only an explicit GRANT opens it;
// under 1.0's script (executable by PUBLIC) only superusers reset.
void check_may_reset(unsigned function) {
  if (superuser()) return;
  bool public_may = true;  // a NULL ACL is the default one: EXECUTE to PUBLIC
  HeapTuple tuple = SearchSysCache1(PROCOID, ObjectIdGetDatum(function));
  if (HeapTupleIsValid(tuple)) {
    bool isnull = false;
    const Datum acl_datum = SysCacheGetAttr(PROCOID, tuple, Anum_pg_proc_proacl, &isnull);
    if (!isnull) {
      public_may = false;
      const Acl* acl = DatumGetAclP(acl_datum);
      const AclItem* items = ACL_DAT(acl);
      for (int i = 0; i < ACL_NUM(acl); ++i)
        if (items[i].ai_grantee == ACL_ID_PUBLIC && (ACLITEM_GET_PRIVS(items[i]) & ACL_EXECUTE)) public_may = true;
    }
    ReleaseSysCache(tuple);
  }
  if (public_may)
    ereport(ERROR, (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
                    errmsg("permission denied to reset commerce_fdw statistics"),
                    errdetail("Only superusers reset them while commerce_fdw_stats_reset() is executable by PUBLIC."),
                    errhint("Run ALTER EXTENSION commerce_fdw UPDATE, then GRANT EXECUTE on the function to the role.")));
}

void attempt_finished(const Config& cfg, const ServerStats* live, const HttpAttempt& a) noexcept {
  const bool failed = !a.cancelled && (a.status == 0 || a.status >= 400);
  const bool final_failure = failed && !a.will_retry;
  const char* method = a.req->method.c_str();
  const char* url = display_path(*a.req);

  if (final_failure) {
    char what[160];
    if (a.status == 0)
      snprintf(what, sizeof what, "%s", a.error ? a.error : "no answer");
    else
      snprintf(what, sizeof what, "HTTP %ld", a.status);
    char text[kErrorText];
    if (a.attempt > 1)
      snprintf(text, sizeof text, "%s %s: %s (after %d %s)", method, url, what, a.attempt - 1,
               a.attempt == 2 ? "retry" : "retries");
    else
      snprintf(text, sizeof text, "%s %s: %s", method, url, what);
    note_error(cfg, text);
  }

  const int level = g_log_requests;
  const bool write = std::strcmp(method, "GET") != 0;
  const bool wanted = level == kLogAll || (level >= kLogErrors && (failed || a.cancelled)) ||
                      (level >= kLogWrites && write);
  if (!wanted) return;
  try {
    std::string line = "commerce_fdw request:";
    char num[64];
    logfmt(&line, "server", cfg.server.c_str());
    logfmt(&line, "database", database_name());
    logfmt(&line, "method", method);
    logfmt(&line, "path", url);
    if (a.status == 0) {
      logfmt(&line, "status", "none");
    } else {
      snprintf(num, sizeof num, "%ld", a.status);
      logfmt(&line, "status", num);
    }
    snprintf(num, sizeof num, "%.0f", a.ms);
    logfmt(&line, "ms", num);
    snprintf(num, sizeof num, "%lld", static_cast<long long>(a.bytes));
    logfmt(&line, "bytes", num);
    snprintf(num, sizeof num, "%lld", static_cast<long long>(live ? live->rows : 0));
    logfmt(&line, "rows", num);
    snprintf(num, sizeof num, "%d", a.attempt - 1);
    logfmt(&line, "retry", num);
    logfmt(&line, "outcome", a.cancelled ? "cancelled" : a.will_retry ? "retry" : failed ? "failed" : "ok");
    if (a.status == 0 && a.error && !a.cancelled) logfmt(&line, "error", a.error);
    if (const uint64 query_id = pgstat_get_my_query_id(); query_id != 0) {
      snprintf(num, sizeof num, "%lld", static_cast<long long>(query_id));
      logfmt(&line, "query_id", num);
    }
    log_safely(line.c_str());
  } catch (...) {
  }
}

void request_phase(const Config& cfg, const HttpRequest& req, HttpPhase phase) noexcept {
  ActSlot* a = my_activity();
  if (!a) return;
  const uintptr_t key = reinterpret_cast<uintptr_t>(&req);
  int state = kActNone;
  switch (phase) {
    case HttpPhase::RateLimit: state = kActRateLimit; break;
    case HttpPhase::Sending: state = req.login ? kActLogin : kActHttp; break;
    case HttpPhase::RetryWait: state = kActRetryWait; break;
    case HttpPhase::Done: state = kActNone; break;
  }
  activity_begin(a);
  activity_own(a);
  ActRequest* entry = nullptr;
  ActRequest* free_entry = nullptr;
  for (ActRequest& r : a->req) {
    if (r.state != kActNone && r.key == key) entry = &r;
    if (r.state == kActNone && !free_entry) free_entry = &r;
  }
  if (state == kActNone) {
    if (entry) entry->state = kActNone;
  } else if (entry && entry->state == state) {
    // (no change)
  } else if (entry || free_entry) {
    ActRequest& r = entry ? *entry : *free_entry;
    if (!entry) {
      r.key = key;
      copy_text(r.server, sizeof r.server, cfg.server.c_str());
      copy_text(r.table, sizeof r.table, cfg.relname.c_str());
      copy_text(r.method, sizeof r.method, req.method.c_str());
      copy_text(r.path, sizeof r.path, display_path(req));
    }
    r.state = state;
    r.since = GetCurrentTimestamp();
  }
  activity_end(a);
}

void network_wait(bool start) noexcept {
  if (start)
    pgstat_report_wait_start(PG_WAIT_EXTENSION);
  else
    pgstat_report_wait_end();
}

}  // namespace cfdw::pg

// ---------------------------------------------------------------------------
// SQL functions of 1.2

using namespace cfdw::pg;

namespace {

ActSlot copy_activity(int i) {
  ActSlot copy;
  for (;;) {
    const uint32 before = pg_atomic_read_u32(&g_activity[i].changecount);
    pg_read_barrier();
    std::memcpy(static_cast<void*>(&copy), &g_activity[i], sizeof copy);
    pg_read_barrier();
    const uint32 after = pg_atomic_read_u32(&g_activity[i].changecount);
    if (before == after && (before & 1) == 0) break;
    CHECK_FOR_INTERRUPTS();
  }
  return copy;
}

Datum name_datum(const char* s) { return DirectFunctionCall1(namein, CStringGetDatum(s)); }

}  // namespace

extern "C" {

PG_FUNCTION_INFO_V1(commerce_fdw_stats_info);
PG_FUNCTION_INFO_V1(commerce_fdw_stats_detail);
PG_FUNCTION_INFO_V1(commerce_fdw_activity);

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

// One row per request a backend has under way: superusers and members of
// pg_read_all_stats see every backend's, other roles those of backends
// running as a role they have the privileges of (as pg_stat_activity).
Datum commerce_fdw_activity(PG_FUNCTION_ARGS) {
  ReturnSetInfo* rsinfo = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
  InitMaterializedSRF(fcinfo, 0);
  if (!g_activity) return (Datum)0;
  const bool all = may_read_all_stats();
  for (int i = 0; i < g_activity_slots; ++i) {
    if (g_activity[i].pid == 0) continue;  // (a hint; the copy decides)
    const ActSlot a = copy_activity(i);
    if (a.pid == 0) continue;
    if (!all && !has_privs_of_role(GetUserId(), a.userid)) continue;
    for (const ActRequest& r : a.req) {
      if (r.state <= kActNone || r.state > kActRetryWait) continue;
      Datum values[10];
      bool nulls[10] = {false};
      values[0] = Int32GetDatum(a.pid);
      const char* db = get_database_name(a.database);
      nulls[1] = db == nullptr;
      if (db) values[1] = name_datum(db);
      char buf[kActivityPath];
      copy_text(buf, NAMEDATALEN, r.server);
      values[2] = CStringGetTextDatum(buf);
      copy_text(buf, NAMEDATALEN, r.table);
      nulls[3] = buf[0] == '\0';
      values[3] = CStringGetTextDatum(buf);
      copy_text(buf, sizeof r.method, r.method);
      values[4] = CStringGetTextDatum(buf);
      copy_text(buf, sizeof r.path, r.path);
      values[5] = CStringGetTextDatum(buf);
      values[6] = CStringGetTextDatum(kActStateNames[r.state]);
      values[7] = TimestampTzGetDatum(r.since);
      values[8] = Int64GetDatum(a.statement_requests);
      values[9] = Int64GetDatum(a.statement_rows);
      tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
    }
  }
  return (Datum)0;
}

}  // extern "C"
