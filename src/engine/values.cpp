// commerce_fdw engine: rendering condition values into requests (see values.h).
#include "engine/values.h"

#include <cstdio>
#include <cstdlib>

namespace cfdw {

namespace {

// Days since 1970-01-01 of a civil date (proleptic Gregorian).
long long days_from_civil(long long y, unsigned m, unsigned d) {
  y -= m <= 2;
  const long long era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = unsigned(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + (long long)doe - 719468;
}

// The civil date "YYYY-MM-DD" of days since 1970-01-01 (proleptic Gregorian).
std::string civil_of_days(long long z) {
  z += 719468;
  const long long era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = unsigned(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u", yoe + era * 400 + (m <= 2), m, d);
  return buf;
}

}  // namespace

bool canonical_to_epoch(const std::string& ts, long long* seconds) {
  int y, mo, d, h = 0, mi = 0, s = 0;
  if (std::sscanf(ts.c_str(), "%d-%d-%d", &y, &mo, &d) != 3) return false;
  if (ts.size() >= 19) std::sscanf(ts.c_str() + 11, "%d:%d:%d", &h, &mi, &s);
  *seconds = days_from_civil(y, unsigned(mo), unsigned(d)) * 86400LL + h * 3600LL + mi * 60LL + s;
  return true;
}

std::string like_core(const std::string& pattern) {
  std::string best, cur;
  for (size_t i = 0; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c == '\\' && i + 1 < pattern.size()) {
      cur += pattern[++i];
    } else if (c == '%' || c == '_') {
      if (cur.size() > best.size()) best = cur;
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (cur.size() > best.size()) best = cur;
  return best;
}

bool format_value(const std::string& v, ValueFormat format, std::string* out) {
  switch (format) {
    case ValueFormat::Plain:
      *out = v;
      return true;
    case ValueFormat::TrueFalse:
      *out = (v == "t" || v == "true") ? "true" : "false";
      return true;
    case ValueFormat::YN:
      *out = (v == "t" || v == "true") ? "Y" : "N";
      return true;
    case ValueFormat::Date:
      *out = v.substr(0, 10);
      return true;
    case ValueFormat::IsoSeconds:
    case ValueFormat::IsoDayBefore:
    case ValueFormat::IsoDayAfter: {
      if (v.size() < 10) return false;
      std::string s = v.size() >= 19 ? v.substr(0, 19) : v.substr(0, 10) + " 00:00:00";
      if (v.size() < 19 && format != ValueFormat::IsoSeconds) {
        long long secs;
        if (!canonical_to_epoch(s, &secs)) return false;
        const bool before = format == ValueFormat::IsoDayBefore;
        s = civil_of_days(secs / 86400 + (before ? -1 : 1)) + (before ? " 00:00:00" : " 23:59:59");
      }
      s[10] = 'T';
      *out = s;
      return true;
    }
    case ValueFormat::EpochSeconds: {
      long long secs;
      if (!canonical_to_epoch(v, &secs)) return false;
      *out = std::to_string(secs);
      return true;
    }
    case ValueFormat::LikeCore:
      *out = like_core(v);
      return !out->empty();
  }
  return false;
}

std::string substitute_config(const std::string& s, const Config& cfg) {
  std::string out = s;
  const std::string token = "{shop_id}";
  size_t pos;
  while ((pos = out.find(token)) != std::string::npos) out.replace(pos, token.size(), cfg.shop_id);
  return out;
}

}  // namespace cfdw
