// commerce_fdw engine: reading JSON text into a document (json::Doc, see
// json.h): the document's memory, RapidJSON's reader for the common case and
// a strict parser that decides the rest and words the errors.
//
// A document is a tree of 16-byte Values in one arena owned by its Doc: a
// string or number points at its bytes (a number's are its source text, so
// "10.000000", "12345678901234567890" and "1e400" survive exactly), an array
// at its Value[], an object at its Member[] in document order.
#include "engine/json/json.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <unordered_map>
#include <vector>

#include "engine/error.h"

// SSE2 (every x86-64 has it): RapidJSON skips white space and scans strings
// 16 bytes at a time. Its aligned loads may read up to 15 bytes past the
// terminating NUL, inside the padding Doc::Impl::text has for them.
#if defined(__SSE2__) && !defined(RAPIDJSON_SSE2)
#define RAPIDJSON_SSE2
#endif
#include <rapidjson/reader.h>

namespace cfdw {
namespace json {

namespace {

// Bump allocation in blocks that live as long as the document.
class Arena {
 public:
  explicit Arena(size_t first_block) : next_(std::max<size_t>(first_block, 1024)) {}

  template <typename T>
  T* alloc_array(size_t n) {
    static_assert(alignof(T) <= alignof(std::max_align_t), "over-aligned");
    const size_t pad = (alignof(T) - reinterpret_cast<uintptr_t>(cur_) % alignof(T)) % alignof(T);
    const size_t bytes = n * sizeof(T);
    if (pad + bytes > left_) {
      grow(bytes);
      return reinterpret_cast<T*>(take(bytes));
    }
    take(pad);
    return reinterpret_cast<T*>(take(bytes));
  }

  const char* copy(const char* s, size_t n) {
    if (n > left_) grow(n);
    char* p = take(n);
    if (n) std::memcpy(p, s, n);
    return p;
  }

 private:
  char* take(size_t n) {
    char* p = cur_;
    cur_ += n;
    left_ -= n;
    return p;
  }
  void grow(size_t n) {
    const size_t size = std::max(n, next_);
    blocks_.emplace_back(new char[size]);
    cur_ = blocks_.back().get();
    left_ = size;
    next_ = std::min<size_t>(size * 2, size_t(16) << 20);
  }

  std::vector<std::unique_ptr<char[]>> blocks_;
  char* cur_ = nullptr;
  size_t left_ = 0;
  size_t next_;
};

}  // namespace

// Builds a document's Values from parse events (a SAX handler, in RapidJSON's
// handler vocabulary): scalars and finished containers wait on a stack until
// their container ends and moves them into the arena in one piece. With a
// RowLimit it follows the rows path as the events arrive and counts the
// elements of the rows array, refusing (returning false from) the first one
// beyond the bound.
class DomBuilder {
 public:
  explicit DomBuilder(Arena& arena) : arena_(arena) { stack_.reserve(256); }

  void limit(const RowLimit& limit) {
    if (limit.max_rows < 0) return;
    max_rows_ = limit.max_rows;
    std::string_view p = limit.rows_path;
    while (!p.empty()) {
      const size_t dot = p.find('.');
      segs_.push_back(p.substr(0, dot));
      if (dot == std::string_view::npos) break;
      p.remove_prefix(dot + 1);
    }
  }
  bool over_limit() const { return over_; }

  bool Null() {
    if (!scalar_start()) return false;
    stack_.emplace_back();
    return true;
  }
  bool Bool(bool b) {
    if (!scalar_start()) return false;
    Value v;
    v.kind_ = Kind::Bool;
    v.size_ = b ? 1 : 0;
    stack_.push_back(v);
    return true;
  }
  // Text that is not copied must outlive the document.
  bool RawNumber(const char* s, unsigned n, bool copy) { return scalar_start() && scalar(Kind::Number, s, n, copy); }
  bool String(const char* s, unsigned n, bool copy) { return scalar_start() && scalar(Kind::String, s, n, copy); }
  bool Key(const char* s, unsigned n, bool copy) {
    if (max_rows_ >= 0)
      key_match_ = depth_ == on_path_ && size_t(on_path_) <= segs_.size() &&
                   segs_[size_t(on_path_) - 1] == std::string_view(s, n);
    return scalar(Kind::String, s, n, copy);
  }
  bool StartObject() { return container_start(false); }
  bool StartArray() { return container_start(true); }
  // A name given twice keeps its first place and takes its last value, as
  // jsonb does: every reader of the document (columns, raw, errors) sees one.
  bool EndObject(unsigned n) {
    container_end();
    const size_t base = stack_.size() - 2 * size_t(n);
    Member* m = arena_.alloc_array<Member>(n);
    if (n > kLinearMembers) return container(Kind::Object, m, unique_members_hashed(base, n, m), base);
    uint64_t seen = 0;  // one bit per (length, first and last byte) of the names so far
    unsigned out = 0;
    for (size_t i = 0; i < n; ++i) {
      const Value& name = stack_[base + 2 * i];
      const uint64_t bit = uint64_t(1) << (name_signature(name) & 63);
      if (seen & bit) {
        unsigned j = 0;
        while (j < out && m[j].name.view() != name.view()) ++j;
        if (j < out) {
          m[j].value = stack_[base + 2 * i + 1];
          continue;
        }
      }
      seen |= bit;
      m[out].name = name;
      m[out].value = stack_[base + 2 * i + 1];
      ++out;
    }
    return container(Kind::Object, m, out, base);
  }
  bool EndArray(unsigned n) {
    container_end();
    const size_t base = stack_.size() - n;
    Value* e = arena_.alloc_array<Value>(n);
    std::copy(stack_.begin() + std::ptrdiff_t(base), stack_.end(), e);
    return container(Kind::Array, e, n, base);
  }

  // The finished document's root.
  const Value& root() const { return stack_.back(); }

 private:
  // Every value starts here: one more element when it is directly in the rows array.
  bool value_start() {
    if (rows_depth_ && depth_ == rows_depth_ && ++rows_ > max_rows_) {
      over_ = true;
      return false;
    }
    return true;
  }
  bool scalar_start() {
    if (max_rows_ < 0) return true;
    key_match_ = false;
    return value_start();
  }
  bool container_start(bool array) {
    if (max_rows_ < 0) return true;
    if (!value_start()) return false;
    // On the rows path: the root, or the value of the next path key in a container on it.
    const bool on = depth_ == 0 || (key_match_ && depth_ == on_path_);
    key_match_ = false;
    ++depth_;
    if (on) {
      on_path_ = depth_;
      if (array && size_t(depth_) == segs_.size() + 1) {
        rows_depth_ = depth_;
        rows_ = 0;
      }
    }
    return true;
  }
  void container_end() {
    if (max_rows_ < 0) return;
    if (depth_ == rows_depth_) rows_depth_ = 0;
    if (depth_ == on_path_) --on_path_;
    --depth_;
  }
  static constexpr unsigned kLinearMembers = 32;
  static unsigned name_signature(const Value& name) {
    const std::string_view s = name.view();
    return s.empty() ? 0 : unsigned(s.size() * 31 + static_cast<unsigned char>(s.front()) +
                                    static_cast<unsigned char>(s.back()) * 7);
  }
  // EndObject's duplicate check for large objects, by a hash table.
  unsigned unique_members_hashed(size_t base, unsigned n, Member* m) {
    std::unordered_map<std::string_view, unsigned> index;
    index.reserve(n);
    unsigned out = 0;
    for (size_t i = 0; i < n; ++i) {
      const Value& name = stack_[base + 2 * i];
      auto [it, fresh] = index.emplace(name.view(), out);
      if (!fresh) {
        m[it->second].value = stack_[base + 2 * i + 1];
        continue;
      }
      m[out].name = name;
      m[out].value = stack_[base + 2 * i + 1];
      ++out;
    }
    return out;
  }
  bool scalar(Kind k, const char* s, unsigned n, bool copy) {
    Value v;
    v.kind_ = k;
    v.ptr_ = copy ? arena_.copy(s, n) : s;
    v.size_ = n;
    stack_.push_back(v);
    return true;
  }
  bool container(Kind k, const void* items, unsigned n, size_t base) {
    stack_.resize(base);
    Value v;
    v.kind_ = k;
    v.ptr_ = items;
    v.size_ = n;
    stack_.push_back(v);
    return true;
  }

  Arena& arena_;
  std::vector<Value> stack_;
  // The row bound (max_rows_ < 0: none) and where the reader is on its path.
  long max_rows_ = -1;
  std::vector<std::string_view> segs_;  // the rows path's keys
  int depth_ = 0;                       // containers open
  int on_path_ = 0;                     // of them, how many from the root lie on the rows path
  bool key_match_ = false;              // the last key read is the path's next key
  int rows_depth_ = 0;                  // depth of the rows array being read (0: none)
  long rows_ = 0;                       // its elements so far
  bool over_ = false;
};

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


// The deepest nesting of objects and arrays a document may have.
constexpr int kMaxDepth = 512;

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

// ---------------------------------------------------------------------------
// The fast path: RapidJSON's reader

// Whether s may hold a \u escape of a UTF-16 surrogate (\uD800-\uDFFF).
bool may_escape_surrogates(std::string_view s) {
  for (size_t i = s.find('\\'); i != std::string_view::npos && i + 3 < s.size(); i = s.find('\\', i + 1)) {
    const char c = s[i + 3];
    if (s[i + 1] == 'u' && (s[i + 2] | 0x20) == 'd' && ((c >= '8' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')))
      return true;
  }
  return false;
}

// Feeds RapidJSON's reader events to a DomBuilder, refusing what the strict
// parser would refuse but the reader lets through: nesting beyond kMaxDepth
// (the reader recurses without a bound) and a lone low surrogate written as
// an escape ("\udc00", which the reader encodes as the invalid UTF-8 ED B0 80;
// checked only when the input has surrogate escapes at all).
class FastHandler : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, FastHandler> {
 public:
  FastHandler(DomBuilder& out, bool check_surrogates) : out_(out), check_surrogates_(check_surrogates) {}

  bool Null() { return out_.Null(); }
  bool Bool(bool b) { return out_.Bool(b); }
  bool RawNumber(const char* s, rapidjson::SizeType n, bool copy) { return out_.RawNumber(s, n, copy); }
  bool String(const char* s, rapidjson::SizeType n, bool copy) { return no_surrogate(s, n) && out_.String(s, n, copy); }
  bool Key(const char* s, rapidjson::SizeType n, bool copy) { return no_surrogate(s, n) && out_.Key(s, n, copy); }
  bool StartObject() { return ++depth_ <= kMaxDepth && out_.StartObject(); }
  bool EndObject(rapidjson::SizeType n) { return --depth_, out_.EndObject(n); }
  bool StartArray() { return ++depth_ <= kMaxDepth && out_.StartArray(); }
  bool EndArray(rapidjson::SizeType n) { return --depth_, out_.EndArray(n); }

 private:
  // Valid UTF-8 never has ED followed by A0..BF (that is a surrogate).
  bool no_surrogate(const char* s, size_t n) const {
    if (!check_surrogates_) return true;
    for (const char* p = s; (p = static_cast<const char*>(std::memchr(p, '\xED', n - size_t(p - s))));) {
      if (++p == s + n) return true;
      if (static_cast<unsigned char>(*p) >= 0xA0) return false;
    }
    return true;
  }

  DomBuilder& out_;
  const bool check_surrogates_;
  int depth_ = 0;
};

// Numbers as their source text, strings validated as UTF-8, both left in the
// document's own copy of the input (in situ); no trailing data allowed.
constexpr unsigned kReaderFlags =
    rapidjson::kParseInsituFlag | rapidjson::kParseValidateEncodingFlag | rapidjson::kParseNumbersAsStringsFlag;

}  // namespace

bool is_number(std::string_view s) {
  size_t pos = 0;
  return scan_number(s, &pos) == Scan::Ok && pos == s.size();
}

// ---------------------------------------------------------------------------
// Doc

struct Doc::Impl {
  explicit Impl(size_t input_size) : arena(input_size * 2 + 256) {}
  Arena arena;
  std::unique_ptr<char[]> text;  // the input, parsed in situ (strings and numbers point into it), NUL, padding
  Value root;
};

Doc::Doc() = default;
Doc::~Doc() = default;
Doc::Doc(Doc&&) noexcept = default;
Doc& Doc::operator=(Doc&&) noexcept = default;

// RapidJSON's reader takes the common case: valid JSON whose numbers fit a
// double's range. Anything it refuses (a syntax error, 1e400, a 400-digit
// integer) goes to the strict parser, which accepts every valid document and
// words the errors; so the reader only ever decides how fast, never what.
namespace {

void too_many_rows(const RowLimit& limit, std::string* error) {
  if (error)
    *error = "more than " + std::to_string(limit.max_rows) + " rows at " +
             (limit.rows_path.empty() ? std::string("the top level") : "\"" + limit.rows_path + "\"");
}

}  // namespace

bool Doc::parse(std::string_view data, std::string* error, const RowLimit* limit) {
  impl_.reset();  // drops any previous document and its memory
  over_limit_ = false;
  if (data.size() >= std::numeric_limits<uint32_t>::max()) {
    if (error) *error = "document too large at offset 0";
    return false;
  }
  auto impl = std::make_unique<Impl>(data.size());
  constexpr size_t kPadding = 16;  // the terminating NUL and what SIMD loads may read after it
  impl->text.reset(new char[data.size() + kPadding]);
  if (!data.empty()) std::memcpy(impl->text.get(), data.data(), data.size());
  std::memset(impl->text.get() + data.size(), 0, kPadding);
  {
    DomBuilder dom(impl->arena);
    if (limit) dom.limit(*limit);
    FastHandler handler(dom, may_escape_surrogates(data));
    rapidjson::InsituStringStream in(impl->text.get());
    rapidjson::Reader reader;
    // The reader stops at a NUL byte as at the end: it must have read everything.
    if (reader.Parse<kReaderFlags>(in, handler) && in.Tell() == data.size()) {
      impl->root = dom.root();
      impl_ = std::move(impl);
      return true;
    }
    if (dom.over_limit()) {
      over_limit_ = true;
      too_many_rows(*limit, error);
      return false;
    }
  }
  impl.reset();  // the strict parser builds its own
  return parse_strict(data, error, limit);
}

bool Doc::parse_strict(std::string_view data, std::string* error, const RowLimit* limit) {
  impl_.reset();
  over_limit_ = false;
  if (data.size() >= std::numeric_limits<uint32_t>::max()) {
    if (error) *error = "document too large at offset 0";
    return false;
  }
  auto impl = std::make_unique<Impl>(data.size());
  DomBuilder dom(impl->arena);
  if (limit) dom.limit(*limit);
  if (!Parser(data, dom).parse(error)) {  // the root stays null
    if (dom.over_limit()) {
      over_limit_ = true;
      too_many_rows(*limit, error);
    }
    return false;
  }
  impl->root = dom.root();
  impl_ = std::move(impl);
  return true;
}

const Value& Doc::root() const {
  static const Value kNull;
  return impl_ ? impl_->root : kNull;  // a moved-from Doc reads as null
}

}  // namespace json
}  // namespace cfdw
