// commerce_fdw engine: the HTTP client (see http.h).
//
// HttpClient::perform() runs an event loop on the calling thread:
//
//   1. admit requests until max_parallel of them are active;
//   2. start every active request whose next attempt is due: first book a slot
//      with the rate limiter (which may postpone it), then add an easy handle
//      for it to the multi handle;
//   3. let libcurl move the transfers on (curl_multi_perform) and look at the
//      finished ones: a final response is stored, a retryable failure is
//      given a time for its next attempt (backoff or Retry-After), a final
//      transport failure throws;
//   4. wait for socket activity or for the next due attempt, at most 50 ms,
//      and ask Hooks::should_abort() before going round again.
//
// Waits (rate limit, backoff, Retry-After) are thus never a sleep: they are a
// due time that the loop polls towards in slices, so that they can be
// cancelled and so that the other transfers keep moving meanwhile. The libcurl
// callbacks only fill buffers; every hook is called from the loop itself.
//
// The multi handle lives as long as the client and, with it, libcurl's
// connection cache: successive calls to the same server reuse the connection.
//
// The non-blocking mode (start / progress / take) runs the same batch one
// round at a time (steps 1-3) and leaves step 4 to the caller, who waits on
// the descriptor prepare_wait() arms. Every batch of the client is registered
// with it, so that a round of one batch hands the attempts libcurl finished
// for the others to them (an error is kept for its batch and thrown by that
// batch's next round).
#include "engine/http.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <exception>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <new>
#include <random>
#include <string_view>

#include "engine/error.h"

namespace cfdw {

namespace {

constexpr const char* kUserAgent = "commerce_fdw/1.0";
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
  EasyHandle acquire() {
    if (idle_.empty()) {
      EasyHandle easy(curl_easy_init());
      if (!easy) throw Error(sqlstate::kInternalError, "libcurl could not create a transfer handle");
      return easy;
    }
    EasyHandle easy = std::move(idle_.back());
    idle_.pop_back();
    return easy;
  }
  void release(EasyHandle easy) {
    curl_easy_reset(easy.get());
    idle_.push_back(std::move(easy));
  }

 private:
  std::vector<EasyHandle> idle_;
};

void init_curl_once() {
  static const CURLcode rc = curl_global_init(CURL_GLOBAL_DEFAULT);
  if (rc != CURLE_OK)
    throw Error(sqlstate::kInternalError, std::string("could not initialise libcurl: ") + curl_easy_strerror(rc));
}

// ---------------------------------------------------------------------------
// Small text helpers

std::string_view trim(std::string_view s) {
  const char* blanks = " \t\r\n";
  const size_t begin = s.find_first_not_of(blanks);
  if (begin == std::string_view::npos) return {};
  return s.substr(begin, s.find_last_not_of(blanks) - begin + 1);
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

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

double epoch_seconds() {
  using std::chrono::duration;
  using std::chrono::system_clock;
  return duration<double>(system_clock::now().time_since_epoch()).count();
}

// ---------------------------------------------------------------------------
// What a response says about the server's request budget

struct ServerBudget {
  int64_t remaining = -1;      // requests left in the window; -1 unknown
  double reset_in_ms = -1;     // until the window resets; -1 unknown
  double retry_after_ms = -1;  // Retry-After; -1 none
};

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
  if (const std::string* v = header("x-ratelimit-remaining", "ratelimit-remaining"); v && parse_number(*v, &value))
    b.remaining = static_cast<int64_t>(value);
  if (const std::string* v = header("x-ratelimit-reset", "ratelimit-reset"); v && parse_number(*v, &value)) {
    // Either seconds from now or a Unix time: no window lasts 30 years.
    const bool is_epoch = value >= 1e9;
    b.reset_in_ms = std::max(0.0, (is_epoch ? value - now_epoch_s : value) * 1000);
  }
  if (auto it = headers.find("retry-after"); it != headers.end())
    b.retry_after_ms = parse_retry_after_ms(it->second, now_epoch_s);
  return b;
}

// ---------------------------------------------------------------------------
// libcurl callbacks: they only fill the response; an exception must not
// cross libcurl, so running out of memory aborts the transfer instead. So does
// a response beyond its bounds: returning less than was given makes libcurl
// stop the transfer at once (CURLE_WRITE_ERROR).

// Where the callbacks of one attempt write, and the bounds they keep.
struct Sink {
  HttpResponse* response = nullptr;
  int64_t max_body = 0;             // bytes, after decompression
  int64_t header_bytes = 0;         // header bytes received so far (all responses of the attempt)
  bool body_too_large = false;
  bool headers_too_large = false;
};

size_t on_body(char* data, size_t size, size_t count, void* sink_ptr) {
  auto* sink = static_cast<Sink*>(sink_ptr);
  const size_t n = size * count;
  std::string& body = sink->response->body;
  if (static_cast<int64_t>(body.size()) + static_cast<int64_t>(n) > sink->max_body) {
    sink->body_too_large = true;
    return n == 0 ? 1 : 0;
  }
  try {
    // Grow geometrically but never beyond the bound, so that a body close to
    // it does not reserve twice as much.
    if (body.size() + n > body.capacity()) {
      const size_t wanted = std::max(body.capacity() * 2, body.size() + n);
      body.reserve(std::min<size_t>(wanted, static_cast<size_t>(sink->max_body)));
    }
    body.append(data, n);
    return n;
  } catch (...) {
    return 0;
  }
}

size_t on_header(char* data, size_t size, size_t count, void* sink_ptr) {
  auto* sink = static_cast<Sink*>(sink_ptr);
  auto& headers = sink->response->headers;
  const std::string_view line(data, size * count);
  sink->header_bytes += static_cast<int64_t>(line.size());
  if (sink->header_bytes > kMaxHeaderBytes) {
    sink->headers_too_large = true;
    return 0;
  }
  try {
    if (line.substr(0, 5) == "HTTP/") {
      headers.clear();  // status line of a new response (e.g. after "100 Continue")
    } else if (const size_t colon = line.find(':'); colon != std::string_view::npos) {
      headers[lower(trim(line.substr(0, colon)))] = std::string(trim(line.substr(colon + 1)));
    }
    return line.size();
  } catch (...) {
    return 0;
  }
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

// Whether the request certainly did not reach the server, so that even a
// request that is not idempotent may be sent again.
bool never_reached_server(long status, CURLcode code) {
  return code == CURLE_COULDNT_CONNECT || (code == CURLE_OK && status == 429);
}

// Whether a failed attempt may have reached the server: anything of the
// request was written to the connection. libcurl counts the request bytes it
// wrote (CURLINFO_REQUEST_SIZE) and the body bytes (SIZE_UPLOAD); a failure to
// resolve or connect wrote nothing.
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

HeaderList make_header_list(const std::vector<std::string>& headers) {
  HeaderList list;
  auto append = [&](const char* header) {
    curl_slist* head = curl_slist_append(list.get(), header);
    if (!head) throw std::bad_alloc();
    if (!list) list.reset(head);  // the first entry starts the list; later ones extend it
  };
  for (const std::string& h : headers) append(h.c_str());
  // Send a body at once instead of asking "100-continue" first: some servers
  // never answer that, which costs a second per request.
  append("Expect:");
  return list;
}

}  // namespace

bool is_safe_header(const std::string& header) {
  for (const char ch : header) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c < 0x20 && c != '\t') || c == 0x7f) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------
// Retry policy helpers

bool is_retryable_status(long status) { return status == 429 || status == 502 || status == 503 || status == 504; }

double parse_retry_after_ms(const std::string& value, double now_epoch_s) {
  double seconds = 0;
  if (parse_number(value, &seconds)) return seconds * 1000;
  // Otherwise an HTTP date, in any of the three formats of RFC 9110.
  const std::string date(trim(value));
  if (date.empty()) return -1;
  const time_t at = curl_getdate(date.c_str(), nullptr);
  if (at == -1) return -1;
  return std::max(0.0, (static_cast<double>(at) - now_epoch_s) * 1000);
}

double backoff_ms(const HttpOptions& o, int attempt, double jitter01) {
  const int doublings = std::clamp(attempt - 1, 0, 30);
  const double nominal = std::min(kMaxBackoffMs, std::max(0.0, o.backoff_base_ms) * std::ldexp(1.0, doublings));
  const double jitter = 0.5 + 0.5 * std::clamp(jitter01, 0.0, 1.0);
  return std::min(nominal * jitter, kMaxBackoffMs);
}

// ---------------------------------------------------------------------------
// HttpClient

struct HttpClient::Impl {
  class Batch;

  Impl() : multi(curl_multi_init()), rng(std::random_device()()) {
    if (!multi) throw Error(sqlstate::kInternalError, "libcurl could not create a multi handle");
  }
  ~Impl() {
    if (epoll_fd >= 0) close(epoll_fd);
    if (timer_fd >= 0) close(timer_fd);
  }

  // Hands the attempts libcurl has finished to their batches.
  void collect();
  // Registers libcurl's sockets with the epoll set and arms the timer.
  int prepare_wait(bool now);

  MultiHandle multi;  // owns the connection cache
  EasyPool pool;      // declared after `multi`: easy handles are cleaned up first
  std::minstd_rand rng;  // backoff jitter
  std::vector<Batch*> live;  // every batch in progress (blocking or not)

  // The non-blocking mode's wait descriptor (created on first use).
  int epoll_fd = -1;
  int timer_fd = -1;
  std::map<int, uint32_t> registered;  // socket -> epoll events asked for
};

// One call of perform(): its requests, their state and the event loop.
class HttpClient::Impl::Batch {
 public:
  Batch(Impl& client, const HttpRequest* reqs, size_t count, int max_parallel, const HttpOptions& opts,
        RateLimiter* limiter, const HttpHooks& hooks, HttpStats& stats)
      : client_(client), reqs_(reqs), count_(count), max_parallel_(static_cast<size_t>(std::max(1, max_parallel))),
        opts_(opts), limiter_(limiter), hooks_(hooks), stats_(stats), results_(count) {
    client_.live.push_back(this);
  }
  ~Batch() {
    active_.clear();  // abandons the attempts in flight
    client_.live.erase(std::find(client_.live.begin(), client_.live.end(), this));
  }
  Batch(const Batch&) = delete;
  Batch& operator=(const Batch&) = delete;

  // Blocking mode: rounds until every response is in.
  std::vector<HttpResponse> run() {
    while (!step()) {
      if (hooks_.on_block) hooks_.on_block(true);
      const CURLMcode rc = curl_multi_poll(multi(), nullptr, 0, poll_timeout_ms(), nullptr);
      if (hooks_.on_block) hooks_.on_block(false);
      check(rc);
    }
    return std::move(results_);
  }

  // One round without waiting: admit, start what is due, let libcurl move
  // every transfer on, hand out what finished. True when every response is in;
  // throws this batch's error.
  bool step() {
    if (error_) std::rethrow_exception(error_);
    if (done_ == count_) return true;
    if (hooks_.should_abort && hooks_.should_abort()) throw Cancelled();
    admit();
    start_due();
    int running = 0;
    check(curl_multi_perform(multi(), &running));
    client_.collect();
    if (error_) std::rethrow_exception(error_);
    return done_ == count_;
  }

  std::vector<HttpResponse> take() { return std::move(results_); }

  // An attempt of this batch that libcurl finished, if `easy` is one; an
  // error is kept for the batch's next round.
  bool handle(CURL* easy, CURLcode code) {
    auto it = std::find_if(active_.begin(), active_.end(), [&](const auto& t) { return t->easy.get() == easy; });
    if (it == active_.end()) return false;
    try {
      attempt_done(**it, code);
      if ((*it)->finished) active_.erase(it);
    } catch (...) {
      if (!error_) error_ = std::current_exception();
    }
    return true;
  }

  // Until this batch needs a round without any socket activity: 0 when
  // complete, failed or able to admit; the next due attempt; else -1 (none).
  double due_in_ms(double now) const {
    if (error_ || done_ == count_ || (next_ < count_ && active_.size() < max_parallel_)) return 0;
    double wait = -1;
    for (const auto& t : active_)
      if (!t->in_flight()) wait = wait < 0 ? std::max(0.0, t->not_before_ms - now)
                                           : std::min(wait, std::max(0.0, t->not_before_ms - now));
    return wait;
  }

 private:
  CURLM* multi() const { return client_.multi.get(); }

  static void check(CURLMcode code) {
    if (code != CURLM_OK) throw Error(sqlstate::kInternalError, std::string("libcurl: ") + curl_multi_strerror(code));
  }

  // What messages call the request: never its URL or headers.
  static const std::string& display(const Transfer& t) {
    return t.req->display.empty() ? t.req->method : t.req->display;
  }

  // Adds a request's setting to its easy handle; a refused value (say a
  // negative timeout) is reported against the request.
  template <typename T>
  static void set(const Transfer& t, CURLoption option, T value) {
    const CURLcode rc = curl_easy_setopt(t.easy.get(), option, value);
    if (rc != CURLE_OK) throw Error(sqlstate::kFdwError, display(t) + ": " + curl_easy_strerror(rc));
  }

  // Reports a wait for the rate limit or a Retry-After and counts it.
  void announce_wait(double ms, const char* reason) {
    stats_.rate_wait_ms += ms;
    if (ms > kAnnounceWaitMs && hooks_.on_wait) hooks_.on_wait(ms, reason);
  }

  void admit() {
    while (next_ < count_ && active_.size() < max_parallel_) {
      auto t = std::make_unique<Transfer>();
      t->req = &reqs_[next_];
      t->index = next_++;
      t->admitted_ms = t->not_before_ms = monotonic_ms();
      active_.push_back(std::move(t));
    }
  }

  // Starts the attempts that are due, once the rate limiter allows them.
  void start_due() {
    for (auto& t : active_) {
      if (t->in_flight()) continue;
      const double now = monotonic_ms();
      if (now < t->not_before_ms) continue;
      if (limiter_ && !t->slot_booked) {
        t->slot_booked = true;
        const double wait = limiter_->reserve(now);
        if (wait > 0) {
          announce_wait(wait, "rate limit");
          t->not_before_ms = now + wait;
          continue;
        }
      }
      start(*t, now);
    }
  }

  void start(Transfer& t, double now) {
    // Defence in depth: option validation refuses such values already.
    for (const std::string& h : t.req->headers) {
      if (!is_safe_header(h)) {
        const std::string name = h.substr(0, std::min(h.find(':'), h.size()));
        throw Error(sqlstate::kFdwInvalidAttributeValue,
                    display(t) + ": the request header \"" + (is_safe_header(name) ? name : "?") +
                        "\" holds a control character; the request was not sent");
      }
    }
    t.response = HttpResponse();
    t.sink = Sink();
    t.sink.response = &t.response;
    t.sink.max_body = opts_.max_response_bytes > 0 ? opts_.max_response_bytes : INT64_MAX;
    t.error[0] = '\0';
    t.header_list = make_header_list(t.req->headers);
    t.easy = client_.pool.acquire();
    configure(t);
    check(curl_multi_add_handle(multi(), t.easy.get()));
    t.multi = multi();
    ++t.attempt;
    ++stats_.requests;
    t.attempt_started_ms = now;
  }

  void configure(Transfer& t) const {
    const HttpRequest& req = *t.req;
    set(t, CURLOPT_URL, req.url.c_str());
#if LIBCURL_VERSION_NUM >= 0x075500  // 7.85.0
    set(t, CURLOPT_PROTOCOLS_STR, "http,https");
#else
    set(t, CURLOPT_PROTOCOLS, static_cast<long>(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
    set(t, CURLOPT_NOSIGNAL, 1L);
    set(t, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_1_1));
    set(t, CURLOPT_FOLLOWLOCATION, 0L);  // a 3xx is returned to the caller, which refuses it
    set(t, CURLOPT_PATH_AS_IS, 1L);       // "." and ".." are never resolved away (keys encode them anyway)
    set(t, CURLOPT_USERAGENT, kUserAgent);
    set(t, CURLOPT_ACCEPT_ENCODING, "");  // whatever libcurl can decode
    set(t, CURLOPT_TIMEOUT_MS, opts_.timeout_ms);
    set(t, CURLOPT_CONNECTTIMEOUT_MS, opts_.connect_timeout_ms);
    // Peer and host verification are libcurl's defaults and stay on. A
    // ca_file replaces the system's bundle (as PostgreSQL's sslrootcert does).
    if (!opts_.ca_file.empty()) set(t, CURLOPT_CAINFO, opts_.ca_file.c_str());
    set(t, CURLOPT_HTTPHEADER, t.header_list.get());
    // A request that must not be sent twice gets a new connection: on a reused
    // connection that the server closes without answering, libcurl itself
    // sends the request again, and a write could be applied twice.
    if (!req.idempotent) set(t, CURLOPT_FRESH_CONNECT, 1L);

    // A body makes libcurl send a POST (not copied: the request outlives the
    // transfer); any other method is sent by name.
    const bool with_body = !req.body.empty() || req.method == "POST" || req.method == "PUT";
    if (with_body) {
      set(t, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
      set(t, CURLOPT_POSTFIELDS, req.body.data());
    }
    if (req.method != (with_body ? "POST" : "GET")) set(t, CURLOPT_CUSTOMREQUEST, req.method.c_str());

    set(t, CURLOPT_WRITEFUNCTION, on_body);
    set(t, CURLOPT_WRITEDATA, static_cast<void*>(&t.sink));
    set(t, CURLOPT_HEADERFUNCTION, on_header);
    set(t, CURLOPT_HEADERDATA, static_cast<void*>(&t.sink));
    set(t, CURLOPT_ERRORBUFFER, t.error);
  }

  // An attempt is over: schedule the next one, store the final response, or throw.
  void attempt_done(Transfer& t, CURLcode code) {
    long status = 0;
    if (code == CURLE_OK) curl_easy_getinfo(t.easy.get(), CURLINFO_RESPONSE_CODE, &status);
    const bool reached = code == CURLE_OK || may_have_reached_server(t.easy.get(), code);
    const double now = monotonic_ms();
    t.end_attempt(client_.pool);
    stats_.bytes_received += static_cast<int64_t>(t.response.body.size());

    const bool may_retry = t.attempt <= opts_.max_retries && (t.req->idempotent || never_reached_server(status, code));
    if (t.sink.body_too_large || t.sink.headers_too_large) too_large(t);
    if (code != CURLE_OK) {
      const bool retry = may_retry && is_retryable_transport(code);
      report(t, 0, now, curl_easy_strerror(code), retry);
      if (!retry) fail(t, code, reached);
      t.reached_before = t.reached_before || reached;
      retry_at(t, now + backoff(t));
      return;
    }

    const ServerBudget budget = read_budget(t.response.headers, epoch_seconds());
    if (status == 429) ++stats_.http_429;
    inform_limiter(budget, status, now);
    const double retry_after = budget.retry_after_ms;
    // When the server asks for a longer pause than we may take, the caller gets its answer.
    const bool pause_too_long = retry_after >= 0 && retry_after > opts_.max_retry_after_ms;
    const bool retry = may_retry && is_retryable_status(status) && !pause_too_long;
    report(t, status, now, nullptr, retry);
    if (retry) {
      t.reached_before = t.reached_before || status != 429;  // a 429 refused the request
      if (retry_after >= 0) {
        announce_wait(retry_after, "Retry-After");
        retry_at(t, now + retry_after);
      } else {
        retry_at(t, now + backoff(t));
      }
      return;
    }
    finish(t, status, now);
  }

  // Tells Hooks::on_attempt how an attempt ended.
  void report(const Transfer& t, long status, double now, const char* error, bool will_retry) const {
    if (!hooks_.on_attempt) return;
    HttpAttempt a;
    a.req = t.req;
    a.status = status;
    a.attempt = t.attempt;
    a.ms = now - t.attempt_started_ms;
    a.bytes = static_cast<int64_t>(t.response.body.size());
    a.error = error;
    a.will_retry = will_retry;
    hooks_.on_attempt(a);
  }

  // Tells the rate limiter what the server said about its budget. Waits longer
  // than max_retry_after_ms are not passed on: such a request fails rather than
  // wait, and the limiter should not make the next ones wait that long either.
  void inform_limiter(const ServerBudget& budget, long status, double now) {
    if (!limiter_) return;
    const auto bounded = [&](double ms) { return ms <= opts_.max_retry_after_ms ? ms : -1; };
    const int64_t remaining = status == 429 && budget.remaining < 0 ? 0 : budget.remaining;
    const double reset_in_ms = bounded(budget.reset_in_ms);
    const double retry_after_ms = bounded(budget.retry_after_ms);
    if (remaining >= 0 || reset_in_ms >= 0 || retry_after_ms >= 0)
      limiter_->observe(now, remaining, reset_in_ms, retry_after_ms);
  }

  // The pause before retrying after attempt number t.attempt.
  double backoff(const Transfer& t) {
    std::uniform_real_distribution<double> jitter(0.0, 1.0);
    return backoff_ms(opts_, t.attempt, jitter(client_.rng));
  }

  void retry_at(Transfer& t, double when) {
    ++stats_.retries;
    t.not_before_ms = when;
    t.slot_booked = false;
  }

  void finish(Transfer& t, long status, double now) {
    HttpResponse& r = results_[t.index];
    r = std::move(t.response);
    r.status = status;
    r.retries = t.attempt - 1;
    r.earlier_attempt_reached = t.reached_before;
    r.elapsed_ms = now - t.admitted_ms;
    if (status < 200 || status >= 300) ++stats_.errors;  // a 1xx or 3xx is no success either
    t.finished = true;
    ++done_;
  }

  // reached: the last attempt may have reached the server (see may_have_reached_server).
  [[noreturn]] void fail(const Transfer& t, CURLcode code, bool reached) {
    ++stats_.errors;
    std::string message = display(t) + ": " + curl_easy_strerror(code);
    if (const int retries = t.attempt - 1; retries > 0)
      message += " (after " + std::to_string(retries) + (retries == 1 ? " retry)" : " retries)");
    // libcurl's own message can be more precise ("SSL certificate problem:
    // ..."); it names the host at most, never the path, query or headers.
    std::string detail;
    if (t.error[0]) detail = std::string("libcurl says \"") + t.error + "\".";
    throw Error(sqlstate::kFdwUnableToEstablishConnection, message, detail)
        .set_effect(reached || t.reached_before ? RequestEffect::Unknown : RequestEffect::NotApplied);
  }

  // A response beyond its bounds: the transfer was stopped when the bound was
  // crossed; it is not retried (the next answer would be as large). The server
  // answered, so a write it carried may have been applied.
  [[noreturn]] void too_large(const Transfer& t) {
    ++stats_.errors;
    if (t.sink.headers_too_large)
      throw Error(sqlstate::kProgramLimitExceeded,
                  display(t) + ": the response headers exceed " + std::to_string(kMaxHeaderBytes) + " bytes")
          .set_effect(RequestEffect::Unknown);
    throw Error(sqlstate::kProgramLimitExceeded,
                display(t) + ": the response exceeds max_response_bytes (" +
                    std::to_string(t.sink.max_body) + " bytes, counted after decompression)",
                std::string(),
                "Raise the server or table option max_response_bytes if responses this large are expected.")
        .set_effect(RequestEffect::Unknown);
  }

  // Until the next due attempt, but at most one poll slice.
  int poll_timeout_ms() const {
    if (next_ < count_ && active_.size() < max_parallel_) return 0;
    const double now = monotonic_ms();
    double wait = kPollSliceMs;
    for (const auto& t : active_)
      if (!t->in_flight()) wait = std::min(wait, t->not_before_ms - now);
    return static_cast<int>(std::ceil(std::clamp(wait, 0.0, double(kPollSliceMs))));
  }

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

void HttpClient::Impl::collect() {
  int left = 0;
  while (CURLMsg* msg = curl_multi_info_read(multi.get(), &left)) {
    if (msg->msg != CURLMSG_DONE) continue;
    CURL* easy = msg->easy_handle;
    const CURLcode code = msg->data.result;  // msg dies with the handle's removal
    for (Batch* b : live)
      if (b->handle(easy, code)) break;
  }
}

namespace {

[[noreturn]] void fail_errno(const char* what) {
  throw Error(sqlstate::kInternalError, std::string("commerce_fdw could not ") + what + ": " + std::strerror(errno));
}

}  // namespace

int HttpClient::Impl::prepare_wait(bool now_please) {
  if (epoll_fd < 0) {
    epoll_fd = epoll_create1(EPOLL_CLOEXEC);
    if (epoll_fd < 0) fail_errno("create an epoll set");
    timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (timer_fd < 0) fail_errno("create a timerfd");
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = timer_fd;
    if (epoll_ctl(epoll_fd, EPOLL_CTL_ADD, timer_fd, &ev) != 0) fail_errno("watch a timerfd");
  }
  // libcurl's sockets, as it wants them now. A socket it closed has left the
  // set by itself; its number may be back as a new socket, hence MOD, else ADD.
  fd_set r, w, x;
  FD_ZERO(&r);
  FD_ZERO(&w);
  FD_ZERO(&x);
  int max_fd = -1;
  if (curl_multi_fdset(multi.get(), &r, &w, &x, &max_fd) != CURLM_OK) max_fd = -1;
  std::map<int, uint32_t> now_wanted;
  for (int fd = 0; fd <= max_fd; ++fd) {
    uint32_t events = 0;
    if (FD_ISSET(fd, &r)) events |= EPOLLIN;
    if (FD_ISSET(fd, &w)) events |= EPOLLOUT;
    if (FD_ISSET(fd, &x)) events |= EPOLLPRI;
    if (events) now_wanted[fd] = events;
  }
  for (const auto& [fd, events] : registered)
    if (!now_wanted.count(fd)) epoll_ctl(epoll_fd, EPOLL_CTL_DEL, fd, nullptr);  // may be gone already
  registered.clear();
  for (const auto& [fd, events] : now_wanted) {
    epoll_event ev{};
    ev.events = events;
    ev.data.fd = fd;
    if (epoll_ctl(epoll_fd, EPOLL_CTL_MOD, fd, &ev) != 0 && epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &ev) != 0)
      continue;  // not watchable: the timer still comes round
    registered[fd] = events;
  }
  // The timer: libcurl's own timeout, the next due attempt, at most one slice.
  const double now = monotonic_ms();
  double wait = now_please ? 0 : kWaitSliceMs;
  long curl_ms = -1;
  if (curl_multi_timeout(multi.get(), &curl_ms) == CURLM_OK && curl_ms >= 0) wait = std::min(wait, double(curl_ms));
  for (const Batch* b : live)
    if (const double due = b->due_in_ms(now); due >= 0) wait = std::min(wait, due);
  uint64_t expirations;
  while (read(timer_fd, &expirations, sizeof expirations) > 0) {
  }
  itimerspec spec{};
  const long ns = std::max(1L, static_cast<long>(std::ceil(wait * 1e6)));  // 0 would disarm it
  spec.it_value.tv_sec = ns / 1000000000L;
  spec.it_value.tv_nsec = ns % 1000000000L;
  if (timerfd_settime(timer_fd, 0, &spec, nullptr) != 0) fail_errno("arm a timerfd");
  return epoll_fd;
}

// A batch of the non-blocking mode, with its own copy of what it sends.
class HttpClient::Async {
 public:
  Async(Impl& client, std::vector<HttpRequest> reqs, int max_parallel, const HttpOptions& opts,
        RateLimiter* limiter, const HttpHooks& hooks, HttpStats* stats)
      : reqs_(std::move(reqs)), opts_(opts), hooks_(hooks),
        batch_(client, reqs_.data(), reqs_.size(), max_parallel, opts_, limiter, hooks_, stats ? *stats : unused_) {}
  Impl::Batch& batch() { return batch_; }

 private:
  std::vector<HttpRequest> reqs_;
  HttpOptions opts_;
  HttpHooks hooks_;
  HttpStats unused_;
  Impl::Batch batch_;  // last: gone before what it refers to
};

HttpClient::HttpClient() {
  init_curl_once();
  impl_ = std::make_unique<Impl>();
}

HttpClient::~HttpClient() = default;

std::vector<HttpResponse> HttpClient::perform(const std::vector<HttpRequest>& reqs, int max_parallel,
                                              const HttpOptions& opts, RateLimiter* limiter, const HttpHooks& hooks,
                                              HttpStats* stats) {
  HttpStats unused;
  Impl::Batch batch(*impl_, reqs.data(), reqs.size(), max_parallel, opts, limiter, hooks, stats ? *stats : unused);
  return batch.run();
}

std::shared_ptr<HttpClient::Async> HttpClient::start(std::vector<HttpRequest> reqs, int max_parallel,
                                                    const HttpOptions& opts, RateLimiter* limiter,
                                                    const HttpHooks& hooks, HttpStats* stats) {
  auto batch = std::make_shared<Async>(*impl_, std::move(reqs), max_parallel, opts, limiter, hooks, stats);
  progress(*batch);
  return batch;
}

bool HttpClient::progress(Async& batch) { return batch.batch().step(); }

std::vector<HttpResponse> HttpClient::take(Async& batch) { return batch.batch().take(); }

int HttpClient::prepare_wait(bool now) { return impl_->prepare_wait(now); }

int HttpClient::new_wait_fd() {
  const int fd = fcntl(impl_->prepare_wait(false), F_DUPFD_CLOEXEC, 0);
  if (fd < 0) fail_errno("duplicate a descriptor");
  return fd;
}

HttpResponse HttpClient::perform_one(const HttpRequest& req, const HttpOptions& opts, RateLimiter* limiter,
                                     const HttpHooks& hooks, HttpStats* stats) {
  HttpStats unused;
  Impl::Batch batch(*impl_, &req, 1, 1, opts, limiter, hooks, stats ? *stats : unused);
  return std::move(batch.run().front());
}

}  // namespace cfdw
