// commerce_fdw engine: URLs, percent-encoding, query strings, base64.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cfdw {

// Percent-encodes everything but RFC 3986 unreserved characters
// (A-Z a-z 0-9 - . _ ~). Safe for a path segment and for a query name or value:
// "A/B?C&D=E F" -> "A%2FB%3FC%26D%3DE%20F". UTF-8 bytes are encoded one by one.
std::string pct_encode(std::string_view s);
std::string pct_decode(std::string_view s);
// A key value as one path segment: pct_encode, and a value made only of dots
// ("." or "..", which URL resolution would remove or climb with) has its
// dots encoded too: ".." -> "%2E%2E". The empty value stays empty: callers
// send no request for it.
std::string pct_encode_segment(std::string_view s);
// A path ("/a/../b") with every segment made only of dots encoded as
// pct_encode_segment does ("/a/%2E%2E/b"); other segments unchanged.
std::string encode_dot_segments(std::string_view path);
// Whether a path has an empty segment ("/a//b", "/a/"): a key value that was
// empty.
bool has_empty_segment(std::string_view path);

// An ordered query string: add("q", "a b").add("page", "2").str() == "q=a%20b&page=2".
class QueryString {
 public:
  QueryString& add(std::string_view name, std::string_view value);
  bool empty() const { return items_.empty(); }
  std::string str() const;  // without the leading '?'
  const std::vector<std::pair<std::string, std::string>>& items() const { return items_; }

 private:
  std::vector<std::pair<std::string, std::string>> items_;
};

std::string base64_encode(std::string_view data);

struct ParsedUrl {
  std::string scheme;  // lower case: "https"
  std::string host;    // lower case, without brackets for IPv6
  int port = 0;        // 0 when absent
  std::string path;    // "/RESTAPI/v1_0/ACME" (no trailing slash kept)
};
// Parses an absolute http(s) URL; false with *why when it is not one.
bool parse_url(std::string_view url, ParsedUrl* out, std::string* why);
// localhost, 127.0.0.0/8, ::1
bool is_loopback_host(std::string_view host);
// Joins a base URL ("https://h/api" or "https://h/api/") and a path ("/x" or "x").
std::string join_url(std::string_view base, std::string_view path);

}  // namespace cfdw
