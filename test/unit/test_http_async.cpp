// Unit tests: HttpClient's non-blocking mode (start / progress / take and the
// wait descriptor), against the scripted loopback server.
#include <poll.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "engine/error.h"
#include "engine/http/http.h"
#include "loopback_server.h"
#include "test_support.h"

namespace cfdw {
namespace {

// A handler that answers after `delay_ms` and records the most requests it
// held at once.
struct Counting {
  std::atomic<int> in_flight{0}, most{0};
  LoopbackServer::Handler handler(int delay_ms) {
    return [this, delay_ms](const Received& r, int) {
      const int now = ++in_flight;
      for (int seen = most; now > seen && !most.compare_exchange_weak(seen, now);) {
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
      --in_flight;
      return respond(200, r.target);
    };
  }
};

class AsyncHttpTest : public ::testing::Test {
 protected:
  // Waits on the client's descriptor as PostgreSQL's Append does, until every
  // batch is complete; returns the number of waits.
  int drive(std::vector<HttpClient::Async*> batches) {
    int waits = 0;
    for (;;) {
      bool all = true;
      for (auto* b : batches) all = client.progress(*b) && all;
      if (all) return waits;
      pollfd p{client.prepare_wait(), POLLIN, 0};
      EXPECT_EQ(::poll(&p, 1, 5000), 1) << "the wait descriptor never became readable";
      ++waits;
    }
  }

  HttpClient client;
  HttpHooks hooks;
  HttpStats stats;
};

TEST_F(AsyncHttpTest, BatchesStartedTogetherAreInFlightTogether) {
  Counting counting;
  LoopbackServer server(counting.handler(200));
  std::vector<std::shared_ptr<HttpClient::Async>> batches;
  for (int i = 0; i < 4; ++i)
    batches.push_back(client.start({loopback_get(server, "/shop/" + std::to_string(i))}, 1, fast_http_options(), nullptr, hooks, &stats));
  drive({batches[0].get(), batches[1].get(), batches[2].get(), batches[3].get()});

  EXPECT_EQ(counting.most, 4);
  for (int i = 0; i < 4; ++i) {
    const std::vector<HttpResponse> r = client.take(*batches[i]);
    ASSERT_EQ(r.size(), 1u);
    EXPECT_EQ(r[0].status, 200);
    EXPECT_EQ(r[0].body, "/shop/" + std::to_string(i));
  }
  EXPECT_EQ(stats.requests, 4);
}

TEST_F(AsyncHttpTest, StartDoesNotWaitAndTheWaitDescriptorDoesNotSpin) {
  LoopbackServer server([](const Received&, int) {
    Reply r = respond(200, "late");
    r.delay_ms = 300;
    return r;
  });
  auto batch = client.start({loopback_get(server, "/slow")}, 1, fast_http_options(), nullptr, hooks, &stats);
  EXPECT_FALSE(client.progress(*batch));
  const int waits = drive({batch.get()});
  // 300 ms in slices of at most kWaitSliceMs, plus socket events: not a busy loop.
  EXPECT_GE(waits, 1);
  EXPECT_LT(waits, 60);
  EXPECT_EQ(client.take(*batch)[0].body, "late");
}

TEST_F(AsyncHttpTest, RetriesAsTheBlockingModeDoes) {
  LoopbackServer server([](const Received&, int n) { return n < 2 ? respond(503, "busy") : respond(200, "ok"); });
  auto batch = client.start({loopback_get(server, "/inventory")}, 1, fast_http_options(), nullptr, hooks, &stats);
  drive({batch.get()});
  const std::vector<HttpResponse> r = client.take(*batch);
  EXPECT_EQ(r[0].status, 200);
  EXPECT_EQ(r[0].retries, 2);
  EXPECT_EQ(stats.retries, 2);
  EXPECT_EQ(server.requests(), 3);
}

TEST_F(AsyncHttpTest, AnErrorBelongsToItsBatchAndIsThrownByItsProgress) {
  LoopbackServer server([](const Received& r, int) { return respond(200, r.target); });
  HttpOptions no_retry = fast_http_options();
  no_retry.max_retries = 0;
  HttpRequest refused;
  refused.url = "http://127.0.0.1:1/nothing";  // nothing listens on port 1
  refused.display = "GET /nothing";
  auto failing = client.start({refused}, 1, no_retry, nullptr, hooks, &stats);
  auto fine = client.start({loopback_get(server, "/fine")}, 1, fast_http_options(), nullptr, hooks, &stats);
  // Driving only the good batch hands the failure to the other without throwing.
  drive({fine.get()});
  EXPECT_EQ(client.take(*fine)[0].body, "/fine");
  try {
    while (!client.progress(*failing)) {
      pollfd p{client.prepare_wait(), POLLIN, 0};
      ::poll(&p, 1, 1000);
    }
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.sqlstate(), sqlstate::kFdwUnableToEstablishConnection);
    EXPECT_NE(std::string(e.what()).find("GET /nothing"), std::string::npos);
  }
}

TEST_F(AsyncHttpTest, ABlockingCallMeanwhileCompletesBoth) {
  Counting counting;
  LoopbackServer server(counting.handler(150));
  auto batch = client.start({loopback_get(server, "/async")}, 1, fast_http_options(), nullptr, hooks, &stats);
  const HttpResponse blocking = client.perform_one(loopback_get(server, "/blocking"), fast_http_options(), nullptr, hooks, &stats);
  EXPECT_EQ(blocking.body, "/blocking");
  drive({batch.get()});
  EXPECT_EQ(client.take(*batch)[0].body, "/async");
  EXPECT_EQ(counting.most, 2);
}

TEST_F(AsyncHttpTest, CancelIsThrownByProgress) {
  LoopbackServer server([](const Received&, int) {
    Reply r = respond(200, "late");
    r.delay_ms = 5000;
    return r;
  });
  bool abort = false;
  hooks.should_abort = [&] { return abort; };
  auto batch = client.start({loopback_get(server, "/slow")}, 1, fast_http_options(), nullptr, hooks, &stats);
  EXPECT_FALSE(client.progress(*batch));
  abort = true;
  EXPECT_THROW(client.progress(*batch), Cancelled);
  batch.reset();  // abandons the transfer
  hooks.should_abort = nullptr;
}

TEST_F(AsyncHttpTest, EveryWaiterHasItsOwnDescriptorForTheSameSet) {
  LoopbackServer server([](const Received& r, int) { return respond(200, r.target); });
  const int a = client.new_wait_fd(), b = client.new_wait_fd();
  EXPECT_NE(a, b);
  auto batch = client.start({loopback_get(server, "/x")}, 1, fast_http_options(), nullptr, hooks, &stats);
  while (!client.progress(*batch)) {
    client.prepare_wait();
    pollfd p[2] = {{a, POLLIN, 0}, {b, POLLIN, 0}};
    ASSERT_GE(::poll(p, 2, 5000), 1);
    // Both registrations see the same readiness.
    EXPECT_EQ(p[0].revents & POLLIN, p[1].revents & POLLIN);
  }
  // A complete batch makes the descriptor readable at once.
  auto done = client.start({loopback_get(server, "/y")}, 1, fast_http_options(), nullptr, hooks, &stats);
  while (!client.progress(*done)) {
    pollfd p{client.prepare_wait(), POLLIN, 0};
    ::poll(&p, 1, 5000);
  }
  pollfd p{client.prepare_wait(), POLLIN, 0};
  EXPECT_EQ(::poll(&p, 1, 1000), 1);
  close(a);
  close(b);
}

}  // namespace
}  // namespace cfdw
