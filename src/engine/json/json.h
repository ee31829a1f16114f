// commerce_fdw engine: JSON documents — parsing (numbers kept exactly as the
// remote wrote them), reading values by path, writing JSON text, building
// request bodies. Decoding into column types is codec.h; PostgreSQL's own text
// forms are pgtext.h.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace cfdw {
namespace json {

enum class Kind : uint8_t { Null, Bool, Number, String, Object, Array };

struct Member;
class DomBuilder;

// A contiguous run of elements or members, for range-for.
template <typename T>
class Range {
 public:
  Range(const T* first, const T* last) : first_(first), last_(last) {}
  const T* begin() const { return first_; }
  const T* end() const { return last_; }
  size_t size() const { return size_t(last_ - first_); }

 private:
  const T* first_;
  const T* last_;
};

// One read-only value of a parsed document (valid while its Doc lives). A
// number has no numeric accessor: its only form is its exact source text
// (10.000000 stays "10.000000", 12345678901234567890 is not rounded), so no
// caller can read it through a double by mistake.
class Value {
 public:
  Value() = default;  // null

  Kind kind() const { return kind_; }
  // The value at a dot path below this one ("product.name"; "" is this value;
  // a numeric segment indexes an array). nullptr when any segment is missing.
  // Keys containing dots cannot be addressed.
  const Value* get(std::string_view path) const;
  // For strings: the unescaped text; for numbers: the exact source text; for
  // booleans "true"/"false"; otherwise empty.
  std::string text() const { return std::string(view()); }
  // text() without a copy (valid while the document lives).
  std::string_view view() const {
    return kind_ == Kind::String || kind_ == Kind::Number ? std::string_view(static_cast<const char*>(ptr_), size_)
           : kind_ == Kind::Bool                         ? std::string_view(size_ ? "true" : "false")
                                                         : std::string_view();
  }
  bool is_true() const { return kind_ == Kind::Bool && size_ != 0; }
  // Elements of an array, members of an object; 0 for anything else.
  size_t size() const { return kind_ == Kind::Array || kind_ == Kind::Object ? size_ : 0; }
  // Element i of an array (a null value when i >= size() or this is no array).
  const Value& element(size_t i) const;
  inline Range<Value> elements() const;   // empty unless an array
  inline Range<Member> members() const;   // empty unless an object, in document order
  // The JSON text of this value, numbers exactly as received.
  std::string serialize() const;
  // A hash of the value's structure and text: equal for values whose
  // serialize() is equal, without building that text (a page compared with
  // the one before it).
  uint64_t hash() const;
  // A short form for error messages (at most ~80 characters, "..." after).
  std::string display() const;

 private:
  friend class DomBuilder;
  const void* ptr_ = nullptr;  // string bytes, Value[] of an array, Member[] of an object
  uint32_t size_ = 0;          // bytes, elements, members; 1 for true
  Kind kind_ = Kind::Null;
};

struct Member {
  Value name;  // a string
  Value value;
};

inline Range<Value> Value::elements() const {
  const Value* e = kind_ == Kind::Array ? static_cast<const Value*>(ptr_) : nullptr;
  return Range<Value>(e, e ? e + size_ : nullptr);
}

inline Range<Member> Value::members() const {
  const Member* m = kind_ == Kind::Object ? static_cast<const Member*>(ptr_) : nullptr;
  return Range<Member>(m, m ? m + size_ : nullptr);
}

inline std::string text(const Value& v) { return v.text(); }
inline std::string serialize(const Value& v) { return v.serialize(); }
inline std::string display(const Value& v) { return v.display(); }

// A bound on the rows of a page, checked while the page is read: the array
// at rows_path ("" is the top level; object keys separated by dots) may hold
// at most max_rows elements (negative: no bound). Reading stops at the first
// element beyond it, so a page of a million tiny rows costs no more than the
// bound's worth of them.
struct RowLimit {
  std::string rows_path;
  long max_rows = -1;
};

// A parsed document; it owns every Value in it.
class Doc {
 public:
  Doc();
  ~Doc();
  Doc(Doc&&) noexcept;
  Doc& operator=(Doc&&) noexcept;
  // Parses data. On failure returns false, leaves a null root and sets *error
  // to a short reason ("unexpected end of input at offset 120", ...).
  // With a limit, an array at limit->rows_path with more elements than
  // limit->max_rows fails the parse at the first element too many (then
  // over_limit() is true and *error says so).
  bool parse(std::string_view data, std::string* error, const RowLimit* limit = nullptr);
  // The same result by the strict reference parser alone (slower; for tests).
  bool parse_strict(std::string_view data, std::string* error, const RowLimit* limit = nullptr);
  const Value& root() const;  // null before a successful parse
  // Whether the last parse failed for holding more rows than its RowLimit.
  bool over_limit() const { return over_limit_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  bool over_limit_ = false;
};

// Whether s is exactly one JSON number (RFC 8259 grammar).
bool is_number(std::string_view s);
// The JSON string literal of s ("a\"b" for a"b); UTF-8 is kept as is.
std::string quote(std::string_view s);

// Builds one JSON object from (dot path, value) pairs, creating intermediate
// objects; keys keep the order they were first set in, and setting a path
// again replaces its value in place. Errors throw cfdw::Error.
class Builder {
 public:
  Builder();
  ~Builder();
  Builder(Builder&&) noexcept;
  Builder& operator=(Builder&&) noexcept;
  void set_string(std::string_view path, std::string_view s);
  void set_number(std::string_view path, std::string_view number_text);  // must be a JSON number (22023)
  void set_bool(std::string_view path, bool b);
  void set_null(std::string_view path);
  void set_raw(std::string_view path, std::string_view json_text);  // must be valid JSON (22023)
  void set_value(std::string_view path, const Value& v);             // a copy of a parsed value
  bool empty() const;
  std::string str() const;  // the object's JSON text

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace json
}  // namespace cfdw
