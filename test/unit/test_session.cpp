// Unit tests: Session (logins, errors inside HTTP 200 answers, point lookups,
// the response cache) and Writer bodies, against a scripted loopback server
// and an API declared here.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>

#include <string>
#include <vector>

#include "engine/error.h"
#include "engine/run/modify.h"
#include "engine/run/session.h"
#include "loopback_server.h"

namespace cfdw {
namespace {

// Logs in with GET /login (answer {"token": "..."}), sends the token as an
// X-Token header, reports {"status":"ERR","message":...} answers as errors,
// "token expired" as an expired login and "no such item" as not found.
class TokenApi : public Api {
 public:
  TokenApi() { name = "test"; }

  void authenticate(Session& session, HttpRequest& req) const override {
    std::string& token = session.login_state();
    if (token.empty()) {
      HttpRequest login;
      login.url = session.config().base_url + "/login";
      login.display = "GET /login";
      json::Doc doc;
      std::string why;
      const HttpResponse resp = session.send_raw(login);
      if (!doc.parse(resp.body, &why)) throw Error(sqlstate::kFdwError, "bad login answer");
      token = json::text(*doc.root().get("token"));
    }
    req.headers.push_back("X-Token: " + token);
  }
  bool application_error(const json::Value& root, std::string* message) const override {
    const json::Value* status = root.get("status");
    if (!status || json::text(*status) != "ERR") return false;
    *message = json::text(*root.get("message"));
    return true;
  }
  bool is_expired_login(long, const std::string& message) const override { return message == "token expired"; }
  bool is_not_found(long status, const std::string& message) const override {
    return status == 404 || message == "no such item";
  }
};

const char* kOk = R"({"status":"OK","data":[1]})";
const char* kExpired = R"({"status":"ERR","message":"token expired"})";

class SessionTest : public ::testing::Test {
 protected:
  // A session on `server`, with a fresh login state (login states are per
  // server name and kept for the life of the process).
  Session session(const LoopbackServer& server, long cache_ttl_ms = 0) {
    static int sessions = 0;
    Config c;
    c.server = "test-" + std::to_string(++sessions);
    c.api = "test";
    c.base_url = server.url("");
    c.max_concurrency = 4;
    c.cache_ttl_ms = cache_ttl_ms;
    c.http.backoff_base_ms = 5;
    c.http.timeout_ms = 5000;
    return Session(api, c, client, nullptr, &stats, HttpHooks());
  }
  static ApiRequest get(const std::string& path) {
    ApiRequest r;
    r.path = path;
    return r;
  }
  // The requests received, as "GET /items token"
  static std::vector<std::string> seen(const LoopbackServer& server) {
    std::vector<std::string> out;
    for (const Received& r : server.received()) {
      auto t = r.headers.find("x-token");
      out.push_back(r.method + " " + r.target + (t == r.headers.end() ? "" : " " + t->second));
    }
    return out;
  }

  TokenApi api;
  HttpClient client;
  ServerStats stats;
};

// Logins answer t1, t2, ...; `answer` decides the rest from the token used.
LoopbackServer::Handler scripted(std::function<Reply(const std::string& token)> answer) {
  auto logins = std::make_shared<int>(0);
  return [logins, answer](const Received& r, int) {
    if (r.target == "/login") return respond(200, "{\"token\":\"t" + std::to_string(++*logins) + "\"}");
    auto t = r.headers.find("x-token");
    return answer(t == r.headers.end() ? "" : t->second);
  };
}

TEST_F(SessionTest, AnExpiredLoginInsideAn200AnswerLogsInAgainAndRetriesOnce) {
  LoopbackServer server(scripted([](const std::string& token) {
    return respond(200, token == "t1" ? kExpired : kOk);
  }));
  Session s = session(server);
  ApiResult r = s.call(get("/items"));
  EXPECT_EQ(json::serialize(*r.doc.root().get("data")), "[1]");
  EXPECT_EQ(seen(server), (std::vector<std::string>{"GET /login", "GET /items t1", "GET /login", "GET /items t2"}));
  // The new token is kept for the next call.
  s.call(get("/items"));
  EXPECT_EQ(seen(server).back(), "GET /items t2");
}

TEST_F(SessionTest, AnExpiredLoginAnsweredWithAnHttpErrorIsRetriedToo) {
  LoopbackServer server(scripted([](const std::string& token) {
    return token == "t1" ? respond(401, R"({"message":"token expired"})") : respond(200, kOk);
  }));
  Session s = session(server);
  s.call(get("/items"));
  EXPECT_EQ(seen(server), (std::vector<std::string>{"GET /login", "GET /items t1", "GET /login", "GET /items t2"}));
}

TEST_F(SessionTest, ALoginThatExpiresAgainFailsAsAnAuthorizationError) {
  LoopbackServer server(scripted([](const std::string&) { return respond(200, kExpired); }));
  Session s = session(server);
  try {
    s.call(get("/items"));
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.sqlstate(), "28000");
    EXPECT_STREQ(e.what(), "test GET /items: HTTP 200: token expired");
  }
  EXPECT_EQ(server.requests(), 4);  // one new login, one retry
}

TEST_F(SessionTest, RequestsSentTogetherShareOneNewLogin) {
  LoopbackServer server(scripted([](const std::string& token) {
    return respond(200, token == "t1" ? kExpired : kOk);
  }));
  Session s = session(server);
  std::vector<ApiResult> results = s.call_many({get("/a"), get("/b"), get("/c")});
  EXPECT_EQ(results.size(), 3u);
  int logins = 0;
  for (const std::string& line : seen(server)) logins += line == "GET /login";
  EXPECT_EQ(logins, 2);
  EXPECT_EQ(server.requests(), 2 + 3 + 3);
}

TEST_F(SessionTest, AnErrorInsideAn200AnswerShowsThatStatusAndIsARejectedRequest) {
  LoopbackServer server(scripted([](const std::string&) {
    return respond(200, R"({"status":"ERR","message":"price: required"})");
  }));
  Session s = session(server);
  try {
    s.call(get("/items"));
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.sqlstate(), "22023");
    EXPECT_STREQ(e.what(), "test GET /items: HTTP 200: price: required");
  }
  EXPECT_EQ(server.requests(), 2);  // not an expired login: no retry
}

TEST_F(SessionTest, RemoteErrorTextShowsNoSecretNoControlCharacterAndIsCut) {
  // The login answers a long token; the error answer echoes it, the mapping's
  // key and an Authorization header, with newlines, an escape and 2,000 bytes.
  LoopbackServer server([](const Received& r, int) {
    if (r.target == "/login") return respond(200, R"({"token":"tok-9f8e7d6c"})");
    const std::string echo = "bad key sk_live_ABCDEF123 token tok-9f8e7d6c Bearer zzz-header-value\\n\\r\\u001b[31m" +
                             std::string(2000, 'x');
    return respond(400, R"({"status":"ERR","message":")" + echo + R"("})");
  });
  Session s = session(server);
  Config c = s.config();
  c.secrets["api_key"] = "sk_live_ABCDEF123";
  Session with_key(api, c, client, nullptr, &stats, HttpHooks());
  try {
    with_key.call(get("/items"));
    FAIL() << "expected an error";
  } catch (const Error& e) {
    const std::string what = e.what();
    EXPECT_EQ(what.find("sk_live_ABCDEF123"), std::string::npos) << what;
    EXPECT_EQ(what.find("tok-9f8e7d6c"), std::string::npos) << what;
    EXPECT_EQ(what.find("zzz-header-value"), std::string::npos) << what;
    EXPECT_NE(what.find("[redacted]"), std::string::npos) << what;
    for (char ch : what) EXPECT_FALSE(static_cast<unsigned char>(ch) < 0x20) << what;
    EXPECT_NE(what.find("\\n"), std::string::npos) << what;
    EXPECT_LE(what.size(), std::string("test GET /items: HTTP 400: ").size() + 510) << what;
  }
}

TEST_F(SessionTest, APointLookupOfAMissingObjectIsEmptyWhateverTheStatus) {
  LoopbackServer server(scripted([](const std::string&) {
    return respond(200, R"({"status":"ERR","message":"no such item"})");
  }));
  Session s = session(server);
  ApiRequest lookup = get("/items/7");
  lookup.not_found_is_empty = true;
  EXPECT_TRUE(s.call(lookup).not_found);
  EXPECT_THROW(s.call(get("/items")), Error);  // a list is not a lookup
}

TEST_F(SessionTest, NonBlockingCallsGiveWhatCallManyGives) {
  LoopbackServer server(scripted([](const std::string&) { return respond(200, kOk); }));
  Session s = session(server);
  std::shared_ptr<Session::Pending> p = s.start_many({get("/items?page=1"), get("/items?page=2")});
  while (!s.poll(*p)) client.prepare_wait();  // no waiting needed for the test: just go round
  const std::vector<ApiResult> results = s.finish_many(*p);
  ASSERT_EQ(results.size(), 2u);
  for (const ApiResult& r : results) EXPECT_EQ(r.status, 200);
  // Logged in once, as call_many does.
  std::vector<std::string> requests = seen(server);
  std::sort(requests.begin(), requests.end());  // the two pages go out together
  EXPECT_EQ(requests, (std::vector<std::string>{"GET /items?page=1 t1", "GET /items?page=2 t1", "GET /login"}));
}

TEST_F(SessionTest, NonBlockingCallsFailAsCallManyFails) {
  LoopbackServer server(scripted([](const std::string&) {
    return respond(200, R"({"status":"ERR","message":"no such item"})");
  }));
  Session s = session(server);
  std::shared_ptr<Session::Pending> p = s.start_many({get("/items")});
  while (!s.poll(*p)) client.prepare_wait();
  EXPECT_THROW(s.finish_many(*p), Error);
}

TEST_F(SessionTest, TheCacheKeepsNoErrorAnswer) {
  LoopbackServer server(scripted([](const std::string&) {
    return respond(200, R"({"status":"ERR","message":"busy"})");
  }));
  Session s = session(server, 60000);
  EXPECT_THROW(s.call(get("/items")), Error);
  EXPECT_THROW(s.call(get("/items")), Error);
  EXPECT_EQ(server.requests(), 3);  // login + the request twice
}

// ---------------------------------------------------------------------------
// Writer: constant members of request bodies

Table shop_table() {
  Table t;
  t.name = "things";
  Column id{"id", ColType::Int8, "id"};
  Column name{"name", ColType::Text, "name"};
  t.columns = {id, name};
  t.key = {"id"};
  WriteRule add;
  add.kind = WriteKind::Insert;
  add.name = "add";
  add.path = "/add";
  add.batch_max = 10;
  add.batch_key = "items";
  add.fixed = {{"shop", "{shop_id}"}, {"mode", "\"bulk\""}};
  WriteRule rename;
  rename.kind = WriteKind::Update;
  rename.name = "rename";
  rename.path = "/rename";
  rename.body = {BodyField{"id", "id", Format::Plain, "", true}, BodyField{"name", "name"}};
  rename.fixed = {{"shop_id", "{shop_id}"}};
  t.writes = {add, rename};
  return t;
}

TEST_F(SessionTest, FixedMembersGoBesideTheBatchOrBesideTheRowsFields) {
  LoopbackServer server(scripted([](const std::string&) { return respond(200, R"({"status":"OK"})"); }));
  Config c;
  c.server = "writer-test";
  c.api = "test";
  c.base_url = server.url("");
  c.options["shop_id"] = "42";
  Session s(api, c, client, nullptr, &stats, HttpHooks());
  const Table t = shop_table();
  Row returned;

  Writer batched(s, t, 0, 10, false);
  batched.write({std::nullopt, std::string("a")}, Row(), std::nullopt, &returned);
  batched.write({std::nullopt, std::string("b")}, Row(), std::nullopt, &returned);
  batched.flush();
  Writer single(s, t, 1, 1, false, {"name"});
  single.write({std::string("7"), std::string("c")}, {std::string("7"), std::string("x")}, std::nullopt, &returned);

  const std::vector<Received> got = server.received();
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[1].target, "/add");
  EXPECT_EQ(got[1].body, R"({"shop":42,"mode":"bulk","items":[{"name":"a"},{"name":"b"}]})");
  EXPECT_EQ(got[2].target, "/rename");
  EXPECT_EQ(got[2].body, R"({"shop_id":42,"id":7,"name":"c"})");
}

TEST_F(SessionTest, BatchResultsAreMatchedByTheirKeyElseByPosition) {
  // The answer lists the stored items in another order than sent.
  LoopbackServer server(scripted([](const std::string&) {
    return respond(200, R"({"status":"OK","items":[{"id":2,"name":"b"},{"id":1,"name":"a"},{"id":3}]})");
  }));
  Config c;
  c.server = "matching-test";
  c.api = "test";
  c.base_url = server.url("");
  c.options["shop_id"] = "42";
  Session s(api, c, client, nullptr, &stats, HttpHooks());
  Table t = shop_table();
  t.writes[0].result = "items";
  t.writes[0].returning = {{"id", "id"}};
  t.writes[0].match_key = "name";
  Writer w(s, t, 0, 10, false);
  const std::vector<Row> out =
      w.write_batch({{std::nullopt, std::string("a")}, {std::nullopt, std::string("b")}, {std::nullopt, std::nullopt}});
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0][0], std::optional<std::string>("1"));
  EXPECT_EQ(out[1][0], std::optional<std::string>("2"));
  EXPECT_EQ(out[2][0], std::optional<std::string>("3"));  // no name: the third answer
}

}  // namespace
}  // namespace cfdw
