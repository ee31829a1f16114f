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
#include "engine/http.h"
#include "engine/ratelimit.h"

namespace cfdw {
namespace {

// ---------------------------------------------------------------------------
// A scripted HTTP/1.1 server on 127.0.0.1 (one thread per connection)

struct Received {
  std::string method;
  std::string target;  // path and query
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
};

struct Reply {
  std::string raw;       // status line, headers and body, sent as they are
  int delay_ms = 0;      // before sending
  bool close = false;    // close the connection after sending
  bool silent = false;   // send nothing and wait for the client to give up
};

Reply respond(int status, const std::string& body = "", const std::string& headers = "") {
  Reply r;
  r.raw = "HTTP/1.1 " + std::to_string(status) + " Status\r\nContent-Length: " + std::to_string(body.size()) +
          "\r\n" + headers + "\r\n" + body;
  return r;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// A TCP socket bound to a free port of 127.0.0.1, which is stored in *port.
int bind_loopback(int* port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    const int error = errno;
    if (fd >= 0) ::close(fd);
    throw std::runtime_error(std::string("loopback socket: ") + std::strerror(error));
  }
  *port = ntohs(addr.sin_port);
  return fd;
}

class LoopbackServer {
 public:
  // Called once per request, from the connection's thread, with the request's
  // number (0-based, in order of arrival).
  using Handler = std::function<Reply(const Received& request, int number)>;

  explicit LoopbackServer(Handler handler) : handler_(std::move(handler)), listen_fd_(bind_loopback(&port_)) {
    if (::listen(listen_fd_, 16) != 0) {
      ::close(listen_fd_);
      throw std::runtime_error(std::string("listen: ") + std::strerror(errno));
    }
    acceptor_ = std::thread([this] { accept_loop(); });
  }

  ~LoopbackServer() {
    stopping_ = true;
    acceptor_.join();
    for (std::thread& w : workers_) w.join();  // workers_ is the acceptor's until now
    ::close(listen_fd_);
  }

  LoopbackServer(const LoopbackServer&) = delete;
  LoopbackServer& operator=(const LoopbackServer&) = delete;

  std::string url(const std::string& target) const { return "http://127.0.0.1:" + std::to_string(port_) + target; }
  int connections() const {
    std::lock_guard<std::mutex> lock(mu_);
    return connections_;
  }
  std::vector<Received> received() const {
    std::lock_guard<std::mutex> lock(mu_);
    return received_;
  }
  int requests() const { return static_cast<int>(received().size()); }

 private:
  void accept_loop() {
    while (wait_readable(listen_fd_)) {
      const int fd = ::accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) continue;
      {
        std::lock_guard<std::mutex> lock(mu_);
        ++connections_;
      }
      workers_.emplace_back([this, fd] { serve(fd); });
    }
  }

  void serve(int fd) {
    std::string buffer;
    Received request;
    while (read_request(fd, buffer, &request)) {
      int number;
      {
        std::lock_guard<std::mutex> lock(mu_);
        number = static_cast<int>(received_.size());
        received_.push_back(request);
      }
      const Reply reply = handler_(request, number);
      if (reply.silent) {
        while (read_more(fd, buffer)) {
        }
        break;
      }
      pause(reply.delay_ms);
      if (::send(fd, reply.raw.data(), reply.raw.size(), MSG_NOSIGNAL) < 0 || reply.close) break;
    }
    ::close(fd);
  }

  bool read_request(int fd, std::string& buffer, Received* out) {
    size_t head_end;
    while ((head_end = buffer.find("\r\n\r\n")) == std::string::npos)
      if (!read_more(fd, buffer)) return false;
    *out = Received();
    size_t line_end = buffer.find("\r\n");
    const std::string request_line = buffer.substr(0, line_end);
    const size_t sp1 = request_line.find(' '), sp2 = request_line.rfind(' ');
    out->method = request_line.substr(0, sp1);
    out->target = request_line.substr(sp1 + 1, sp2 - sp1 - 1);
    while (line_end < head_end) {
      const size_t next = buffer.find("\r\n", line_end + 2);
      const std::string line = buffer.substr(line_end + 2, next - line_end - 2);
      const size_t colon = line.find(':');
      if (colon != std::string::npos)
        out->headers[lower(line.substr(0, colon))] = line.substr(line.find_first_not_of(' ', colon + 1));
      line_end = next;
    }
    buffer.erase(0, head_end + 4);
    const auto length_header = out->headers.find("content-length");
    const size_t length = length_header == out->headers.end() ? 0 : std::stoul(length_header->second);
    while (buffer.size() < length)
      if (!read_more(fd, buffer)) return false;
    out->body = buffer.substr(0, length);
    buffer.erase(0, length);
    return true;
  }

  // Appends what the peer sends next; false once it closed or the server stops.
  bool read_more(int fd, std::string& buffer) {
    if (!wait_readable(fd)) return false;
    char chunk[4096];
    const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buffer.append(chunk, static_cast<size_t>(n));
    return true;
  }

  bool wait_readable(int fd) {
    pollfd p{fd, POLLIN, 0};
    while (!stopping_) {
      const int r = ::poll(&p, 1, 20);
      if (r > 0) return true;
      if (r < 0 && errno != EINTR) return false;
    }
    return false;
  }

  void pause(int ms) {
    const double until = monotonic_ms() + ms;
    while (!stopping_ && monotonic_ms() < until) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }

  Handler handler_;
  int port_ = 0;
  int listen_fd_;
  std::atomic<bool> stopping_{false};
  std::thread acceptor_;
  std::vector<std::thread> workers_;
  mutable std::mutex mu_;
  int connections_ = 0;
  std::vector<Received> received_;
};

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
  EXPECT_EQ(got.headers.at("user-agent"), "commerce_fdw/1.0");
  EXPECT_TRUE(got.headers.count("accept-encoding"));
  EXPECT_FALSE(got.headers.count("expect"));

  EXPECT_EQ(stats.requests, 1);
  EXPECT_EQ(stats.errors, 0);
  EXPECT_EQ(stats.bytes_received, 11);
  EXPECT_EQ(limiter.reservations, 1);
  ASSERT_EQ(limiter.observed.size(), 1u);
  EXPECT_EQ(limiter.observed[0].remaining, 42);
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
  hooks.on_attempt = [&](const HttpRequest&, long status, int attempt, double) {
    attempts.emplace_back(status, attempt);
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

  const HttpResponse resp = send(request(server, "/inventory"), fast_options(), &limiter);

  EXPECT_EQ(resp.status, 429);
  EXPECT_EQ(resp.body, "slow down");
  EXPECT_EQ(server.requests(), 1);
  EXPECT_EQ(stats.http_429, 1);
  EXPECT_EQ(stats.errors, 1);
  ASSERT_EQ(limiter.observed.size(), 1u);
  EXPECT_EQ(limiter.observed[0].retry_after_ms, -1);  // the limiter is not blocked for an hour
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
