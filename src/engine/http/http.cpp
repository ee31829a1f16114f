// commerce_fdw engine: the HTTP client's policy (see http.h) — which failures
// are retried and after how long, which headers may be sent, and what a
// response's headers say about the server's request budget (Retry-After,
// X-RateLimit-*). The client itself: http_batch.cpp (the event loop),
// http_request.cpp (one attempt), http_async.cpp (the non-blocking mode).
#include "engine/http/http.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <ctime>

#include "engine/http/http_impl.h"

namespace cfdw {

namespace http_impl {

std::string_view trim(std::string_view s) {
  const char* blanks = " \t\r\n";
  const size_t begin = s.find_first_not_of(blanks);
  if (begin == std::string_view::npos) return {};
  return s.substr(begin, s.find_last_not_of(blanks) - begin + 1);
}

namespace {

// A non-negative decimal number ("2", "2.0"); false for anything else,
// including signs, exponents and hexadecimal, which strtod would take.
bool parse_number(std::string_view text, double* out) {
  const std::string s(trim(text));
  if (s.empty() || s.find_first_not_of("0123456789.") != std::string::npos ||
      s.find_first_of("0123456789") == std::string::npos)
    return false;
  char* end = nullptr;
  *out = std::strtod(s.c_str(), &end);
  return *end == '\0';
}

}  // namespace

double bounded_wait_ms(double ms) {
  if (std::isnan(ms)) return -1;
  return std::clamp(ms, 0.0, kMaxHeaderWaitMs);
}

double epoch_seconds() {
  using std::chrono::duration;
  using std::chrono::system_clock;
  return duration<double>(system_clock::now().time_since_epoch()).count();
}

ServerBudget read_budget(const std::map<std::string, std::string>& headers, double now_epoch_s) {
  // Names are lower-cased already. X-RateLimit-* is the common spelling,
  // RateLimit-* the IETF draft's.
  auto header = [&](const char* name, const char* alternative) -> const std::string* {
    auto it = headers.find(name);
    if (it == headers.end()) it = headers.find(alternative);
    return it == headers.end() ? nullptr : &it->second;
  };
  ServerBudget b;
  double value = 0;
  // Header numbers are untrusted: each is bounded before it is converted or
  // used (1e26 requests left, a wait of 1e30 seconds, digits without end).
  if (const std::string* v = header("x-ratelimit-remaining", "ratelimit-remaining"); v && parse_number(*v, &value))
    b.remaining = static_cast<int64_t>(std::clamp(value, 0.0, kMaxHeaderCount));
  if (const std::string* v = header("x-ratelimit-reset", "ratelimit-reset"); v && parse_number(*v, &value)) {
    // Either seconds from now or a Unix time: no window lasts 30 years.
    const bool is_epoch = value >= 1e9;
    b.reset_in_ms = bounded_wait_ms((is_epoch ? value - now_epoch_s : value) * 1000);
  }
  if (auto it = headers.find("retry-after"); it != headers.end())
    b.retry_after_ms = parse_retry_after_ms(it->second, now_epoch_s);
  return b;
}

bool is_retryable_transport(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
      return true;
    default:
      return false;
  }
}

bool never_reached_server(long status, CURLcode code) {
  return code == CURLE_COULDNT_CONNECT || (code == CURLE_OK && status == 429);
}

// libcurl counts the request bytes it wrote (CURLINFO_REQUEST_SIZE) and the
// body bytes (SIZE_UPLOAD); a failure to resolve or connect wrote nothing.
bool may_have_reached_server(CURL* easy, CURLcode code) {
  if (code == CURLE_COULDNT_CONNECT || code == CURLE_COULDNT_RESOLVE_HOST || code == CURLE_COULDNT_RESOLVE_PROXY)
    return false;
  long request_bytes = 0;
  curl_off_t body_bytes = 0;
  if (curl_easy_getinfo(easy, CURLINFO_REQUEST_SIZE, &request_bytes) != CURLE_OK ||
      curl_easy_getinfo(easy, CURLINFO_SIZE_UPLOAD_T, &body_bytes) != CURLE_OK)
    return true;
  return request_bytes > 0 || body_bytes > 0;
}

}  // namespace http_impl

using http_impl::kMaxBackoffMs;

bool is_safe_header(const std::string& header) {
  for (const char ch : header) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c < 0x20 && c != '\t') || c == 0x7f) return false;
  }
  return true;
}

bool is_retryable_status(long status) { return status == 429 || status == 502 || status == 503 || status == 504; }

double parse_retry_after_ms(const std::string& value, double now_epoch_s) {
  double seconds = 0;
  if (http_impl::parse_number(value, &seconds)) return http_impl::bounded_wait_ms(seconds * 1000);
  // Otherwise an HTTP date, in any of the three formats of RFC 9110.
  const std::string date(http_impl::trim(value));
  if (date.empty()) return -1;
  const time_t at = curl_getdate(date.c_str(), nullptr);
  if (at == -1) return -1;
  return http_impl::bounded_wait_ms((static_cast<double>(at) - now_epoch_s) * 1000);
}

double backoff_ms(const HttpOptions& o, int attempt, double jitter01) {
  const int doublings = std::clamp(attempt - 1, 0, 30);
  const double nominal = std::min(kMaxBackoffMs, std::max(0.0, o.backoff_base_ms) * std::ldexp(1.0, doublings));
  const double jitter = 0.5 + 0.5 * std::clamp(jitter01, 0.0, 1.0);
  return std::min(nominal * jitter, kMaxBackoffMs);
}

}  // namespace cfdw
