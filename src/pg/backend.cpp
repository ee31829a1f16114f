// commerce_fdw PostgreSQL glue: what lives for the whole backend — the HTTP
// client (one reused connection per server), its hooks (statistics, request log,
// wait events: ops.cpp) and rate budgets. Datum conversions: datum.cpp.
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>

#include "pg/boundary.h"
#include "pg/glue.h"
#include "pg/ops.h"
#include "pg/shared_budget.h"

namespace cfdw::pg {

HttpClient& http_client() {
  static HttpClient client;
  return client;
}


RateLimiter* rate_limiter(const Config& cfg, const Api& api) {
  // One budget for every backend when the library is preloaded.
  // Budgets are kept by server OID (a renamed server keeps its own) and
  // forgotten when the server's api or base_url changes.
  const uint64_t identity = budget_identity(cfg.api, cfg.base_url);
  if (RateLimiter* shared = shared_rate_limiter(cfg.server_id, identity, cfg.rate_limit_per_minute, api.default_burst))
    return shared;
  struct Entry {
    double rate;
    uint64_t identity;
    std::unique_ptr<LocalRateLimiter> limiter;
  };
  static std::map<Oid, Entry> limiters;
  Entry& e = limiters[cfg.server_id];
  if (!e.limiter || e.identity != identity) {
    e.identity = identity;
    e.rate = cfg.rate_limit_per_minute;
    e.limiter = std::make_unique<LocalRateLimiter>(cfg.rate_limit_per_minute, api.default_burst);
  } else if (e.rate != cfg.rate_limit_per_minute) {
    e.rate = cfg.rate_limit_per_minute;
    e.limiter->set_rate(cfg.rate_limit_per_minute, api.default_burst);
  }
  return e.limiter.get();
}

HttpHooks backend_hooks(const Config& cfg, const ServerStats* stats) {
  HttpHooks h;
  h.should_abort = [] { return interrupt_pending(); };
  // The request log, the server's last error and its statistics after every
  // request; commerce_fdw_activity() (ops.cpp); the wait event while the
  // client blocks on the network or on a due time.
  auto source = std::make_shared<Config>();
  source->server = cfg.server;
  source->server_id = cfg.server_id;
  source->relname = cfg.relname;
  h.on_attempt = [source, stats](const HttpAttempt& a) {
    attempt_finished(*source, stats, a);
    if (stats) stats_flush(*source, *stats, false);
  };
  h.on_phase = [source, stats](const HttpRequest& req, HttpPhase phase) {
    request_phase(*source, req, phase);
    if (stats && phase != HttpPhase::Sending) stats_flush(*source, *stats, false);
  };
  h.on_block = [](bool start) { network_wait(start); };
  // A statement announces its first long wait only: one NOTICE saying how
  // long and why, not one per request of a long scan.
  h.on_wait = [server = cfg.server, rate = cfg.rate_limit_per_minute](double ms, const char* why) {
    static TimestampTz announced = 0;  // start time of the statement last announced
    const TimestampTz statement = GetCurrentStatementStartTimestamp();
    if (statement == announced) return;
    announced = statement;
    char msg[400];
    if (std::strcmp(why, "rate limit") != 0)
      snprintf(msg, sizeof msg, "commerce_fdw: waiting %.0f s for server \"%s\": the API asked to retry later (%s)",
               std::ceil(ms / 1000.0), server.c_str(), why);
    else if (rate > 0)
      snprintf(msg, sizeof msg,
               "commerce_fdw: waiting %.0f s for server \"%s\": its request budget is %g a minute "
               "(rate_limit_per_minute)",
               std::ceil(ms / 1000.0), server.c_str(), rate);
    else
      snprintf(msg, sizeof msg, "commerce_fdw: waiting %.0f s for server \"%s\": the API says its budget is used up",
               std::ceil(ms / 1000.0), server.c_str());
    notice_safely(msg);
  };
  return h;
}

std::unique_ptr<Session> open_session(const Api& api, const Config& cfg, ServerStats* stats) {
  return std::make_unique<Session>(api, cfg, http_client(), rate_limiter(cfg, api), stats, backend_hooks(cfg, stats));
}

}  // namespace cfdw::pg
