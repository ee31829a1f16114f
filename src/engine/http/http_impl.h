// commerce_fdw engine: the HTTP client's inside, shared by its source files
// (not part of the engine's interface; see http.h for that):
//   http.cpp          retry policy and what response headers say (Retry-After, rate-limit budget)
//   http_request.cpp  one attempt: the easy handle's settings, the callbacks that fill and bound a response
//   http_batch.cpp    a batch of requests and its event loop; the blocking perform()
//   http_async.cpp    the non-blocking mode (start / progress / take) and its wait descriptor
#pragma once

#include <curl/curl.h>

#include <exception>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "engine/error.h"
#include "engine/http/http.h"
#include "engine/version.h"

namespace cfdw {
namespace http_impl {

constexpr const char* kUserAgent = "commerce_fdw/" CFDW_VERSION;
constexpr int kPollSliceMs = 50;         // longest time between two should_abort() calls
constexpr double kAnnounceWaitMs = 1000; // longer waits are reported through Hooks::on_wait
constexpr double kMaxBackoffMs = 10000;

// ---------------------------------------------------------------------------
// libcurl handles as RAII types

struct EasyDeleter {
  void operator()(CURL* easy) const noexcept { curl_easy_cleanup(easy); }
};
struct MultiDeleter {
  void operator()(CURLM* multi) const noexcept { curl_multi_cleanup(multi); }
};
struct SlistDeleter {
  void operator()(curl_slist* list) const noexcept { curl_slist_free_all(list); }
};
using EasyHandle = std::unique_ptr<CURL, EasyDeleter>;
using MultiHandle = std::unique_ptr<CURLM, MultiDeleter>;
using HeaderList = std::unique_ptr<curl_slist, SlistDeleter>;

// Easy handles kept between transfers, so that each attempt does not allocate
// a new one. A handle is reset when it comes back, so that an idle handle
// points at no buffer of a finished transfer.
class EasyPool {
 public:
  EasyHandle acquire();
  void release(EasyHandle easy);

 private:
  std::vector<EasyHandle> idle_;
};

void init_curl_once();

// ---------------------------------------------------------------------------
// Policy (http.cpp)

std::string_view trim(std::string_view s);
double epoch_seconds();

// What a response says about the server's request budget.
struct ServerBudget {
  int64_t remaining = -1;      // requests left in the window; -1 unknown
  double reset_in_ms = -1;     // until the window resets; -1 unknown
  double retry_after_ms = -1;  // Retry-After; -1 none
};
// Bounds for numbers read from headers: a count of requests, a wait (a year).
constexpr double kMaxHeaderCount = 1e9;
constexpr double kMaxHeaderWaitMs = 365.0 * 24 * 3600 * 1000;
// `ms` within [0, kMaxHeaderWaitMs]; -1 (unknown) for NaN.
double bounded_wait_ms(double ms);
ServerBudget read_budget(const std::map<std::string, std::string>& headers, double now_epoch_s);

bool is_retryable_transport(CURLcode code);
// Whether the request certainly did not reach the server, so that even a
// request that is not idempotent may be sent again.
bool never_reached_server(long status, CURLcode code);
// Whether a failed attempt may have reached the server: anything of the
// request was written to the connection.
bool may_have_reached_server(CURL* easy, CURLcode code);

// ---------------------------------------------------------------------------
// One attempt (http_request.cpp)

// Where the libcurl callbacks of one attempt write, and the bounds they keep.
struct Sink {
  HttpResponse* response = nullptr;
  int64_t max_body = 0;             // bytes, after decompression
  int64_t header_bytes = 0;         // header bytes received so far (all responses of the attempt)
  bool body_too_large = false;
  bool headers_too_large = false;
};

// One request of a batch, across its attempts.
struct Transfer {
  const HttpRequest* req = nullptr;
  size_t index = 0;              // position of the request, and of its response
  double admitted_ms = 0;        // when the request became active
  int attempt = 0;               // attempts started so far
  double not_before_ms = 0;      // the next attempt waits for this (rate limit, backoff, Retry-After)
  bool slot_booked = false;      // the rate limiter has booked the next attempt
  bool finished = false;         // the final response is stored
  bool reached_before = false;   // a retried attempt may have reached the server
  double attempt_started_ms = 0;

  // While an attempt is in flight:
  EasyHandle easy;
  CURLM* multi = nullptr;        // the multi handle `easy` is added to
  HeaderList header_list;
  HttpResponse response;         // filled by the callbacks
  Sink sink;                     // the callbacks' view of `response`, with its bounds
  char error[CURL_ERROR_SIZE] = "";

  Transfer() = default;
  Transfer(const Transfer&) = delete;
  Transfer& operator=(const Transfer&) = delete;
  // An attempt still in flight is abandoned: libcurl closes its connection.
  ~Transfer() {
    if (multi) curl_multi_remove_handle(multi, easy.get());
  }

  bool in_flight() const { return easy != nullptr; }

  // The attempt is over: its easy handle goes back to the pool.
  void end_attempt(EasyPool& pool) {
    curl_multi_remove_handle(multi, easy.get());
    multi = nullptr;
    header_list.reset();
    pool.release(std::move(easy));
  }
};

// What messages call the request: never its URL or headers.
inline const std::string& display(const Transfer& t) {
  return t.req->display.empty() ? t.req->method : t.req->display;
}

// Readies t for its next attempt: checks its headers, resets the response and
// its bounds, takes an easy handle from `pool` and configures it.
void prepare_attempt(Transfer& t, const HttpOptions& opts, EasyPool& pool);

// A response beyond its bounds (sink.body_too_large / headers_too_large).
[[noreturn]] void throw_too_large(const Transfer& t);

}  // namespace http_impl

// ---------------------------------------------------------------------------
// The client (http_batch.cpp, http_async.cpp)

struct HttpClient::Impl {
  class Batch;

  Impl();
  ~Impl();

  // Hands the attempts libcurl has finished to their batches.
  void collect();
  // Registers libcurl's sockets with the epoll set and arms the timer.
  int prepare_wait(bool now);

  http_impl::MultiHandle multi;  // owns the connection cache
  http_impl::EasyPool pool;      // declared after `multi`: easy handles are cleaned up first
  std::minstd_rand rng;          // backoff jitter
  std::vector<Batch*> live;      // every batch in progress (blocking or not)

  // The non-blocking mode's wait descriptor (created on first use).
  int epoll_fd = -1;
  int timer_fd = -1;
  std::map<int, uint32_t> registered;  // socket -> epoll events asked for
};

// One call of perform() or start(): its requests, their state and the event loop.
class HttpClient::Impl::Batch {
 public:
  Batch(Impl& client, const HttpRequest* reqs, size_t count, int max_parallel, const HttpOptions& opts,
        RateLimiter* limiter, const HttpHooks& hooks, HttpStats& stats);
  ~Batch();
  Batch(const Batch&) = delete;
  Batch& operator=(const Batch&) = delete;

  // Blocking mode: rounds until every response is in.
  std::vector<HttpResponse> run();
  // One round without waiting: admit, start what is due, let libcurl move
  // every transfer on, hand out what finished. True when every response is in;
  // throws this batch's error.
  bool step();
  std::vector<HttpResponse> take() { return std::move(results_); }
  // An attempt of this batch that libcurl finished, if `easy` is one; an
  // error is kept for the batch's next round.
  bool handle(CURL* easy, CURLcode code);
  // Until this batch needs a round without any socket activity: 0 when
  // complete, failed or able to admit; the next due attempt; else -1 (none).
  double due_in_ms(double now) const;

 private:
  using Transfer = http_impl::Transfer;
  CURLM* multi() const { return client_.multi.get(); }
  static void check(CURLMcode code);
  // Reports a wait for the rate limit or a Retry-After and counts it.
  void announce_wait(double ms, const char* reason);
  void admit();
  // Starts the attempts that are due, once the rate limiter allows them.
  void start_due();
  void start(Transfer& t, double now);
  // An attempt is over: schedule the next one, store the final response, or throw.
  void attempt_done(Transfer& t, CURLcode code);
  // Tells Hooks::on_attempt how an attempt ended.
  void report(const Transfer& t, long status, double now, const char* error, bool will_retry) const;
  // Tells the rate limiter what the server said about its budget.
  void inform_limiter(const http_impl::ServerBudget& budget, long status, double now);
  // The pause before retrying after attempt number t.attempt.
  double backoff(const Transfer& t);
  void retry_at(Transfer& t, double when);
  void finish(Transfer& t, long status, double now);
  // reached: the last attempt may have reached the server (see may_have_reached_server).
  [[noreturn]] void fail(const Transfer& t, CURLcode code, bool reached);
  // The server imposed a wait (`wait_ms`, from header `by`) longer than a statement may wait.
  [[noreturn]] void fail_wait(const Transfer& t, long status, double wait_ms, const char* by);
  // Until the next due attempt, but at most one poll slice.
  int poll_timeout_ms() const;

  Impl& client_;
  const HttpRequest* reqs_;
  const size_t count_;
  const size_t max_parallel_;
  const HttpOptions& opts_;
  RateLimiter* limiter_;
  const HttpHooks& hooks_;
  HttpStats& stats_;

  std::vector<HttpResponse> results_;                // in request order
  std::vector<std::unique_ptr<Transfer>> active_;    // admitted, not finished
  size_t next_ = 0;                                  // next request to admit
  size_t done_ = 0;                                  // requests finished
  std::exception_ptr error_;                         // the batch failed (thrown by its next round)
};

}  // namespace cfdw
