// commerce_fdw PostgreSQL glue: what an operator sees — the settings
// (commerce_fdw.log_requests, commerce_fdw.secret_dir), the statistics behind
// commerce_fdw_stats(), the request log and the wait events.
//
// Statistics: when the library is preloaded (shared_preload_libraries) they
// live in shared memory, one slot per (database, foreign server), and every
// backend adds to them, so a monitoring session sees what a pg_cron job did.
// Loaded any other way, each backend counts its own requests only.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

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

// Whether the statistics are shared by every backend (the library was preloaded).
bool stats_shared();

// Adds one statement's counters to its server's. C++ only; never throws,
// never raises (it runs in memory-context reset callbacks, also during abort).
void stats_add(const std::string& server, const ServerStats& add) noexcept;

// One server's statistics, as commerce_fdw_stats() returns them.
struct StatsRow {
  unsigned database = 0;  // Oid
  std::string server;
  int64_t requests = 0, errors = 0, retries = 0, http_429 = 0, wait_ms = 0, bytes = 0, rows = 0;
  std::string last_error;     // empty: none
  int64_t last_error_at = 0;  // TimestampTz
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

// What HttpHooks::on_attempt does in a backend: logs the attempt per
// commerce_fdw.log_requests and records a failed one as the server's last
// error. Called from C++ code: a PostgreSQL error while logging is caught on
// the spot and dropped, so no longjmp leaves it; never throws.
void attempt_finished(const std::string& server, const HttpAttempt& a) noexcept;

// What HttpHooks::on_block does: reports (or ends) the wait event
// PG_WAIT_EXTENSION, which pg_stat_activity shows as wait_event_type 'Extension'.
void network_wait(bool start) noexcept;

}  // namespace cfdw::pg
