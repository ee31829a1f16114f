// commerce_fdw engine: rendering condition values into requests (see values.h).
#include "engine/wire/values.h"

#include <cstdio>
#include <cstdlib>

#include "engine/json/civil.h"
#include "engine/json/pgtext.h"

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

bool format_value(const std::string& v, Format format, std::string* out) {
  switch (format) {
    case Format::Plain:
      *out = v;
      return true;
    case Format::BoolTrueFalse:
      *out = (v == "t" || v == "true") ? "true" : "false";
      return true;
    case Format::BoolYN:
      *out = (v == "t" || v == "true") ? "Y" : "N";
      return true;
    case Format::Date:
      *out = v.substr(0, 10);
      return true;
    case Format::IsoSeconds:
    case Format::IsoDayBefore:
    case Format::IsoDayAfter: {
      if (v.size() < 10) return false;
      std::string s = v.size() >= 19 ? v.substr(0, 19) : v.substr(0, 10) + " 00:00:00";
      if (v.size() < 19 && format != Format::IsoSeconds) {
        long long secs;
        if (!canonical_to_epoch(s, &secs)) return false;
        const bool before = format == Format::IsoDayBefore;
        s = civil_of_days(secs / 86400 + (before ? -1 : 1)) + (before ? " 00:00:00" : " 23:59:59");
      }
      s[10] = 'T';
      *out = s;
      return true;
    }
    case Format::DateDayBefore:
    case Format::DateDayAfter: {
      long long secs;
      if (v.size() < 10 || !canonical_to_epoch(v.substr(0, 10), &secs)) return false;
      *out = civil_of_days(secs / 86400 + (format == Format::DateDayBefore ? -1 : 1));
      return true;
    }
    case Format::EpochSeconds: {
      long long secs;
      if (!canonical_to_epoch(v, &secs)) return false;
      *out = std::to_string(secs);
      return true;
    }
    case Format::LikeCore:
      *out = like_core(v);
      return !out->empty();
    case Format::String:
    case Format::Bool10:
    case Format::MinusOneNull:
    case Format::EmptyNull:
      break;  // body and reading formats: not for a condition value
  }
  return false;
}

std::string substitute_braces(std::string_view s,
                              const std::function<std::optional<std::string>(std::string_view name)>& value_of) {
  std::string out;
  size_t i = 0;
  while (i < s.size()) {
    const size_t open = s.find('{', i);
    const size_t close = open == std::string::npos ? open : s.find('}', open + 1);
    if (close == std::string::npos) break;
    std::optional<std::string> value = value_of(s.substr(open + 1, close - open - 1));
    if (!value) {  // not a placeholder: keep the brace, look on after it
      out.append(s, i, open + 1 - i);
      i = open + 1;
      continue;
    }
    out.append(s, i, open - i);
    out += *value;
    i = close + 1;
  }
  out.append(s, i, std::string::npos);
  return out;
}

std::string substitute_config(const std::string& s, const Config& cfg) {
  return substitute_braces(s, [&](std::string_view name) -> std::optional<std::string> {
    auto it = cfg.options.find(std::string(name));
    if (it == cfg.options.end()) return std::nullopt;
    return it->second;
  });
}

}  // namespace cfdw
