// commerce_fdw engine: remote text made fit for an error message. What an API
// answers is untrusted: it may echo the credentials it was sent, carry
// newlines and terminal escapes, or run to megabytes.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace cfdw {

// `text` with every occurrence of a secret (values of at least 4 bytes: the
// mapping's secrets, a login token) and any word after "Bearer " or "Basic "
// replaced by "[redacted]", control characters and bytes that are not UTF-8
// escaped (\n, \r, \t, \xNN), and cut to at most `max_chars` characters
// ("..." added). keep_newlines: a DETAIL built line by line keeps its "\n".
std::string untrusted_text(std::string_view text, const std::vector<std::string>& secrets, size_t max_chars = 500,
                           bool keep_newlines = false);

// An identifier as SQL writes it: bare when it is lower-case letters, digits
// and underscores not starting with a digit, else in double quotes with each
// '"' doubled. A hint built with it runs as written when copied into psql.
std::string quote_ident(std::string_view name);

}  // namespace cfdw
