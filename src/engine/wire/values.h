// commerce_fdw engine: rendering condition values into requests.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "engine/declare/api.h"
#include "engine/declare/schema.h"

namespace cfdw {

// Renders a canonical value (see docs/architecture.md: booleans "t"/"f",
// dates "YYYY-MM-DD", timestamps "YYYY-MM-DD HH:MM:SS[.ffffff]" and, with time
// zone, in UTC with "+00") as an API expects it. False when the value cannot
// be sent in that form (a LIKE pattern without a literal part).
bool format_value(const std::string& canonical, Format format, std::string* out);

// The longest run of literal characters in a LIKE pattern ("%Pro_X%" -> "Pro").
std::string like_core(const std::string& pattern);

// Seconds since 1970 of a canonical timestamp; false when it is not one.
bool canonical_to_epoch(const std::string& ts, long long* seconds);

// The one substitution of "{name}" placeholders (paths, fixed parameters,
// body constants): one pass, each {name} for which value_of gives a value is
// replaced by it; other braces are left as they are. Inserted text is never
// searched again.
std::string substitute_braces(std::string_view s,
                              const std::function<std::optional<std::string>(std::string_view name)>& value_of);

// Replaces each {name} naming an option the API declares (Config::options)
// with its configured value; other braces are left as they are.
std::string substitute_config(const std::string& s, const Config& cfg);

}  // namespace cfdw
