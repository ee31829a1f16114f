// commerce_fdw PostgreSQL glue: what lives for the whole backend — the HTTP
// client (one reused connection per server), statistics, rate budgets — and
// conversions between Datums and the engine's canonical text.
#include <cstdio>
#include <memory>

#include "pg/boundary.h"
#include "pg/glue.h"

namespace cfdw::pg {

HttpClient& http_client() {
  static HttpClient client;
  return client;
}

std::map<std::string, ServerStats>& all_stats() {
  static std::map<std::string, ServerStats> stats;
  return stats;
}

ServerStats& server_stats(const std::string& server) { return all_stats()[server]; }

RateLimiter* rate_limiter(const Config& cfg, const Api& api) {
  struct Entry {
    double rate;
    std::unique_ptr<LocalRateLimiter> limiter;
  };
  static std::map<std::string, Entry> limiters;
  Entry& e = limiters[cfg.server];
  if (!e.limiter) {
    e.rate = cfg.rate_limit_per_minute;
    e.limiter = std::make_unique<LocalRateLimiter>(cfg.rate_limit_per_minute, api.default_burst);
  } else if (e.rate != cfg.rate_limit_per_minute) {
    e.rate = cfg.rate_limit_per_minute;
    e.limiter->set_rate(cfg.rate_limit_per_minute, api.default_burst);
  }
  return e.limiter.get();
}

HttpHooks backend_hooks() {
  HttpHooks h;
  h.should_abort = [] { return interrupt_pending(); };
  h.on_wait = [](double ms, const char* why) {
    char msg[200];
    snprintf(msg, sizeof msg, "commerce_fdw: waiting %.1f s for the %s", ms / 1000.0,
                  std::string(why) == "rate limit" ? "client-side rate limit" : "server's Retry-After");
    notice_safely(msg);
  };
  return h;
}

namespace {

char* format_timestamp(Timestamp ts, bool with_zone) {
  struct pg_tm tm;
  fsec_t fsec;
  if (TIMESTAMP_NOT_FINITE(ts)) return pstrdup(TIMESTAMP_IS_NOBEGIN(ts) ? "-infinity" : "infinity");
  if (timestamp2tm(ts, nullptr, &tm, &fsec, nullptr, nullptr) != 0)
    ereport(ERROR, (errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE), errmsg("timestamp out of range")));
  char frac[16] = "";
  if (fsec != 0) snprintf(frac, sizeof frac, ".%06d", int(fsec));
  return psprintf("%04d-%02d-%02d %02d:%02d:%02d%s%s", tm.tm_year, tm.tm_mon, tm.tm_mday, tm.tm_hour, tm.tm_min,
                  tm.tm_sec, frac, with_zone ? "+00" : "");
}

}  // namespace

char* datum_to_canonical(Datum value, Oid type) {
  switch (type) {
    case BOOLOID:
      return pstrdup(DatumGetBool(value) ? "t" : "f");
    case DATEOID: {
      DateADT d = DatumGetDateADT(value);
      if (DATE_NOT_FINITE(d)) return pstrdup(DATE_IS_NOBEGIN(d) ? "-infinity" : "infinity");
      int y, m, day;
      j2date(d + POSTGRES_EPOCH_JDATE, &y, &m, &day);
      return psprintf("%04d-%02d-%02d", y, m, day);
    }
    case TIMESTAMPOID:
      return format_timestamp(DatumGetTimestamp(value), false);
    case TIMESTAMPTZOID:
      return format_timestamp(DatumGetTimestampTz(value), true);  // UTC
    default: {
      Oid out;
      bool varlena;
      getTypeOutputInfo(type, &out, &varlena);
      return OidOutputFunctionCall(out, value);
    }
  }
}

Datum canonical_to_datum(const char* text, Form_pg_attribute att, FmgrInfo* input, Oid ioparam) {
  return InputFunctionCall(input, const_cast<char*>(text), ioparam, att->atttypmod);
}

}  // namespace cfdw::pg
