// libFuzzer target: percent-encoding, query strings, URL parsing and joining,
// and condition values rendered into requests (src/engine/url.*, values.*).
//
// Invariants: pct_encode writes only unreserved characters and %XX, and
// pct_decode undoes it; a query string's text has no byte a URL cannot carry
// raw and splits back into its names and values; parse_url accepts only
// http(s) URLs without credentials or control characters; join_url keeps the
// base as its prefix.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "engine/wire/url.h"
#include "engine/wire/values.h"

using namespace cfdw;

namespace {

[[noreturn]] void finding(const char* what, std::string_view detail) {
  std::fprintf(stderr, "fuzz_url: %s: %.*s\n", what, int(std::min<size_t>(detail.size(), 500)), detail.data());
  std::abort();
}

bool unreserved(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~';
}

bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F'); }

void check_encoded(std::string_view enc, std::string_view src) {
  for (size_t i = 0; i < enc.size(); ++i) {
    if (unreserved(enc[i])) continue;
    if (enc[i] == '%' && i + 2 < enc.size() + 0 && is_hex(enc[i + 1]) && is_hex(enc[i + 2])) {
      i += 2;
      continue;
    }
    finding("pct_encode wrote a reserved byte", src);
  }
}

const Format kFormats[] = {Format::Plain,       Format::BoolTrueFalse,   Format::BoolYN,
                                Format::Date,        Format::IsoSeconds,  Format::IsoDayBefore,
                                Format::IsoDayAfter, Format::EpochSeconds, Format::LikeCore};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);

  // percent-encoding round trip
  const std::string enc = pct_encode(in);
  check_encoded(enc, in);
  if (pct_decode(enc) != in) finding("pct_decode(pct_encode(x)) != x", in);
  (void)pct_decode(in);  // arbitrary input: no crash

  // a query string from the input split at the first '=' and at '&'
  QueryString q;
  size_t start = 0;
  while (start <= in.size()) {
    size_t amp = in.find('&', start);
    std::string_view item = in.substr(start, amp == std::string_view::npos ? std::string_view::npos : amp - start);
    size_t eq = item.find('=');
    q.add(item.substr(0, eq), eq == std::string_view::npos ? std::string_view() : item.substr(eq + 1));
    if (amp == std::string_view::npos) break;
    start = amp + 1;
  }
  const std::string qs = q.str();
  size_t pairs = 0, from = 0;
  while (true) {
    size_t amp = qs.find('&', from);
    std::string_view item = std::string_view(qs).substr(from, amp == std::string::npos ? std::string::npos : amp - from);
    size_t eq = item.find('=');
    if (eq == std::string_view::npos) finding("query item without '='", qs);
    if (pairs >= q.items().size()) finding("query string has more items than were added", qs);
    const auto& [name, value] = q.items()[pairs];
    if (pct_decode(item.substr(0, eq)) != name || pct_decode(item.substr(eq + 1)) != value)
      finding("query item does not decode to what was added", qs);
    for (char c : item)
      if (!unreserved(c) && c != '%' && c != '=') finding("query string carries a raw reserved byte", qs);
    ++pairs;
    if (amp == std::string::npos) break;
    from = amp + 1;
  }
  if (pairs != q.items().size()) finding("query string lost items", qs);

  // URL parsing
  ParsedUrl u;
  std::string why;
  if (parse_url(in, &u, &why)) {
    if (u.scheme != "http" && u.scheme != "https") finding("parse_url accepted another scheme", in);
    if (u.host.empty()) finding("parse_url accepted an empty host", in);
    if (u.port < 0 || u.port > 65535) finding("parse_url accepted a bad port", in);
    if (in.find('@') != std::string_view::npos && in.substr(0, in.find('/', 8)).find('@') != std::string_view::npos)
      finding("parse_url accepted credentials", in);
    for (char c : in)
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) finding("parse_url accepted a control character", in);
    (void)is_loopback_host(u.host);
  } else if (why.empty()) {
    finding("parse_url failed without a reason", in);
  }
  (void)is_loopback_host(in);

  // joining: the base stays a prefix
  const size_t cut = size ? data[0] % (size + 1) : 0;
  const std::string_view base = in.substr(0, cut), path = in.substr(cut);
  const std::string joined = join_url(base, path);
  std::string_view trimmed = base;
  while (!trimmed.empty() && trimmed.back() == '/') trimmed.remove_suffix(1);
  if (joined.compare(0, trimmed.size(), trimmed) != 0) finding("join_url lost its base", joined);

  // base64
  const std::string b64 = base64_encode(in);
  if (b64.size() != (size + 2) / 3 * 4) finding("base64 length", in);

  // a condition value rendered for a request, then encoded for a path segment
  const std::string value(in);
  for (Format f : kFormats) {
    std::string out;
    if (format_value(value, f, &out)) check_encoded(pct_encode(out), out);
  }
  (void)like_core(value);
  long long secs = 0;
  (void)canonical_to_epoch(value, &secs);
  return 0;
}
