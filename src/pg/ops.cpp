// commerce_fdw PostgreSQL glue: the settings, the shared memory of the
// statistics and the activity, the request log and the wait events (see
// ops.h; the statistics are in stats.cpp, the activity in activity.cpp).
//
// The request log is written from inside the engine's event loop (a C++
// frame), at the moment an attempt ends, so retries are logged as they
// happen: each line is sent with ereport(LOG) inside PG_TRY/PG_CATCH, which
// drops any error right there (as notice_safely does), so no longjmp crosses
// a C++ frame.
#include "pg/ops.h"

#include <cstdio>
#include <cstring>
#include <string>

#include "pg/ops_internal.h"
#include "pg/pg.h"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
extern "C" {
#include "commands/dbcommands.h"
#include "utils/backend_status.h"
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

shmem_request_hook_type g_prev_request = nullptr;
shmem_startup_hook_type g_prev_startup = nullptr;

void request_shmem() {
  if (g_prev_request) g_prev_request();
  RequestAddinShmemSpace(stats_shmem_size());
  RequestAddinShmemSpace(activity_shmem_size());
  RequestNamedLWLockTranche("commerce_fdw statistics", 1);
}

void startup_shmem() {
  if (g_prev_startup) g_prev_startup();
  LWLockAcquire(AddinShmemInitLock, LW_EXCLUSIVE);
  stats_shmem_startup();
  activity_shmem_startup();
  LWLockRelease(AddinShmemInitLock);
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

}  // namespace

void copy_text(char* dst, size_t n, const char* src) {
  const size_t len = strnlen(src, n - 1);
  std::memcpy(dst, src, len);
  dst[len] = '\0';
}


// The path and query of a request as displayed ("GET /inventory?page=2" -> "/inventory?page=2").
const char* display_path(const HttpRequest& req) {
  const char* display = req.display.c_str();
  const char* space = std::strchr(display, ' ');
  return space ? space + 1 : display;
}

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
  if (process_shared_preload_libraries_in_progress) stats_define_settings();
  MarkGUCPrefixReserved("commerce_fdw");

  if (!process_shared_preload_libraries_in_progress) return;
  g_prev_request = shmem_request_hook;
  shmem_request_hook = request_shmem;
  g_prev_startup = shmem_startup_hook;
  shmem_startup_hook = startup_shmem;
}

int log_requests_level() { return g_log_requests; }
const char* secret_dir() { return g_secret_dir ? g_secret_dir : ""; }

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

void network_wait(bool start) noexcept {
  if (start)
    pgstat_report_wait_start(PG_WAIT_EXTENSION);
  else
    pgstat_report_wait_end();
}

}  // namespace cfdw::pg
