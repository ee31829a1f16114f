// commerce_fdw engine: rendering condition values into requests (see values.h).
#include "engine/values.h"

#include <cstdio>
#include <cstdlib>

#include "engine/civil.h"
#include "engine/pgtext.h"

namespace cfdw {

namespace {

// The civil date "YYYY-MM-DD" of days since 1970-01-01.
std::string civil_of_days(int64_t days) {
  int64_t y;
  int m, d;
  civil_from_days(days, &y, &m, &d);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04lld-%02d-%02d", (long long)y, m, d);
  return buf;
}

}  // namespace

bool canonical_to_epoch(const std::string& ts, long long* seconds) {
  // Canonical years are astronomical ("-0043-03-15" is 44 BC); fractions of a second are dropped.
  pgtext::DateTime dt;
  if (pgtext::parse_datetime(ts, &dt, pgtext::Years::Astronomical) != pgtext::DateParse::Ok) return false;
  *seconds = dt.epoch();
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
    case ValueFormat::DateDayBefore:
    case ValueFormat::DateDayAfter: {
      long long secs;
      if (v.size() < 10 || !canonical_to_epoch(v.substr(0, 10), &secs)) return false;
      *out = civil_of_days(secs / 86400 + (format == ValueFormat::DateDayBefore ? -1 : 1));
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
