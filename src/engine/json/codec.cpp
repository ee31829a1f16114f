// commerce_fdw engine: the column codec (see codec.h).
#include "engine/json/codec.h"

#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

#include "engine/error.h"
#include "engine/json/pgtext.h"

namespace cfdw {
namespace json {

namespace {

// The text of a string or number (a number's exact source text).
std::string_view view(const Value& v) { return v.view(); }

// ---------------------------------------------------------------------------
// Scalar text forms

enum class IntParse { Ok, NotInteger, OutOfRange };

// Parses an integer written as [+-]digits, optionally with a fractional part
// of zeros only ("144.000"), and checks it lies within [lo, hi] (lo <= 0 <= hi).
IntParse parse_integer(std::string_view s, int64_t lo, int64_t hi, int64_t* out) {
  size_t i = 0;
  const bool negative = !s.empty() && s[0] == '-';
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) ++i;
  const size_t first_digit = i;
  uint64_t magnitude = 0;
  bool overflow = false;
  for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
    const unsigned d = unsigned(s[i] - '0');
    if (magnitude > (std::numeric_limits<uint64_t>::max() - d) / 10) overflow = true;
    else magnitude = magnitude * 10 + d;
  }
  if (i == first_digit) return IntParse::NotInteger;
  if (i < s.size() && s[i] == '.') {
    if (++i == s.size()) return IntParse::NotInteger;
    for (; i < s.size(); ++i)
      if (s[i] != '0') return IntParse::NotInteger;
  }
  if (i != s.size()) return IntParse::NotInteger;
  // The largest magnitude allowed; |lo| is computed so that INT64_MIN does not overflow.
  const uint64_t limit = !negative ? uint64_t(hi) : lo < 0 ? uint64_t(-(lo + 1)) + 1 : 0;
  if (overflow || magnitude > limit) return IntParse::OutOfRange;
  *out = !negative ? int64_t(magnitude) : magnitude == 0 ? 0 : -int64_t(magnitude - 1) - 1;
  return IntParse::Ok;
}

// A decimal number as PostgreSQL's numeric and float8 inputs read it:
// [+-] digits [. digits] [e [+-] digits], with at least one mantissa digit.
bool is_decimal(std::string_view s) {
  size_t i = 0;
  auto digits = [&] {
    const size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    return i - start;
  };
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  size_t mantissa = digits();
  if (i < s.size() && s[i] == '.') {
    ++i;
    mantissa += digits();
  }
  if (mantissa == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (digits() == 0) return false;
  }
  return i == s.size();
}

bool all_digits(std::string_view s) {
  for (const char c : s)
    if (c < '0' || c > '9') return false;
  return !s.empty();
}

// ---------------------------------------------------------------------------
// Decoding

DecodeResult bad(std::string* why, const std::string& reason) {
  if (why) *why = reason;
  return DecodeResult::Bad;
}

DecodeResult ok(std::string* out, std::string text) {
  *out = std::move(text);
  return DecodeResult::Ok;
}

// Any value as text: strings and numbers as written, booleans as
// true/false, objects and arrays as their JSON.
std::string as_text(const Value& v) {
  const Kind k = v.kind();
  return k == Kind::Object || k == Kind::Array ? serialize(v) : text(v);
}

DecodeResult decode_bool(const Value& v, std::string* out, std::string* why) {
  const std::string_view s = view(v);
  int64_t n;
  switch (v.kind()) {
    case Kind::Bool: return ok(out, v.is_true() ? "t" : "f");
    case Kind::Number:
      if (parse_integer(s, 0, 1, &n) == IntParse::Ok) return ok(out, n ? "t" : "f");
      break;
    case Kind::String:
      if (s == "Y" || s == "y" || s == "1" || s == "true" || s == "t") return ok(out, "t");
      if (s == "N" || s == "n" || s == "0" || s == "false" || s == "f") return ok(out, "f");
      break;
    default: break;
  }
  return bad(why, "not a boolean");
}

DecodeResult decode_integer(const Value& v, ColType type, std::string* out, std::string* why) {
  const Kind k = v.kind();
  if (k != Kind::Number && k != Kind::String) return bad(why, "not an integer");
  const bool int4 = type == ColType::Int4;
  int64_t n = 0;
  switch (parse_integer(view(v), int4 ? std::numeric_limits<int32_t>::min() : std::numeric_limits<int64_t>::min(),
                        int4 ? std::numeric_limits<int32_t>::max() : std::numeric_limits<int64_t>::max(), &n)) {
    case IntParse::Ok: return ok(out, std::to_string(n));
    case IntParse::OutOfRange: return bad(why, std::string("out of range for ") + coltype_sql_name(type));
    case IntParse::NotInteger: break;
  }
  return bad(why, "not an integer");
}

DecodeResult decode_decimal(const Value& v, std::string* out, std::string* why) {
  const Kind k = v.kind();
  if (k == Kind::Number || (k == Kind::String && is_decimal(view(v)))) return ok(out, std::string(view(v)));
  return bad(why, "not a number");
}

DecodeResult decode_date(const Value& v, std::string* out, std::string* why) {
  pgtext::DateTime dt;
  if (v.kind() == Kind::String) {
    switch (pgtext::parse_datetime(view(v), &dt)) {
      case pgtext::DateParse::Ok: return ok(out, pgtext::format_datetime(dt, false, false));
      case pgtext::DateParse::Zero: return DecodeResult::Null;
      case pgtext::DateParse::Bad: break;
    }
  }
  return bad(why, "not a date");
}

// Timestamps come as ISO 8601 text or as seconds since 1970 (a JSON number,
// a string of digits, or with Format::EpochSeconds any integer string).
// Without a time zone column type, a zone in the text is ignored, as
// PostgreSQL's timestamp input does.
DecodeResult decode_timestamp(const Value& v, ColType type, Format how, std::string* out, std::string* why) {
  const bool with_zone = type == ColType::TimestampTz;
  const Kind k = v.kind();
  if (k != Kind::Number && k != Kind::String) return bad(why, "not a timestamp");
  const std::string_view s = view(v);
  if (k == Kind::Number || how == Format::EpochSeconds || all_digits(s)) {
    int64_t secs = 0;
    const IntParse r = parse_integer(s, pgtext::kMinEpoch, pgtext::kMaxEpoch, &secs);
    if (r == IntParse::Ok) return ok(out, pgtext::format_datetime(pgtext::from_epoch(secs), true, with_zone));
    if (r == IntParse::OutOfRange) return bad(why, std::string("out of range for ") + coltype_sql_name(type));
    if (k == Kind::Number) return bad(why, "not a timestamp");
  }
  pgtext::DateTime dt;
  switch (pgtext::parse_datetime(s, &dt)) {
    case pgtext::DateParse::Ok: return ok(out, pgtext::format_datetime(dt, true, with_zone));
    case pgtext::DateParse::Zero: return DecodeResult::Null;
    case pgtext::DateParse::Bad: break;
  }
  return bad(why, "not a timestamp");
}

// bigint[] from a JSON array of integers (null elements are NULL) or from a
// comma-separated string or single number ("1,2,3", 7).
DecodeResult decode_int_array(const Value& v, std::string* out, std::string* why) {
  std::vector<std::string> items;
  auto add = [&](std::string_view s) {
    int64_t n = 0;
    const IntParse r =
        parse_integer(s, std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max(), &n);
    if (r == IntParse::Ok) items.push_back(std::to_string(n));
    return r;
  };
  IntParse r = IntParse::Ok;
  const Kind k = v.kind();
  if (k == Kind::Array) {
    for (const Value& e : v.elements()) {
      const Kind ek = e.kind();
      if (ek == Kind::Null) items.push_back("NULL");
      else r = ek == Kind::Number || ek == Kind::String ? add(view(e)) : IntParse::NotInteger;
      if (r != IntParse::Ok) break;
    }
  } else if (k == Kind::Number || k == Kind::String) {
    std::string_view s = view(v);
    while (r == IntParse::Ok) {
      const size_t comma = s.find(',');
      std::string_view item = s.substr(0, comma);
      while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
      while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
      r = add(item);
      if (comma == std::string_view::npos) break;
      s.remove_prefix(comma + 1);
    }
  } else {
    r = IntParse::NotInteger;
  }
  if (r == IntParse::OutOfRange) return bad(why, "out of range for bigint");
  if (r == IntParse::NotInteger) return bad(why, "not an array of integers");
  std::string lit = "{";
  for (size_t i = 0; i < items.size(); ++i) lit += (i ? "," : "") + items[i];
  return ok(out, lit + "}");
}

// text[] from a JSON array; every element is double-quoted, null elements are NULL.
DecodeResult decode_text_array(const Value& v, std::string* out, std::string* why) {
  if (v.kind() != Kind::Array) return bad(why, "not an array");
  std::string lit = "{";
  bool first = true;
  for (const Value& e : v.elements()) {
    if (!first) lit += ',';
    first = false;
    if (e.kind() == Kind::Null) {
      lit += "NULL";
      continue;
    }
    lit += '"';
    for (const char c : as_text(e)) {
      if (c == '"' || c == '\\') lit += '\\';
      lit += c;
    }
    lit += '"';
  }
  return ok(out, lit + "}");
}

}  // namespace

// ---------------------------------------------------------------------------
// Decoding

DecodeResult decode(const Value* v, ColType type, Format how, std::string* out, std::string* why) {
  if (!v || v->kind() == Kind::Null) return DecodeResult::Null;
  const Kind k = v->kind();
  if (k == Kind::Number || k == Kind::String) {
    const std::string_view s = view(*v);
    int64_t n;
    if (how == Format::MinusOneNull && parse_integer(s, -1, 0, &n) == IntParse::Ok && n == -1)
      return DecodeResult::Null;
    // APIs send "" for absent numbers and dates; for text it is a value unless asked otherwise.
    const bool textual = type == ColType::Text || type == ColType::Jsonb;
    if (k == Kind::String && s.empty() && (how == Format::EmptyNull || !textual)) return DecodeResult::Null;
  }
  switch (type) {
    case ColType::Bool: return decode_bool(*v, out, why);
    case ColType::Int4:
    case ColType::Int8: return decode_integer(*v, type, out, why);
    case ColType::Float8:
    case ColType::Numeric: return decode_decimal(*v, out, why);
    case ColType::Text:
      if (k == Kind::String && std::memchr(v->view().data(), 0, v->view().size())) return DecodeResult::Nul;
      return ok(out, as_text(*v));
    case ColType::Date: return decode_date(*v, out, why);
    case ColType::Timestamp:
    case ColType::TimestampTz: return decode_timestamp(*v, type, how, out, why);
    case ColType::Jsonb: return ok(out, serialize(*v));
    case ColType::Int8Array: return decode_int_array(*v, out, why);
    case ColType::TextArray: {
      const DecodeResult r = decode_text_array(*v, out, why);
      return r == DecodeResult::Ok && out->find('\0') != std::string::npos ? DecodeResult::Nul : r;
    }
  }
  return bad(why, "unsupported column type");
}

Error nul_error(std::string_view column, std::string_view table) {
  return Error("22P05",  // untranslatable_character
               "column \"" + std::string(column) + "\" of foreign table \"" + std::string(table) +
                   "\": remote value holds the character \\u0000, which text cannot hold",
               "", "The remote API returned a string with a NUL character; it is not read shortened.");
}

// ---------------------------------------------------------------------------
// Encoding

void encode(Builder* b, std::string_view path, ColType type, const char* pg_text, Format fmt,
            std::string_view column) {
  auto invalid = [&](const std::string& what) {
    return Error(sqlstate::kInvalidParameterValue,
                 "value \"" + std::string(pg_text) + "\" of column \"" + std::string(column) + "\" " + what);
  };
  if (!pg_text) {
    if (fmt == Format::MinusOneNull) b->set_number(path, "-1");
    else b->set_null(path);
    return;
  }
  const std::string_view s = pg_text;
  const bool as_string = fmt == Format::String;
  switch (type) {
    case ColType::Bool: {
      const bool t = s == "t" || s == "true";
      if (!t && s != "f" && s != "false") throw invalid("is not a boolean");
      if (fmt == Format::BoolYN) b->set_string(path, t ? "Y" : "N");
      else if (fmt == Format::Bool10) b->set_number(path, t ? "1" : "0");
      else if (as_string) b->set_string(path, t ? "true" : "false");
      else b->set_bool(path, t);
      return;
    }
    case ColType::Int4:
    case ColType::Int8:
    case ColType::Float8:
    case ColType::Numeric:
      if (!is_number(s)) throw invalid("cannot be written as a JSON number");
      if (as_string) b->set_string(path, s);
      else b->set_number(path, s);
      return;
    case ColType::Text: b->set_string(path, s); return;
    case ColType::Date:
    case ColType::Timestamp:
    case ColType::TimestampTz: {
      if (fmt != Format::EpochSeconds) {
        b->set_string(path, s);
        return;
      }
      pgtext::DateTime dt;
      if (pgtext::parse_datetime(s, &dt) != pgtext::DateParse::Ok) throw invalid("is not a timestamp");
      b->set_number(path, std::to_string(dt.epoch()));  // a zone-less value is taken as UTC
      return;
    }
    case ColType::Jsonb: {
      Doc d;
      std::string why;
      if (!d.parse(s, &why)) throw invalid("is not valid JSON: " + why);
      if (as_string) b->set_string(path, s);
      else b->set_value(path, d.root());
      return;
    }
    case ColType::Int8Array:
    case ColType::TextArray: {
      std::vector<std::string> items;
      std::vector<bool> nulls;
      if (!pgtext::parse_pg_array(s, &items, &nulls)) throw invalid("is not an array literal");
      std::string arr = "[";
      for (size_t i = 0; i < items.size(); ++i) {
        if (i) arr += ',';
        if (nulls[i]) {
          arr += "null";
        } else if (type == ColType::TextArray || as_string) {
          arr += quote(items[i]);
        } else {
          if (!is_number(items[i])) throw invalid("is not an array of integers");
          arr += items[i];
        }
      }
      b->set_raw(path, arr + "]");
      return;
    }
  }
  throw invalid("has an unsupported type");
}

}  // namespace json
}  // namespace cfdw
