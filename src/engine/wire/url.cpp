// commerce_fdw engine: URLs, percent-encoding, query strings, base64 (see url.h).
#include "engine/wire/url.h"

namespace cfdw {

namespace {

bool is_alpha(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

char to_lower(char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; }

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = to_lower(c);
  return out;
}

int hex_value(char c) {
  if (is_digit(c)) return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// A decimal number of 1 to max_digits digits; -1 otherwise.
long parse_decimal(std::string_view s, size_t max_digits) {
  if (s.empty() || s.size() > max_digits) return -1;
  long v = 0;
  for (const char c : s) {
    if (!is_digit(c)) return -1;
    v = v * 10 + (c - '0');
  }
  return v;
}

bool fail(std::string* why, const char* reason) {
  if (why) *why = reason;
  return false;
}

}  // namespace

std::string pct_encode(std::string_view s) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (const char ch : s) {
    if (is_alpha(ch) || is_digit(ch) || ch == '-' || ch == '.' || ch == '_' || ch == '~') {
      out += ch;
    } else {
      const unsigned char c = static_cast<unsigned char>(ch);
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

namespace {
bool only_dots(std::string_view s) { return !s.empty() && s.find_first_not_of('.') == std::string_view::npos; }
std::string encoded_dots(size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += "%2E";
  return out;
}
}  // namespace

std::string pct_encode_segment(std::string_view s) {
  return only_dots(s) ? encoded_dots(s.size()) : pct_encode(s);
}

std::string encode_dot_segments(std::string_view path) {
  std::string out;
  size_t start = 0;
  while (true) {
    const size_t slash = path.find('/', start);
    const std::string_view seg = path.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    out += only_dots(seg) ? encoded_dots(seg.size()) : std::string(seg);
    if (slash == std::string_view::npos) break;
    out += '/';
    start = slash + 1;
  }
  return out;
}

bool has_empty_segment(std::string_view path) {
  if (path.find("//") != std::string_view::npos) return true;
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  return !path.empty() && path.back() == '/';
}

// '%' not followed by two hex digits is kept as is; '+' stays '+'.
std::string pct_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
      out += char(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

QueryString& QueryString::add(std::string_view name, std::string_view value) {
  items_.emplace_back(std::string(name), std::string(value));
  return *this;
}

std::string QueryString::str() const {
  std::string out;
  for (const auto& [name, value] : items_) {
    if (!out.empty()) out += '&';
    out += pct_encode(name);
    out += '=';
    out += pct_encode(value);
  }
  return out;
}

std::string base64_encode(std::string_view data) {
  static const char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  for (size_t i = 0; i < data.size(); i += 3) {
    const size_t n = data.size() - i < 3 ? data.size() - i : 3;
    unsigned group = 0;
    for (size_t k = 0; k < 3; ++k)
      group = group << 8 | (k < n ? static_cast<unsigned char>(data[i + k]) : 0u);
    for (size_t k = 0; k < 4; ++k) out += k <= n ? kAlphabet[(group >> (18 - 6 * k)) & 0x3F] : '=';
  }
  return out;
}

bool parse_url(std::string_view url, ParsedUrl* out, std::string* why) {
  for (const char c : url)
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7F) return fail(why, "URL contains spaces or control characters");
  const size_t colon = url.find("://");
  if (colon == std::string_view::npos) return fail(why, "not an absolute URL (expected https://host/...)");
  const std::string scheme = lower(url.substr(0, colon));
  if (scheme != "https" && scheme != "http") {
    if (why) *why = "unsupported scheme \"" + scheme + "\"";
    return false;
  }
  std::string_view rest = url.substr(colon + 3);
  if (rest.find_first_of("?#") != std::string_view::npos)
    return fail(why, "a query string or fragment does not belong in base_url");
  const size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
  if (authority.find('@') != std::string_view::npos)
    return fail(why, "credentials do not belong in base_url; use a user mapping");

  std::string_view host, port;  // port: "" or ":NNN"
  if (!authority.empty() && authority[0] == '[') {  // IPv6 literal: [::1]:8080
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return fail(why, "unterminated IPv6 address");
    host = authority.substr(1, close - 1);
    port = authority.substr(close + 1);
    for (const char c : host)
      if (hex_value(c) < 0 && c != ':' && c != '.') return fail(why, "invalid IPv6 address");
    if (host.find(':') == std::string_view::npos) return fail(why, "invalid IPv6 address");
  } else {
    const size_t pc = authority.find(':');
    host = authority.substr(0, pc);
    port = pc == std::string_view::npos ? std::string_view() : authority.substr(pc);
    for (const char c : host)
      if (!is_alpha(c) && !is_digit(c) && c != '-' && c != '.' && c != '_') return fail(why, "invalid host");
  }
  if (host.empty()) return fail(why, "missing host");
  long port_number = 0;
  if (!port.empty()) {
    port_number = port[0] == ':' ? parse_decimal(port.substr(1), 5) : -1;
    if (port_number < 1 || port_number > 65535) return fail(why, "invalid port");
  }
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);

  out->scheme = scheme;
  out->host = lower(host);
  out->port = int(port_number);
  out->path = std::string(path);
  return true;
}

bool is_loopback_host(std::string_view host) {
  if (lower(host) == "localhost" || host == "::1") return true;
  // 127.x.y.z with four decimal octets.
  int octets = 0;
  long first = -1;
  while (true) {
    const size_t dot = host.find('.');
    const long v = parse_decimal(host.substr(0, dot), 3);
    if (v < 0 || v > 255) return false;
    if (octets++ == 0) first = v;
    if (dot == std::string_view::npos) break;
    host.remove_prefix(dot + 1);
  }
  return octets == 4 && first == 127;
}

std::string join_url(std::string_view base, std::string_view path) {
  while (!base.empty() && base.back() == '/') base.remove_suffix(1);
  while (!path.empty() && path.front() == '/') path.remove_prefix(1);
  std::string out(base);
  if (!path.empty()) {
    out += '/';
    out += path;
  }
  return out;
}

}  // namespace cfdw
