// commerce_fdw engine: the column codec — a remote JSON value decoded into
// the canonical PostgreSQL text input of a column type, and a column's
// PostgreSQL text encoded into a request body in the API's write format.
#pragma once

#include <string>
#include <string_view>

#include "engine/json.h"
#include "engine/types.h"

namespace cfdw {
namespace json {

enum class DecodeResult { Null, Ok, Bad };
// v == nullptr (missing) and JSON null give Null. On Bad, *why says what was
// expected ("not a number", "out of range for integer", ...).
DecodeResult decode(const Value* v, ColType type, Decode how, std::string* out, std::string* why);

// How a column value is written into a request body.
enum class WriteFormat {
  Plain,         // numbers as JSON numbers, booleans as true/false, text as strings
  String,        // every scalar as a JSON string (APIs that take numbers as strings)
  BoolYN,        // booleans as "Y"/"N"
  Bool10,        // booleans as 1/0
  EpochSeconds,  // timestamps as integer seconds since 1970
  MinusOneNull,  // NULL written as -1
};

// Sets path in *b from a PostgreSQL text output value of the given type
// (pg_text == nullptr means SQL NULL). Throws cfdw::Error (22023) naming
// `column` when the text cannot be written in that form (e.g. invalid JSON in
// jsonb).
void encode(Builder* b, std::string_view path, ColType type, const char* pg_text, WriteFormat fmt,
            std::string_view column);

}  // namespace json
}  // namespace cfdw
