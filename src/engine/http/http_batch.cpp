// commerce_fdw engine: the HTTP client's event loop (see http.h) — a batch of
// requests, and the blocking perform() that runs it.
//
// Batch::run() runs an event loop on the calling thread:
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
// The non-blocking mode (http_async.cpp) runs the same batch one round at a
// time (steps 1-3) and leaves step 4 to the caller. Every batch of the client
// is registered with it, so that a round of one batch hands the attempts
// libcurl finished for the others to them (an error is kept for its batch and
// thrown by that batch's next round).
#include <algorithm>
#include <cmath>

#include "engine/http/http_impl.h"

namespace cfdw {

using namespace http_impl;

HttpClient::Impl::Impl() : multi(curl_multi_init()), rng(std::random_device()()) {
  if (!multi) throw Error(sqlstate::kInternalError, "libcurl could not create a multi handle");
}

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

HttpClient::Impl::Batch::Batch(Impl& client, const HttpRequest* reqs, size_t count, int max_parallel,
                               const HttpOptions& opts, RateLimiter* limiter, const HttpHooks& hooks, HttpStats& stats)
    : client_(client), reqs_(reqs), count_(count), max_parallel_(static_cast<size_t>(std::max(1, max_parallel))),
      opts_(opts), limiter_(limiter), hooks_(hooks), stats_(stats), results_(count) {
  client_.live.push_back(this);
}

HttpClient::Impl::Batch::~Batch() {
  if (hooks_.on_phase)
    for (const auto& t : active_)
      if (!t->finished) hooks_.on_phase(*t->req, HttpPhase::Done);
  active_.clear();  // abandons the attempts in flight
  client_.live.erase(std::find(client_.live.begin(), client_.live.end(), this));
}

std::vector<HttpResponse> HttpClient::Impl::Batch::run() {
  while (!step()) {
    if (hooks_.on_block) hooks_.on_block(true);
    const CURLMcode rc = curl_multi_poll(multi(), nullptr, 0, poll_timeout_ms(), nullptr);
    if (hooks_.on_block) hooks_.on_block(false);
    check(rc);
  }
  return std::move(results_);
}

bool HttpClient::Impl::Batch::step() {
  if (error_) std::rethrow_exception(error_);
  if (done_ == count_) return true;
  if (hooks_.should_abort && hooks_.should_abort()) {
    // The requests under way are cut short: counted, and those in flight reported.
    const double now = monotonic_ms();
    for (const auto& t : active_) {
      if (t->finished) continue;
      ++stats_.cancelled;
      if (t->in_flight() && hooks_.on_attempt) {
        HttpAttempt a;
        a.req = t->req;
        a.attempt = t->attempt;
        a.ms = now - t->attempt_started_ms;
        a.bytes = static_cast<int64_t>(t->response.body.size());
        a.error = "cancelled";
        a.cancelled = true;
        hooks_.on_attempt(a);
      }
    }
    throw Cancelled();
  }
  admit();
  start_due();
  int running = 0;
  check(curl_multi_perform(multi(), &running));
  client_.collect();
  if (error_) std::rethrow_exception(error_);
  return done_ == count_;
}

bool HttpClient::Impl::Batch::handle(CURL* easy, CURLcode code) {
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

double HttpClient::Impl::Batch::due_in_ms(double now) const {
  if (error_ || done_ == count_ || (next_ < count_ && active_.size() < max_parallel_)) return 0;
  double wait = -1;
  for (const auto& t : active_)
    if (!t->in_flight()) wait = wait < 0 ? std::max(0.0, t->not_before_ms - now)
                                         : std::min(wait, std::max(0.0, t->not_before_ms - now));
  return wait;
}

void HttpClient::Impl::Batch::check(CURLMcode code) {
  if (code != CURLM_OK) throw Error(sqlstate::kInternalError, std::string("libcurl: ") + curl_multi_strerror(code));
}

void HttpClient::Impl::Batch::announce_wait(double ms, const char* reason) {
  stats_.rate_wait_ms += ms;
  if (ms > kAnnounceWaitMs && hooks_.on_wait) hooks_.on_wait(ms, reason);
}

void HttpClient::Impl::Batch::admit() {
  while (next_ < count_ && active_.size() < max_parallel_) {
    auto t = std::make_unique<Transfer>();
    t->req = &reqs_[next_];
    t->index = next_++;
    t->admitted_ms = t->not_before_ms = monotonic_ms();
    active_.push_back(std::move(t));
  }
}

void HttpClient::Impl::Batch::start_due() {
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
        if (hooks_.on_phase) hooks_.on_phase(*t->req, HttpPhase::RateLimit);
        continue;
      }
    }
    start(*t, now);
  }
}

void HttpClient::Impl::Batch::start(Transfer& t, double now) {
  prepare_attempt(t, opts_, client_.pool);
  check(curl_multi_add_handle(multi(), t.easy.get()));
  t.multi = multi();
  ++t.attempt;
  ++stats_.requests;
  t.attempt_started_ms = now;
  if (hooks_.on_phase) hooks_.on_phase(*t.req, HttpPhase::Sending);
}

// An attempt is over: schedule the next one, store the final response, or throw.
void HttpClient::Impl::Batch::attempt_done(Transfer& t, CURLcode code) {
  long status = 0;
  if (code == CURLE_OK) curl_easy_getinfo(t.easy.get(), CURLINFO_RESPONSE_CODE, &status);
  const bool reached = code == CURLE_OK || may_have_reached_server(t.easy.get(), code);
  const double now = monotonic_ms();
  t.end_attempt(client_.pool);
  stats_.bytes_received += static_cast<int64_t>(t.response.body.size());

  const bool may_retry = t.attempt <= opts_.max_retries && (t.req->idempotent || never_reached_server(status, code));
  if (t.sink.body_too_large || t.sink.headers_too_large) {
    ++stats_.errors;
    throw_too_large(t);
  }
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
  // A wait the server imposes before the request may go again: Retry-After,
  // else (a 429 with no request left) the end of the rate-limit window.
  const bool by_reset = retry_after < 0 && status == 429 && budget.remaining <= 0 && budget.reset_in_ms >= 0;
  const double imposed = by_reset ? budget.reset_in_ms : retry_after;
  const bool pause_too_long = imposed >= 0 && imposed > opts_.max_retry_after_ms;
  if (pause_too_long && may_retry && is_retryable_status(status)) {
    // Waiting would outlast the statement: fail at once, naming the wait.
    report(t, status, now, nullptr, false);
    fail_wait(t, status, imposed, by_reset ? "X-RateLimit-Reset" : "Retry-After");
  }
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
void HttpClient::Impl::Batch::report(const Transfer& t, long status, double now, const char* error,
                                     bool will_retry) const {
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
void HttpClient::Impl::Batch::inform_limiter(const ServerBudget& budget, long status, double now) {
  if (!limiter_) return;
  const auto bounded = [&](double ms) { return ms <= opts_.max_retry_after_ms ? ms : -1; };
  const int64_t remaining = status == 429 && budget.remaining < 0 ? 0 : budget.remaining;
  const double reset_in_ms = bounded(budget.reset_in_ms);
  const double retry_after_ms = bounded(budget.retry_after_ms);
  if (remaining >= 0 || reset_in_ms >= 0 || retry_after_ms >= 0)
    limiter_->observe(now, remaining, reset_in_ms, retry_after_ms);
}

// The pause before retrying after attempt number t.attempt.
double HttpClient::Impl::Batch::backoff(const Transfer& t) {
  std::uniform_real_distribution<double> jitter(0.0, 1.0);
  return backoff_ms(opts_, t.attempt, jitter(client_.rng));
}

void HttpClient::Impl::Batch::retry_at(Transfer& t, double when) {
  ++stats_.retries;
  t.not_before_ms = when;
  t.slot_booked = false;
  if (hooks_.on_phase) hooks_.on_phase(*t.req, HttpPhase::RetryWait);
}

void HttpClient::Impl::Batch::finish(Transfer& t, long status, double now) {
  HttpResponse& r = results_[t.index];
  r = std::move(t.response);
  r.status = status;
  r.retries = t.attempt - 1;
  r.earlier_attempt_reached = t.reached_before;
  r.elapsed_ms = now - t.admitted_ms;
  if (status < 200 || status >= 300) ++stats_.errors;  // a 1xx or 3xx is no success either
  t.finished = true;
  ++done_;
  if (hooks_.on_phase) hooks_.on_phase(*t.req, HttpPhase::Done);
}

// reached: the last attempt may have reached the server (see may_have_reached_server).
void HttpClient::Impl::Batch::fail(const Transfer& t, CURLcode code, bool reached) {
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

void HttpClient::Impl::Batch::fail_wait(const Transfer& t, long status, double wait_ms, const char* by) {
  ++stats_.errors;
  auto seconds = [](double ms) { return std::to_string(static_cast<long long>(std::ceil(ms / 1000))) + " s"; };
  std::string message = display(t) + ": HTTP " + std::to_string(status) + ": the server asked to wait " +
                        seconds(wait_ms) + " (" + by + "), longer than ";
  message += opts_.statement_timeout_ms > 0 ? "statement_timeout (" + seconds(double(opts_.statement_timeout_ms)) + ")"
                                            : "a statement may wait (" + seconds(opts_.max_retry_after_ms) + ")";
  const std::string hint = opts_.statement_timeout_ms > 0
                               ? "Retry later, or raise statement_timeout above the wait."
                               : "Retry later.";
  throw Error(sqlstate::kFdwUnableToEstablishConnection, message, "", hint)
      .set_effect(status == 429 && !t.reached_before ? RequestEffect::NotApplied : RequestEffect::Unknown);
}

// Until the next due attempt, but at most one poll slice.
int HttpClient::Impl::Batch::poll_timeout_ms() const {
  if (next_ < count_ && active_.size() < max_parallel_) return 0;
  const double now = monotonic_ms();
  double wait = kPollSliceMs;
  for (const auto& t : active_)
    if (!t->in_flight()) wait = std::min(wait, t->not_before_ms - now);
  return static_cast<int>(std::ceil(std::clamp(wait, 0.0, double(kPollSliceMs))));
}

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

HttpResponse HttpClient::perform_one(const HttpRequest& req, const HttpOptions& opts, RateLimiter* limiter,
                                     const HttpHooks& hooks, HttpStats* stats) {
  HttpStats unused;
  Impl::Batch batch(*impl_, &req, 1, 1, opts, limiter, hooks, stats ? *stats : unused);
  return std::move(batch.run().front());
}

}  // namespace cfdw
