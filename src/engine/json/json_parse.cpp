// commerce_fdw engine: reading JSON text into a document (json::Doc, see
// json.h): RapidJSON's reader for the common case, the strict parser
// (json_strict.cpp) for the rest and the error messages, both building the
// document through json_dom.h.
#include "engine/json/json.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <vector>

#include "engine/error.h"
#include "engine/json/json_dom.h"

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

// ---------------------------------------------------------------------------
// Doc

// A document's memory. A Doc that is dropped or parses again gives its Impl
// back to a small per-thread pool, and the next parse takes one from there:
// the pages of a scan reuse the same few arenas and text buffers (reset per
// page) instead of allocating and returning them to the system each time,
// which cost more than parsing (the heap's top trimmed and faulted in again).
// The pool keeps a few documents' worth, so memory stays flat.
struct Doc::Impl {
  static constexpr size_t kPadding = 16;  // the terminating NUL and what SIMD loads may read after it
  Arena arena{1024};
  std::unique_ptr<char[]> text;  // the input, parsed in situ (strings and numbers point into it), NUL, padding
  size_t text_capacity = 0;
  Value root;

  size_t bytes() const { return arena.reserved() + text_capacity; }

  // An Impl ready for an input of n bytes (text not filled in).
  static std::unique_ptr<Impl> take(size_t n, bool with_text) {
    std::vector<std::unique_ptr<Impl>>& pool = free_list();
    std::unique_ptr<Impl> impl;
    if (pool.empty()) {
      impl = std::make_unique<Impl>();
    } else {
      impl = std::move(pool.back());
      pool.pop_back();
      pooled_bytes() -= impl->bytes();
    }
    impl->root = Value();
    impl->arena.reset(n * 2 + 256);
    if (with_text && impl->text_capacity < n + kPadding) {
      impl->text_capacity = n + kPadding;
      impl->text.reset(new char[impl->text_capacity]);
    }
    return impl;
  }
  // Keeps impl for a later parse while the pool has room; frees it otherwise.
  static void give_back(std::unique_ptr<Impl> impl) {
    if (!impl) return;
    std::vector<std::unique_ptr<Impl>>& pool = free_list();
    if (pool.size() >= kPoolDocs || pooled_bytes() + impl->bytes() > kPoolBytes) return;
    pooled_bytes() += impl->bytes();
    pool.push_back(std::move(impl));
  }

 private:
  static constexpr size_t kPoolDocs = 8;
  static constexpr size_t kPoolBytes = size_t(4) << 20;
  static std::vector<std::unique_ptr<Impl>>& free_list() {
    static thread_local std::vector<std::unique_ptr<Impl>> pool;
    return pool;
  }
  static size_t& pooled_bytes() {
    static thread_local size_t bytes = 0;
    return bytes;
  }
};

Doc::Doc() = default;
Doc::~Doc() { Impl::give_back(std::move(impl_)); }
Doc::Doc(Doc&&) noexcept = default;
Doc& Doc::operator=(Doc&& other) noexcept {
  if (this != &other) {
    Impl::give_back(std::move(impl_));
    impl_ = std::move(other.impl_);
    over_limit_ = other.over_limit_;
  }
  return *this;
}

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
  Impl::give_back(std::move(impl_));  // drops any previous document
  over_limit_ = false;
  if (data.size() >= std::numeric_limits<uint32_t>::max()) {
    if (error) *error = "document too large at offset 0";
    return false;
  }
  std::unique_ptr<Impl> impl = Impl::take(data.size(), true);
  if (!data.empty()) std::memcpy(impl->text.get(), data.data(), data.size());
  std::memset(impl->text.get() + data.size(), 0, Impl::kPadding);
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
  Impl::give_back(std::move(impl));  // the strict parser builds its own
  return parse_strict(data, error, limit);
}

bool Doc::parse_strict(std::string_view data, std::string* error, const RowLimit* limit) {
  Impl::give_back(std::move(impl_));
  over_limit_ = false;
  if (data.size() >= std::numeric_limits<uint32_t>::max()) {
    if (error) *error = "document too large at offset 0";
    return false;
  }
  std::unique_ptr<Impl> impl = Impl::take(data.size(), false);
  DomBuilder dom(impl->arena);
  if (limit) dom.limit(*limit);
  if (!parse_strict_into(data, dom, error)) {  // the root stays null
    if (dom.over_limit()) {
      over_limit_ = true;
      too_many_rows(*limit, error);
    }
    Impl::give_back(std::move(impl));
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
