// commerce_fdw engine: client-side request budgets.
#pragma once

#include <cstdint>

namespace cfdw {

// A request budget for one server. reserve() books the next request slot and
// says how long the caller must wait before sending it. Implementations:
// LocalRateLimiter (this backend only) and, in the PostgreSQL glue, one kept in
// shared memory so that all backends share a server's budget.
class RateLimiter {
 public:
  virtual ~RateLimiter() = default;
  // Books one request at or after now_ms (monotonic milliseconds). Returns the
  // milliseconds to wait before sending (0 = now). The slot stays booked.
  virtual double reserve(double now_ms) = 0;
  // What the server said about its own budget: remaining requests in the
  // window (-1 unknown), when that window resets (ms from now, -1 unknown),
  // and a Retry-After (ms from now, -1 none). Used to slow down before a 429.
  virtual void observe(double now_ms, int64_t remaining, double reset_in_ms, double retry_after_ms) = 0;
};

// The state of one budget, as plain data so that it can also live in shared
// memory (several processes booking from one budget under a lock). Times are
// monotonic_ms() values, which are comparable between processes.
struct BudgetState {
  double next_free_ms;       // theoretical arrival time of the next request (GCRA)
  double blocked_until_ms;   // the server asked us to wait until then
};
// A budget nothing has been booked from.
BudgetState fresh_budget();
// Books one request at or after now_ms on a budget of one request every
// interval_ms (0: unlimited) with bursts of up to `burst`; returns the wait.
double budget_reserve(BudgetState& s, double interval_ms, double burst, double now_ms);
// Applies what the server said (see RateLimiter::observe).
void budget_observe(BudgetState& s, double now_ms, int64_t remaining, double reset_in_ms, double retry_after_ms);
// The interval between requests of a per-minute rate (0 when unlimited).
double interval_for(double per_minute);
// The per-minute pace that keeps within both a per-minute and a per-hour
// budget (0 = none for either): the slower of the two, evenly spread.
double combined_per_minute(double per_minute, double per_hour);

// A budget of per_minute requests spread evenly: one request every
// 60000/per_minute ms, with bursts of up to `burst` requests (default: none).
// per_minute == 0 means no limit (the server's headers are still honoured).
// It is this backend's own; the PostgreSQL glue keeps the same state in
// shared memory when the extension is preloaded.
class LocalRateLimiter : public RateLimiter {
 public:
  explicit LocalRateLimiter(double per_minute, double burst = 1);
  double reserve(double now_ms) override;
  void observe(double now_ms, int64_t remaining, double reset_in_ms, double retry_after_ms) override;
  void set_rate(double per_minute, double burst = 1);

 private:
  double interval_ms_;   // 0 when unlimited
  double burst_;
  BudgetState state_;
};

// Monotonic clock in milliseconds.
double monotonic_ms();

}  // namespace cfdw
