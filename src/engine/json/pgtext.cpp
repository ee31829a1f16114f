// commerce_fdw engine: PostgreSQL array literals and ISO dates/timestamps (see pgtext.h).
#include "engine/json/pgtext.h"

#include <cinttypes>
#include <cstdio>

namespace cfdw {
namespace pgtext {

namespace {

int days_in_month(int64_t y, int m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
  return m == 2 && leap ? 29 : kDays[m - 1];
}

}  // namespace

DateParse parse_datetime(std::string_view s, DateTime* dt, Years years) {
  constexpr std::string_view kBc = " BC";
  const bool astronomical = years == Years::Astronomical;
  const bool bc = !astronomical && s.size() > kBc.size() && s.substr(s.size() - kBc.size()) == kBc;
  if (bc) s.remove_suffix(kBc.size());
  const bool negative = astronomical && !s.empty() && s[0] == '-';
  size_t i = negative ? 1 : 0;
  auto at = [&](char c) { return i < s.size() && s[i] == c; };
  auto skip = [&](char c) { return at(c) ? (++i, true) : false; };
  auto is_digit = [&] { return i < s.size() && s[i] >= '0' && s[i] <= '9'; };
  // Between min and max digits.
  auto digits = [&](size_t min, size_t max, int64_t* out) {
    const size_t start = i;
    for (*out = 0; is_digit() && i - start < max; ++i) *out = *out * 10 + (s[i] - '0');
    return i - start >= min;
  };
  // Exactly two digits.
  auto two = [&](int* out) {
    int64_t v;
    const bool ok = digits(2, 2, &v);
    *out = int(v);
    return ok;
  };
  if (!digits(astronomical ? 1 : 4, 6, &dt->year) || !skip('-') || !two(&dt->month) || !skip('-') || !two(&dt->day))
    return DateParse::Bad;
  if (negative) dt->year = -dt->year;
  if (!astronomical && dt->year == 0 && dt->month == 0 && dt->day == 0) return DateParse::Zero;
  if (skip('T') || skip('t') || skip(' ')) {
    if (!two(&dt->hour) || !skip(':') || !two(&dt->minute)) return DateParse::Bad;
    if (skip(':')) {
      if (!two(&dt->second)) return DateParse::Bad;
      if (skip('.')) {
        const size_t start = i;
        while (is_digit()) ++i;
        if (i == start) return DateParse::Bad;
        dt->fraction = s.substr(start, i - start);
      }
    }
    if (skip('Z') || skip('z')) {
      dt->has_zone = true;
      dt->zone = "+00";
    } else if (at('+') || at('-')) {
      const int sign = s[i++] == '-' ? -1 : 1;
      const size_t start = i - 1;
      int hh, mm = 0, ss = 0;
      if (!two(&hh)) return DateParse::Bad;
      dt->zone = s.substr(start, 3);
      if (at(':') || is_digit()) {  // "+02:00" or "+0200"
        skip(':');
        if (!two(&mm)) return DateParse::Bad;
        dt->zone += ':' + std::string(s.substr(i - 2, 2));
        if (skip(':')) {
          if (!two(&ss)) return DateParse::Bad;
          dt->zone += ':' + std::string(s.substr(i - 2, 2));
        }
      }
      if (hh > 15 || mm > 59 || ss > 59) return DateParse::Bad;
      dt->has_zone = true;
      dt->offset = sign * (hh * 3600 + mm * 60 + ss);
    }
  }
  if (dt->year == 0 && !astronomical) return DateParse::Bad;  // there is no year 0 between 1 BC and 1 AD
  if (bc) dt->year = 1 - dt->year;           // astronomical numbering: 1 BC is year 0
  if (i != s.size() || dt->month < 1 || dt->month > 12 || dt->day < 1 ||
      dt->day > days_in_month(dt->year, dt->month) || dt->hour > 23 || dt->minute > 59 || dt->second > 59)
    return DateParse::Bad;
  return DateParse::Ok;
}

DateTime from_epoch(int64_t secs) {
  DateTime dt;
  const int64_t days = secs / 86400 - (secs % 86400 < 0);  // floor division
  const int64_t rest = secs - days * 86400;
  civil_from_days(days, &dt.year, &dt.month, &dt.day);
  dt.hour = int(rest / 3600);
  dt.minute = int(rest / 60 % 60);
  dt.second = int(rest % 60);
  dt.has_zone = true;
  dt.zone = "+00";
  return dt;
}

std::string format_datetime(const DateTime& dt, bool with_time, bool with_zone) {
  const bool bc = dt.year <= 0;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04" PRId64 "-%02d-%02d", bc ? 1 - dt.year : dt.year, dt.month, dt.day);
  std::string out = buf;
  if (with_time) {
    std::snprintf(buf, sizeof buf, " %02d:%02d:%02d", dt.hour, dt.minute, dt.second);
    out += buf;
    if (!dt.fraction.empty()) {
      out += '.';
      out += dt.fraction;
    }
    if (with_zone) out += dt.has_zone ? dt.zone : "+00";
  }
  if (bc) out += " BC";
  return out;
}


// ---------------------------------------------------------------------------
// Array literals

bool parse_pg_array(std::string_view literal, std::vector<std::string>* items, std::vector<bool>* null_flags) {
  items->clear();
  null_flags->clear();
  size_t i = 0;
  auto space = [&] {
    while (i < literal.size() && (literal[i] == ' ' || literal[i] == '\t' || literal[i] == '\n' || literal[i] == '\r'))
      ++i;
  };
  space();
  // Optional dimension decoration, as array_out writes for lower bounds other than 1: "[0:2]={...}".
  if (i < literal.size() && literal[i] == '[') {
    const size_t eq = literal.find("]=", i);
    if (eq == std::string_view::npos) return false;
    i = eq + 2;
    space();
  }
  if (i >= literal.size() || literal[i] != '{') return false;
  ++i;
  space();
  if (i < literal.size() && literal[i] == '}') {
    ++i;
  } else {
    for (;;) {
      space();
      if (i >= literal.size()) return false;
      std::string item;
      bool quoted = false;
      if (literal[i] == '"') {
        quoted = true;
        for (++i;; ++i) {
          if (i >= literal.size()) return false;
          if (literal[i] == '"') break;
          if (literal[i] == '\\' && ++i >= literal.size()) return false;
          item += literal[i];
        }
        ++i;
        space();
      } else {
        // Unquoted: up to ',' or '}', backslash escapes allowed, surrounding
        // white space dropped (escaped white space kept).
        size_t keep = 0;  // length of item up to its last escaped or non-space character
        for (; i < literal.size() && literal[i] != ',' && literal[i] != '}'; ++i) {
          const char c = literal[i];
          if (c == '{' || c == '"') return false;  // nested arrays (more dimensions) or stray quotes
          if (c == '\\') {
            if (++i >= literal.size()) return false;
            item += literal[i];
            keep = item.size();
          } else {
            item += c;
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') keep = item.size();
          }
        }
        item.resize(keep);
        if (item.empty()) return false;
      }
      if (i >= literal.size()) return false;
      const bool is_null = !quoted && item.size() == 4 && (item[0] | 0x20) == 'n' && (item[1] | 0x20) == 'u' &&
                           (item[2] | 0x20) == 'l' && (item[3] | 0x20) == 'l';
      items->push_back(is_null ? std::string() : std::move(item));
      null_flags->push_back(is_null);
      if (literal[i++] == '}') break;
      if (literal[i - 1] != ',') return false;
    }
  }
  space();
  return i == literal.size();
}

}  // namespace pgtext
}  // namespace cfdw
