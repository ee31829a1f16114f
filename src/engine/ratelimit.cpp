// commerce_fdw engine: client-side request budgets (see ratelimit.h).
//
// LocalRateLimiter is a GCRA (generic cell rate algorithm) limiter. It keeps
// one number, the theoretical arrival time (TAT) of the next request: the time
// at which the next request would be due if requests were spread exactly one
// interval apart. A request may go out as soon as it is no more than the burst
// tolerance ahead of that schedule; sending it moves the TAT one interval on.
//
// With an interval of 6000 ms and no burst (tolerance 0), requests booked at
// time 0 go out at 0, 6000, 12000, ...; with a burst of 20 (tolerance 19
// intervals) the first 20 go out at once and the rest one interval apart.
#include "engine/ratelimit.h"

#include <algorithm>
#include <chrono>
#include <limits>

namespace cfdw {

namespace {

// A TAT so early that the whole burst is available at any time.
constexpr double kLongAgo = -std::numeric_limits<double>::infinity();

// Remaining requests at or below which the limiter waits for the server's
// window to reset: with parallel requests in flight, the last one is not
// worth racing for.
constexpr int64_t kLowRemaining = 1;

}  // namespace

LocalRateLimiter::LocalRateLimiter(double per_minute, double burst)
    : interval_ms_(0), burst_(1), next_free_ms_(kLongAgo), blocked_until_ms_(kLongAgo) {
  set_rate(per_minute, burst);
}

void LocalRateLimiter::set_rate(double per_minute, double burst) {
  // Booked slots (next_free_ms_) and the server's block stay as they are: a
  // new rate applies from the next reservation on.
  interval_ms_ = per_minute > 0 ? 60000.0 / per_minute : 0;
  burst_ = std::max(1.0, burst);
}

double LocalRateLimiter::reserve(double now_ms) {
  double send_at = std::max(now_ms, blocked_until_ms_);
  if (interval_ms_ > 0) {
    const double tolerance = (burst_ - 1) * interval_ms_;
    send_at = std::max(send_at, next_free_ms_ - tolerance);
    next_free_ms_ = std::max(next_free_ms_, send_at) + interval_ms_;
  }
  return send_at - now_ms;
}

void LocalRateLimiter::observe(double now_ms, int64_t remaining, double reset_in_ms, double retry_after_ms) {
  // A block is only ever extended: a response that was already in flight
  // must not lift a block that a later one imposed.
  auto block_for = [&](double ms) { blocked_until_ms_ = std::max(blocked_until_ms_, now_ms + ms); };
  // An explicit Retry-After is the server's answer for this moment and wins
  // over the window's reset time sent alongside it.
  if (retry_after_ms >= 0) {
    block_for(retry_after_ms);
    return;
  }
  if (remaining >= 0 && remaining <= kLowRemaining && reset_in_ms > 0) block_for(reset_in_ms);
}

double monotonic_ms() {
  using std::chrono::duration;
  using std::chrono::steady_clock;
  return duration<double, std::milli>(steady_clock::now().time_since_epoch()).count();
}

}  // namespace cfdw
