// commerce_fdw engine: JSON values (see json.h) — path lookup, writing JSON
// text, and the request body builder. Parsing is json_parse.cpp.
#include "engine/json/json.h"

#include <functional>
#include <vector>

#include "engine/error.h"

namespace cfdw {
namespace json {

namespace {

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
  switch (v.kind()) {
    case Kind::Null: *out += "null"; break;
    case Kind::Bool:
    case Kind::Number: *out += v.view(); break;
    case Kind::String: append_quoted(out, v.view()); break;
    case Kind::Object: {
      *out += '{';
      bool first = true;
      for (const Member& m : v.members()) {
        if (!first) *out += ',';
        first = false;
        append_quoted(out, m.name.view());
        *out += ':';
        write(m.value, out);
      }
      *out += '}';
      break;
    }
    case Kind::Array: {
      *out += '[';
      bool first = true;
      for (const Value& e : v.elements()) {
        if (!first) *out += ',';
        first = false;
        write(e, out);
      }
      *out += ']';
      break;
    }
  }
}

bool all_digits(std::string_view s) {
  for (const char c : s)
    if (c < '0' || c > '9') return false;
  return !s.empty();
}

const Value kNull;

}  // namespace

// ---------------------------------------------------------------------------
// Value

const Value& Value::element(size_t i) const {
  return kind_ == Kind::Array && i < size_ ? static_cast<const Value*>(ptr_)[i] : kNull;
}

const Value* Value::get(std::string_view path) const {
  if (path.empty()) return this;
  const Value* cur = this;
  for (;;) {
    const size_t dot = path.find('.');
    const std::string_view seg = path.substr(0, dot);
    if (seg.empty()) return nullptr;
    const Value* next = nullptr;
    if (cur->kind_ == Kind::Object) {
      for (const Member& m : cur->members())
        if (m.name.size_ == seg.size() && (seg.empty() || *static_cast<const char*>(m.name.ptr_) == seg[0]) &&
            m.name.view() == seg) {
          next = &m.value;
          break;
        }
    } else if (cur->kind_ == Kind::Array && all_digits(seg) && seg.size() < 10) {
      size_t index = 0;
      for (const char c : seg) index = index * 10 + size_t(c - '0');
      if (index < cur->size_) next = &static_cast<const Value*>(cur->ptr_)[index];
    }
    cur = next;
    if (!cur || dot == std::string_view::npos) return cur;
    path.remove_prefix(dot + 1);
  }
}

namespace {
uint64_t mix(uint64_t h, uint64_t x) {
  h ^= x + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
  return h * 0xFF51AFD7ED558CCDull;
}
}  // namespace

uint64_t Value::hash() const {
  uint64_t h = mix(0, uint64_t(kind_));
  switch (kind_) {
    case Kind::Null: return h;
    case Kind::Bool: return mix(h, is_true());
    case Kind::Number:
    case Kind::String: return mix(mix(h, size_), std::hash<std::string_view>()(view()));
    case Kind::Array:
      h = mix(h, size_);
      for (const Value& e : elements()) h = mix(h, e.hash());
      return h;
    case Kind::Object:
      h = mix(h, size_);
      for (const Member& m : members()) h = mix(mix(h, m.name.hash()), m.value.hash());
      return h;
  }
  return h;
}

std::string Value::serialize() const {
  std::string out;
  write(*this, &out);
  return out;
}

std::string Value::display() const {
  constexpr size_t kMax = 80;
  std::string s = serialize();
  if (s.size() <= kMax) return s;
  size_t cut = kMax - 3;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;  // not inside a UTF-8 character
  s.resize(cut);
  return s + "...";
}

std::string quote(std::string_view s) {
  std::string out;
  append_quoted(&out, s);
  return out;
}

// ---------------------------------------------------------------------------
// Builder

namespace {

// A body under construction: objects keep their members (so a later path can
// go through them), anything else is kept as its JSON text.
struct Node {
  bool object = false;
  std::string json = "null";  // a leaf's JSON text
  std::vector<std::string> keys;
  std::vector<Node> kids;

  static Node leaf(std::string text) {
    Node n;
    n.json = std::move(text);
    return n;
  }
  static Node of(const Value& v) {
    if (v.kind() != Kind::Object) return leaf(v.serialize());
    Node n;
    n.object = true;
    for (const Member& m : v.members()) {
      n.keys.emplace_back(m.name.view());
      n.kids.push_back(of(m.value));
    }
    return n;
  }
  void write(std::string* out) const {
    if (!object) {
      *out += json;
      return;
    }
    *out += '{';
    for (size_t i = 0; i < keys.size(); ++i) {
      if (i) *out += ',';
      append_quoted(out, keys[i]);
      *out += ':';
      kids[i].write(out);
    }
    *out += '}';
  }
};

}  // namespace

struct Builder::Impl {
  Node root;
  Impl() { root.object = true; }

  // The node at path, created (as null) with any missing intermediate
  // objects; an existing node is returned for replacement.
  Node& slot(std::string_view path) {
    if (path.empty() || path.front() == '.' || path.back() == '.' || path.find("..") != std::string_view::npos)
      throw Error(sqlstate::kInternalError, "invalid JSON body path \"" + std::string(path) + "\"");
    const std::string_view full = path;
    Node* cur = &root;
    for (;;) {
      const size_t dot = path.find('.');
      const std::string_view seg = path.substr(0, dot);
      Node* next = nullptr;
      for (size_t i = 0; i < cur->keys.size() && !next; ++i)
        if (cur->keys[i] == seg) next = &cur->kids[i];
      if (!next) {
        cur->keys.emplace_back(seg);
        cur->kids.emplace_back();
        next = &cur->kids.back();
      }
      if (dot == std::string_view::npos) return *next;
      if (!next->object) {
        if (next->json != "null")
          throw Error(sqlstate::kInternalError,
                      "JSON body path \"" + std::string(full) + "\" runs through a value that is not an object");
        next->object = true;
      }
      cur = next;
      path.remove_prefix(dot + 1);
    }
  }
  void set(std::string_view path, Node n) { slot(path) = std::move(n); }
};

Builder::Builder() : impl_(std::make_unique<Impl>()) {}
Builder::~Builder() = default;
Builder::Builder(Builder&&) noexcept = default;
Builder& Builder::operator=(Builder&&) noexcept = default;

void Builder::set_string(std::string_view path, std::string_view s) { impl_->set(path, Node::leaf(quote(s))); }

void Builder::set_number(std::string_view path, std::string_view number_text) {
  if (!is_number(number_text))
    throw Error(sqlstate::kInvalidParameterValue, "\"" + std::string(number_text) + "\" is not a JSON number");
  impl_->set(path, Node::leaf(std::string(number_text)));
}

void Builder::set_bool(std::string_view path, bool b) { impl_->set(path, Node::leaf(b ? "true" : "false")); }

void Builder::set_null(std::string_view path) { impl_->set(path, Node::leaf("null")); }

void Builder::set_raw(std::string_view path, std::string_view json_text) {
  Doc d;
  std::string why;
  if (!d.parse(json_text, &why))
    throw Error(sqlstate::kInvalidParameterValue, "invalid JSON for \"" + std::string(path) + "\": " + why);
  set_value(path, d.root());
}

void Builder::set_value(std::string_view path, const Value& v) { impl_->set(path, Node::of(v)); }

bool Builder::empty() const { return !impl_ || impl_->root.keys.empty(); }

std::string Builder::str() const {
  if (!impl_) return "{}";
  std::string out;
  impl_->root.write(&out);
  return out;
}

}  // namespace json
}  // namespace cfdw
