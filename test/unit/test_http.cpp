// Unit tests: the retry policy helpers and HttpClient, against a scripted
// HTTP server on the loopback interface.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "engine/error.h"
#include "engine/http/http.h"
#include "engine/version.h"
#include "engine/http/ratelimit.h"
#include "loopback_server.h"

namespace cfdw {
namespace {

// A port on which nothing listens.
int closed_port() {
  int port = 0;
  ::close(bind_loopback(&port));
  return port;
}

// ---------------------------------------------------------------------------
// Test doubles and helpers

// Interrupts the calling thread with SIGALRM every 2 ms while it exists, as
// PostgreSQL's timers and latches do, so that every blocking call sees EINTR.
// Threads created meanwhile (such as a LoopbackServer's) do not get it.
class SignalStorm {
 public:
  SignalStorm() {
    struct sigaction on_alarm {};
    on_alarm.sa_handler = [](int) {};
    sigemptyset(&on_alarm.sa_mask);
    on_alarm.sa_flags = 0;  // no SA_RESTART
    sigaction(SIGALRM, &on_alarm, &previous_);
    const itimerval every_2ms{{0, 2000}, {0, 2000}};
    setitimer(ITIMER_REAL, &every_2ms, nullptr);
  }
  ~SignalStorm() {
    const itimerval off{};
    setitimer(ITIMER_REAL, &off, nullptr);
    sigaction(SIGALRM, &previous_, nullptr);
  }
  SignalStorm(const SignalStorm&) = delete;
  SignalStorm& operator=(const SignalStorm&) = delete;

  // Runs `make` with SIGALRM blocked, so that the threads it starts inherit
  // the blocked signal.
  template <typename F>
  static auto shielded(F&& make) {
    sigset_t alarm, previous;
    sigemptyset(&alarm);
    sigaddset(&alarm, SIGALRM);
    pthread_sigmask(SIG_BLOCK, &alarm, &previous);
    auto made = make();
    pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    return made;
  }

 private:
  struct sigaction previous_ {};
};

// A limiter that hands out scripted waits and records what it is told.
class RecordingLimiter : public RateLimiter {
 public:
  struct Observation {
    int64_t remaining;
    double reset_in_ms;
    double retry_after_ms;
  };

  explicit RecordingLimiter(std::vector<double> waits = {}) : waits_(std::move(waits)) {}
  double reserve(double) override {
    ++reservations;
    if (waits_.empty()) return 0;
    const double w = waits_.front();
    waits_.erase(waits_.begin());
    return w;
  }
  void observe(double, int64_t remaining, double reset_in_ms, double retry_after_ms) override {
    observed.push_back({remaining, reset_in_ms, retry_after_ms});
  }

  int reservations = 0;
  std::vector<Observation> observed;

 private:
  std::vector<double> waits_;
};

HttpOptions fast_options() {
  HttpOptions o;
  o.timeout_ms = 5000;
  o.connect_timeout_ms = 2000;
  o.max_retries = 3;
  o.backoff_base_ms = 5;
  return o;
}

HttpRequest request(const LoopbackServer& server, const std::string& target, const std::string& method = "GET") {
  HttpRequest r;
  r.method = method;
  r.url = server.url(target);
  r.display = method + " " + target;
  r.idempotent = method != "POST";
  return r;
}

// Runs `body` and returns how long it took, in ms.
template <typename F>
double timed(F&& body) {
  const double start = monotonic_ms();
  body();
  return monotonic_ms() - start;
}

class HttpClientTest : public ::testing::Test {
 protected:
  HttpResponse send(const HttpRequest& req, const HttpOptions& opts = fast_options(), RateLimiter* limiter = nullptr) {
    return client.perform_one(req, opts, limiter, hooks, &stats);
  }

  HttpClient client;
  HttpHooks hooks;
  HttpStats stats;
};

// ---------------------------------------------------------------------------
// Retry policy helpers

TEST(RetryPolicy, RetryableStatuses) {
  for (long s : {429, 502, 503, 504}) EXPECT_TRUE(is_retryable_status(s)) << s;
  for (long s : {0, 200, 201, 301, 400, 401, 404, 409, 422, 500, 501}) EXPECT_FALSE(is_retryable_status(s)) << s;
}

TEST(RetryPolicy, RetryAfterInSeconds) {
  EXPECT_EQ(parse_retry_after_ms("5", 0), 5000);
  EXPECT_EQ(parse_retry_after_ms(" 2 ", 0), 2000);
  EXPECT_EQ(parse_retry_after_ms("0", 0), 0);
  EXPECT_EQ(parse_retry_after_ms("2.0", 0), 2000);  // as some APIs send it
}

TEST(RetryPolicy, RetryAfterAsHttpDate) {
  const double now = 1445412480 - 10;  // 10 s before Wed, 21 Oct 2015 07:28:00 GMT
  EXPECT_EQ(parse_retry_after_ms("Wed, 21 Oct 2015 07:28:00 GMT", now), 10000);
  EXPECT_EQ(parse_retry_after_ms("Wednesday, 21-Oct-15 07:28:00 GMT", now), 10000);  // RFC 850
  EXPECT_EQ(parse_retry_after_ms("Wed Oct 21 07:28:00 2015", now), 10000);           // asctime
  EXPECT_EQ(parse_retry_after_ms("Wed, 21 Oct 2015 07:27:00 GMT", now), 0);  // already past
}

TEST(RetryPolicy, RetryAfterInvalid) {
  for (const char* v : {"", "  ", "soon", "-3", "+3", "0x10", "1e3", "."})
    EXPECT_EQ(parse_retry_after_ms(v, 0), -1) << '"' << v << '"';
}

TEST(RetryPolicy, BackoffDoublesWithJitterInTheUpperHalf) {
  HttpOptions o;
  o.backoff_base_ms = 200;
  EXPECT_EQ(backoff_ms(o, 1, 0), 100);
  EXPECT_EQ(backoff_ms(o, 1, 0.5), 150);
  EXPECT_LT(backoff_ms(o, 1, 0.999999), 200);
  EXPECT_EQ(backoff_ms(o, 2, 0), 200);
  EXPECT_EQ(backoff_ms(o, 3, 0), 400);
  EXPECT_LT(backoff_ms(o, 3, 0.999999), 800);
}

TEST(RetryPolicy, BackoffIsCappedAtTenSeconds) {
  HttpOptions o;
  o.backoff_base_ms = 200;
  for (int attempt : {7, 8, 20, 1000}) {
    EXPECT_GE(backoff_ms(o, attempt, 0), 5000) << attempt;
    EXPECT_LE(backoff_ms(o, attempt, 0.999999), 10000) << attempt;
  }
}

// ---------------------------------------------------------------------------
// HttpClient

TEST_F(HttpClientTest, GetReturnsBodyAndLowerCasedHeaders) {
  LoopbackServer server([](const Received&, int) {
    return respond(200, R"({"ok":true})", "X-Custom-Thing: yes\r\nX-RateLimit-Remaining: 42\r\n");
  });
  HttpRequest req = request(server, "/items?page=2");
  req.headers = {"X-Api-Key: k1", "Accept: application/json"};
  RecordingLimiter limiter;

  const HttpResponse resp = send(req, fast_options(), &limiter);

  EXPECT_EQ(resp.status, 200);
  EXPECT_EQ(resp.body, R"({"ok":true})");
  EXPECT_EQ(resp.headers.at("x-custom-thing"), "yes");
  EXPECT_EQ(resp.headers.at("content-length"), "11");
  EXPECT_EQ(resp.retries, 0);
  EXPECT_GT(resp.elapsed_ms, 0);

  const Received got = server.received().at(0);
  EXPECT_EQ(got.method, "GET");
  EXPECT_EQ(got.target, "/items?page=2");
  EXPECT_EQ(got.headers.at("x-api-key"), "k1");
  EXPECT_EQ(got.headers.at("accept"), "application/json");
  EXPECT_EQ(got.headers.at("user-agent"), std::string("commerce_fdw/") + kVersion);
  EXPECT_TRUE(got.headers.count("accept-encoding"));
  EXPECT_FALSE(got.headers.count("expect"));

  EXPECT_EQ(stats.requests, 1);
  EXPECT_EQ(stats.errors, 0);
  EXPECT_EQ(stats.bytes_received, 11);
  EXPECT_EQ(limiter.reservations, 1);
  ASSERT_EQ(limiter.observed.size(), 1u);
  EXPECT_EQ(limiter.observed[0].remaining, 42);
}

TEST_F(HttpClientTest, TheProxyEnvironmentIsIgnored) {
  // A proxy named by the environment (here a closed port) is never used:
  // only the server's proxy option names one.
  struct Env {
    Env() {
      for (const char* name : {"http_proxy", "https_proxy", "ALL_PROXY", "all_proxy"})
        setenv(name, "http://127.0.0.1:1", 1);
      unsetenv("no_proxy");
      unsetenv("NO_PROXY");
    }
    ~Env() {
      for (const char* name : {"http_proxy", "https_proxy", "ALL_PROXY", "all_proxy"}) unsetenv(name);
    }
  } env;
  LoopbackServer server([](const Received&, int) { return respond(200, "direct"); });
  HttpOptions o = fast_options();
  o.max_retries = 0;
  const HttpResponse resp = send(request(server, "/items"), o, nullptr);
  EXPECT_EQ(resp.status, 200);
  EXPECT_EQ(resp.body, "direct");
  EXPECT_EQ(server.requests(), 1);
}

TEST_F(HttpClientTest, SendsMethodsAndBodies) {
  LoopbackServer server([](const Received&, int) { return respond(200); });
  HttpRequest post = request(server, "/orders", "POST");
  post.body = R"({"qty":3})";
  HttpRequest put = request(server, "/orders/1", "PUT");
  put.body = R"({"qty":4})";
  HttpRequest del = request(server, "/orders/1", "DELETE");
  HttpRequest empty_post = request(server, "/orders/1/cancel", "POST");

  for (const HttpRequest* r : {&post, &put, &del, &empty_post}) EXPECT_EQ(send(*r).status, 200);

  const std::vector<Received> got = server.received();
  ASSERT_EQ(got.size(), 4u);
  EXPECT_EQ(got[0].method, "POST");
  EXPECT_EQ(got[0].body, R"({"qty":3})");
  EXPECT_EQ(got[1].method, "PUT");
  EXPECT_EQ(got[1].body, R"({"qty":4})");
  EXPECT_EQ(got[2].method, "DELETE");
  EXPECT_EQ(got[2].body, "");
  EXPECT_EQ(got[3].method, "POST");
  EXPECT_EQ(got[3].headers.at("content-length"), "0");
}

TEST_F(HttpClientTest, ReusesTheConnection) {
  LoopbackServer server([](const Received&, int) { return respond(200, "x"); });
  EXPECT_EQ(send(request(server, "/a")).status, 200);
  EXPECT_EQ(send(request(server, "/b")).status, 200);
  EXPECT_EQ(server.requests(), 2);
  EXPECT_EQ(server.connections(), 1);
}

TEST_F(HttpClientTest, RetriesServiceUnavailable) {
  LoopbackServer server([](const Received&, int n) { return n == 0 ? respond(503) : respond(200, "done"); });
  std::vector<std::pair<long, int>> attempts;
  std::vector<bool> retried;
  int64_t bytes = 0;
  int blocking = 0, blocks = 0;
  hooks.on_attempt = [&](const HttpAttempt& a) {
    attempts.emplace_back(a.status, a.attempt);
    retried.push_back(a.will_retry);
    bytes += a.bytes;
  };
  hooks.on_block = [&](bool start) {
    blocking += start ? 1 : -1;
    if (start) ++blocks;
    EXPECT_TRUE(blocking == 0 || blocking == 1);
  };

  const HttpResponse resp = send(request(server, "/inventory"));

  EXPECT_EQ(resp.status, 200);
  EXPECT_EQ(resp.body, "done");
  EXPECT_EQ(resp.retries, 1);
  EXPECT_EQ(server.requests(), 2);
  EXPECT_EQ(stats.requests, 2);
  EXPECT_EQ(stats.retries, 1);
  EXPECT_EQ(stats.errors, 0);
  EXPECT_EQ(attempts, (std::vector<std::pair<long, int>>{{503, 1}, {200, 2}}));
  EXPECT_EQ(retried, (std::vector<bool>{true, false}));
  EXPECT_EQ(bytes, 4);  // "done"
  EXPECT_EQ(blocking, 0);  // every wait that started ended
  EXPECT_GT(blocks, 0);
}

TEST_F(HttpClientTest, ReportsTransportFailuresToTheAttemptHook) {
  HttpRequest req;
  req.url = "http://127.0.0.1:1/inventory";  // nothing listens on port 1
  req.display = "GET /inventory";
  HttpOptions opts = fast_options();
  opts.max_retries = 1;
  std::vector<HttpAttempt> seen;
  std::vector<std::string> errors;
  hooks.on_attempt = [&](const HttpAttempt& a) {
    seen.push_back(a);
    errors.push_back(a.error ? a.error : "");
  };
  EXPECT_THROW(send(req, opts), Error);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].status, 0);
  EXPECT_TRUE(seen[0].will_retry);
  EXPECT_FALSE(seen[1].will_retry);
  EXPECT_EQ(seen[1].attempt, 2);
  EXPECT_FALSE(errors[0].empty());
}

TEST_F(HttpClientTest, ReturnsTheLastResponseWhenRetriesRunOut) {
  LoopbackServer server([](const Received&, int) { return respond(502, "bad gateway"); });
  HttpOptions opts = fast_options();
  opts.max_retries = 2;

  const HttpResponse resp = send(request(server, "/inventory"), opts);

  EXPECT_EQ(resp.status, 502);
  EXPECT_EQ(resp.body, "bad gateway");
  EXPECT_EQ(resp.retries, 2);
  EXPECT_EQ(server.requests(), 3);
  EXPECT_EQ(stats.errors, 1);
}

TEST_F(HttpClientTest, WaitsForRetryAfter) {
  LoopbackServer server([](const Received&, int n) {
    return n == 0 ? respond(429, "", "Retry-After: 1\r\n") : respond(200, "done");
  });
  RecordingLimiter limiter;
  int announced = 0;
  hooks.on_wait = [&](double, const char*) { ++announced; };

  HttpResponse resp;
  const double ms = timed([&] { resp = send(request(server, "/inventory"), fast_options(), &limiter); });

  EXPECT_EQ(resp.status, 200);
  EXPECT_EQ(resp.retries, 1);
  EXPECT_GE(ms, 990);
  EXPECT_LT(ms, 1500);
  EXPECT_EQ(stats.http_429, 1);
  EXPECT_EQ(stats.retries, 1);
  EXPECT_GE(stats.rate_wait_ms, 1000);
  EXPECT_EQ(announced, 0);  // only waits longer than a second are announced
  ASSERT_EQ(limiter.observed.size(), 1u);
  EXPECT_EQ(limiter.observed[0].remaining, 0);
  EXPECT_EQ(limiter.observed[0].retry_after_ms, 1000);
  EXPECT_EQ(limiter.reservations, 2);  // the retry books a slot too
}

TEST_F(HttpClientTest, GivesUpOnAnOverlongRetryAfter) {
  LoopbackServer server([](const Received&, int) { return respond(429, "slow down", "Retry-After: 3600\r\n"); });
  RecordingLimiter limiter;

  try {
    send(request(server, "/inventory"), fast_options(), &limiter);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "GET /inventory: HTTP 429: the server asked to wait 3600 s (Retry-After), longer than a "
                           "statement may wait (300 s)");
    EXPECT_EQ(e.sqlstate(), "HV00N");
  }
  EXPECT_EQ(server.requests(), 1);
  EXPECT_EQ(stats.http_429, 1);
  EXPECT_EQ(stats.errors, 1);
  ASSERT_EQ(limiter.observed.size(), 1u);
  EXPECT_EQ(limiter.observed[0].retry_after_ms, -1);  // the limiter is not blocked for an hour
}

TEST_F(HttpClientTest, AWaitLongerThanStatementTimeoutFailsAtOnceNamingIt) {
  LoopbackServer server([](const Received&, int) { return respond(429, "", "Retry-After: 119\r\n"); });
  HttpOptions o = fast_options();
  o.statement_timeout_ms = 30000;
  o.max_retry_after_ms = 30000;
  try {
    const double ms = timed([&] { send(request(server, "/inventory"), o, nullptr); });
    FAIL() << "expected an error after " << ms << " ms";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "GET /inventory: HTTP 429: the server asked to wait 119 s (Retry-After), longer than "
                           "statement_timeout (30 s)");
    EXPECT_EQ(e.effect(), RequestEffect::NotApplied);
  }
  EXPECT_EQ(server.requests(), 1);
}

TEST_F(HttpClientTest, ARateLimitWindowLongerThanAStatementMayWaitFailsAtOnce) {
  LoopbackServer server([](const Received&, int) {
    return respond(429, "", "X-RateLimit-Remaining: 0\r\nX-RateLimit-Reset: 600\r\n");
  });
  try {
    send(request(server, "/inventory"), fast_options(), nullptr);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "GET /inventory: HTTP 429: the server asked to wait 600 s (X-RateLimit-Reset), longer "
                           "than a statement may wait (300 s)");
  }
  EXPECT_EQ(server.requests(), 1);
}

TEST_F(HttpClientTest, HeaderNumbersAreBoundedBeforeTheyAreConverted) {
  const std::string huge(400, '9');
  LoopbackServer server([&](const Received&, int) {
    return respond(200, "", "X-RateLimit-Remaining: 100000000000000000000000000\r\nX-RateLimit-Reset: " + huge +
                                "\r\nRetry-After: 1000000000000000000000000000000\r\n");
  });
  RecordingLimiter limiter;
  const HttpResponse resp = send(request(server, "/items"), fast_options(), &limiter);
  EXPECT_EQ(resp.status, 200);
  ASSERT_EQ(limiter.observed.size(), 1u);
  EXPECT_EQ(limiter.observed[0].remaining, 1000000000);
  EXPECT_EQ(limiter.observed[0].retry_after_ms, -1);  // longer than a statement may wait: not passed on
  EXPECT_EQ(limiter.observed[0].reset_in_ms, -1);
  EXPECT_EQ(parse_retry_after_ms("1000000000000000000000000000000", 0), 365.0 * 24 * 3600 * 1000);
  EXPECT_EQ(parse_retry_after_ms(huge, 0), 365.0 * 24 * 3600 * 1000);
  EXPECT_EQ(parse_retry_after_ms("-5", 0), -1);
  EXPECT_EQ(parse_retry_after_ms("NaN", 0), -1);
  EXPECT_EQ(parse_retry_after_ms("1e30", 0), -1);
}

TEST_F(HttpClientTest, FeedsRateLimitHeadersToTheLimiter) {
  const long reset_epoch = static_cast<long>(std::time(nullptr)) + 30;
  LoopbackServer server([&](const Received&, int n) {
    return n == 0 ? respond(200, "", "X-RateLimit-Remaining: 0\r\nX-RateLimit-Reset: 2\r\n")
                  : respond(200, "", "x-ratelimit-remaining: 7\r\nx-ratelimit-reset: " +
                                         std::to_string(reset_epoch) + "\r\n");
  });
  RecordingLimiter limiter;

  send(request(server, "/a"), fast_options(), &limiter);
  send(request(server, "/b"), fast_options(), &limiter);

  ASSERT_EQ(limiter.observed.size(), 2u);
  EXPECT_EQ(limiter.observed[0].remaining, 0);
  EXPECT_EQ(limiter.observed[0].reset_in_ms, 2000);
  EXPECT_EQ(limiter.observed[0].retry_after_ms, -1);
  EXPECT_EQ(limiter.observed[1].remaining, 7);
  EXPECT_NEAR(limiter.observed[1].reset_in_ms, 30000, 1500);
}

TEST_F(HttpClientTest, WaitsForTheRateLimiter) {
  LoopbackServer server([](const Received&, int) { return respond(200); });
  LocalRateLimiter limiter(600);  // one request every 100 ms
  const std::vector<HttpRequest> reqs{request(server, "/a"), request(server, "/b"), request(server, "/c")};

  const double ms = timed([&] { client.perform(reqs, 3, fast_options(), &limiter, hooks, &stats); });

  EXPECT_GE(ms, 195);
  EXPECT_NEAR(stats.rate_wait_ms, 300, 20);  // 0 + 100 + 200
}

TEST_F(HttpClientTest, AnnouncesLongRateLimitWaits) {
  LoopbackServer server([](const Received&, int) { return respond(200); });
  RecordingLimiter limiter({1100});
  std::vector<std::pair<double, std::string>> announced;
  hooks.on_wait = [&](double ms, const char* why) { announced.emplace_back(ms, why); };

  const double ms = timed([&] { send(request(server, "/a"), fast_options(), &limiter); });

  EXPECT_GE(ms, 1095);
  ASSERT_EQ(announced.size(), 1u);
  EXPECT_EQ(announced[0].first, 1100);
  EXPECT_EQ(announced[0].second, "rate limit");
  EXPECT_EQ(stats.rate_wait_ms, 1100);
}

TEST_F(HttpClientTest, DoesNotRetryANonIdempotentRequestThatMayHaveTakenEffect) {
  LoopbackServer server([](const Received&, int n) { return n == 0 ? respond(503) : respond(201); });
  HttpRequest post = request(server, "/orders", "POST");
  post.body = "{}";

  const HttpResponse resp = send(post);

  EXPECT_EQ(resp.status, 503);
  EXPECT_EQ(server.requests(), 1);
  EXPECT_EQ(stats.retries, 0);
  EXPECT_EQ(stats.errors, 1);
}

TEST_F(HttpClientTest, RetriesANonIdempotentRequestAfter429) {
  LoopbackServer server([](const Received&, int n) { return n == 0 ? respond(429) : respond(201); });
  const HttpResponse resp = send(request(server, "/orders", "POST"));
  EXPECT_EQ(resp.status, 201);
  EXPECT_EQ(server.requests(), 2);
}

TEST_F(HttpClientTest, RetriesATruncatedBodyThenFails) {
  LoopbackServer server([](const Received&, int) {
    Reply r;
    r.raw = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly part";
    r.close = true;
    return r;
  });
  HttpOptions opts = fast_options();
  opts.max_retries = 2;

  try {
    send(request(server, "/inventory?page=1"), opts);
    FAIL() << "expected cfdw::Error";
  } catch (const Error& e) {
    EXPECT_EQ(e.sqlstate(), sqlstate::kFdwUnableToEstablishConnection);
    EXPECT_EQ(std::string(e.what()), "GET /inventory?page=1: Transferred a partial file (after 2 retries)");
  }
  EXPECT_EQ(server.requests(), 3);
  EXPECT_EQ(stats.requests, 3);
  EXPECT_EQ(stats.retries, 2);
  EXPECT_EQ(stats.errors, 1);
}

TEST_F(HttpClientTest, RetriesATruncatedBodyThenSucceeds) {
  LoopbackServer server([](const Received&, int n) {
    if (n > 0) return respond(200, "complete");
    Reply r;
    r.raw = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly part";
    r.close = true;
    return r;
  });
  const HttpResponse resp = send(request(server, "/inventory"));
  EXPECT_EQ(resp.body, "complete");  // nothing of the first attempt is left
  EXPECT_EQ(resp.retries, 1);
}

TEST_F(HttpClientTest, DoesNotRetryATruncatedNonIdempotentRequest) {
  LoopbackServer server([](const Received&, int) {
    Reply r;
    r.raw = "HTTP/1.1 201 Created\r\nContent-Length: 100\r\n\r\nonly part";
    r.close = true;
    return r;
  });
  EXPECT_THROW(send(request(server, "/orders", "POST")), Error);
  EXPECT_EQ(server.requests(), 1);
}

TEST_F(HttpClientTest, CancelsARequestInFlight) {
  LoopbackServer server([](const Received&, int n) {
    Reply r = respond(200, "late");
    if (n == 0) r.delay_ms = 5000;
    return r;
  });
  const double start = monotonic_ms();
  hooks.should_abort = [&] { return monotonic_ms() - start > 100; };

  const double ms = timed([&] { EXPECT_THROW(send(request(server, "/slow")), Cancelled); });
  EXPECT_LT(ms, 500);

  // The client is still usable afterwards.
  hooks.should_abort = nullptr;
  EXPECT_EQ(send(request(server, "/fast")).body, "late");
}

TEST_F(HttpClientTest, CancelsARetryWait) {
  LoopbackServer server([](const Received&, int) { return respond(503, "", "Retry-After: 30\r\n"); });
  const double start = monotonic_ms();
  hooks.should_abort = [&] { return monotonic_ms() - start > 100; };

  const double ms = timed([&] { EXPECT_THROW(send(request(server, "/inventory")), Cancelled); });
  EXPECT_LT(ms, 500);
  EXPECT_EQ(server.requests(), 1);
}

TEST_F(HttpClientTest, TimeoutNamesTheRequestButNotTheUrl) {
  LoopbackServer server([](const Received&, int) {
    Reply r;
    r.silent = true;
    return r;
  });
  HttpRequest req = request(server, "/orders?token=SECRET");
  req.display = "GET /orders";
  req.headers = {"Authorization: Bearer HEADERSECRET"};
  HttpOptions opts = fast_options();
  opts.timeout_ms = 200;
  opts.max_retries = 0;

  const double ms = timed([&] {
    try {
      send(req, opts);
      FAIL() << "expected cfdw::Error";
    } catch (const Error& e) {
      const std::string text = std::string(e.what()) + "\n" + e.detail();
      EXPECT_EQ(e.sqlstate(), sqlstate::kFdwUnableToEstablishConnection);
      EXPECT_EQ(std::string(e.what()), "GET /orders: Timeout was reached");
      EXPECT_EQ(text.find("SECRET"), std::string::npos) << text;
      EXPECT_EQ(text.find(req.url), std::string::npos) << text;
    }
  });
  EXPECT_LT(ms, 1000);
  EXPECT_EQ(stats.errors, 1);
}

TEST_F(HttpClientTest, ConnectionRefusedIsRetriedEvenWhenNotIdempotent) {
  HttpRequest req;
  req.method = "POST";
  req.url = "http://127.0.0.1:" + std::to_string(closed_port()) + "/orders";
  req.display = "POST /orders";
  req.idempotent = false;
  HttpOptions opts = fast_options();
  opts.max_retries = 1;

  try {
    send(req, opts);
    FAIL() << "expected cfdw::Error";
  } catch (const Error& e) {
    EXPECT_EQ(e.sqlstate(), sqlstate::kFdwUnableToEstablishConnection);
    EXPECT_EQ(std::string(e.what()), "POST /orders: Couldn't connect to server (after 1 retry)");
  }
  EXPECT_EQ(stats.requests, 2);
}

TEST_F(HttpClientTest, RefusesSchemesOtherThanHttp) {
  HttpRequest req;
  req.url = "file:///etc/passwd";
  req.display = "GET /passwd";
  try {
    send(req);
    FAIL() << "expected cfdw::Error";
  } catch (const Error& e) {
    EXPECT_EQ(e.sqlstate(), sqlstate::kFdwUnableToEstablishConnection);
    EXPECT_EQ(stats.retries, 0);
  }
}

TEST_F(HttpClientTest, SurvivesSignalsInterruptingItsWaits) {
  auto server = SignalStorm::shielded([] {
    return std::make_unique<LoopbackServer>([](const Received&, int n) {
      Reply r = n == 0 ? respond(503) : respond(200, "done");
      r.delay_ms = 100;
      return r;
    });
  });
  SignalStorm storm;
  const HttpResponse resp = send(request(*server, "/inventory"));
  EXPECT_EQ(resp.status, 200);
  EXPECT_EQ(resp.body, "done");
}

TEST_F(HttpClientTest, PerformsInParallelAndKeepsOrder) {
  LoopbackServer server([](const Received& r, int) {
    Reply reply = respond(200, r.target);
    reply.delay_ms = 300;
    return reply;
  });
  std::vector<HttpRequest> reqs;
  for (int i = 0; i < 4; ++i) reqs.push_back(request(server, "/page/" + std::to_string(i)));

  std::vector<HttpResponse> resps;
  const double ms = timed([&] { resps = client.perform(reqs, 4, fast_options(), nullptr, hooks, &stats); });

  EXPECT_LT(ms, 1000);
  ASSERT_EQ(resps.size(), 4u);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(resps[i].body, "/page/" + std::to_string(i));
  EXPECT_EQ(stats.requests, 4);
  EXPECT_EQ(server.connections(), 4);
}

TEST_F(HttpClientTest, LimitsParallelTransfers) {
  std::atomic<int> in_flight{0}, most{0};
  LoopbackServer server([&](const Received& r, int) {
    const int now = ++in_flight;
    for (int seen = most; now > seen && !most.compare_exchange_weak(seen, now);) {
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    --in_flight;
    return respond(200, r.target);
  });
  std::vector<HttpRequest> reqs;
  for (int i = 0; i < 6; ++i) reqs.push_back(request(server, "/page/" + std::to_string(i)));

  const std::vector<HttpResponse> resps = client.perform(reqs, 2, fast_options(), nullptr, hooks, &stats);

  EXPECT_EQ(most, 2);
  ASSERT_EQ(resps.size(), 6u);
  for (int i = 0; i < 6; ++i) EXPECT_EQ(resps[i].body, "/page/" + std::to_string(i));
}

TEST_F(HttpClientTest, EmptyBatchSendsNothing) {
  EXPECT_TRUE(client.perform({}, 4, fast_options(), nullptr, hooks, &stats).empty());
  EXPECT_EQ(stats.requests, 0);
}

}  // namespace
}  // namespace cfdw
