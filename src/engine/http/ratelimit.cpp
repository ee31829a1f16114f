// commerce_fdw engine: client-side request budgets (see ratelimit.h).
//
// A budget (BudgetState: LocalRateLimiter's, or one in shared memory kept by
// the PostgreSQL glue) is a GCRA (generic cell rate algorithm) limiter. It keeps
// one number, the theoretical arrival time (TAT) of the next request: the time
// at which the next request would be due if requests were spread exactly one
// interval apart. A request may go out as soon as it is no more than the burst
// tolerance ahead of that schedule; sending it moves the TAT one interval on.
//
// With an interval of 6000 ms and no burst (tolerance 0), requests booked at
// time 0 go out at 0, 6000, 12000, ...; with a burst of 20 (tolerance 19
// intervals) the first 20 go out at once and the rest one interval apart.
#include "engine/http/ratelimit.h"

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

BudgetState fresh_budget() { return BudgetState{kLongAgo, kLongAgo}; }

double interval_for(double per_minute) { return per_minute > 0 ? 60000.0 / per_minute : 0; }

double combined_per_minute(double per_minute, double per_hour) {
  if (per_hour <= 0) return per_minute;
  const double hourly = per_hour / 60.0;
  return per_minute > 0 && per_minute < hourly ? per_minute : hourly;
}

double budget_reserve(BudgetState& s, double interval_ms, double burst, double now_ms) {
  double send_at = std::max(now_ms, s.blocked_until_ms);
  if (interval_ms > 0) {
    const double tolerance = (std::max(1.0, burst) - 1) * interval_ms;
    send_at = std::max(send_at, s.next_free_ms - tolerance);
    s.next_free_ms = std::max(s.next_free_ms, send_at) + interval_ms;
  }
  return send_at - now_ms;
}

void budget_observe(BudgetState& s, double now_ms, int64_t remaining, double reset_in_ms, double retry_after_ms) {
  // A block is only ever extended: a response that was already in flight
  // must not lift a block that a later one imposed.
  auto block_for = [&](double ms) { s.blocked_until_ms = std::max(s.blocked_until_ms, now_ms + ms); };
  // An explicit Retry-After is the server's answer for this moment and wins
  // over the window's reset time sent alongside it.
  if (retry_after_ms >= 0) {
    block_for(retry_after_ms);
    return;
  }
  if (remaining >= 0 && remaining <= kLowRemaining && reset_in_ms > 0) block_for(reset_in_ms);
}

LocalRateLimiter::LocalRateLimiter(double per_minute, double burst)
    : interval_ms_(0), burst_(1), state_(fresh_budget()) {
  set_rate(per_minute, burst);
}

void LocalRateLimiter::set_rate(double per_minute, double burst) {
  // Booked slots and the server's block stay as they are: a new rate applies
  // from the next reservation on.
  interval_ms_ = interval_for(per_minute);
  burst_ = std::max(1.0, burst);
}

double LocalRateLimiter::reserve(double now_ms) { return budget_reserve(state_, interval_ms_, burst_, now_ms); }

void LocalRateLimiter::observe(double now_ms, int64_t remaining, double reset_in_ms, double retry_after_ms) {
  budget_observe(state_, now_ms, remaining, reset_in_ms, retry_after_ms);
}

double monotonic_ms() {
  using std::chrono::duration;
  using std::chrono::steady_clock;
  return duration<double, std::milli>(steady_clock::now().time_since_epoch()).count();
}

}  // namespace cfdw
