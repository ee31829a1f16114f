// commerce_fdw engine: building a parsed document (json::Doc, json.h) — the
// document's memory and the builder both parsers hand their events to. Only
// the parsers include this (json_parse.cpp, json_strict.cpp).
//
// A document is a tree of 16-byte Values in one arena owned by its Doc: a
// string or number points at its bytes (a number's are its source text, so
// "10.000000", "12345678901234567890" and "1e400" survive exactly), an array
// at its Value[], an object at its Member[] in document order.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/json/json.h"

namespace cfdw {
namespace json {

// The deepest nesting of objects and arrays a document may have.
constexpr int kMaxDepth = 512;

// Bump allocation in blocks that live as long as the document (or until
// reset for the next one).
class Arena {
 public:
  explicit Arena(size_t first_block) : next_(std::max<size_t>(first_block, 1024)) {}

  // Forgets every allocation and keeps the memory for the next document, in
  // one block at least as large as everything before (and first_block): a
  // reader of many pages allocates once, not per page.
  void reset(size_t first_block) {
    const size_t want = std::max({first_block, reserved_, size_t(1024)});
    if (blocks_.size() == 1 && first_size_ >= want) {
      cur_ = blocks_.front().get();
      left_ = first_size_;
      return;
    }
    blocks_.clear();
    reserved_ = 0;
    cur_ = nullptr;
    left_ = 0;
    next_ = want;
  }
  // The memory held, in bytes.
  size_t reserved() const { return reserved_; }

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
    if (blocks_.size() == 1) first_size_ = size;
    reserved_ += size;
    cur_ = blocks_.back().get();
    left_ = size;
    next_ = std::min<size_t>(size * 2, size_t(16) << 20);
  }

  std::vector<std::unique_ptr<char[]>> blocks_;
  char* cur_ = nullptr;
  size_t left_ = 0;
  size_t next_;
  size_t first_size_ = 0;  // of blocks_[0]
  size_t reserved_ = 0;    // of every block
};

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

// The strict recursive-descent parser (json_strict.cpp): the authority on what
// is valid JSON and on the error messages. Hands what it reads to out; on
// failure returns false and sets *error to the reason and byte offset.
bool parse_strict_into(std::string_view in, DomBuilder& out, std::string* error);

}  // namespace json
}  // namespace cfdw
