// Unit tests: the response cache (cache_ttl_ms) — its keys, expiry, least
// recently used eviction and bounds, invalidation by writes — and how a
// Session uses it, against a loopback server.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/run/cache.h"
#include "engine/run/session.h"
#include "loopback_server.h"

namespace cfdw {
namespace {

CacheKey key(const std::string& url, unsigned server = 1, unsigned mapping = 10, uint64_t account = 7) {
  CacheKey k;
  k.server_id = server;
  k.user_mapping_id = mapping;
  k.account = account;
  k.url = url;
  return k;
}

// find() as a test reads it: the body, or "-" for a miss.
std::string look(ResponseCache& c, const CacheKey& k, double now, double ttl, uint64_t* ticket = nullptr) {
  long status = 0;
  std::string body;
  uint64_t t = 0;
  const bool hit = c.find(k, "s", now, ttl, &status, &body, &t);
  if (ticket) *ticket = t;
  return hit ? body : "-";
}

// Stores with a fresh ticket, as a Session does after a miss.
void store(ResponseCache& c, const CacheKey& k, double now, double ttl, const std::string& body) {
  uint64_t ticket = 0;
  long status = 0;
  std::string ignored;
  c.find(k, "s", now, ttl, &status, &ignored, &ticket);
  c.put(k, "s", ticket, now, ttl, 200, body);
}

CacheServerInfo counters(ResponseCache& c, unsigned server, double now = 0) {
  for (const CacheServerInfo& i : c.info(now))
    if (i.server_id == server) return i;
  return CacheServerInfo();
}

TEST(ResponseCacheTest, AnEntryIsReusedWithinItsTtlAndDroppedAfter) {
  ResponseCache c;
  store(c, key("/a"), 1000, 500, "body");
  EXPECT_EQ(look(c, key("/a"), 1400, 500), "body");
  EXPECT_EQ(look(c, key("/a"), 1400, 100), "-");  // too old for a shorter TTL, still kept
  EXPECT_EQ(c.size(), 1u);
  EXPECT_EQ(look(c, key("/a"), 1501, 500), "-");  // expired: dropped, never served
  EXPECT_EQ(look(c, key("/a"), 1501, 100000), "-");
  EXPECT_EQ(c.size(), 0u);
  EXPECT_EQ(c.bytes(), 0u);
}

TEST(ResponseCacheTest, AnAnswerBelongsToOneServerOneMappingOneAccountOneUrl) {
  ResponseCache c;
  store(c, key("/items?page=1"), 0, 60000, "mine");
  EXPECT_EQ(look(c, key("/items?page=1"), 1, 60000), "mine");
  EXPECT_EQ(look(c, key("/items?page=1", 2), 1, 60000), "-");          // another server, same URL
  EXPECT_EQ(look(c, key("/items?page=1", 1, 11), 1, 60000), "-");      // another user mapping
  EXPECT_EQ(look(c, key("/items?page=1", 1, 10, 8), 1, 60000), "-");   // the mapping's credentials changed
  EXPECT_EQ(look(c, key("/items?page=2"), 1, 60000), "-");             // another query
}

TEST(ResponseCacheTest, AccountFingerprintsDifferByCredentials) {
  EXPECT_EQ(account_fingerprint({{"api_key", "a"}}), account_fingerprint({{"api_key", "a"}}));
  EXPECT_NE(account_fingerprint({{"api_key", "a"}}), account_fingerprint({{"api_key", "b"}}));
  EXPECT_NE(account_fingerprint({{"a", "bc"}}), account_fingerprint({{"ab", "c"}}));
}

TEST(ResponseCacheTest, ExpiredEntriesAreSweptWhenOthersAreStored) {
  ResponseCache c;
  for (int i = 0; i < 50; ++i) store(c, key("/old" + std::to_string(i)), 0, 100, "x");
  EXPECT_EQ(c.size(), 50u);
  store(c, key("/new"), 5000, 100, "y");  // never looked up again, the old ones go anyway
  EXPECT_EQ(c.size(), 1u);
  EXPECT_EQ(look(c, key("/new"), 5000, 100), "y");
}

TEST(ResponseCacheTest, TheLeastRecentlyUsedEntriesGoPastTheEntryCap) {
  ResponseCache c(3, 1 << 20);
  for (int i = 0; i < 3; ++i) store(c, key("/k" + std::to_string(i)), 100 + i, 60000, "v");
  EXPECT_EQ(look(c, key("/k0"), 200, 60000), "v");  // used: k1 is now the least recently used
  store(c, key("/k3"), 201, 60000, "v");
  EXPECT_EQ(c.size(), 3u);
  EXPECT_EQ(look(c, key("/k1"), 202, 60000), "-");
  EXPECT_EQ(look(c, key("/k0"), 202, 60000), "v");
  EXPECT_EQ(look(c, key("/k2"), 202, 60000), "v");
  EXPECT_EQ(counters(c, 1).evictions, 1);
  store(c, key("/k2"), 300, 60000, "again");  // replacing an entry makes it the most recent
  store(c, key("/k4"), 301, 60000, "v");
  EXPECT_EQ(look(c, key("/k3"), 302, 60000), "-");
  EXPECT_EQ(look(c, key("/k2"), 302, 60000), "again");
}

TEST(ResponseCacheTest, TheLeastRecentlyUsedGoPastTheByteCapAndALargeAnswerIsNotKept) {
  ResponseCache c(1000, 400);  // bytes of URLs and bodies; an answer above a quarter is not kept
  store(c, key("/a"), 0, 60000, std::string(98, 'x'));
  store(c, key("/b"), 1, 60000, std::string(98, 'x'));
  store(c, key("/c"), 2, 60000, std::string(98, 'x'));
  store(c, key("/d"), 3, 60000, std::string(98, 'x'));
  EXPECT_EQ(c.bytes(), 400u);
  EXPECT_EQ(look(c, key("/a"), 4, 60000), std::string(98, 'x'));
  store(c, key("/e"), 5, 60000, std::string(98, 'x'));
  EXPECT_EQ(look(c, key("/b"), 6, 60000), "-");  // the least recently used went
  EXPECT_NE(look(c, key("/a"), 6, 60000), "-");
  EXPECT_LE(c.bytes(), 400u);
  store(c, key("/huge"), 7, 60000, std::string(101, 'x'));
  EXPECT_EQ(look(c, key("/huge"), 8, 60000), "-");
  EXPECT_EQ(c.size(), 4u);  // nothing was evicted for it
}

TEST(ResponseCacheTest, AWriteDropsTheServersAnswersForEveryAccountAndNoOtherServers) {
  ResponseCache c;
  store(c, key("/x", 1, 10), 0, 60000, "a");
  store(c, key("/x", 1, 11, 9), 0, 60000, "b");
  store(c, key("/x", 2, 12), 0, 60000, "c");
  c.drop_server(1);
  EXPECT_EQ(look(c, key("/x", 1, 10), 1, 60000), "-");
  EXPECT_EQ(look(c, key("/x", 1, 11, 9), 1, 60000), "-");
  EXPECT_EQ(look(c, key("/x", 2, 12), 1, 60000), "c");
}

TEST(ResponseCacheTest, AnAnswerFetchedAcrossAWriteIsNotKept) {
  ResponseCache c;
  uint64_t ticket = 0;
  EXPECT_EQ(look(c, key("/x"), 0, 60000, &ticket), "-");
  EXPECT_NE(ticket, 0u);
  c.drop_server(1);  // a write while the read was under way: its answer may predate it
  c.put(key("/x"), "s", ticket, 1, 60000, 200, "old");
  EXPECT_EQ(look(c, key("/x"), 2, 60000), "-");
}

// commerce_fdw_cache_info() counts the live entries: those past their TTL are
// swept first, within a second of the last sweep too.
TEST(ResponseCacheTest, InfoCountsOnlyLiveEntries) {
  ResponseCache c;
  store(c, key("/x", 1), 0, 10, "a");
  store(c, key("/y", 1), 0, 60000, "b");
  EXPECT_EQ(counters(c, 1, 5).entries, 2);
  EXPECT_EQ(counters(c, 1, 11).entries, 1);
  EXPECT_EQ(counters(c, 1, 11).bytes, 3);
}

TEST(ResponseCacheTest, CountersAndClear) {
  ResponseCache c;
  store(c, key("/x", 1), 0, 60000, "a");  // a miss, then stored
  store(c, key("/y", 2), 0, 60000, "b");
  look(c, key("/x", 1), 1, 60000);
  look(c, key("/x", 1), 1, 60000);
  CacheServerInfo one = counters(c, 1);
  EXPECT_EQ(one.entries, 1);
  EXPECT_EQ(one.bytes, 3);
  EXPECT_EQ(one.hits, 2);
  EXPECT_EQ(one.misses, 1);
  EXPECT_EQ(one.server, "s");
  c.clear(1);
  EXPECT_EQ(counters(c, 1).hits, 0);
  EXPECT_EQ(look(c, key("/x", 1), 2, 60000), "-");
  EXPECT_EQ(look(c, key("/y", 2), 2, 60000), "b");
  c.clear(0);
  EXPECT_EQ(c.size(), 0u);
  EXPECT_EQ(c.bytes(), 0u);
  EXPECT_EQ(look(c, key("/y", 2), 3, 60000), "-");
}

// ---------------------------------------------------------------------------
// A Session and the cache

class PlainApi : public Api {
 public:
  PlainApi() { name = "test"; }
  void authenticate(Session& session, HttpRequest& req) const override {
    req.headers.push_back("X-Key: " + session.config().secrets.at("key"));
  }
};

class SessionCacheTest : public ::testing::Test {
 protected:
  void SetUp() override { response_cache().clear(0); }
  Session session(const LoopbackServer& server, unsigned server_id, unsigned mapping, const std::string& secret) {
    Config c;
    c.server = "s" + std::to_string(server_id);
    c.server_id = server_id;
    c.user_mapping_id = mapping;
    c.secrets["key"] = secret;
    c.api = "test";
    c.base_url = server.url("");
    c.cache_ttl_ms = 60000;
    c.http.timeout_ms = 5000;
    return Session(api, c, client, nullptr, &stats, HttpHooks());
  }
  static ApiRequest req(const std::string& method, const std::string& path) {
    ApiRequest r;
    r.method = method;
    r.path = path;
    return r;
  }
  static std::vector<std::string> seen(const LoopbackServer& server) {
    std::vector<std::string> out;
    for (const Received& r : server.received()) out.push_back(r.method + " " + r.target + " " + r.headers.at("x-key"));
    return out;
  }

  PlainApi api;
  HttpClient client;
  ServerStats stats;
};

LoopbackServer::Handler counting() {
  return [](const Received& r, int n) {
    return respond(200, "{\"n\":" + std::to_string(n) + ",\"key\":\"" + r.headers.at("x-key") + "\"}");
  };
}

TEST_F(SessionCacheTest, TheSameAccountIsAnsweredFromTheCacheAnotherServerOrAccountIsNot) {
  LoopbackServer server(counting());
  Session a = session(server, 1, 10, "k1");
  a.call(req("GET", "/items"));
  a.call(req("GET", "/items"));
  session(server, 1, 10, "k1").call(req("GET", "/items"));  // a new session of the same account
  session(server, 2, 20, "k2").call(req("GET", "/items"));  // same URL, another server and key
  session(server, 1, 11, "k1").call(req("GET", "/items"));  // another user mapping
  session(server, 1, 10, "k3").call(req("GET", "/items"));  // the mapping now holds another key
  EXPECT_EQ(seen(server), (std::vector<std::string>{"GET /items k1", "GET /items k2", "GET /items k1",
                                                     "GET /items k3"}));
}

TEST_F(SessionCacheTest, AWriteDropsTheServersCachedAnswers) {
  LoopbackServer server(counting());
  Session a = session(server, 1, 10, "k1");
  Session other = session(server, 2, 20, "k2");
  a.call(req("GET", "/items"));
  other.call(req("GET", "/items"));
  ApiRequest write = req("POST", "/items/adjust");
  write.body = "{}";
  session(server, 1, 12, "k9").call(write);  // any account of the server
  a.call(req("GET", "/items"));              // sent again
  other.call(req("GET", "/items"));          // another server: still cached
  EXPECT_EQ(seen(server), (std::vector<std::string>{"GET /items k1", "GET /items k2", "POST /items/adjust k9",
                                                     "GET /items k1"}));
}

TEST_F(SessionCacheTest, AFailedWriteDropsThemToo) {
  LoopbackServer server([](const Received& r, int) {
    return r.method == "GET" ? respond(200, "{}") : respond(500, "{}");
  });
  Session a = session(server, 1, 10, "k1");
  a.call(req("GET", "/items"));
  ApiRequest write = req("PUT", "/items/1");
  write.idempotent = false;
  EXPECT_THROW(a.call(write), Error);
  a.call(req("GET", "/items"));
  EXPECT_EQ(server.requests(), 3);
}

}  // namespace
}  // namespace cfdw
