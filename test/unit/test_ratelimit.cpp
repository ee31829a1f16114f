// Unit tests: LocalRateLimiter (GCRA) and monotonic_ms.
#include <gtest/gtest.h>

#include <vector>

#include "engine/http/ratelimit.h"

namespace cfdw {
namespace {

// The waits of `n` requests all booked at time `now`.
std::vector<double> waits_at(LocalRateLimiter& limiter, double now, int n) {
  std::vector<double> waits;
  for (int i = 0; i < n; ++i) waits.push_back(limiter.reserve(now));
  return waits;
}

TEST(LocalRateLimiter, WithoutBurstSpacesRequestsOneIntervalApart) {
  LocalRateLimiter limiter(10);  // one request every 6 s
  EXPECT_EQ(waits_at(limiter, 0, 4), (std::vector<double>{0, 6000, 12000, 18000}));
}

TEST(LocalRateLimiter, ASlotUnusedForLongIsNotSavedUp) {
  LocalRateLimiter limiter(10);
  EXPECT_EQ(limiter.reserve(0), 0);
  // A minute later there is one slot, not ten: without a burst nothing accumulates.
  EXPECT_EQ(waits_at(limiter, 60000, 2), (std::vector<double>{0, 6000}));
}

TEST(LocalRateLimiter, RequestsAfterTheirSlotDoNotWait) {
  LocalRateLimiter limiter(60);  // one a second
  EXPECT_EQ(limiter.reserve(0), 0);
  EXPECT_EQ(limiter.reserve(1000), 0);
  EXPECT_EQ(limiter.reserve(1500), 500);  // its slot is 2000
  EXPECT_EQ(limiter.reserve(5000), 0);
}

TEST(LocalRateLimiter, BurstGoesAtOnceThenOneIntervalApart) {
  LocalRateLimiter limiter(100, 20);  // 600 ms interval
  const std::vector<double> waits = waits_at(limiter, 0, 23);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(waits[i], 0) << "request " << i;
  EXPECT_EQ(waits[20], 600);
  EXPECT_EQ(waits[21], 1200);
  EXPECT_EQ(waits[22], 1800);
}

TEST(LocalRateLimiter, BurstRefillsAtTheRate) {
  LocalRateLimiter limiter(100, 20);
  waits_at(limiter, 0, 20);
  // After 3 intervals, 3 requests may go at once again.
  EXPECT_EQ(waits_at(limiter, 1800, 4), (std::vector<double>{0, 0, 0, 600}));
}

TEST(LocalRateLimiter, UnlimitedNeverWaits) {
  LocalRateLimiter limiter(0);
  EXPECT_EQ(waits_at(limiter, 100, 5), (std::vector<double>{0, 0, 0, 0, 0}));
}

TEST(LocalRateLimiter, RetryAfterBlocksEvenWhenUnlimited) {
  LocalRateLimiter limiter(0);
  limiter.observe(1000, -1, -1, 5000);
  EXPECT_EQ(limiter.reserve(1000), 5000);
  EXPECT_EQ(limiter.reserve(3000), 3000);
  EXPECT_EQ(limiter.reserve(6000), 0);
}

TEST(LocalRateLimiter, RetryAfterDelaysTheSchedule) {
  LocalRateLimiter limiter(10);
  EXPECT_EQ(limiter.reserve(0), 0);
  limiter.observe(0, -1, -1, 20000);
  // Blocked until 20000, then one interval apart again.
  EXPECT_EQ(waits_at(limiter, 0, 2), (std::vector<double>{20000, 26000}));
}

TEST(LocalRateLimiter, ExhaustedBudgetWaitsForTheReset) {
  LocalRateLimiter limiter(0);
  limiter.observe(0, 0, 4000, -1);
  EXPECT_EQ(limiter.reserve(0), 4000);
}

TEST(LocalRateLimiter, LastRemainingRequestAlsoWaitsForTheReset) {
  LocalRateLimiter limiter(0);
  limiter.observe(0, 1, 4000, -1);
  EXPECT_EQ(limiter.reserve(1000), 3000);
}

TEST(LocalRateLimiter, AmpleOrUnknownBudgetDoesNotBlock) {
  LocalRateLimiter limiter(0);
  limiter.observe(0, 2, 4000, -1);   // enough left
  limiter.observe(0, 0, -1, -1);     // reset unknown
  limiter.observe(0, -1, 4000, -1);  // remaining unknown
  EXPECT_EQ(limiter.reserve(0), 0);
}

TEST(LocalRateLimiter, AnEarlierBlockIsNotShortened) {
  LocalRateLimiter limiter(0);
  limiter.observe(0, -1, -1, 10000);
  limiter.observe(100, -1, -1, 1000);
  EXPECT_EQ(limiter.reserve(200), 9800);
}

TEST(LocalRateLimiter, SetRateAppliesToLaterReservations) {
  LocalRateLimiter limiter(0);
  EXPECT_EQ(limiter.reserve(0), 0);
  limiter.set_rate(60);
  EXPECT_EQ(waits_at(limiter, 0, 3), (std::vector<double>{0, 1000, 2000}));
  limiter.set_rate(0);
  EXPECT_EQ(limiter.reserve(0), 0);
}

// Two limiters booking from one state (two backends sharing a server's budget
// in shared memory) are spaced as one.
TEST(BudgetState, BookingsFromOneStateShareItsSchedule) {
  BudgetState shared = fresh_budget();
  const double interval = interval_for(60);  // one a second
  EXPECT_EQ(budget_reserve(shared, interval, 1, 0), 0);     // backend A
  EXPECT_EQ(budget_reserve(shared, interval, 1, 10), 990);  // backend B waits for A's slot
  EXPECT_EQ(budget_reserve(shared, interval, 1, 20), 1980); // A again
  budget_observe(shared, 100, -1, -1, 5000);                // a Retry-After seen by B blocks A too
  EXPECT_EQ(budget_reserve(shared, interval, 1, 200), 4900);
}

TEST(BudgetState, UnlimitedIntervalOnlyFollowsTheServer) {
  BudgetState s = fresh_budget();
  EXPECT_EQ(interval_for(0), 0);
  EXPECT_EQ(budget_reserve(s, 0, 1, 5), 0);
  budget_observe(s, 5, 0, 2000, -1);
  EXPECT_EQ(budget_reserve(s, 0, 1, 5), 2000);
}

TEST(MonotonicMs, NeverGoesBackwards) {
  const double a = monotonic_ms();
  const double b = monotonic_ms();
  EXPECT_GE(b, a);
}

}  // namespace
TEST(CombinedRate, TheSlowerOfThePerMinuteAndPerHourBudgets) {
  EXPECT_DOUBLE_EQ(combined_per_minute(10, 0), 10);   // no hourly budget
  EXPECT_DOUBLE_EQ(combined_per_minute(10, 300), 5);  // 300 an hour: one request every 12 s
  EXPECT_DOUBLE_EQ(combined_per_minute(10, 6000), 10);
  EXPECT_DOUBLE_EQ(combined_per_minute(0, 120), 2);   // only the hourly budget
  EXPECT_DOUBLE_EQ(combined_per_minute(combined_per_minute(10, 300), 300), 5);  // applied twice: the same
  EXPECT_DOUBLE_EQ(interval_for(combined_per_minute(10, 300)), 12000);
}

}  // namespace cfdw
