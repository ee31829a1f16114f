// Unit tests: what became of each row of a failed write statement (applied,
// not applied, unknown), the keys the error lists, and that a write that may
// have reached the server is never sent again.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/error.h"
#include "engine/run/modify.h"
#include "engine/run/session.h"
#include "loopback_server.h"
#include "test_support.h"

namespace cfdw {
namespace {

// ---------------------------------------------------------------------------
// WriteLedger

TEST(WriteLedger, ListsTheFirstTwentyKeysOfEachOutcomeAndCountsTheRest) {
  WriteLedger l;
  for (int i = 1; i <= 25; ++i) l.add(WriteOutcome::Applied, std::to_string(i));
  l.add(WriteOutcome::Unknown, "26");
  EXPECT_EQ(l.count(WriteOutcome::Applied), 25);
  EXPECT_EQ(l.count(WriteOutcome::Unknown), 1);
  EXPECT_EQ(l.count(WriteOutcome::NotApplied), 0);
  EXPECT_EQ(l.total(), 26);
  EXPECT_EQ(l.describe("id"),
            "applied: 25 rows (id: 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20 and 5 more)\n"
            "unknown: 1 row (id: 26)\n"
            "not applied: 0 rows");
}

TEST(WriteLedger, RowsAddedTogetherCountTogether) {
  WriteLedger l;
  l.add(WriteOutcome::NotApplied, "row 1", 3);
  EXPECT_EQ(l.describe(""), "applied: 0 rows\nunknown: 0 rows\nnot applied: 3 rows (row 1 and 2 more)");
}

TEST(WriteOutcomes, OnlyAFailureKnownNotToHaveActedIsNotApplied) {
  EXPECT_EQ(outcome_of(Error("HV00N", "x")), WriteOutcome::Unknown);
  EXPECT_EQ(outcome_of(Error("HV00N", "x").set_effect(RequestEffect::Unknown)), WriteOutcome::Unknown);
  EXPECT_EQ(outcome_of(Error("22023", "x").set_effect(RequestEffect::NotApplied)), WriteOutcome::NotApplied);
  const Error renamed = Error("22023", "x").set_effect(RequestEffect::NotApplied).with_message("api x");
  EXPECT_EQ(renamed.effect(), RequestEffect::NotApplied);
  EXPECT_STREQ(renamed.what(), "api x");
}

// ---------------------------------------------------------------------------
// Writer against a scripted server

class PlainApi : public Api {
 public:
  PlainApi() { name = "test"; }
  bool application_error(const json::Value& root, std::string* message) const override {
    const json::Value* ok = root.get("success");
    if (!ok || ok->kind() != json::Kind::Bool || ok->is_true()) return false;
    *message = "refused";
    return true;
  }
  long application_error_status(const json::Value& root) const override {
    const json::Value* st = root.get("status");
    return st && st->kind() == json::Kind::Number ? std::stol(json::text(*st)) : 0;
  }
};

// things(id, name, sku): "add" inserts in batches named by sku, "rename"
// updates one row a request (named by the table key, id), "put" is a PUT.
Table things() {
  Table t;
  t.name = "things";
  t.columns = {Column{"id", ColType::Int8, "id"}, Column{"name", ColType::Text, "name"},
               Column{"sku", ColType::Text, "sku"}};
  t.key = {"id"};
  WriteRule add;
  add.kind = WriteKind::Insert;
  add.name = "add";
  add.path = "/add";
  add.batch_max = 2;
  add.key = {"sku"};
  add.body = {BodyField{"name", "name", Format::Plain, "", true}, BodyField{"sku", "sku"}};
  WriteRule rename;
  rename.kind = WriteKind::Update;
  rename.name = "rename";
  rename.path = "/rename/{id}";
  rename.body = {BodyField{"name", "name"}};
  WriteRule put = rename;
  put.name = "put";
  put.method = "PUT";
  put.path = "/put/{id}";
  // "create": one row a request, the new id read back, sku checked locally.
  WriteRule create;
  create.kind = WriteKind::Insert;
  create.name = "create";
  create.path = "/create";
  create.key = {"sku"};
  create.not_null = {"sku"};
  create.returning = {{"id", "id"}};
  WriteRule drop;
  drop.kind = WriteKind::Delete;
  drop.name = "drop";
  drop.method = "DELETE";
  drop.path = "/drop/{id}";
  t.writes = {add, rename, put, create, drop};
  return t;
}

Row thing(std::optional<std::string> id, std::optional<std::string> name, std::optional<std::string> sku) {
  return Row{std::move(id), std::move(name), std::move(sku)};
}

int closed_port() {
  int port = 0;
  ::close(bind_loopback(&port));
  return port;
}

class WriteOutcomeTest : public ::testing::Test {
 protected:
  Session session(const std::string& base_url, long timeout_ms = 5000) {
    static int sessions = 0;
    Config c;
    c.server = "outcomes-" + std::to_string(++sessions);
    c.api = "test";
    c.relname = "things";
    c.base_url = base_url;
    c.http.backoff_base_ms = 5;
    c.http.max_retries = 3;
    c.http.timeout_ms = timeout_ms;
    return Session(api, c, client, nullptr, &stats, HttpHooks());
  }
  // Inserts rows a, b (first batch) and c, d (second batch) named by SKU.
  static void insert_four(Writer& w) {
    Row ret;
    for (const char* s : {"a", "b", "c", "d"})
      w.write(thing(std::nullopt, std::string("n") + s, std::string("SKU-") + s), Row(), std::nullopt, &ret);
    w.flush();
  }

  PlainApi api;
  HttpClient client;
  ServerStats stats;
  const Table table = things();
};

// The second batch's answer is `second`; the first succeeds.
LoopbackServer::Handler second_batch(Reply second) {
  return [second](const Received&, int n) { return n == 0 ? respond(200, R"({"success":true})") : second; };
}

TEST_F(WriteOutcomeTest, A5xxToABatchIsUnknownAndTheBatchIsNotSentAgain) {
  LoopbackServer server(second_batch(respond(503, "busy")));
  Session s = session(server.url(""));
  Writer w(s, table, 0, 2, false);
  const Error e = failure([&] { insert_four(w); });
  EXPECT_EQ(e.sqlstate(), "HV00N");
  EXPECT_STREQ(e.what(), "test POST /add: HTTP 503");
  EXPECT_EQ(e.detail(),
            "Rows of this statement by outcome:\n"
            "applied: 2 rows (sku: SKU-a, SKU-b)\n"
            "unknown: 2 rows (sku: SKU-c, SKU-d)\n"
            "not applied: 0 rows");
  EXPECT_NE(e.hint().find("read it back and compare"), std::string::npos);
  EXPECT_NE(e.hint().find("docs/test.md"), std::string::npos);
  EXPECT_EQ(server.requests(), 2);  // max_retries 3, yet the POST went once
}

TEST_F(WriteOutcomeTest, ABatchInsertIsSentAndReportedAsAQueuedBatchIs) {
  LoopbackServer server(second_batch(respond(503, "busy")));
  Session s = session(server.url(""));
  Writer w(s, table, 0, 2, false);
  w.write_batch({thing(std::nullopt, std::string("na"), std::string("SKU-a")),
                 thing(std::nullopt, std::string("nb"), std::string("SKU-b"))});
  const Error e = failure([&] {
    w.write_batch({thing(std::nullopt, std::string("nc"), std::string("SKU-c")),
                   thing(std::nullopt, std::string("nd"), std::string("SKU-d"))});
  });
  EXPECT_EQ(e.sqlstate(), "HV00N");
  EXPECT_STREQ(e.what(), "test POST /add: HTTP 503");
  EXPECT_EQ(e.detail(),
            "Rows of this statement by outcome:\n"
            "applied: 2 rows (sku: SKU-a, SKU-b)\n"
            "unknown: 2 rows (sku: SKU-c, SKU-d)\n"
            "not applied: 0 rows");
  EXPECT_EQ(server.requests(), 2);
  const std::vector<Received> got = server.received();
  EXPECT_EQ(got.back().body, R"([{"name":"nc","sku":"SKU-c"},{"name":"nd","sku":"SKU-d"}])");
}

TEST_F(WriteOutcomeTest, ABatchInsertWithARowThatCannotBeSentSendsNothing) {
  LoopbackServer server([](const Received&, int) { return respond(200, R"({"success":true})"); });
  Session s = session(server.url(""));
  Writer w(s, table, 0, 2, false);
  const Error e = failure([&] {
    w.write_batch({thing(std::nullopt, std::string("x"), std::string("SKU-x")),
                   thing(std::nullopt, std::nullopt, std::nullopt)});
  });
  EXPECT_EQ(e.sqlstate(), "22023");
  EXPECT_EQ(e.detail(),
            "The add request requires it.\n"
            "Rows of this statement by outcome:\n"
            "applied: 0 rows\n"
            "unknown: 0 rows\n"
            "not applied: 2 rows (sku: SKU-x; row 2)");
  EXPECT_EQ(server.requests(), 0);
}

TEST_F(WriteOutcomeTest, A4xxOrAFailureEnvelopeIsNotApplied) {
  for (const Reply& refusal : {respond(400, "bad"), respond(200, R"({"success":false})"), respond(429, "slow")}) {
    LoopbackServer server([&](const Received&, int n) {
      if (n == 0) return respond(200, R"({"success":true})");
      if (n == 1) return refusal;
      return respond(429, "slow");  // a 429 certainly did not act: it may be retried, and is refused again
    });
    Session s = session(server.url(""));
    Writer w(s, table, 0, 2, false);
    const Error e = failure([&] { insert_four(w); });
    EXPECT_EQ(e.detail(),
              "Rows of this statement by outcome:\n"
              "applied: 2 rows (sku: SKU-a, SKU-b)\n"
              "unknown: 0 rows\n"
              "not applied: 2 rows (sku: SKU-c, SKU-d)")
        << e.what();
    EXPECT_NE(e.hint().find("run the statement again only for the rows not applied"), std::string::npos);
  }
}

TEST_F(WriteOutcomeTest, AConnectionLostAfterSendingIsUnknownAndNotRetried) {
  Reply hang_up;
  hang_up.close = true;  // reads the request, answers nothing, closes
  LoopbackServer server(second_batch(hang_up));
  Session s = session(server.url(""));
  Writer w(s, table, 0, 2, false);
  const Error e = failure([&] { insert_four(w); });
  EXPECT_EQ(e.sqlstate(), "HV00N");
  EXPECT_NE(e.detail().find("unknown: 2 rows (sku: SKU-c, SKU-d)"), std::string::npos) << e.detail();
  EXPECT_EQ(server.requests(), 2);
}

TEST_F(WriteOutcomeTest, ATimeoutAfterSendingIsUnknownAndNotRetried) {
  Reply silent;
  silent.silent = true;
  LoopbackServer server(second_batch(silent));
  Session s = session(server.url(""), 200);
  Writer w(s, table, 0, 2, false);
  const Error e = failure([&] { insert_four(w); });
  EXPECT_NE(std::string(e.what()).find("Timeout was reached"), std::string::npos) << e.what();
  EXPECT_NE(e.detail().find("applied: 2 rows (sku: SKU-a, SKU-b)\nunknown: 2 rows (sku: SKU-c, SKU-d)\n"),
            std::string::npos)
      << e.detail();
  EXPECT_EQ(server.requests(), 2);
}

TEST_F(WriteOutcomeTest, CouldNotConnectIsNotApplied) {
  Session s = session("http://127.0.0.1:" + std::to_string(closed_port()));
  Writer w(s, table, 0, 2, false);
  const Error e = failure([&] { insert_four(w); });
  EXPECT_EQ(e.detail().substr(e.detail().find("Rows of")),
            "Rows of this statement by outcome:\n"
            "applied: 0 rows\n"
            "unknown: 0 rows\n"
            "not applied: 2 rows (sku: SKU-a, SKU-b)");
}

TEST_F(WriteOutcomeTest, RowsQueuedBehindARowThatCannotBeSentAreNotApplied) {
  LoopbackServer server([](const Received&, int) { return respond(200, R"({"success":true})"); });
  Session s = session(server.url(""));
  Writer w(s, table, 0, 2, false);
  Row ret;
  w.write(thing(std::nullopt, std::string("x"), std::string("SKU-x")), Row(), std::nullopt, &ret);
  // name is required: this row fails before any request carries it
  const Error e = failure([&] { w.write(thing(std::nullopt, std::nullopt, std::nullopt), Row(), std::nullopt, &ret); });
  EXPECT_EQ(e.sqlstate(), "22023");
  EXPECT_EQ(e.detail(),
            "The add request requires it.\n"
            "Rows of this statement by outcome:\n"
            "applied: 0 rows\n"
            "unknown: 0 rows\n"
            "not applied: 2 rows (sku: SKU-x; row 2)");
  EXPECT_EQ(server.requests(), 0);
}

TEST_F(WriteOutcomeTest, OneRowARequestReportsTheEarlierRowsAndTheFailingOne) {
  LoopbackServer server([](const Received& r, int) {
    return r.target == "/rename/3" ? respond(422, "no") : respond(200, R"({"success":true})");
  });
  Session s = session(server.url(""));
  Writer w(s, table, 1, 1, false, {"name"});
  Row ret;
  for (const char* id : {"1", "2"})
    w.write(thing(std::string(id), std::string("new"), std::nullopt), thing(std::string(id), std::string("old"), std::nullopt),
            std::nullopt, &ret);
  const Error e = failure([&] {
    w.write(thing(std::string("3"), std::string("new"), std::nullopt),
            thing(std::string("3"), std::string("old"), std::nullopt), std::nullopt, &ret);
  });
  EXPECT_EQ(e.sqlstate(), "22023");
  EXPECT_EQ(e.detail(),
            "Rows of this statement by outcome:\n"
            "applied: 2 rows (id: 1, 2)\n"
            "unknown: 0 rows\n"
            "not applied: 1 row (id: 3)");
  EXPECT_EQ(w.rows_applied(), 2);
}

TEST_F(WriteOutcomeTest, ARefusedRetryOfAnIdempotentRequestDoesNotProveTheFirstAttemptFailed) {
  // PUT is retried after a 503 (it may have been applied), then refused.
  LoopbackServer server([](const Received&, int n) { return n == 0 ? respond(503, "busy") : respond(404, "gone"); });
  Session s = session(server.url(""));
  Writer w(s, table, 2, 1, false, {"name"});
  Row ret;
  const Error e = failure([&] {
    w.write(thing(std::string("9"), std::string("new"), std::nullopt),
            thing(std::string("9"), std::string("old"), std::nullopt), std::nullopt, &ret);
  });
  EXPECT_EQ(server.requests(), 2);
  EXPECT_NE(e.detail().find("unknown: 1 row (id: 9)"), std::string::npos) << e.detail();
}

TEST_F(WriteOutcomeTest, KeyValuesAreQuotedWhenNotPlain) {
  LoopbackServer server([](const Received&, int) { return respond(500, "oops"); });
  Session s = session(server.url(""));
  Writer w(s, table, 0, 1, false);
  Row ret;
  const Error e = failure([&] {
    w.write(thing(std::nullopt, std::string("n"), std::string("A, \"B\"")), Row(), std::nullopt, &ret);
  });
  EXPECT_NE(e.detail().find("unknown: 1 row (sku: \"A, \"\"B\"\"\")"), std::string::npos) << e.detail();
}

TEST_F(WriteOutcomeTest, ACancelWhileARequestIsInFlightLeavesItsRowsUnknown) {
  Reply silent;
  silent.silent = true;
  LoopbackServer server(second_batch(silent));
  Config c;
  c.server = "outcomes-cancel";
  c.api = "test";
  c.relname = "things";
  c.base_url = server.url("");
  HttpHooks hooks;
  const double until = monotonic_ms() + 300;
  hooks.should_abort = [until] { return monotonic_ms() > until; };
  Session s(api, c, client, nullptr, &stats, hooks);
  Writer w(s, table, 0, 2, false);
  EXPECT_THROW(insert_four(w), Cancelled);
  w.cancelled_in_flight();
  EXPECT_EQ(w.ledger().count(WriteOutcome::Applied), 2);
  EXPECT_EQ(w.ledger().count(WriteOutcome::Unknown), 2);
  const Error e = w.report(Error("57014", "cancelled"));
  EXPECT_NE(e.detail().find("unknown: 2 rows (sku: SKU-c, SKU-d)"), std::string::npos) << e.detail();
}

// A row the writer refuses locally (a NOT NULL column of the rule) is not
// applied, like the rows queued before it; nothing is sent.
TEST_F(WriteOutcomeTest, ARowFailingTheLocalNotNullCheckIsNotApplied) {
  LoopbackServer server([](const Received&, int) { return respond(200, R"({"success":true,"id":1})"); });
  Session s = session(server.url(""));
  Writer w(s, table, 3, 1, false);
  Row ret;
  w.write(thing(std::nullopt, std::string("a"), std::string("SKU-a")), Row(), std::nullopt, &ret);
  EXPECT_EQ(ret[0], std::optional<std::string>("1"));
  const Error e = failure([&] { w.write(thing(std::nullopt, std::string("b"), std::nullopt), Row(), std::nullopt, &ret); });
  EXPECT_EQ(e.sqlstate(), "23502");
  EXPECT_EQ(e.detail(),
            "The create request needs it to create a row; nothing was sent for this row.\n"
            "Rows of this statement by outcome:\n"
            "applied: 1 row (sku: SKU-a)\n"
            "unknown: 0 rows\n"
            "not applied: 1 row (row 2)");
  EXPECT_EQ(server.requests(), 1);
}

// A write that reads its answer back (an INSERT's new id) gets nothing from an
// empty or null 2xx body: an error, and the row may have been written.
TEST_F(WriteOutcomeTest, AnEmptyOrNullAnswerToAWriteThatNeedsItIsUnknown) {
  for (const char* body : {"", " \n", "null"}) {
    LoopbackServer server([&](const Received&, int) { return respond(200, body); });
    Session s = session(server.url(""));
    Writer w(s, table, 3, 1, false);
    Row ret;
    const Error e = failure([&] { w.write(thing(std::nullopt, std::string("a"), std::string("SKU-a")), Row(), std::nullopt, &ret); });
    EXPECT_EQ(e.sqlstate(), "HV00N");
    EXPECT_STREQ(e.what(), std::string(std::string("test POST /create: HTTP 200: the response is ") +
                                       (std::string(body) == "null" ? "null" : "empty") + " where data was expected")
                               .c_str());
    EXPECT_EQ(e.detail(),
              "Rows of this statement by outcome:\n"
              "applied: 0 rows\n"
              "unknown: 1 row (sku: SKU-a)\n"
              "not applied: 0 rows");
    EXPECT_EQ(server.requests(), 1);
  }
  // The same for a batch insert through PostgreSQL's batch API.
  LoopbackServer server([](const Received&, int) { return respond(200, ""); });
  Session s = session(server.url(""));
  Table t = table;
  t.writes[0].returning = {{"id", "id"}};
  Writer w(s, t, 0, 2, false);
  const Error e = failure([&] {
    w.write_batch({thing(std::nullopt, std::string("a"), std::string("SKU-a")),
                   thing(std::nullopt, std::string("b"), std::string("SKU-b"))});
  });
  EXPECT_NE(e.detail().find("unknown: 2 rows (sku: SKU-a, SKU-b)"), std::string::npos) << e.detail();
}

// A write whose answer is not needed may be answered with nothing.
TEST_F(WriteOutcomeTest, AnEmptyAnswerIsASuccessWhereNoDataIsNeeded) {
  LoopbackServer server([](const Received&, int) { return respond(204, ""); });
  Session s = session(server.url(""));
  Writer del(s, table, 4, 1, false);
  Row ret;
  EXPECT_TRUE(del.write(Row(3), thing(std::string("7"), std::nullopt, std::nullopt), std::nullopt, &ret));
  Writer add(s, table, 0, 2, false);
  insert_four(add);
  EXPECT_EQ(add.ledger().count(WriteOutcome::Applied), 4);
}

// A failure envelope naming a 5xx is a server error: the row may have been
// written. One naming a 4xx is a refusal.
TEST_F(WriteOutcomeTest, AFailureEnvelopeNamingA5xxIsUnknown) {
  for (const auto& [body, outcome] : std::vector<std::pair<std::string, std::string>>{
           {R"({"success":false,"status":503})", "unknown: 1 row (sku: SKU-a)"},
           {R"({"success":false,"status":422})", "not applied: 1 row (sku: SKU-a)"}}) {
    LoopbackServer server([&](const Received&, int) { return respond(200, body); });
    Session s = session(server.url(""));
    Writer w(s, table, 3, 1, false);
    Row ret;
    const Error e = failure([&] { w.write(thing(std::nullopt, std::string("a"), std::string("SKU-a")), Row(), std::nullopt, &ret); });
    EXPECT_NE(e.detail().find(outcome), std::string::npos) << body << "\n" << e.detail();
  }
}

// An answer over max_response_bytes came from a server that took the request.
TEST_F(WriteOutcomeTest, AnAnswerTooLargeIsUnknown) {
  LoopbackServer server([](const Received&, int) { return respond(200, "{\"success\":true,\"pad\":\"" + std::string(4096, 'x') + "\"}"); });
  Config c;
  c.server = "outcomes-too-large";
  c.api = "test";
  c.relname = "things";
  c.base_url = server.url("");
  c.http.max_response_bytes = 1024;
  Session s(api, c, client, nullptr, &stats, HttpHooks());
  Writer w(s, table, 3, 1, false);
  Row ret;
  const Error e = failure([&] { w.write(thing(std::nullopt, std::string("a"), std::string("SKU-a")), Row(), std::nullopt, &ret); });
  EXPECT_EQ(e.sqlstate(), "54000");
  EXPECT_NE(e.detail().find("unknown: 1 row (sku: SKU-a)"), std::string::npos) << e.detail();
}

}  // namespace
}  // namespace cfdw
