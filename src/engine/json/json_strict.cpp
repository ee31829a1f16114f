// commerce_fdw engine: the strict JSON parser (see json_dom.h) — the
// authority on what is valid JSON (RFC 8259) and on the error messages; the
// fast path (json_parse.cpp) falls back to it for whatever RapidJSON refuses.
#include <string>
#include <string_view>

#include "engine/json/json_dom.h"

namespace cfdw {
namespace json {

namespace {

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

// A strict recursive-descent JSON parser, the authority on what is valid
// JSON and on the error messages; it hands what it reads to a DomBuilder.
class Parser {
 public:
  Parser(std::string_view in, DomBuilder& out) : in_(in), out_(out) {}

  // Parses the whole input. On failure returns false and sets *error to the
  // reason and byte offset.
  bool parse(std::string* error) {
    skip_space();
    bool ok;
    if (at_end()) {
      ok = fail("empty document", pos_);
    } else {
      ok = value(0);
      skip_space();
      if (ok && !at_end()) ok = fail("unexpected data after the document", pos_);
    }
    if (!ok && error) *error = std::string(reason_) + " at offset " + std::to_string(offset_);
    return ok;
  }

 private:
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

  bool value(int depth) {
    if (at_end()) return truncated();
    switch (in_[pos_]) {
      case '{': return object(depth + 1);
      case '[': return array(depth + 1);
      case '"': return string() && out_.String(scratch_.data(), unsigned(scratch_.size()), true);
      case 't': return literal("true") && out_.Bool(true);
      case 'f': return literal("false") && out_.Bool(false);
      case 'n': return literal("null") && out_.Null();
      default: return number();
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

  bool number() {
    const size_t start = pos_;
    switch (scan_number(in_, &pos_)) {
      case Scan::Ok: return out_.RawNumber(in_.data() + start, unsigned(pos_ - start), true);
      case Scan::Truncated: return truncated();
      case Scan::Bad: break;
    }
    return fail(pos_ == start || (pos_ == start + 1 && in_[start] == '-') ? "invalid value" : "invalid number",
                start);
  }

  bool object(int depth) {
    if (depth > kMaxDepth) return fail("nesting too deep", pos_);
    if (!out_.StartObject()) return fail("too many rows", pos_);
    ++pos_;  // '{'
    skip_space();
    if (!at_end() && in_[pos_] == '}') {
      ++pos_;
      return out_.EndObject(0);
    }
    unsigned members = 0;
    for (;;) {
      skip_space();
      if (at_end()) return truncated();
      if (in_[pos_] != '"') return fail("missing a name for an object member", pos_);
      if (!string()) return false;
      if (!out_.Key(scratch_.data(), unsigned(scratch_.size()), true)) return fail("too many rows", pos_);
      skip_space();
      if (at_end()) return truncated();
      if (in_[pos_] != ':') return fail("missing ':' after an object member name", pos_);
      ++pos_;
      skip_space();
      if (!value(depth)) return false;
      ++members;
      skip_space();
      if (at_end()) return truncated();
      if (in_[pos_] == '}') {
        ++pos_;
        return out_.EndObject(members);
      }
      if (in_[pos_] != ',') return fail("missing ',' or '}' after an object member", pos_);
      ++pos_;
    }
  }

  bool array(int depth) {
    if (depth > kMaxDepth) return fail("nesting too deep", pos_);
    if (!out_.StartArray()) return fail("too many rows", pos_);
    ++pos_;  // '['
    skip_space();
    if (!at_end() && in_[pos_] == ']') {
      ++pos_;
      return out_.EndArray(0);
    }
    unsigned elements = 0;
    for (;;) {
      skip_space();
      if (!value(depth)) return false;
      ++elements;
      skip_space();
      if (at_end()) return truncated();
      if (in_[pos_] == ']') {
        ++pos_;
        return out_.EndArray(elements);
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
  DomBuilder& out_;
  std::string scratch_;  // the string being read
  const char* reason_ = "";
  size_t offset_ = 0;
};


}  // namespace

bool parse_strict_into(std::string_view in, DomBuilder& out, std::string* error) {
  return Parser(in, out).parse(error);
}

bool is_number(std::string_view s) {
  size_t pos = 0;
  return scan_number(s, &pos) == Scan::Ok && pos == s.size();
}

}  // namespace json
}  // namespace cfdw
