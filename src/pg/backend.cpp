// commerce_fdw PostgreSQL glue: what lives for the whole backend — the HTTP
// client (one reused connection per server), its hooks (statistics, request log,
// wait events: ops.cpp), rate budgets — and
// conversions between Datums and the engine's canonical text.
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

void merge_stats(const Config& cfg, const ServerStats& stats) { stats_flush(cfg, stats, true); }

RateLimiter* rate_limiter(const Config& cfg, const Api& api) {
  // One budget for every backend when the library is preloaded.
  if (RateLimiter* shared = shared_rate_limiter(cfg.server, cfg.rate_limit_per_minute, api.default_burst))
    return shared;
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

char** array_to_canonical(Datum array, int* n) {
  ArrayType* arr = DatumGetArrayTypeP(array);
  const Oid elem = ARR_ELEMTYPE(arr);
  int16 typlen;
  bool byval;
  char align;
  get_typlenbyvalalign(elem, &typlen, &byval, &align);
  Datum* elems;
  bool* nulls;
  deconstruct_array(arr, elem, typlen, byval, align, &elems, &nulls, n);
  char** out = static_cast<char**>(palloc0(sizeof(char*) * std::max(1, *n)));
  for (int k = 0; k < *n; ++k) out[k] = nulls[k] ? nullptr : datum_to_canonical(elems[k], elem);
  return out;
}

void input_functions(TupleDesc td, FmgrInfo** inputs, Oid** ioparams) {
  *inputs = static_cast<FmgrInfo*>(palloc0(sizeof(FmgrInfo) * std::max(1, td->natts)));
  *ioparams = static_cast<Oid*>(palloc0(sizeof(Oid) * std::max(1, td->natts)));
  for (int i = 0; i < td->natts; ++i) {
    Form_pg_attribute att = TupleDescAttr(td, i);
    if (att->attisdropped) continue;
    Oid in;
    getTypeInputInfo(att->atttypid, &in, &(*ioparams)[i]);
    fmgr_info(in, &(*inputs)[i]);
  }
}

Datum canonical_to_datum(const char* text, Form_pg_attribute att, FmgrInfo* input, Oid ioparam) {
  return InputFunctionCall(input, const_cast<char*>(text), ioparam, att->atttypmod);
}

}  // namespace cfdw::pg
