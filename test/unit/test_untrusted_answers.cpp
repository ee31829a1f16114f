// Unit tests: answers that are no real success on the read path — 3xx,
// failure envelopes, empty or null bodies, scalar rows — totals and paging
// guards, URL dot segments and empty keys, with the declared Glance and
// Glocher APIs against a loopback server.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/declare/api.h"
#include "engine/error.h"
#include "engine/http/http.h"
#include "engine/run/scan.h"
#include "engine/run/session.h"
#include "engine/wire/url.h"
#include "loopback_server.h"
#include "test_support.h"

namespace cfdw {
namespace {

// ---------------------------------------------------------------------------
// Totals

long total_of(const std::string& json_text) {
  json::Doc doc;
  std::string why;
  EXPECT_TRUE(doc.parse("{\"t\":" + json_text + "}", &why)) << why;
  return parse_total(doc.root().get("t"));
}

TEST(Totals, OnlyExactNonNegativeIntegersCount) {
  EXPECT_EQ(total_of("0"), 0);
  EXPECT_EQ(total_of("12"), 12);
  EXPECT_EQ(total_of("\"12\""), 12);  // APIs that send numbers as strings
  EXPECT_EQ(total_of("1.5"), -1);
  EXPECT_EQ(total_of("1.0"), -1);
  EXPECT_EQ(total_of("1e3"), -1);
  EXPECT_EQ(total_of("-1"), -1);
  EXPECT_EQ(total_of("true"), -1);
  EXPECT_EQ(total_of("null"), -1);
  EXPECT_EQ(total_of("\"12abc\""), -1);
  EXPECT_EQ(total_of("\"\""), -1);
  EXPECT_EQ(total_of("\" 12\""), -1);
  EXPECT_EQ(total_of("[1]"), -1);
  EXPECT_EQ(total_of("99999999999999999999"), -1);  // beyond any real total
  EXPECT_EQ(parse_total(nullptr), -1);
}

// ---------------------------------------------------------------------------
// URLs

TEST(PathSegments, DotsAreEncodedOnlyWhenTheWholeSegmentIsDots) {
  EXPECT_EQ(pct_encode_segment(".."), "%2E%2E");
  EXPECT_EQ(pct_encode_segment("."), "%2E");
  EXPECT_EQ(pct_encode_segment("..."), "%2E%2E%2E");
  EXPECT_EQ(pct_encode_segment("a.b"), "a.b");
  EXPECT_EQ(pct_encode_segment("../x"), "..%2Fx");
  EXPECT_EQ(pct_encode_segment(""), "");
  EXPECT_EQ(encode_dot_segments("/products/sku/.."), "/products/sku/%2E%2E");
  EXPECT_EQ(encode_dot_segments("/a/./b/.../c.d"), "/a/%2E/b/%2E%2E%2E/c.d");
  EXPECT_EQ(encode_dot_segments("/inventory?x=.."), "/inventory?x=..");
  EXPECT_FALSE(has_empty_segment("/products/sku/x"));
  EXPECT_FALSE(has_empty_segment("/"));
  EXPECT_FALSE(has_empty_segment(""));
  EXPECT_TRUE(has_empty_segment("/products/sku/"));
  EXPECT_TRUE(has_empty_segment("/products//edit"));
  EXPECT_TRUE(has_empty_segment("//x"));
}

// ---------------------------------------------------------------------------
// Sessions and scans with the declared Glance and Glocher APIs

class TrustTest : public ::testing::Test {
 protected:
  Session session(const std::string& api_name, const LoopbackServer& server, int page_size = 0) {
    static int sessions = 0;
    const Api* api = find_api(api_name);
    Config c = test_config(api_name, server.url(""));
    c.server = "trust-" + std::to_string(++sessions);
    c.secrets = {{"api_key", "KEY"}, {"email", "e@x"}, {"password", "pw"}};
    c.options["shop_id"] = "42";
    c.max_concurrency = 1;
    c.http = fast_http_options(2);
    c.relname = api_name + "_table";
    c.page_size = page_size;
    return Session(*api, c, client, nullptr, &stats, HttpHooks());
  }

  // Every row of a scan of `table` with conditions `conds` (column = value).
  std::vector<Row> scan(Session& s, const std::string& table,
                        std::vector<std::pair<std::string, std::string>> conds = {}, long max_pages = 0) {
    const Table* t = s.api().table(table);
    EXPECT_NE(t, nullptr);
    ScanRequest req;
    for (const auto& [col, v] : conds) req.conds.push_back({col, kEq, 1});
    for (const auto& c : t->columns) req.needed.push_back(c.name);
    auto plan = plan_scan(*t, req);
    EXPECT_TRUE(plan.has_value());
    plan->eager = false;
    std::vector<CondValues> values;
    for (int i : plan->used) values.push_back(vals({conds[i].second}));
    Scan sc(s, *t, *plan, values, std::vector<bool>(t->columns.size(), true));
    if (max_pages) sc.set_max_pages(max_pages);
    std::vector<Row> rows;
    Row r;
    while (sc.next(&r)) rows.push_back(r);
    return rows;
  }

  // The error a scan ends with.
  Error scan_error(Session& s, const std::string& table,
                   std::vector<std::pair<std::string, std::string>> conds = {}, long max_pages = 0) {
    try {
      scan(s, table, conds, max_pages);
    } catch (const Error& e) {
      return e;
    }
    ADD_FAILURE() << "expected cfdw::Error";
    return Error("00000", "");
  }

  static std::vector<std::string> targets(const LoopbackServer& server) {
    std::vector<std::string> out;
    for (const auto& r : server.received()) out.push_back(r.method + " " + r.target);
    return out;
  }

  HttpClient client;
  ServerStats stats;
};

std::string glance_page(const std::string& rows, const std::string& total, const std::string& more) {
  return R"({"success":true,"data":)" + rows + R"(,"pagination":{"total":)" + total +
         R"(,"limit":100,"offset":0,"hasMore":)" + more + "}}";
}

TEST_F(TrustTest, RedirectsAreErrors) {
  LoopbackServer server([](const Received&, int) {
    return respond(307, "", "Location: http://127.0.0.1:1/elsewhere\r\n");
  });
  Session s = session("glance", server);
  const Error e = scan_error(s, "inventory");
  EXPECT_EQ(e.sqlstate(), sqlstate::kFdwUnableToEstablishConnection);
  EXPECT_EQ(std::string(e.what()), "glance GET /inventory?page=1&limit=100: HTTP 307 (redirects are not followed)");
  EXPECT_EQ(server.requests(), 1);
}

TEST_F(TrustTest, GlanceFailureEnvelopeIn200IsAnErrorClassifiedByItsStatus) {
  LoopbackServer server([](const Received&, int n) {
    if (n == 0) return respond(200, R"({"success":false,"error":{"status":401,"message":"Invalid API key"}})");
    if (n == 1) return respond(200, R"({"success":false,"error":{"status":422,"message":"limit too large"}})");
    return respond(200, R"({"success":false,"error":"out of order"})");
  });
  Session s = session("glance", server);
  Error e = scan_error(s, "inventory");
  EXPECT_EQ(e.sqlstate(), sqlstate::kInvalidAuthorization);
  EXPECT_EQ(std::string(e.what()), "glance GET /inventory?page=1&limit=100: HTTP 200: Invalid API key");
  e = scan_error(s, "inventory");
  EXPECT_EQ(e.sqlstate(), sqlstate::kInvalidParameterValue);
  EXPECT_EQ(std::string(e.what()), "glance GET /inventory?page=1&limit=100: HTTP 200: limit too large");
  e = scan_error(s, "inventory");
  EXPECT_EQ(e.sqlstate(), sqlstate::kInvalidParameterValue);
  EXPECT_EQ(std::string(e.what()), "glance GET /inventory?page=1&limit=100: HTTP 200: out of order");
}

TEST_F(TrustTest, GlanceValidationIssuesReachTheDetail) {
  LoopbackServer server([](const Received&, int n) {
    if (n == 0)
      return respond(400, R"({"success":false,"error":{"status":400,"message":"Validation failed","code":"BAD_REQUEST",)"
                          R"("issues":[{"path":["products",0,"price"],"message":"Expected number, received string"},)"
                          R"({"path":["clientId"],"message":"Required"}]}})");
    // An issue that only restates the message, and one with no path and its own text.
    return respond(400, R"({"success":false,"error":{"status":400,"message":"Bad Request",)"
                        R"("issues":[{"path":[],"message":"Bad Request"},{"path":[],"message":"Body must be an object"}]}})");
  });
  Session s = session("glance", server);
  Error e = scan_error(s, "inventory");
  EXPECT_EQ(e.sqlstate(), sqlstate::kInvalidParameterValue);
  EXPECT_EQ(std::string(e.what()), "glance GET /inventory?page=1&limit=100: HTTP 400: Validation failed");
  EXPECT_EQ(e.detail(), "Issues:\nproducts.0.price: Expected number, received string\nclientId: Required");
  e = scan_error(s, "inventory");
  EXPECT_EQ(e.detail(), "Issues:\n(request): Body must be an object");
}

TEST_F(TrustTest, GlocherErrWithAMessageInA500KeepsTheMessage) {
  LoopbackServer server([](const Received& r, int) {
    if (r.target.rfind("/auth", 0) == 0) return respond(200, R"({"status":"OK","data":{"token":"T"}})");
    return respond(500, R"({"status":"ERR","message":"database unavailable"})");
  });
  Session s = session("glocher", server);
  const Error e = scan_error(s, "categories");
  EXPECT_EQ(e.sqlstate(), sqlstate::kFdwUnableToEstablishConnection);
  EXPECT_NE(std::string(e.what()).find(": HTTP 500: status ERR: database unavailable"), std::string::npos)
      << e.what();
}

TEST_F(TrustTest, EmptyAndNullBodiesAreErrorsWhereDataIsExpected) {
  LoopbackServer server([](const Received&, int n) { return respond(200, n == 0 ? "" : "null"); });
  Session s = session("glance", server);
  Error e = scan_error(s, "inventory");
  EXPECT_EQ(e.sqlstate(), sqlstate::kFdwUnableToEstablishConnection);
  EXPECT_EQ(std::string(e.what()),
            "glance GET /inventory?page=1&limit=100: HTTP 200: the response is empty where data was expected");
  e = scan_error(s, "inventory");
  EXPECT_EQ(std::string(e.what()),
            "glance GET /inventory?page=1&limit=100: HTTP 200: the response is null where data was expected");
}

TEST_F(TrustTest, ScalarListItemsAreErrors) {
  LoopbackServer server([](const Received&, int) { return respond(200, glance_page("[{\"id\":1},7]", "2", "false")); });
  Session s = session("glance", server);
  const Error e = scan_error(s, "inventory");
  EXPECT_EQ(e.sqlstate(), sqlstate::kFdwInvalidDataType);
  EXPECT_EQ(std::string(e.what()),
            "glance GET /inventory?page=1&limit=100: item 2 of the list at \"data\" is not an object: 7");
}

TEST_F(TrustTest, AListWithoutItsRowsIsAnError) {
  LoopbackServer server([](const Received&, int) { return respond(200, R"({"success":true})"); });
  Session s = session("glance", server);
  const Error e = scan_error(s, "inventory");
  EXPECT_EQ(std::string(e.what()),
            "glance GET /inventory?page=1&limit=100: expected a list of rows at \"data\", got nothing");
}

TEST_F(TrustTest, MoreRowsThanTheTotalFail) {
  LoopbackServer server([](const Received& r, int) {
    const bool first = r.target.find("page=1&") != std::string::npos;
    return respond(200, glance_page(first ? R"([{"id":1},{"id":2}])" : R"([{"id":3},{"id":4}])", "3", "true"));
  });
  Session s = session("glance", server);
  const Error e = scan_error(s, "inventory");
  EXPECT_EQ(e.sqlstate(), sqlstate::kFdwError);
  EXPECT_EQ(std::string(e.what()),
            "glance GET /inventory?page=2&limit=2: the listing returned more rows (4) than its total (3)");
}

TEST_F(TrustTest, ARepeatedPageFails) {
  LoopbackServer server(
      [](const Received&, int) { return respond(200, glance_page(R"([{"id":1},{"id":2}])", "\"x\"", "true")); });
  Session s = session("glance", server);
  const Error e = scan_error(s, "inventory");
  EXPECT_EQ(e.sqlstate(), sqlstate::kFdwError);
  EXPECT_EQ(std::string(e.what()), "glance GET /inventory?page=2&limit=2: the response repeats the previous page (2 rows)");
  EXPECT_EQ(server.requests(), 2);
}

// Glocher's cart lists: page = 1, 2, ... with `count` a total only when it
// exceeds its page.
std::string glocher_carts(long first, long n, long count) {
  std::string rows;
  for (long i = 0; i < n; ++i) rows += (i ? "," : "") + std::string("{\"id\":") + std::to_string(first + i) + "}";
  return R"({"status":"OK","data":[)" + rows + R"(],"page":1,"count":)" + std::to_string(count) + "}";
}
long page_of(const std::string& target) {
  const size_t at = target.find("page=");
  return at == std::string::npos ? 1 : std::atol(target.c_str() + at + 5);
}

TEST_F(TrustTest, GlocherCartListsArePagedUntilTheirCount) {
  LoopbackServer server([](const Received& r, int) {
    if (r.target.rfind("/auth", 0) == 0) return respond(200, R"({"status":"OK","data":{"token":"T"}})");
    const long page = page_of(r.target);  // 5 carts, 2 a page
    return respond(200, glocher_carts(page * 2 - 1, page < 3 ? 2 : 1, 5));
  });
  Session s = session("glocher", server, 2);
  EXPECT_EQ(scan(s, "carts", {{"status", "completed"}}).size(), 5u);
  EXPECT_EQ(targets(server), (std::vector<std::string>{"POST /auth", "GET /getCompletedCarts?id=42&page=1&token=T",
                                                       "GET /getCompletedCarts?id=42&page=2&token=T",
                                                       "GET /getCompletedCarts?id=42&page=3&token=T"}));
}

TEST_F(TrustTest, GlocherCountIsATotalOnlyWhenLargerThanItsPage) {
  // 4 carts, 2 a page: the second page is full, but count 4 ends the listing.
  LoopbackServer server([](const Received& r, int) {
    if (r.target.rfind("/auth", 0) == 0) return respond(200, R"({"status":"OK","data":{"token":"T"}})");
    return respond(200, glocher_carts(page_of(r.target) * 2 - 1, 2, 4));
  });
  Session s = session("glocher", server, 2);
  EXPECT_EQ(scan(s, "carts", {{"status", "completed"}}).size(), 4u);
  EXPECT_EQ(server.requests(), 3);  // auth and two pages
  // A count equal to its full page may be the page's own: the next page is asked for.
  LoopbackServer pages([](const Received& r, int) {
    if (r.target.rfind("/auth", 0) == 0) return respond(200, R"({"status":"OK","data":{"token":"T"}})");
    const long page = page_of(r.target);
    return respond(200, glocher_carts(page * 2 - 1, page < 3 ? 2 : 0, page < 3 ? 2 : 0));
  });
  Session s2 = session("glocher", pages, 2);
  EXPECT_EQ(scan(s2, "carts", {{"status", "completed"}}).size(), 4u);
  EXPECT_EQ(pages.requests(), 4);
}

TEST_F(TrustTest, AGlocherListIgnoringThePageFailsNamingTheRowsNotRead) {
  LoopbackServer server([](const Received& r, int) {
    if (r.target.rfind("/auth", 0) == 0) return respond(200, R"({"status":"OK","data":{"token":"T"}})");
    return respond(200, glocher_carts(1, 2, 5));  // always the first page
  });
  Session s = session("glocher", server, 2);
  const Error e = scan_error(s, "carts", {{"status", "completed"}});
  EXPECT_EQ(e.sqlstate(), sqlstate::kFdwError);
  EXPECT_EQ(std::string(e.what()),
            "glocher GET /getCompletedCarts?id=42&page=2: the response repeats the previous page (2 rows); 3 of its 5 "
            "rows could not be read");
}

TEST_F(TrustTest, GCommerce509IsARefusalNamingTheHourlyLimit) {
  LoopbackServer server([](const Received&, int) {
    return respond(509, R"({"message":"Bandwidth Limit Exceeded"})");
  });
  Session s = session("gcommerce", server);
  ApiRequest put;
  put.method = "PUT";
  put.path = "/products/7";
  put.body = R"({"price":"1"})";
  put.idempotent = false;
  try {
    s.call(put);
    ADD_FAILURE() << "expected cfdw::Error";
  } catch (const Error& e) {
    EXPECT_EQ(e.effect(), RequestEffect::NotApplied);
    EXPECT_EQ(std::string(e.what()),
              "gcommerce PUT /products/7: HTTP 509: Bandwidth Limit Exceeded; the API's requests-per-hour limit was "
              "reached (rate_limit_per_hour is not set)");
    EXPECT_NE(e.hint().find("retry after the hour's window"), std::string::npos) << e.hint();
    EXPECT_NE(e.hint().find("rate_limit_per_hour"), std::string::npos) << e.hint();
  }
  EXPECT_EQ(server.requests(), 1);  // not retried
}

TEST_F(TrustTest, GCommerce413NamesThePageSizeSent) {
  LoopbackServer server([](const Received&, int) { return respond(413, R"({"message":"Request Entity Too Large"})"); });
  Session s = session("gcommerce", server);
  const Error e = scan_error(s, "categories");
  EXPECT_EQ(std::string(e.what()),
            "gcommerce GET /categories?page=1&items_per_page=100: HTTP 413: Request Entity Too Large; the page size "
            "sent was items_per_page=100");
  EXPECT_EQ(e.hint(), "Lower the page_size option of the foreign table \"gcommerce_table\" or server \"" +
                          s.config().server + "\" below 100.");
}

TEST_F(TrustTest, AnEndlessListingStopsAtThePageCap) {
  LoopbackServer server([](const Received& r, int n) {
    (void)r;
    return respond(200, glance_page("[{\"id\":" + std::to_string(n + 1) + "}]", "null", "true"));
  });
  Session s = session("glance", server);
  const Error e = scan_error(s, "inventory", {}, 5);
  EXPECT_EQ(e.sqlstate(), sqlstate::kFdwError);
  EXPECT_EQ(std::string(e.what()), "glance GET /inventory?page=6&limit=1: the listing did not end after 5 pages");
  EXPECT_EQ(server.requests(), 6);
  EXPECT_EQ(kMaxPagesPerSeries, 100000);
}

TEST_F(TrustTest, AnInexactTotalIsNotUsedForCount) {
  // count(*): 1.5 is not a total, so the rows are counted page by page.
  LoopbackServer server([](const Received& r, int) {
    if (r.target.find("limit=1") != std::string::npos && r.target.find("limit=100") == std::string::npos)
      return respond(200, glance_page(R"([{"id":1}])", "1.5", "true"));
    const bool first = r.target.find("page=1&") != std::string::npos;
    return respond(200, first ? glance_page(R"([{"id":1},{"id":2}])", "1e3", "true")
                              : glance_page(R"([{"id":3}])", "true", "false"));
  });
  Session s = session("glance", server);
  const Table* t = s.api().table("inventory");
  ScanRequest req;
  auto plan = plan_scan(*t, req);
  ASSERT_TRUE(plan.has_value());
  plan->count_only = true;
  Scan sc(s, *t, *plan, {}, std::vector<bool>(t->columns.size(), false));
  EXPECT_EQ(sc.count(), 3);
  EXPECT_EQ(targets(server), (std::vector<std::string>{"GET /inventory?page=1&limit=1",
                                                       "GET /inventory?page=1&limit=100",
                                                       "GET /inventory?page=2&limit=2"}));
}

TEST_F(TrustTest, DotKeysAreOneEncodedSegmentAndEmptyKeysSendNothing) {
  LoopbackServer server([](const Received&, int) { return respond(404, R"({"success":false,"error":{"status":404,"message":"Not found"}})"); });
  Session s = session("glance", server);
  EXPECT_TRUE(scan(s, "products", {{"sku", ".."}}).empty());
  EXPECT_TRUE(scan(s, "products", {{"sku", "."}}).empty());
  EXPECT_TRUE(scan(s, "products", {{"sku", ""}}).empty());
  EXPECT_EQ(targets(server), (std::vector<std::string>{"GET /products/sku/%2E%2E", "GET /products/sku/%2E"}));
}

TEST_F(TrustTest, AWritePathWithAnEmptyKeyIsNotSent) {
  LoopbackServer server([](const Received&, int) { return respond(200, R"({"success":true})"); });
  Session s = session("glance", server);
  ApiRequest r;
  r.method = "DELETE";
  r.path = "/inventory/";
  try {
    s.call(r);
    FAIL() << "expected cfdw::Error";
  } catch (const Error& e) {
    EXPECT_EQ(e.sqlstate(), sqlstate::kInvalidParameterValue);
    EXPECT_EQ(std::string(e.what()),
              "glance DELETE /inventory/: a key value in the URL path is empty; the request was not sent");
  }
  r.path = "/inventory/..";
  s.call(r);
  EXPECT_EQ(targets(server), (std::vector<std::string>{"DELETE /inventory/%2E%2E"}));
}

}  // namespace
}  // namespace cfdw
