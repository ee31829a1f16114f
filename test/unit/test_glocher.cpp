// Unit tests: the Glocher declarations (cart routing by status, stock lookups)
// and its API hooks (login, where the token goes, ERR answers), the latter
// against a scripted loopback server.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "apis/apis.h"
#include "engine/error.h"
#include "engine/run/modify.h"
#include "engine/run/scan.h"
#include "engine/run/session.h"
#include "loopback_server.h"

#include "test_support.h"

namespace cfdw {
namespace {

const Api& glocher() { return *find_api("glocher"); }
const Table& table(const std::string& name) { return *glocher().table(name); }

Config config(const std::string& base_url = "https://api-v1.glocher.com/api") {
  static int servers = 0;  // login states are per server: each test its own
  Config c;
  c.server = "glocher-" + std::to_string(++servers);
  c.api = "glocher";
  c.base_url = base_url;
  c.options["shop_id"] = "42";
  c.secrets = {{"email", "api@glocher.test"}, {"password", "s3cret&pwd"}};
  c.http.timeout_ms = 5000;
  return c;
}

std::vector<std::string> requests_for(const std::string& name, std::vector<CondShape> conds,
                                      std::vector<CondValues> values) {
  ScanRequest req;
  req.conds = std::move(conds);
  std::vector<std::optional<CondValues>> given(values.begin(), values.end());
  return describe_requests(table(name), req, given, config());
}

// ---------------------------------------------------------------------------
// Declarations

TEST(GlocherTables, CartsWithoutAStatusConditionReadAllThreeLists) {
  EXPECT_EQ(requests_for("carts", {}, {}),
            (std::vector<std::string>{"GET /getPendingCarts?id=42&page=1 (paged)",
                                      "GET /getPaidCarts?id=42&page=1 (paged)",
                                      "GET /getCompletedCarts?id=42&page=1 (paged)"}));
}

TEST(GlocherTables, APendingStatusReadsOnlyThePendingList) {
  EXPECT_EQ(requests_for("carts", {{"status", kEq, 1}}, {vals({"pending"})}),
            (std::vector<std::string>{"GET /getPendingCarts?id=42&page=1 (paged)"}));
}

TEST(GlocherTables, PaidAndCashReadOnlyThePaidList) {
  EXPECT_EQ(requests_for("carts", {{"status", kIn, 2}}, {vals({"paid", "cash"})}),
            (std::vector<std::string>{"GET /getPaidCarts?id=42&page=1 (paged)"}));
  EXPECT_EQ(requests_for("carts", {{"status", kIn, 2}}, {vals({"pending", "completed"})}),
            (std::vector<std::string>{"GET /getPendingCarts?id=42&page=1 (paged)",
                                      "GET /getCompletedCarts?id=42&page=1 (paged)"}));
}

TEST(GlocherTables, TheShopsIdComesFromTheShopIdOption) {
  const Table& t = table("shop");
  ASSERT_EQ(t.reads.size(), 1u);
  EXPECT_EQ(t.reads[0].fill, (std::vector<std::pair<std::string, std::string>>{{"id", "{shop_id}"}}));
}

TEST(GlocherTables, ANewProductNeedsANameAndImagesAreWriteOnly) {
  const Table& t = table("stock");
  std::string why;
  const int create = choose_write_rule(t, "glocher_stock", WriteKind::Insert, nullptr, &why);
  ASSERT_GE(create, 0);
  EXPECT_EQ(t.writes[create].not_null, std::vector<std::string>{"name"});
  EXPECT_TRUE(t.column("image_data")->has(ColumnFlag::kWriteOnly));
  EXPECT_TRUE(t.column("delete_image")->has(ColumnFlag::kWriteOnly));
  UpdateShape shape;
  shape.changed = {"delete_image"};
  EXPECT_GE(choose_write_rule(t, "glocher_stock", WriteKind::Update, &shape, &why), 0) << why;
}

TEST(GlocherTables, ANamelessNewProductFailsBeforeAnyRequest) {
  LoopbackServer server([](const Received&, int) { return respond(200, R"({"status":"OK","data":[]})"); });
  Config c = config();
  c.server = "glocher-not-null-test";
  c.base_url = server.url("");
  c.relname = "glocher_stock";
  c.secrets = {{"email", "api@glocher.test"}, {"password", "pass"}};
  HttpClient client;
  ServerStats stats;
  Session s(*find_api("glocher"), c, client, nullptr, &stats, HttpHooks());
  const Table& t = table("stock");
  std::string why;
  Writer w(s, t, choose_write_rule(t, "glocher_stock", WriteKind::Insert, nullptr, &why), 1000, false);
  Row named(t.columns.size()), nameless(t.columns.size());
  named[t.column_index("name")] = "Bun";
  for (Row* r : {&named, &nameless}) {
    (*r)[t.column_index("price")] = "1";
    (*r)[t.column_index("weight")] = "0.1";
  }
  try {
    w.write_batch({named, nameless});
    FAIL() << "a nameless product was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.sqlstate(), "23502");
    EXPECT_NE(std::string(e.what()).find("\"name\""), std::string::npos) << e.what();
  }
  EXPECT_TRUE(server.received().empty());
}

TEST(GlocherTables, AnIdIsAPointLookupNamingTheShopAsShopId) {
  EXPECT_EQ(requests_for("carts", {{"id", kEq, 1}, {"status", kEq, 1}}, {vals({"509"}), vals({"paid"})}),
            (std::vector<std::string>{"GET /getCart?shop_id=42&id=509"}));
  EXPECT_EQ(requests_for("stock", {{"id", kEq, 1}}, {vals({"10001"})}),
            (std::vector<std::string>{"GET /getStockByProduct?shop_id=42&id=10001"}));
}

TEST(GlocherTables, QuantityMinusOneIsNull) {
  const Column& qty = *table("stock").column("qty");
  json::Doc doc;
  std::string why, out;
  ASSERT_TRUE(doc.parse(R"({"qty":-1,"n":12})", &why));
  EXPECT_EQ(json::decode(doc.root().get("qty"), qty.type, qty.decode, &out, &why), json::DecodeResult::Null);
  EXPECT_EQ(json::decode(doc.root().get("n"), qty.type, qty.decode, &out, &why), json::DecodeResult::Ok);
  EXPECT_EQ(out, "12");
}

// ---------------------------------------------------------------------------
// Login and requests

// Answers auth with token "tok en/1" (a token needing percent-encoding) and
// everything else with OK.
Reply glocher_server(const Received& r, int) {
  if (r.target == "/api/auth") return respond(200, R"({"status":"OK","data":{"token":"tok en/1","id":732}})");
  return respond(200, R"({"status":"OK","data":[]})");
}

TEST(GlocherApi, LogsInOnceWithAPostBodyAndSendsTheTokenAsAQueryFieldOfAGet) {
  LoopbackServer server(glocher_server);
  HttpClient client;
  ServerStats stats;
  Session s(glocher(), config(server.url("/api")), client, nullptr, &stats, HttpHooks());
  ApiRequest r;
  r.path = "/getStock";
  r.query.add("id", "42").add("page", "1");
  s.call(r);
  s.call(r);
  const std::vector<Received> got = server.received();
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].method, "POST");
  EXPECT_EQ(got[0].target, "/api/auth");
  EXPECT_EQ(got[0].body, R"({"email":"api@glocher.test","pwd":"s3cret&pwd"})");
  EXPECT_EQ(got[1].target, "/api/getStock?id=42&page=1&token=tok%20en%2F1");
  EXPECT_EQ(got[2].target, got[1].target);
}

TEST(GlocherApi, PutsTheTokenInsideAJsonBodyNeverInTheQuery) {
  LoopbackServer server(glocher_server);
  HttpClient client;
  ServerStats stats;
  Session s(glocher(), config(server.url("/api")), client, nullptr, &stats, HttpHooks());
  ApiRequest r;
  r.method = "POST";
  r.path = "/updateCartStatus";
  r.body = R"({"id":509,"shop_id":42})";
  s.call(r);
  r.body = "{}";
  s.call(r);
  const std::vector<Received> got = server.received();
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[1].target, "/api/updateCartStatus");
  EXPECT_EQ(got[1].body, R"({"token":"tok en/1","id":509,"shop_id":42})");
  EXPECT_EQ(got[2].body, R"({"token":"tok en/1"})");
}

TEST(GlocherApi, ARefusedLoginIsAnAuthorizationErrorWithoutThePassword) {
  LoopbackServer server([](const Received&, int) {
    return respond(200, R"({"status":"ERR","data":[["login","Wrong email or password"]]})");
  });
  HttpClient client;
  ServerStats stats;
  Session s(glocher(), config(server.url("/api")), client, nullptr, &stats, HttpHooks());
  ApiRequest r;
  r.path = "/getShop";
  try {
    s.call(r);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.sqlstate(), "28000");
    EXPECT_STREQ(e.what(), "glocher POST /auth: HTTP 200: status ERR: login: Wrong email or password");
    EXPECT_EQ(std::string(e.what()).find("s3cret"), std::string::npos);
    EXPECT_NE(e.hint().find("user mapping"), std::string::npos);
  }
  EXPECT_EQ(server.requests(), 1);
}

TEST(GlocherApi, AnErrAboutTheTokenLogsInAgain) {
  int logins = 0;
  LoopbackServer server([&logins](const Received& r, int) {
    if (r.target == "/api/auth")
      return respond(200, "{\"status\":\"OK\",\"data\":{\"token\":\"t" + std::to_string(++logins) + "\"}}");
    if (r.target.find("token=t1") != std::string::npos)
      return respond(200, R"({"status":"ERR","data":[["token","Token expired"]]})");
    return respond(200, R"({"status":"OK","data":{"id":42}})");
  });
  HttpClient client;
  ServerStats stats;
  Session s(glocher(), config(server.url("/api")), client, nullptr, &stats, HttpHooks());
  ApiRequest r;
  r.path = "/getShop";
  r.query.add("id", "42");
  s.call(r);
  std::vector<std::string> targets;
  for (const Received& got : server.received()) targets.push_back(got.target);
  EXPECT_EQ(targets, (std::vector<std::string>{"/api/auth", "/api/getShop?id=42&token=t1", "/api/auth",
                                               "/api/getShop?id=42&token=t2"}));
}

TEST(GlocherApi, ErrPairsBecomeTheMessage) {
  json::Doc doc;
  std::string why, message;
  ASSERT_TRUE(doc.parse(R"j({"status":"ERR","data":[["price","Required (item 2)"],["weight","Required"]]})j", &why));
  ASSERT_TRUE(glocher().application_error(doc.root(), &message));
  EXPECT_EQ(message, "status ERR: price: Required (item 2); weight: Required");
  ASSERT_TRUE(doc.parse(R"({"status":"OK","data":[]})", &why));
  EXPECT_FALSE(glocher().application_error(doc.root(), &message));
}

TEST(GlocherApi, RecognisesAnExpiredTokenAndAMissingObject) {
  EXPECT_TRUE(glocher().is_expired_login(200, "status ERR: token: Token expired"));
  EXPECT_TRUE(glocher().is_expired_login(200, "status ERR: id: Required; token: Invalid token"));
  EXPECT_TRUE(glocher().is_expired_login(401, ""));
  EXPECT_FALSE(glocher().is_expired_login(200, "status ERR: id: You have no access to this shop"));
  EXPECT_TRUE(glocher().is_not_found(200, "status ERR: id: Product not found"));
  EXPECT_FALSE(glocher().is_not_found(200, "status ERR: id: You have no access to this shop"));
  EXPECT_FALSE(glocher().is_not_found(200, "status ERR: shop_has_product_category_id: Category not found"));
}

}  // namespace
}  // namespace cfdw
