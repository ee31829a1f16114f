// commerce_fdw engine: PostgreSQL's text forms that are not JSON — one-
// dimensional array literals, and dates and timestamps in ISO 8601 /
// PostgreSQL ISO form (parsed from what APIs and PostgreSQL write, formatted
// as PostgreSQL's canonical input).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/json/civil.h"

namespace cfdw {
namespace pgtext {

// Parses a PostgreSQL array literal ("{1,2}", "{\"a b\",c}", "[0:1]={5,6}")
// into its elements. Returns false if it is not a one-dimensional array
// literal. *null_flags gets true for NULL elements (their item is empty).
bool parse_pg_array(std::string_view literal, std::vector<std::string>* items, std::vector<bool>* null_flags);

// A date and time as written in ISO 8601 / PostgreSQL ISO output.
struct DateTime {
  int64_t year = 0;  // astronomical: 0 is 1 BC
  int month = 0, day = 0, hour = 0, minute = 0, second = 0;
  std::string_view fraction;  // digits after the decimal point of the seconds, as written (a view of the input)
  bool has_zone = false;
  int offset = 0;    // seconds east of UTC
  std::string zone;  // canonical PostgreSQL form: "+00", "+02:00", "-05:30"

  int64_t epoch() const {
    return days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offset;
  }
};

enum class DateParse { Ok, Zero, Bad };

// How years are written.
enum class Years {
  Iso,           // 4 to 6 digits, " BC" suffix for years before 1 AD; no year 0
  Astronomical,  // the canonical text of condition values ("%04d"): an optional '-' sign, 0 is 1 BC
};

// Parses YYYY-MM-DD[(T| )HH:MM[:SS[.fff]][Z|(+|-)HH[[:]MM[:SS]]]][ BC].
// With Years::Iso "0000-00-00..." (the MySQL-style "no date") gives Zero.
DateParse parse_datetime(std::string_view s, DateTime* dt, Years years = Years::Iso);

// PostgreSQL's timestamp range in seconds since 1970: 4714-11-24 BC to 294276-12-31 AD.
constexpr int64_t kMinEpoch = days_from_civil(-4713, 11, 24) * 86400;
constexpr int64_t kMaxEpoch = days_from_civil(294277, 1, 1) * 86400 - 1;

// The DateTime of epoch seconds, in UTC.
DateTime from_epoch(int64_t secs);

// The canonical PostgreSQL input text of dt: "YYYY-MM-DD", or
// "YYYY-MM-DD HH:MM:SS[.fff]" followed by the zone ("+00" when dt has none)
// if with_zone; years before 1 AD get PostgreSQL's " BC" suffix.
std::string format_datetime(const DateTime& dt, bool with_time, bool with_zone);

}  // namespace pgtext
}  // namespace cfdw
