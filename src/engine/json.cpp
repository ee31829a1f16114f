// commerce_fdw engine: JSON reading and writing (see json.h).
//
// Numbers must survive exactly as the remote wrote them ("10.000000",
// "12345678901234567890", "1e400"). RapidJSON values have no such number type,
// so a number is stored as a RapidJSON string whose first byte is the marker
// '\0' followed by the number's source text. A real string that happens to
// begin with '\0' is stored with that byte doubled, so the two never collide:
//
//   number 10.50      -> "\0" "10.50"
//   string "10.50"    -> "10.50"
//   string "\u0000x"  -> "\0" "\0" "x"
//
// Only this file knows the encoding; everything else goes through kind(),
// text() and serialize().
//
// The documents are parsed by the strict recursive-descent parser below rather
// than by RapidJSON's reader: RapidJSON 1.1 rejects numbers beyond the range of
// a double (1e400) even when told to keep numbers as strings, and a remote must
// not be able to break a whole listing with one such value.
#include "engine/json.h"

#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <limits>

#include "engine/civil.h"
#include "engine/error.h"

namespace cfdw {
namespace json {

namespace {

using Allocator = rapidjson::Document::AllocatorType;

// ---------------------------------------------------------------------------
// Value encoding

constexpr char kMarker = '\0';

// The stored bytes of a string value (number marker included); empty for
// any other value.
std::string_view stored(const Value& v) {
  return v.IsString() ? std::string_view(v.GetString(), v.GetStringLength()) : std::string_view();
}

// A string or number's content without its marker (numbers: the source text).
std::string_view payload(const Value& v) {
  std::string_view s = stored(v);
  if (!s.empty() && s[0] == kMarker) s.remove_prefix(1);
  return s;
}

Value make_string(std::string_view s, Allocator& a) {
  if (s.empty() || s[0] != kMarker) return Value(s.data(), rapidjson::SizeType(s.size()), a);
  std::string escaped(1, kMarker);
  escaped.append(s);
  return Value(escaped.data(), rapidjson::SizeType(escaped.size()), a);
}

// A copy of v in allocator a. (RapidJSON 1.1's own copy constructor goes
// through a GenericDocument whose empty stack does arithmetic on a null
// pointer: undefined behaviour that UBSan reports.)
Value deep_copy(const Value& v, Allocator& a) {
  if (v.IsObject()) {
    Value o(rapidjson::kObjectType);
    for (auto& m : v.GetObject()) o.AddMember(deep_copy(m.name, a), deep_copy(m.value, a), a);
    return o;
  }
  if (v.IsArray()) {
    Value arr(rapidjson::kArrayType);
    for (auto& e : v.GetArray()) arr.PushBack(deep_copy(e, a), a);
    return arr;
  }
  if (v.IsString()) return Value(v.GetString(), v.GetStringLength(), a);  // markers and all
  if (v.IsBool()) return Value(v.IsTrue());
  return Value();
}

// text must already be a valid JSON number.
Value make_number(std::string_view text, Allocator& a) {
  std::string marked(1, kMarker);
  marked.append(text);
  return Value(marked.data(), rapidjson::SizeType(marked.size()), a);
}

// The member of object obj named name (compared by content), or nullptr.
template <typename V>
V* find_member(V& obj, std::string_view name) {
  for (auto& m : obj.GetObject())
    if (payload(m.name) == name) return &m.value;
  return nullptr;
}

// ---------------------------------------------------------------------------
// Parsing

// Scans a JSON number starting at s[*pos] (RFC 8259 grammar:
// -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?). On success *pos is
// just past it; otherwise *pos is at the offending character (or the end).
enum class Scan { Ok, Bad, Truncated };
Scan scan_number(std::string_view s, size_t* pos) {
  size_t& i = *pos;
  auto digit = [&] { return i < s.size() && s[i] >= '0' && s[i] <= '9'; };
  // One or more digits; Truncated when the input ends first.
  auto digits = [&] {
    if (i >= s.size()) return Scan::Truncated;
    if (!digit()) return Scan::Bad;
    while (digit()) ++i;
    return Scan::Ok;
  };
  if (i < s.size() && s[i] == '-') ++i;
  if (i < s.size() && s[i] == '0') {
    ++i;
  } else if (Scan r = digits(); r != Scan::Ok) {
    return r;
  }
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (Scan r = digits(); r != Scan::Ok) return r;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (Scan r = digits(); r != Scan::Ok) return r;
  }
  return Scan::Ok;
}

bool is_json_number(std::string_view s) {
  size_t pos = 0;
  return scan_number(s, &pos) == Scan::Ok && pos == s.size();
}

// A strict JSON parser building RapidJSON values in the encoding above.
class Parser {
 public:
  Parser(std::string_view in, Allocator& alloc) : in_(in), alloc_(alloc) {}

  // Parses the whole input into *root. On failure returns false and sets
  // *error to the reason and byte offset.
  bool parse(Value* root, std::string* error) {
    skip_space();
    bool ok;
    if (at_end()) {
      ok = fail("empty document", pos_);
    } else {
      ok = value(root, 0);
      skip_space();
      if (ok && !at_end()) ok = fail("unexpected data after the document", pos_);
    }
    if (!ok && error) *error = std::string(reason_) + " at offset " + std::to_string(offset_);
    return ok;
  }

 private:
  static constexpr int kMaxDepth = 512;

  bool at_end() const { return pos_ >= in_.size(); }
  void skip_space() {
    while (!at_end() && (in_[pos_] == ' ' || in_[pos_] == '\t' || in_[pos_] == '\n' || in_[pos_] == '\r')) ++pos_;
  }
  bool fail(const char* reason, size_t at) {
    reason_ = reason;
    offset_ = at;
    return false;
  }
  bool truncated() { return fail("unexpected end of input", in_.size()); }

  bool value(Value* out, int depth) {
    if (at_end()) return truncated();
    switch (in_[pos_]) {
      case '{': return object(out, depth + 1);
      case '[': return array(out, depth + 1);
      case '"':
        if (!string()) return false;
        *out = make_string(scratch_, alloc_);
        return true;
      case 't': out->SetBool(true); return literal("true");
      case 'f': out->SetBool(false); return literal("false");
      case 'n': out->SetNull(); return literal("null");
      default: return number(out);
    }
  }

  bool literal(std::string_view word) {
    const std::string_view rest = in_.substr(pos_, word.size());
    if (rest == word) {
      pos_ += word.size();
      return true;
    }
    // "tru" at the very end is a truncated "true"; "trux" is simply wrong.
    return rest.size() < word.size() && word.substr(0, rest.size()) == rest ? truncated()
                                                                             : fail("invalid value", pos_);
  }

  bool number(Value* out) {
    const size_t start = pos_;
    switch (scan_number(in_, &pos_)) {
      case Scan::Ok: *out = make_number(in_.substr(start, pos_ - start), alloc_); return true;
      case Scan::Truncated: return truncated();
      case Scan::Bad: break;
    }
    return fail(pos_ == start || (pos_ == start + 1 && in_[start] == '-') ? "invalid value" : "invalid number",
                start);
  }

  bool object(Value* out, int depth) {
    if (depth > kMaxDepth) return fail("nesting too deep", pos_);
    ++pos_;  // '{'
    out->SetObject();
    skip_space();
    if (!at_end() && in_[pos_] == '}') {
      ++pos_;
      return true;
    }
    for (;;) {
      skip_space();
      if (at_end()) return truncated();
      if (in_[pos_] != '"') return fail("missing a name for an object member", pos_);
      if (!string()) return false;
      Value name = make_string(scratch_, alloc_);
      skip_space();
      if (at_end()) return truncated();
      if (in_[pos_] != ':') return fail("missing ':' after an object member name", pos_);
      ++pos_;
      skip_space();
      Value member;
      if (!value(&member, depth)) return false;
      out->AddMember(name, member, alloc_);
      skip_space();
      if (at_end()) return truncated();
      if (in_[pos_] == '}') {
        ++pos_;
        return true;
      }
      if (in_[pos_] != ',') return fail("missing ',' or '}' after an object member", pos_);
      ++pos_;
    }
  }

  bool array(Value* out, int depth) {
    if (depth > kMaxDepth) return fail("nesting too deep", pos_);
    ++pos_;  // '['
    out->SetArray();
    skip_space();
    if (!at_end() && in_[pos_] == ']') {
      ++pos_;
      return true;
    }
    for (;;) {
      skip_space();
      Value element;
      if (!value(&element, depth)) return false;
      out->PushBack(element, alloc_);
      skip_space();
      if (at_end()) return truncated();
      if (in_[pos_] == ']') {
        ++pos_;
        return true;
      }
      if (in_[pos_] != ',') return fail("missing ',' or ']' after an array element", pos_);
      ++pos_;
    }
  }

  // Reads the string at pos_ (the opening quote) into scratch_, unescaped.
  bool string() {
    scratch_.clear();
    ++pos_;  // '"'
    for (;;) {
      if (at_end()) return truncated();
      const unsigned char c = static_cast<unsigned char>(in_[pos_]);
      if (c == '"') {
        ++pos_;
        return true;
      }
      if (c == '\\') {
        if (!escape()) return false;
      } else if (c < 0x20) {
        return fail("control character in string", pos_);
      } else if (c < 0x80) {
        scratch_ += char(c);
        ++pos_;
      } else if (!utf8_char()) {
        return false;
      }
    }
  }

  // Copies one multi-byte UTF-8 character, rejecting overlong forms,
  // surrogates and code points beyond U+10FFFF.
  bool utf8_char() {
    const unsigned char c = static_cast<unsigned char>(in_[pos_]);
    size_t extra;
    unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (c >= 0xC2 && c <= 0xDF) {
      extra = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
      extra = 2;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      extra = 3;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      return fail("invalid UTF-8 in string", pos_);
    }
    for (size_t k = 1; k <= extra; ++k) {
      if (pos_ + k >= in_.size()) return truncated();
      const unsigned char b = static_cast<unsigned char>(in_[pos_ + k]);
      if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xBF)) return fail("invalid UTF-8 in string", pos_);
    }
    scratch_.append(in_.substr(pos_, extra + 1));
    pos_ += extra + 1;
    return true;
  }

  // Reads the escape sequence at pos_ (the backslash).
  bool escape() {
    const size_t start = pos_++;
    if (at_end()) return truncated();
    const char e = in_[pos_++];
    switch (e) {
      case '"': scratch_ += '"'; return true;
      case '\\': scratch_ += '\\'; return true;
      case '/': scratch_ += '/'; return true;
      case 'b': scratch_ += '\b'; return true;
      case 'f': scratch_ += '\f'; return true;
      case 'n': scratch_ += '\n'; return true;
      case 'r': scratch_ += '\r'; return true;
      case 't': scratch_ += '\t'; return true;
      case 'u': break;
      default: return fail("invalid escape in string", start);
    }
    unsigned cp;
    if (!hex4(&cp)) return false;
    if (cp >= 0xDC00 && cp <= 0xDFFF) return fail("invalid surrogate pair in string", start);
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      // A high surrogate must be followed by \u and a low surrogate.
      if (at_end() || (pos_ + 1 == in_.size() && in_[pos_] == '\\')) return truncated();
      if (in_.compare(pos_, 2, "\\u") != 0) return fail("invalid surrogate pair in string", start);
      pos_ += 2;
      unsigned low;
      if (!hex4(&low)) return false;
      if (low < 0xDC00 || low > 0xDFFF) return fail("invalid surrogate pair in string", start);
      cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
    }
    append_utf8(cp);
    return true;
  }

  bool hex4(unsigned* out) {
    *out = 0;
    for (int k = 0; k < 4; ++k, ++pos_) {
      if (at_end()) return truncated();
      const char h = in_[pos_];
      unsigned d;
      if (h >= '0' && h <= '9') d = unsigned(h - '0');
      else if (h >= 'a' && h <= 'f') d = unsigned(h - 'a' + 10);
      else if (h >= 'A' && h <= 'F') d = unsigned(h - 'A' + 10);
      else return fail("invalid \\u escape in string", pos_);
      *out = *out * 16 + d;
    }
    return true;
  }

  void append_utf8(unsigned cp) {
    if (cp < 0x80) {
      scratch_ += char(cp);
    } else if (cp < 0x800) {
      scratch_ += char(0xC0 | (cp >> 6));
      scratch_ += char(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      scratch_ += char(0xE0 | (cp >> 12));
      scratch_ += char(0x80 | ((cp >> 6) & 0x3F));
      scratch_ += char(0x80 | (cp & 0x3F));
    } else {
      scratch_ += char(0xF0 | (cp >> 18));
      scratch_ += char(0x80 | ((cp >> 12) & 0x3F));
      scratch_ += char(0x80 | ((cp >> 6) & 0x3F));
      scratch_ += char(0x80 | (cp & 0x3F));
    }
  }

  std::string_view in_;
  size_t pos_ = 0;
  Allocator& alloc_;
  std::string scratch_;  // the string being read
  const char* reason_ = "";
  size_t offset_ = 0;
};

// ---------------------------------------------------------------------------
// Writing

void append_quoted(std::string* out, std::string_view s) {
  static const char kHex[] = "0123456789abcdef";
  *out += '"';
  for (const char ch : s) {
    const unsigned char c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': *out += "\\\""; break;
      case '\\': *out += "\\\\"; break;
      case '\b': *out += "\\b"; break;
      case '\f': *out += "\\f"; break;
      case '\n': *out += "\\n"; break;
      case '\r': *out += "\\r"; break;
      case '\t': *out += "\\t"; break;
      default:
        if (c < 0x20) {
          *out += "\\u00";
          *out += kHex[c >> 4];
          *out += kHex[c & 0xF];
        } else {
          *out += ch;  // UTF-8 is kept as is
        }
    }
  }
  *out += '"';
}

void write(const Value& v, std::string* out) {
  switch (kind(v)) {
    case Kind::Null: *out += "null"; break;
    case Kind::Bool: *out += v.GetBool() ? "true" : "false"; break;
    case Kind::Number: *out += payload(v); break;
    case Kind::String: append_quoted(out, payload(v)); break;
    case Kind::Object: {
      *out += '{';
      bool first = true;
      for (const auto& m : v.GetObject()) {
        if (!first) *out += ',';
        first = false;
        append_quoted(out, payload(m.name));
        *out += ':';
        write(m.value, out);
      }
      *out += '}';
      break;
    }
    case Kind::Array: {
      *out += '[';
      bool first = true;
      for (const auto& e : v.GetArray()) {
        if (!first) *out += ',';
        first = false;
        write(e, out);
      }
      *out += ']';
      break;
    }
  }
}

// ---------------------------------------------------------------------------
// Scalar text forms shared by decoding and building

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

int days_in_month(int64_t y, int m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
  return m == 2 && leap ? 29 : kDays[m - 1];
}

// A date and time as written in ISO 8601 / PostgreSQL ISO output.
struct DateTime {
  int64_t year = 0;  // astronomical
  int month = 0, day = 0, hour = 0, minute = 0, second = 0;
  std::string_view fraction;  // digits after the decimal point of the seconds, as written
  bool has_zone = false;
  int offset = 0;    // seconds east of UTC
  std::string zone;  // canonical PostgreSQL form: "+00", "+02:00", "-05:30"

  int64_t epoch() const {
    return days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offset;
  }
};

enum class DateParse { Ok, Zero, Bad };

// Parses YYYY-MM-DD[(T| )HH:MM[:SS[.fff]][Z|(+|-)HH[[:]MM[:SS]]]][ BC].
// "0000-00-00..." (the MySQL-style "no date") gives Zero.
DateParse parse_datetime(std::string_view s, DateTime* dt) {
  constexpr std::string_view kBc = " BC";
  const bool bc = s.size() > kBc.size() && s.substr(s.size() - kBc.size()) == kBc;
  if (bc) s.remove_suffix(kBc.size());
  size_t i = 0;
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
  if (!digits(4, 6, &dt->year) || !skip('-') || !two(&dt->month) || !skip('-') || !two(&dt->day))
    return DateParse::Bad;
  if (dt->year == 0 && dt->month == 0 && dt->day == 0) return DateParse::Zero;
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
  if (dt->year == 0) return DateParse::Bad;  // there is no year 0 between 1 BC and 1 AD
  if (bc) dt->year = 1 - dt->year;           // astronomical numbering: 1 BC is year 0
  if (i != s.size() || dt->month < 1 || dt->month > 12 || dt->day < 1 ||
      dt->day > days_in_month(dt->year, dt->month) || dt->hour > 23 || dt->minute > 59 || dt->second > 59)
    return DateParse::Bad;
  return DateParse::Ok;
}

// PostgreSQL's timestamp range: 4714-11-24 BC to 294276-12-31 AD.
constexpr int64_t kMinEpoch = days_from_civil(-4713, 11, 24) * 86400;
constexpr int64_t kMaxEpoch = days_from_civil(294277, 1, 1) * 86400 - 1;

// The DateTime of epoch seconds, in UTC.
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

// The canonical PostgreSQL input text of dt: "YYYY-MM-DD", or
// "YYYY-MM-DD HH:MM:SS[.fff]" followed by the zone ("+00" when dt has none)
// if with_zone; years before 1 AD get PostgreSQL's " BC" suffix.
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
  const Kind k = kind(v);
  return k == Kind::Object || k == Kind::Array ? serialize(v) : text(v);
}

DecodeResult decode_bool(const Value& v, std::string* out, std::string* why) {
  const std::string_view s = payload(v);
  int64_t n;
  switch (kind(v)) {
    case Kind::Bool: return ok(out, v.GetBool() ? "t" : "f");
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
  const Kind k = kind(v);
  if (k != Kind::Number && k != Kind::String) return bad(why, "not an integer");
  const bool int4 = type == ColType::Int4;
  int64_t n = 0;
  switch (parse_integer(payload(v), int4 ? std::numeric_limits<int32_t>::min() : std::numeric_limits<int64_t>::min(),
                        int4 ? std::numeric_limits<int32_t>::max() : std::numeric_limits<int64_t>::max(), &n)) {
    case IntParse::Ok: return ok(out, std::to_string(n));
    case IntParse::OutOfRange: return bad(why, std::string("out of range for ") + coltype_sql_name(type));
    case IntParse::NotInteger: break;
  }
  return bad(why, "not an integer");
}

DecodeResult decode_decimal(const Value& v, std::string* out, std::string* why) {
  const Kind k = kind(v);
  if (k == Kind::Number || (k == Kind::String && is_decimal(payload(v)))) return ok(out, std::string(payload(v)));
  return bad(why, "not a number");
}

DecodeResult decode_date(const Value& v, std::string* out, std::string* why) {
  DateTime dt;
  if (kind(v) == Kind::String) {
    switch (parse_datetime(payload(v), &dt)) {
      case DateParse::Ok: return ok(out, format_datetime(dt, false, false));
      case DateParse::Zero: return DecodeResult::Null;
      case DateParse::Bad: break;
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
  const Kind k = kind(v);
  if (k != Kind::Number && k != Kind::String) return bad(why, "not a timestamp");
  const std::string_view s = payload(v);
  if (k == Kind::Number || how == Format::EpochSeconds || all_digits(s)) {
    int64_t secs = 0;
    const IntParse r = parse_integer(s, kMinEpoch, kMaxEpoch, &secs);
    if (r == IntParse::Ok) return ok(out, format_datetime(from_epoch(secs), true, with_zone));
    if (r == IntParse::OutOfRange) return bad(why, std::string("out of range for ") + coltype_sql_name(type));
    if (k == Kind::Number) return bad(why, "not a timestamp");
  }
  DateTime dt;
  switch (parse_datetime(s, &dt)) {
    case DateParse::Ok: return ok(out, format_datetime(dt, true, with_zone));
    case DateParse::Zero: return DecodeResult::Null;
    case DateParse::Bad: break;
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
  const Kind k = kind(v);
  if (k == Kind::Array) {
    for (const Value& e : v.GetArray()) {
      const Kind ek = kind(e);
      if (ek == Kind::Null) items.push_back("NULL");
      else r = ek == Kind::Number || ek == Kind::String ? add(payload(e)) : IntParse::NotInteger;
      if (r != IntParse::Ok) break;
    }
  } else if (k == Kind::Number || k == Kind::String) {
    std::string_view s = payload(v);
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
  if (kind(v) != Kind::Array) return bad(why, "not an array");
  std::string lit = "{";
  bool first = true;
  for (const Value& e : v.GetArray()) {
    if (!first) lit += ',';
    first = false;
    if (kind(e) == Kind::Null) {
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
// Doc

struct Doc::Impl {
  rapidjson::Document doc;
};

Doc::Doc() : impl_(std::make_unique<Impl>()) {}
Doc::~Doc() = default;
Doc::Doc(Doc&&) noexcept = default;
Doc& Doc::operator=(Doc&&) noexcept = default;

bool Doc::parse(std::string_view data, std::string* error) {
  impl_ = std::make_unique<Impl>();  // drops any previous document and its memory
  Value root;
  if (!Parser(data, impl_->doc.GetAllocator()).parse(&root, error)) return false;  // the root stays null
  static_cast<Value&>(impl_->doc) = root;  // moves
  return true;
}

const Value& Doc::root() const {
  static const Value kNull;
  return impl_ ? impl_->doc : kNull;  // a moved-from Doc reads as null
}

// ---------------------------------------------------------------------------
// Access

Kind kind(const Value& v) {
  switch (v.GetType()) {
    case rapidjson::kNullType: return Kind::Null;
    case rapidjson::kFalseType:
    case rapidjson::kTrueType: return Kind::Bool;
    case rapidjson::kObjectType: return Kind::Object;
    case rapidjson::kArrayType: return Kind::Array;
    case rapidjson::kNumberType: return Kind::Number;  // native numbers are never built here
    case rapidjson::kStringType: break;
  }
  const std::string_view s = stored(v);
  return s.size() >= 2 && s[0] == kMarker && s[1] != kMarker ? Kind::Number : Kind::String;
}

// Keys containing dots cannot be addressed: every '.' separates segments.
const Value* get(const Value& v, std::string_view path) {
  if (path.empty()) return &v;
  const Value* cur = &v;
  for (;;) {
    const size_t dot = path.find('.');
    const std::string_view seg = path.substr(0, dot);
    if (seg.empty()) return nullptr;
    if (cur->IsObject()) {
      cur = find_member(*cur, seg);
    } else if (cur->IsArray() && all_digits(seg) && seg.size() < 10) {
      const size_t index = std::stoul(std::string(seg));
      cur = index < cur->Size() ? &(*cur)[rapidjson::SizeType(index)] : nullptr;
    } else {
      cur = nullptr;
    }
    if (!cur || dot == std::string_view::npos) return cur;
    path.remove_prefix(dot + 1);
  }
}

std::string text(const Value& v) {
  switch (kind(v)) {
    case Kind::String:
    case Kind::Number: return std::string(payload(v));
    case Kind::Bool: return v.GetBool() ? "true" : "false";
    default: return std::string();
  }
}

std::string serialize(const Value& v) {
  std::string out;
  write(v, &out);
  return out;
}

std::string display(const Value& v) {
  constexpr size_t kMax = 80;
  std::string s = serialize(v);
  if (s.size() <= kMax) return s;
  size_t cut = kMax - 3;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;  // not inside a UTF-8 character
  s.resize(cut);
  return s + "...";
}

// ---------------------------------------------------------------------------
// Decode

DecodeResult decode(const Value* v, ColType type, Format how, std::string* out, std::string* why) {
  if (!v || v->IsNull()) return DecodeResult::Null;
  const Kind k = kind(*v);
  if (k == Kind::Number || k == Kind::String) {
    const std::string_view s = payload(*v);
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
    case ColType::Text: return ok(out, as_text(*v));
    case ColType::Date: return decode_date(*v, out, why);
    case ColType::Timestamp:
    case ColType::TimestampTz: return decode_timestamp(*v, type, how, out, why);
    case ColType::Jsonb: return ok(out, serialize(*v));
    case ColType::Int8Array: return decode_int_array(*v, out, why);
    case ColType::TextArray: return decode_text_array(*v, out, why);
  }
  return bad(why, "unsupported column type");
}

// ---------------------------------------------------------------------------
// Builder

struct Builder::Impl {
  rapidjson::Document doc;
  Impl() { doc.SetObject(); }

  // The value at path, created (as null) with any missing intermediate
  // objects; an existing value is returned for replacement.
  Value& slot(std::string_view path) {
    if (path.empty() || path.front() == '.' || path.back() == '.' || path.find("..") != std::string_view::npos)
      throw Error(sqlstate::kInternalError, "invalid JSON body path \"" + std::string(path) + "\"");
    const std::string_view full = path;
    Value* cur = &doc;
    for (;;) {
      const size_t dot = path.find('.');
      const std::string_view seg = path.substr(0, dot);
      Value* next = find_member(*cur, seg);
      if (!next) {
        cur->AddMember(make_string(seg, doc.GetAllocator()), Value(), doc.GetAllocator());
        next = &(cur->MemberEnd() - 1)->value;
      }
      if (dot == std::string_view::npos) return *next;
      if (!next->IsObject()) {
        if (!next->IsNull())
          throw Error(sqlstate::kInternalError,
                      "JSON body path \"" + std::string(full) + "\" runs through a value that is not an object");
        next->SetObject();
      }
      cur = next;
      path.remove_prefix(dot + 1);
    }
  }
  void set(std::string_view path, Value v) { slot(path) = v; }
  Allocator& alloc() { return doc.GetAllocator(); }
};

Builder::Builder() : impl_(std::make_unique<Impl>()) {}
Builder::~Builder() = default;
Builder::Builder(Builder&&) noexcept = default;
Builder& Builder::operator=(Builder&&) noexcept = default;

void Builder::set_string(std::string_view path, std::string_view s) { impl_->set(path, make_string(s, impl_->alloc())); }

void Builder::set_number(std::string_view path, std::string_view number_text) {
  if (!is_json_number(number_text))
    throw Error(sqlstate::kInvalidParameterValue, "\"" + std::string(number_text) + "\" is not a JSON number");
  impl_->set(path, make_number(number_text, impl_->alloc()));
}

void Builder::set_bool(std::string_view path, bool b) { impl_->set(path, Value(b)); }

void Builder::set_null(std::string_view path) { impl_->set(path, Value()); }

void Builder::set_raw(std::string_view path, std::string_view json_text) {
  Doc d;
  std::string why;
  if (!d.parse(json_text, &why))
    throw Error(sqlstate::kInvalidParameterValue, "invalid JSON for \"" + std::string(path) + "\": " + why);
  impl_->set(path, Value(d.root(), impl_->alloc()));  // deep copy into this document
}

void Builder::set_pg(std::string_view path, ColType type, const char* pg_text, Format fmt,
                     std::string_view column) {
  auto invalid = [&](const std::string& what) {
    return Error(sqlstate::kInvalidParameterValue,
                 "value \"" + std::string(pg_text) + "\" of column \"" + std::string(column) + "\" " + what);
  };
  if (!pg_text) {
    if (fmt == Format::MinusOneNull) set_number(path, "-1");
    else set_null(path);
    return;
  }
  const std::string_view s = pg_text;
  const bool as_string = fmt == Format::String;
  switch (type) {
    case ColType::Bool: {
      const bool t = s == "t" || s == "true";
      if (!t && s != "f" && s != "false") throw invalid("is not a boolean");
      if (fmt == Format::BoolYN) set_string(path, t ? "Y" : "N");
      else if (fmt == Format::Bool10) set_number(path, t ? "1" : "0");
      else if (as_string) set_string(path, t ? "true" : "false");
      else set_bool(path, t);
      return;
    }
    case ColType::Int4:
    case ColType::Int8:
    case ColType::Float8:
    case ColType::Numeric:
      if (!is_json_number(s)) throw invalid("cannot be written as a JSON number");
      if (as_string) set_string(path, s);
      else set_number(path, s);
      return;
    case ColType::Text: set_string(path, s); return;
    case ColType::Date:
    case ColType::Timestamp:
    case ColType::TimestampTz: {
      if (fmt != Format::EpochSeconds) {
        set_string(path, s);
        return;
      }
      DateTime dt;
      if (parse_datetime(s, &dt) != DateParse::Ok) throw invalid("is not a timestamp");
      set_number(path, std::to_string(dt.epoch()));  // a zone-less value is taken as UTC
      return;
    }
    case ColType::Jsonb: {
      Doc d;
      std::string why;
      if (!d.parse(s, &why)) throw invalid("is not valid JSON: " + why);
      if (as_string) set_string(path, s);
      else impl_->set(path, deep_copy(d.root(), impl_->alloc()));
      return;
    }
    case ColType::Int8Array:
    case ColType::TextArray: {
      std::vector<std::string> items;
      std::vector<bool> nulls;
      if (!parse_pg_array(s, &items, &nulls)) throw invalid("is not an array literal");
      Value arr(rapidjson::kArrayType);
      for (size_t i = 0; i < items.size(); ++i) {
        if (nulls[i]) {
          arr.PushBack(Value(), impl_->alloc());
        } else if (type == ColType::TextArray || as_string) {
          arr.PushBack(make_string(items[i], impl_->alloc()), impl_->alloc());
        } else {
          if (!is_json_number(items[i])) throw invalid("is not an array of integers");
          arr.PushBack(make_number(items[i], impl_->alloc()), impl_->alloc());
        }
      }
      impl_->set(path, std::move(arr));
      return;
    }
  }
  throw invalid("has an unsupported type");
}

bool Builder::empty() const { return !impl_ || impl_->doc.ObjectEmpty(); }

std::string Builder::str() const { return impl_ ? serialize(impl_->doc) : "{}"; }

// ---------------------------------------------------------------------------
// PostgreSQL array literals

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

}  // namespace json
}  // namespace cfdw
