// commerce_fdw engine: the HTTP client (libcurl multi interface).
//
// Everything runs on the calling thread: no threads, no signals
// (CURLOPT_NOSIGNAL). Waiting is done in short slices and between slices the
// client asks Hooks::should_abort(); when it says yes the transfer is dropped
// and cfdw::Cancelled is thrown. Nothing is ever called back into the caller
// from inside a libcurl callback.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/http/ratelimit.h"

namespace cfdw {

struct HttpRequest {
  std::string method = "GET";        // GET, POST, PUT, DELETE
  std::string url;                   // absolute, query string already encoded
  std::vector<std::string> headers;  // "Name: value"; may hold secrets
  std::string body;                  // sent when non-empty (or for POST/PUT)
  bool idempotent = true;            // may be retried after it may have reached the server
  std::string display;               // "GET /inventory?page=2": what errors and EXPLAIN show; no secrets
  bool login = false;                // a login (activity views show it as such)
};

struct HttpResponse {
  long status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // names lower-cased; last value wins
  int retries = 0;                             // retries this request took
  bool earlier_attempt_reached = false;        // a retried attempt may have reached the server
  double elapsed_ms = 0;
};

struct HttpOptions {
  long timeout_ms = 30000;
  long connect_timeout_ms = 10000;
  int max_retries = 3;
  std::string ca_file;              // CA bundle that replaces the system's; verification is never off
  std::string proxy;                // the proxy to use ("" : none); the proxy environment is ignored
  int64_t max_response_bytes = 64 << 20;  // largest body accepted, counted after decompression
  // A wait the server imposes (Retry-After, X-RateLimit-Reset) that is longer
  // fails at once instead of waiting: statement_timeout, else 5 minutes.
  double max_retry_after_ms = 300000;
  long statement_timeout_ms = 0;       // where max_retry_after_ms comes from (0: the 5-minute default)
  double backoff_base_ms = 200;        // first backoff; doubles each retry, with jitter
};

// Counters kept per server by the caller and updated by the client.
struct HttpStats {
  int64_t requests = 0;       // requests sent (each retry counts)
  int64_t errors = 0;         // requests that ended in a transport error, a bound, or a status outside 2xx
  int64_t retries = 0;
  int64_t http_429 = 0;
  double rate_wait_ms = 0;    // time spent waiting for the rate limiter or Retry-After
  int64_t bytes_received = 0;
  int64_t cancelled = 0;      // requests under way when the statement was cancelled
};

// One finished attempt of a request, as reported to HttpHooks::on_attempt.
struct HttpAttempt {
  const HttpRequest* req = nullptr;
  long status = 0;              // 0: no HTTP answer (transport failure, see `error`)
  int attempt = 1;              // 1 for the first attempt; a retry number is attempt - 1
  double ms = 0;                // duration of this attempt
  int64_t bytes = 0;            // response body bytes received
  const char* error = nullptr;  // libcurl's reason for a transport failure, else nullptr
  bool will_retry = false;      // the client sends the request again
  bool cancelled = false;       // cut short: the statement was cancelled while it was in flight
};

// Where a request of a batch stands, as reported to HttpHooks::on_phase.
enum class HttpPhase {
  RateLimit,  // waiting for the rate budget before an attempt
  Sending,    // an attempt is in flight
  RetryWait,  // waiting before a retry (backoff or Retry-After)
  Done,       // answered, failed or abandoned: no longer under way
};

struct HttpHooks {
  // Polled between waits (at most every 50 ms); true aborts with cfdw::Cancelled.
  std::function<bool()> should_abort;
  // Called before the client waits for the rate limiter or a Retry-After
  // longer than 1 s (ms to wait, reason "rate limit" / "Retry-After").
  std::function<void(double, const char*)> on_wait;
  // Called for each attempt once it is complete (request logging); may be empty.
  std::function<void(const HttpAttempt&)> on_attempt;
  // Called with true before the client blocks waiting for the network or for
  // a due time (rate limit, backoff, Retry-After), and with false after.
  std::function<void(bool)> on_block;
  // Called when a request changes phase (activity views); may be empty. Every
  // request reported in another phase is reported Done once it is no longer
  // under way, also when its batch is dropped or throws.
  std::function<void(const HttpRequest&, HttpPhase)> on_phase;
};

// Which failures are retried: 429 (after Retry-After, or backoff), 502, 503,
// 504, and transport failures (reset, timeout, could not connect). A request
// that is not idempotent is retried only when it certainly did not reach the
// server (429, could not connect).
bool is_retryable_status(long status);
// Parses Retry-After (delta seconds or an HTTP date) into ms from now; -1 if absent/invalid.
double parse_retry_after_ms(const std::string& value, double now_epoch_s);
// Backoff before retry number `attempt` (1-based), jitter in [0.5, 1.0) of the nominal.
double backoff_ms(const HttpOptions& o, int attempt, double jitter01);

// The most header bytes one response may carry (all header lines together;
// below libcurl's own 300 kB bound, so that ours is the one that speaks).
inline constexpr int64_t kMaxHeaderBytes = 256 << 10;
// Whether a header line ("Name: value") may be sent: false when it holds a
// control character (CR, LF, NUL, ...; a tab is allowed), which could end the
// header early and smuggle another one.
bool is_safe_header(const std::string& header);

class HttpClient {
 public:
  HttpClient();
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends the requests, at most max_parallel at once, each through the rate
  // limiter (may be null) and with retries per options. Returns the final
  // response of each, in order, whatever its status. Throws cfdw::Error
  // (HV00N) when a request fails at the transport level after its retries
  // (the message names req.display and the libcurl reason, the detail quotes
  // libcurl's own text), 54000 when a body exceeds opts.max_response_bytes
  // or the headers kMaxHeaderBytes (the transfer is abandoned at once, never
  // retried), HV000 when a header holds a control character (nothing is
  // sent), and cfdw::Cancelled when hooks.should_abort() says so.
  std::vector<HttpResponse> perform(const std::vector<HttpRequest>& reqs, int max_parallel,
                                    const HttpOptions& opts, RateLimiter* limiter,
                                    const HttpHooks& hooks, HttpStats* stats);
  HttpResponse perform_one(const HttpRequest& req, const HttpOptions& opts, RateLimiter* limiter,
                           const HttpHooks& hooks, HttpStats* stats);

  // Non-blocking mode: the same requests, retries, bounds and errors as
  // perform(), but the caller drives them. start() sends what it can at once
  // and returns; progress() moves every transfer of the client on (those of
  // other batches too) without waiting and says whether this batch has all its
  // responses, which take() then returns. Errors of the batch (the ones
  // perform() throws, and cfdw::Cancelled) are thrown by progress(). A batch
  // dropped unfinished abandons its transfers. `stats` must outlive the batch.
  class Async;
  std::shared_ptr<Async> start(std::vector<HttpRequest> reqs, int max_parallel, const HttpOptions& opts,
                               RateLimiter* limiter, const HttpHooks& hooks, HttpStats* stats);
  bool progress(Async& batch);
  std::vector<HttpResponse> take(Async& batch);

  // What to wait on between two progress() calls: one descriptor (an epoll
  // set holding libcurl's sockets and a timerfd) that becomes readable when a
  // socket is ready, when libcurl's timeout, a retry or a rate-limit wait is
  // due, when a batch is complete, and at most kWaitSliceMs after this call
  // (so that a waiter can look at interrupts); with `now`, at once.
  // prepare_wait() refreshes it and returns it; the descriptor stays the client's. new_wait_fd() returns a
  // duplicate the caller closes (several waiters may each register their own
  // descriptor for the same set).
  static constexpr int kWaitSliceMs = 50;
  int prepare_wait(bool now = false);
  int new_wait_fd();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cfdw
