// commerce_fdw PostgreSQL glue: what an operator sees — the settings
// (commerce_fdw.log_requests, commerce_fdw.secret_dir, commerce_fdw.stats_max),
// the statistics behind commerce_fdw_stats(), the activity behind
// commerce_fdw_activity(), the request log and the wait events.
//
// Statistics: when the library is preloaded (shared_preload_libraries) they
// live in shared memory, one entry per (database, foreign server), and every
// backend adds to them after every request, so a monitoring session sees what
// a pg_cron job does while it runs. Loaded any other way, each backend counts
// its own requests only.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/declare/api.h"
#include "engine/http/http.h"
#include "engine/run/session.h"

namespace cfdw::pg {

// From _PG_init: defines the settings; reserves the shared memory when the
// library is being preloaded.
void ops_init();

// commerce_fdw.log_requests
enum LogRequests { kLogOff = 0, kLogErrors = 1, kLogWrites = 2, kLogAll = 3 };
int log_requests_level();
// commerce_fdw.secret_dir ("" when unset).
const char* secret_dir();

// Adds what `live` (one table access's counters) counted since its last
// flush to its server's statistics; `final`: the access is over (its
// bookkeeping is forgotten). C++ only; never throws, never raises (it runs in
// memory-context reset callbacks, also during abort, and in HTTP hooks).
void stats_flush(const Config& cfg, const ServerStats& live, bool final) noexcept;

// One server's statistics, as commerce_fdw_stats() returns them.
struct StatsRow {
  unsigned database = 0;  // Oid
  unsigned server_id = 0;  // Oid
  std::string server;
  int64_t requests = 0, errors = 0, retries = 0, http_429 = 0, wait_ms = 0, bytes = 0, rows = 0;
  int64_t cancelled = 0;
  std::string last_error;     // empty: none
  int64_t last_error_at = 0;  // TimestampTz
  int64_t last_used = 0;      // TimestampTz
};
// The counters of a StatsRow, in commerce_fdw_stats() column order (after the
// server's name): every place that keeps, adds or returns them goes by this list.
inline constexpr int64_t StatsRow::*const kStatsCounters[] = {
    &StatsRow::requests, &StatsRow::errors, &StatsRow::retries, &StatsRow::http_429,
    &StatsRow::wait_ms,  &StatsRow::bytes,  &StatsRow::rows,
};
inline constexpr int kStatsCounterCount = int(sizeof(kStatsCounters) / sizeof(kStatsCounters[0]));
// A copy of every server's statistics (the shared ones when preloaded). C++ only; may throw bad_alloc.
std::vector<StatsRow> stats_rows();
// Clears the statistics (cluster-wide when shared). Never raises.
void stats_reset() noexcept;

// PostgreSQL side (may raise; never from C++ frames):
// Frees the entries of dropped databases, and of dropped servers of the
// current database (called by the statistics functions before they read).
void stats_reclaim();
// Whether the current role may see other databases' statistics and every
// backend's activity: superusers and members of pg_read_all_stats (pg_monitor).
bool may_read_all_stats();
// Whether PUBLIC may execute the function (its ACL is the default one, or grants it).
bool public_may_execute(unsigned function);
// Raises unless the current role may reset the statistics (see stats.cpp).
void check_may_reset(unsigned function);

// What HttpHooks::on_attempt does in a backend: logs the attempt per
// commerce_fdw.log_requests and records a request's final failure as the
// server's last error. `live`: the table access's counters (rows so far).
// Called from C++ code: a PostgreSQL error while logging is caught on the
// spot and dropped, so no longjmp leaves it; never throws.
void attempt_finished(const Config& cfg, const ServerStats* live, const HttpAttempt& a) noexcept;

// What HttpHooks::on_phase does: shows the request in commerce_fdw_activity().
void request_phase(const Config& cfg, const HttpRequest& req, HttpPhase phase) noexcept;

// What HttpHooks::on_block does: reports (or ends) the wait event
// PG_WAIT_EXTENSION, which pg_stat_activity shows as wait_event_type 'Extension'.
void network_wait(bool start) noexcept;

}  // namespace cfdw::pg
