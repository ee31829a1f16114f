// commerce_fdw PostgreSQL glue: settings, statistics, request log, wait events
// (see ops.h).
//
// Shared statistics are a fixed table of slots in shared memory, one per
// (database, server), behind one spinlock. The lock is held only to add a few
// counters or copy the table out; nothing under it can raise or throw.
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

#include "pg/pg.h"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
extern "C" {
#include "utils/wait_event.h"
}
#pragma GCC diagnostic pop

namespace cfdw::pg {

namespace {

// ---------------------------------------------------------------------------
// Settings

int g_log_requests = kLogErrors;
char* g_secret_dir = nullptr;

const struct config_enum_entry kLogLevels[] = {
    {"off", kLogOff, false},
    {"errors", kLogErrors, false},
    {"writes", kLogWrites, false},
    {"all", kLogAll, false},
    {nullptr, 0, false},
};

// ---------------------------------------------------------------------------
// Shared statistics

// Servers with statistics at once, across all databases; past that, a new
// server's counters are not kept (commerce_fdw_stats_reset() frees the slots).
constexpr int kStatSlots = 256;
constexpr int kErrorText = 256;

struct StatSlot {
  Oid database;              // InvalidOid: free
  char server[NAMEDATALEN];
  int64 counters[kStatsCounterCount];  // in kStatsCounters order, the wait in microseconds
  char last_error[kErrorText];
  TimestampTz last_error_at;
};

struct SharedStats {
  slock_t lock;
  StatSlot slots[kStatSlots];
};

SharedStats* g_stats = nullptr;
shmem_request_hook_type g_prev_request = nullptr;
shmem_startup_hook_type g_prev_startup = nullptr;

void clear_slot(StatSlot& s) {
  std::memset(&s, 0, sizeof s);
  s.database = InvalidOid;
}

void request_shmem() {
  if (g_prev_request) g_prev_request();
  RequestAddinShmemSpace(sizeof(SharedStats));
}

void startup_shmem() {
  if (g_prev_startup) g_prev_startup();
  LWLockAcquire(AddinShmemInitLock, LW_EXCLUSIVE);
  bool found = false;
  auto* s = static_cast<SharedStats*>(ShmemInitStruct("commerce_fdw statistics", sizeof(SharedStats), &found));
  if (!found) {
    SpinLockInit(&s->lock);
    for (StatSlot& slot : s->slots) clear_slot(slot);
  }
  g_stats = s;
  LWLockRelease(AddinShmemInitLock);
}

// With the lock held: the slot of (database, server), claimed if need be; nullptr when all are taken.
StatSlot* slot_locked(Oid database, const char* server) {
  StatSlot* free_slot = nullptr;
  for (StatSlot& s : g_stats->slots) {
    if (s.database == database && std::strncmp(s.server, server, NAMEDATALEN) == 0) return &s;
    if (!free_slot && s.database == InvalidOid) free_slot = &s;
  }
  if (!free_slot) return nullptr;
  clear_slot(*free_slot);
  free_slot->database = database;
  std::strncpy(free_slot->server, server, NAMEDATALEN - 1);
  return free_slot;
}

// A statement's counters as a row, the wait in microseconds (so that the
// totals keep the fractions of a millisecond).
StatsRow as_row(const ServerStats& s) {
  StatsRow r;
  r.requests = s.http.requests;
  r.errors = s.http.errors;
  r.retries = s.http.retries;
  r.http_429 = s.http.http_429;
  r.wait_ms = int64_t(s.http.rate_wait_ms * 1000);
  r.bytes = s.http.bytes_received;
  r.rows = s.rows;
  return r;
}

// A total as commerce_fdw_stats() shows it: the wait in milliseconds.
void to_ms(StatsRow* r) { r->wait_ms /= 1000; }

// Per backend, when not preloaded (the wait in microseconds).
std::map<std::string, StatsRow>& local_stats() {
  static std::map<std::string, StatsRow> stats;
  return stats;
}

void copy_text(char* dst, size_t n, const char* src) {
  const size_t len = strnlen(src, n - 1);
  std::memcpy(dst, src, len);
  dst[len] = '\0';
}

void note_error(const std::string& server, const char* text) noexcept {
  const TimestampTz now = GetCurrentTimestamp();
  if (g_stats) {
    if (server.size() >= NAMEDATALEN) return;
    SpinLockAcquire(&g_stats->lock);
    if (StatSlot* s = slot_locked(MyDatabaseId, server.c_str())) {
      copy_text(s->last_error, sizeof s->last_error, text);
      s->last_error_at = now;
    }
    SpinLockRelease(&g_stats->lock);
    return;
  }
  try {
    StatsRow& r = local_stats()[server];
    r.last_error = text;
    r.last_error_at = now;
  } catch (...) {
  }
}

// ---------------------------------------------------------------------------
// Request log

void log_safely(const char* line) noexcept {
  MemoryContext oldcxt = CurrentMemoryContext;
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

void stats_add(const std::string& server, const ServerStats& add) noexcept {
  const StatsRow added = as_row(add);  // (no allocation: its strings stay empty)
  if (g_stats) {
    if (server.size() >= NAMEDATALEN) return;
    SpinLockAcquire(&g_stats->lock);
    if (StatSlot* s = slot_locked(MyDatabaseId, server.c_str()))
      for (int k = 0; k < kStatsCounterCount; ++k) s->counters[k] += added.*kStatsCounters[k];
    SpinLockRelease(&g_stats->lock);
    return;
  }
  try {
    StatsRow& r = local_stats()[server];
    r.database = MyDatabaseId;
    r.server = server;
    for (const auto field : kStatsCounters) r.*field += added.*field;
  } catch (...) {
    // Out of memory while counting: the counters are lost, the query is not.
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
  std::vector<StatSlot> copy(kStatSlots);
  SpinLockAcquire(&g_stats->lock);
  std::memcpy(copy.data(), g_stats->slots, sizeof(StatSlot) * kStatSlots);
  SpinLockRelease(&g_stats->lock);
  for (const StatSlot& s : copy) {
    if (s.database == InvalidOid) continue;
    StatsRow r;
    r.database = s.database;
    r.server.assign(s.server, strnlen(s.server, NAMEDATALEN));
    for (int k = 0; k < kStatsCounterCount; ++k) r.*kStatsCounters[k] = s.counters[k];
    to_ms(&r);
    r.last_error.assign(s.last_error, strnlen(s.last_error, sizeof s.last_error));
    r.last_error_at = s.last_error_at;
    out.push_back(std::move(r));
  }
  return out;
}

void stats_reset() noexcept {
  if (g_stats) {
    SpinLockAcquire(&g_stats->lock);
    for (StatSlot& s : g_stats->slots) clear_slot(s);
    SpinLockRelease(&g_stats->lock);
    return;
  }
  local_stats().clear();
}

void attempt_finished(const std::string& server, const HttpAttempt& a) noexcept {
  const bool failed = a.status == 0 || a.status >= 400;
  const char* method = a.req->method.c_str();
  // "GET /inventory?page=2": the method, then the path and query (never a secret).
  const char* display = a.req->display.c_str();
  const char* space = std::strchr(display, ' ');
  const char* url = space ? space + 1 : display;
  const char* server_name = server.c_str();
  char status[128];
  if (a.status == 0)
    snprintf(status, sizeof status, "none (%s)", a.error ? a.error : "no answer");
  else
    snprintf(status, sizeof status, "%ld", a.status);

  if (failed) {
    char what[160];
    if (a.status == 0)
      snprintf(what, sizeof what, "%s", a.error ? a.error : "no answer");
    else
      snprintf(what, sizeof what, "HTTP %ld", a.status);
    char text[kErrorText];
    if (a.will_retry)
      snprintf(text, sizeof text, "%s %s: %s (retry %d follows)", method, url, what, a.attempt);
    else if (a.attempt > 1)
      snprintf(text, sizeof text, "%s %s: %s (after %d %s)", method, url, what, a.attempt - 1,
                    a.attempt == 2 ? "retry" : "retries");
    else
      snprintf(text, sizeof text, "%s %s: %s", method, url, what);
    note_error(server, text);
  }

  const int level = g_log_requests;
  const bool write = std::strcmp(method, "GET") != 0;
  const bool wanted = level == kLogAll || (level >= kLogErrors && failed) || (level >= kLogWrites && write);
  if (!wanted) return;
  char line[2048];
  snprintf(line, sizeof line,
                "commerce_fdw request: server=\"%s\" method=%s url=\"%s\" status=%s ms=%.0f bytes=%lld retry=%d%s",
                server_name, method, url, status, a.ms, static_cast<long long>(a.bytes), a.attempt - 1,
                a.will_retry ? " (will retry)" : "");
  log_safely(line);
}

void network_wait(bool start) noexcept {
  if (start)
    pgstat_report_wait_start(PG_WAIT_EXTENSION);
  else
    pgstat_report_wait_end();
}

}  // namespace cfdw::pg
