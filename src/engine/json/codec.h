// commerce_fdw engine: the column codec — a remote JSON value decoded into
// the canonical PostgreSQL text input of a column type, and a column's
// PostgreSQL text encoded into a request body in the API's write format.
#pragma once

#include <string>
#include <string_view>

#include "engine/json/json.h"
#include "engine/json/types.h"

namespace cfdw {
namespace json {

enum class DecodeResult { Null, Ok, Bad };
// v == nullptr (missing) and JSON null give Null. On Bad, *why says what was
// expected ("not a number", "out of range for integer", ...).
DecodeResult decode(const Value* v, ColType type, Format how, std::string* out, std::string* why);

// Sets path in *b from a PostgreSQL text output value of the given type
// (pg_text == nullptr means SQL NULL) in the write format fmt. Throws
// cfdw::Error (22023) naming `column` when the text cannot be written in that
// form (e.g. invalid JSON in jsonb).
void encode(Builder* b, std::string_view path, ColType type, const char* pg_text, Format fmt,
            std::string_view column);

}  // namespace json
}  // namespace cfdw
