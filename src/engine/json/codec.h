// commerce_fdw engine: the column codec — a remote JSON value decoded into
// the canonical PostgreSQL text input of a column type, and a column's
// PostgreSQL text encoded into a request body in the API's write format.
#pragma once

#include <string>
#include <string_view>

#include "engine/error.h"
#include "engine/json/json.h"
#include "engine/json/types.h"

namespace cfdw {
namespace json {

enum class DecodeResult { Null, Ok, Bad, Nul };
// v == nullptr (missing) and JSON null give Null. On Bad, *why says what was
// expected ("not a number", "out of range for integer", ...). Nul: a string
// for a text or text[] column holds U+0000 ("a\u0000b"), which PostgreSQL's
// text cannot hold; the caller raises nul_error (never a shortened value).
DecodeResult decode(const Value* v, ColType type, Format how, std::string* out, std::string* why);
// The error for DecodeResult::Nul (22P05), naming the column and table.
Error nul_error(std::string_view column, std::string_view table);

// Sets path in *b from a PostgreSQL text output value of the given type
// (pg_text == nullptr means SQL NULL) in the write format fmt. Throws
// cfdw::Error (22023) naming `column` when the text cannot be written in that
// form (e.g. invalid JSON in jsonb).
void encode(Builder* b, std::string_view path, ColType type, const char* pg_text, Format fmt,
            std::string_view column);

}  // namespace json
}  // namespace cfdw
