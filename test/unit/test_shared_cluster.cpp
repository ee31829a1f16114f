// Unit tests: trust in a shared cluster — a write's answer must prove the
// write was done (a 2xx alone does not), and every declared write says what
// proves it.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/declare/api.h"
#include "engine/error.h"
#include "engine/run/modify.h"
#include "engine/run/remote_text.h"
#include "engine/run/session.h"
#include "loopback_server.h"
#include "test_support.h"

namespace cfdw {
namespace {

// Every INSERT and UPDATE rule of every API declares the answer that proves
// it was done; a DELETE may rely on its 2xx (G-Commerce answers 204).
TEST(SuccessProof, EveryDeclaredWriteSaysWhatProvesIt) {
  for (const Api* a : all_apis())
    for (const Table& t : a->tables)
      for (const WriteRule& w : t.writes) {
        if (w.kind != WriteKind::Delete) {
          EXPECT_TRUE(w.proof.declared) << a->name << "." << t.name << " " << kind_sql(w.kind) << " " << w.name;
        }
      }
}

class ProofApi : public Api {
 public:
  ProofApi() { name = "test"; }
};

// stock(id, product, qty): "adjust" sends {actions:[{productId, amount}]},
// proved by data.adjusted (one entry per action, named by productId);
// "create" is proved by data.id.
Table stock() {
  Table t;
  t.name = "stock";
  t.columns = {Column{"id", ColType::Int8, "id"}, Column{"product", ColType::Int8, "productId"},
               Column{"qty", ColType::Numeric, "quantity"}};
  t.key = {"id"};
  WriteRule adjust;
  adjust.kind = WriteKind::Update;
  adjust.name = "adjust";
  adjust.path = "/adjust";
  adjust.columns = {"qty"};
  adjust.delta_column = "qty";
  adjust.batch_max = 10;
  adjust.batch_key = "actions";
  adjust.body = {BodyField{"productId", "product", Format::Plain, "", true}, BodyField{"amount", "qty"}};
  adjust.result = "data.adjusted";
  adjust.proof.declared = true;
  adjust.proof.path = "data.adjusted";
  adjust.proof.each = true;
  adjust.proof.names = {"productId"};
  WriteRule create;
  create.kind = WriteKind::Insert;
  create.name = "create";
  create.path = "/create";
  create.body = {BodyField{"productId", "product"}, BodyField{"quantity", "qty"}};
  create.result = "data";
  create.returning = {{"id", "id"}};
  create.proof.declared = true;
  create.proof.path = "data.id";
  WriteRule ok = create;
  ok.name = "ok";
  ok.returning = {};
  ok.proof.path = "status";
  ok.proof.equals = "\"OK\"";
  t.writes = {adjust, create, ok};
  return t;
}

Row stock_row(const char* id, const char* product, const char* qty) {
  return Row{std::string(id), std::string(product), std::string(qty)};
}

class ProofTest : public ::testing::Test {
 protected:
  Session session(const std::string& base_url) {
    static int sessions = 0;
    Config c;
    c.server = "proof-" + std::to_string(++sessions);
    c.api = "test";
    c.relname = "stock";
    c.base_url = base_url;
    c.http.max_retries = 0;
    return Session(api, c, client, nullptr, &stats, HttpHooks());
  }
  // Adjusts the stock rows 1, 2 and 3 (products 11, 12, 13) by +1 in one batch.
  static void adjust_three(Writer& w) {
    Row ret;
    for (const char* id : {"1", "2", "3"}) {
      const std::string product = std::to_string(10 + std::stoi(id));
      w.write(stock_row(id, product.c_str(), "6"), stock_row(id, product.c_str(), "5"), std::string("1"), &ret);
    }
    w.flush();
  }

  ProofApi api;
  HttpClient client;
  ServerStats stats;
  const Table table = stock();
};

TEST_F(ProofTest, A2xxWithoutTheProofLeavesTheRowsUnknown) {
  LoopbackServer server([](const Received&, int) { return respond(200, R"({"error":"insufficient stock","status":"FAILED"})"); });
  Session s = session(server.url(""));
  Writer w(s, table, 0, 10, false, {"qty"});
  const Error e = failure([&] { adjust_three(w); });
  EXPECT_EQ(e.sqlstate(), "HV00N");
  EXPECT_STREQ(e.what(),
               "test POST /adjust: HTTP 200: the answer lacks \"data.adjusted\", the list proving each row of the "
               "adjust request");
  EXPECT_EQ(e.detail(),
            "Rows of this statement by outcome:\n"
            "applied: 0 rows\n"
            "unknown: 3 rows (id: 1, 2, 3)\n"
            "not applied: 0 rows");
  EXPECT_EQ(w.rows_applied(), 0);
}

TEST_F(ProofTest, AShorterListProvesTheRowsItNamesAndLeavesTheOthersUnknown) {
  LoopbackServer server([](const Received&, int) {
    return respond(200, R"({"data":{"adjusted":[{"productId":13,"newQuantity":6},{"productId":11,"newQuantity":6}]}})");
  });
  Session s = session(server.url(""));
  Writer w(s, table, 0, 10, false, {"qty"});
  const Error e = failure([&] { adjust_three(w); });
  EXPECT_EQ(e.sqlstate(), "HV00N");
  EXPECT_STREQ(e.what(), "test POST /adjust: HTTP 200: \"data.adjusted\" lists 2 entries for the 3 rows sent, naming 2 of them");
  EXPECT_EQ(e.detail(),
            "Rows of this statement by outcome:\n"
            "applied: 2 rows (id: 1, 3)\n"
            "unknown: 1 row (id: 2)\n"
            "not applied: 0 rows");
}

TEST_F(ProofTest, AShorterListWithoutNamesLeavesEveryRowUnknown) {
  LoopbackServer server([](const Received&, int) { return respond(200, R"({"data":{"adjusted":[{"newQuantity":6}]}})"); });
  Session s = session(server.url(""));
  Writer w(s, table, 0, 10, false, {"qty"});
  const Error e = failure([&] { adjust_three(w); });
  EXPECT_NE(e.detail().find("unknown: 3 rows (id: 1, 2, 3)"), std::string::npos) << e.detail();
}

TEST_F(ProofTest, AListWithAnEntryPerRowProvesThem) {
  LoopbackServer server([](const Received&, int) {
    return respond(200, R"({"data":{"adjusted":[{"productId":11},{"productId":12},{"productId":13}]}})");
  });
  Session s = session(server.url(""));
  Writer w(s, table, 0, 10, false, {"qty"});
  adjust_three(w);
  EXPECT_EQ(w.rows_applied(), 3);
}

TEST_F(ProofTest, ACreateAnsweredWithoutItsIdIsUnknownNotANullId) {
  for (const char* body : {R"({"result":"queued"})", R"({"data":{"id":null}})", R"({"data":{}})"}) {
    LoopbackServer server([&](const Received&, int) { return respond(200, body); });
    Session s = session(server.url(""));
    Writer w(s, table, 1, 1, true);
    Row ret;
    const Error e = failure([&] { w.write(Row{std::nullopt, std::string("11"), std::string("5")}, Row(), std::nullopt, &ret); });
    EXPECT_STREQ(e.what(), "test POST /create: HTTP 200: the answer lacks \"data.id\", the proof that the create request succeeded");
    EXPECT_NE(e.detail().find("unknown: 1 row (row 1)"), std::string::npos) << e.detail();
  }
}

TEST_F(ProofTest, AStatusOtherThanTheDeclaredOneIsNoProof) {
  LoopbackServer server([](const Received&, int n) {
    return n == 0 ? respond(200, R"({"status":"OK"})") : respond(200, R"({"status":"FAILED"})");
  });
  Session s = session(server.url(""));
  Writer w(s, table, 2, 1, false);
  Row ret;
  w.write(Row{std::nullopt, std::string("11"), std::string("5")}, Row(), std::nullopt, &ret);
  const Error e = failure([&] { w.write(Row{std::nullopt, std::string("12"), std::string("5")}, Row(), std::nullopt, &ret); });
  EXPECT_STREQ(e.what(), "test POST /create: HTTP 200: \"status\" is \"FAILED\", not \"OK\" as when the ok request succeeds");
  EXPECT_NE(e.detail().find("applied: 1 row (row 1)\nunknown: 1 row (row 2)"), std::string::npos) << e.detail();
}

// A remote row an UPDATE or DELETE meets twice is written once: the writer
// tells the first visit of each table key from the others.
TEST_F(ProofTest, ARowMetTwiceInAStatementIsVisitedOnce) {
  Session s = session("http://127.0.0.1:9");
  Writer w(s, table, 0, 10, false, {"qty"});
  EXPECT_TRUE(w.first_visit(stock_row("1", "11", "5")));
  EXPECT_FALSE(w.first_visit(stock_row("1", "11", "6")));
  EXPECT_TRUE(w.first_visit(stock_row("2", "11", "5")));
  EXPECT_FALSE(w.first_visit(stock_row("2", "12", "5")));
  // keys are compared whole ("1" and "11" differ), and a row without a key is always new
  EXPECT_TRUE(w.first_visit(stock_row("11", "1", "5")));
  const Row keyless{std::nullopt, std::string("11"), std::string("5")};
  EXPECT_TRUE(w.first_visit(keyless));
  EXPECT_TRUE(w.first_visit(keyless));
}

// HINTs quote identifiers as SQL does.
TEST(QuoteIdent, BareOnlyWhenSqlWouldReadItUnchanged) {
  EXPECT_EQ(quote_ident("glance_main"), "glance_main");
  EXPECT_EQ(quote_ident("s2"), "s2");
  EXPECT_EQ(quote_ident("Odd Name"), "\"Odd Name\"");
  EXPECT_EQ(quote_ident("2nd"), "\"2nd\"");
  EXPECT_EQ(quote_ident(""), "\"\"");
  EXPECT_EQ(quote_ident("x\") OPTIONS (x 'y'); DROP TABLE t; --"), "\"x\"\") OPTIONS (x 'y'); DROP TABLE t; --\"");
}

// Remote error text: secrets and tokens redacted, control characters escaped,
// at most 500 characters.
TEST(UntrustedText, RedactsSecretsAndCredentialsEscapesControlsAndCuts) {
  EXPECT_EQ(untrusted_text("bad key glance-live-1234 (Bearer glance-live-1234)", {"glance-live-1234"}),
            "bad key [redacted] (Bearer [redacted])");
  EXPECT_EQ(untrusted_text("header was: Authorization: Basic dXNlcjpwYXNz, token tok-987654", {"tok-987654"}),
            "header was: Authorization: Basic [redacted], token [redacted]");
  EXPECT_EQ(untrusted_text("line1\nline2\r\t\x1b[31mred\x7f", {}), "line1\\nline2\\r\\t\\x1B[31mred\\x7F");
  EXPECT_EQ(untrusted_text("a\xff\xfe" "b", {}), "a\\xFF\\xFEb");
  EXPECT_EQ(untrusted_text("short pw abc", {"abc"}), "short pw abc");  // a secret under 4 bytes is not searched for
  const std::string big(200000, 'x');
  const std::string cut = untrusted_text(big, {});
  EXPECT_EQ(cut, std::string(500, 'x') + "...");
  // characters, not bytes: 600 two-byte characters are cut at 500 of them
  std::string hebrew;
  for (int i = 0; i < 600; ++i) hebrew += "\xd7\x90";
  EXPECT_EQ(untrusted_text(hebrew, {}).size(), 1000u + 3u);
  // a DETAIL built line by line keeps its newlines
  EXPECT_EQ(untrusted_text("a: x\nb: y\r", {}, 500, true), "a: x\nb: y\\r");
}

}  // namespace
}  // namespace cfdw
