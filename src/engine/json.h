// commerce_fdw engine: JSON reading and writing on RapidJSON, with numbers kept
// exactly as the remote sent them (no float rounding of prices or quantities).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/types.h"

#include <rapidjson/document.h>

namespace cfdw {
namespace json {

using Value = rapidjson::Value;

enum class Kind { Null, Bool, Number, String, Object, Array };

// A parsed document. Numbers keep their exact source text: 10.000000 stays
// "10.000000", 12345678901234567890 is not rounded.
class Doc {
 public:
  Doc();
  ~Doc();
  Doc(Doc&&) noexcept;
  Doc& operator=(Doc&&) noexcept;
  // Parses data. On failure returns false and sets *error to a short reason
  // ("truncated input at offset 120", "invalid value at offset 3", ...).
  bool parse(std::string_view data, std::string* error);
  const Value& root() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

Kind kind(const Value& v);
// The value at a dot path below v ("product.name"; "" is v itself; a numeric
// segment indexes an array). nullptr when any segment is missing.
const Value* get(const Value& v, std::string_view path);
// For strings: the unescaped text; for numbers: the exact source text;
// for booleans "true"/"false"; otherwise empty.
std::string text(const Value& v);
// The JSON text of v, numbers exactly as received.
std::string serialize(const Value& v);
// A short form of v for error messages (at most ~80 characters, "..." after).
std::string display(const Value& v);

// Decoding a remote value into the canonical PostgreSQL text input of a column type.
enum class DecodeResult { Null, Ok, Bad };
// v == nullptr (missing) and JSON null give Null. On Bad, *why says what was
// expected ("not a number", "out of range for integer", ...).
DecodeResult decode(const Value* v, ColType type, Format how, std::string* out, std::string* why);

// Builds one JSON object from (dot path, value) pairs, creating intermediate
// objects; keys keep the order they were first set in.
class Builder {
 public:
  Builder();
  ~Builder();
  Builder(Builder&&) noexcept;
  Builder& operator=(Builder&&) noexcept;
  // Sets path from a PostgreSQL text output value of the given type (pg_text
  // == nullptr means SQL NULL). Throws cfdw::Error (22023) naming `column`
  // when the text cannot be written in that form (e.g. invalid JSON in jsonb).
  void set_pg(std::string_view path, ColType type, const char* pg_text, Format fmt,
              std::string_view column);
  void set_string(std::string_view path, std::string_view s);
  void set_number(std::string_view path, std::string_view number_text);  // must be a JSON number
  void set_bool(std::string_view path, bool b);
  void set_null(std::string_view path);
  void set_raw(std::string_view path, std::string_view json_text);  // must be valid JSON
  bool empty() const;
  std::string str() const;  // the object's JSON text

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Parses a PostgreSQL array literal ("{1,2}", "{\"a b\",c}") into its elements.
// Returns false if it is not a one-dimensional array literal. NULL elements
// are returned as nullopt-like: *null_flags gets true for them.
bool parse_pg_array(std::string_view literal, std::vector<std::string>* items,
                    std::vector<bool>* null_flags);

}  // namespace json
}  // namespace cfdw
