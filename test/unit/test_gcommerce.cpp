// G-Commerce declarations: the requests plans become and the write each change picks.
#include <gtest/gtest.h>

#include "apis/apis.h"
#include "engine/run/modify.h"
#include "engine/run/scan.h"

#include "loopback_server.h"
#include "test_support.h"

namespace cfdw {
namespace {

const Table& gcommerce(const std::string& name) { return *find_api("gcommerce")->table(name); }

Config config() { return test_config("gcommerce", "http://127.0.0.1:1/gcommerce"); }

std::vector<std::string> describe(const Table& t, const ScanRequest& req, std::vector<CondValues> values) {
  return describe_requests(t, req, values, config());
}

TEST(GCommercePlan, TopThreeByPriceInARangeIsOneSortedRequest) {
  ScanRequest req;
  req.conds = {{"price", kGe, 1}, {"price", kLe, 1}};
  req.sort_column = "price";
  req.sort_desc = true;
  req.limit = 3;
  auto plan = plan_scan(gcommerce("products"), req);
  ASSERT_TRUE(plan);
  EXPECT_TRUE(plan->all_exact);
  EXPECT_EQ(plan->limit, 3);
  EXPECT_EQ(describe(gcommerce("products"), req, {vals({"10"}), vals({"100"})})[0],
            "GET /products?price_from=10&price_to=100&sort_by=price&sort_order=desc&page=1&items_per_page=3 (paged)");
}

TEST(GCommercePlan, FullScanAsksForTheLargestPage) {
  EXPECT_EQ(describe(gcommerce("products"), ScanRequest(), {})[0], "GET /products?page=1&items_per_page=100 (paged)");
}

// Bindings sharing a query parameter exclude each other: one request carries one q.
TEST(GCommercePlan, ANameAndACodeConditionShareOneSearchTerm) {
  ScanRequest req;
  req.conds = {{"product", kLike, 1}, {"product_code", kEq, 1}};
  auto plan = plan_scan(gcommerce("products"), req);
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->used, std::vector<int>{0});
  EXPECT_FALSE(plan->all_exact);
  EXPECT_EQ(describe(gcommerce("products"), req, {vals({"%Label%"}), vals({"WDG-004"})})[0],
            "GET /products?q=Label&pname=Y&page=1&items_per_page=100 (paged)");
}

TEST(GCommercePlan, TheSearchIsASupersetSoLimitStaysLocal) {
  ScanRequest req;
  req.conds = {{"product_code", kEq, 1}};
  req.limit = 1;
  auto plan = plan_scan(gcommerce("products"), req);
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->limit, -1);
}

TEST(GCommercePlan, CategoryConditionsGoAsCid) {
  ScanRequest req;
  req.conds = {{"category_ids", kContains, 1}, {"main_category", kEq, 1}};
  auto plan = plan_scan(gcommerce("products"), req);
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->used, std::vector<int>{0});  // one cid a request
  EXPECT_EQ(describe(gcommerce("products"), req, {vals({"8212"}), vals({"8212"})})[0],
            "GET /products?cid=8212&page=1&items_per_page=100 (paged)");
}

TEST(GCommercePlan, DetailColumnsAreFetchedOnlyWhenRead) {
  ScanRequest req;
  req.needed = {"product_id", "price"};
  EXPECT_FALSE(plan_scan(gcommerce("products"), req)->detail);
  req.needed.push_back("full_description");
  EXPECT_TRUE(plan_scan(gcommerce("products"), req)->detail);
  req.conds = {{"product_id", kEq, 1}};
  EXPECT_FALSE(plan_scan(gcommerce("products"), req)->detail);  // the lookup returns them
}

TEST(GCommercePlan, OrderItemsNeedAnOrder) {
  ScanRequest req;
  EXPECT_FALSE(plan_scan(gcommerce("order_items"), req));
  req.conds = {{"amount", kGt, 1}};
  EXPECT_FALSE(plan_scan(gcommerce("order_items"), req));
  req.conds = {{"order_id", kIn, 2}};
  EXPECT_EQ(describe(gcommerce("order_items"), req, {vals({"1001", "1002"})})[0],
            "GET /orders/1001 [one request per value (2)]");
}

TEST(GCommercePlan, OrdersSortByDate) {
  ScanRequest req;
  req.sort_column = "created_at";
  req.limit = 2;
  EXPECT_EQ(describe(gcommerce("orders"), req, {})[0],
            "GET /orders?sort_by=date&sort_order=asc&page=1&items_per_page=2 (paged)");
}

TEST(GCommercePlan, FreeShippingIsAListFilterThatFillsItsDetailColumn) {
  ScanRequest req;
  req.conds = {{"free_shipping", kEq, 1}};
  req.needed = {"product_id", "free_shipping"};
  auto plan = plan_scan(gcommerce("products"), req);
  ASSERT_TRUE(plan);
  EXPECT_TRUE(plan->all_exact);
  EXPECT_FALSE(plan->detail);  // every row found has the value asked for
  EXPECT_EQ(describe(gcommerce("products"), req, {vals({"t"})})[0],
            "GET /products?free_shipping=Y&page=1&items_per_page=100 (paged)");
  req.conds.clear();
  EXPECT_TRUE(plan_scan(gcommerce("products"), req)->detail);
}

TEST(GCommercePlan, SearchFlagsFollowTheColumn) {
  ScanRequest req;
  req.conds = {{"search", kEq, 1}};
  req.limit = 5;
  auto plan = plan_scan(gcommerce("products"), req);
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->limit, 5);  // search is the API's own search: applied exactly
  EXPECT_EQ(describe(gcommerce("products"), req, {vals({"printer"})})[0],
            "GET /products?q=printer&pname=Y&pshort=Y&pfull=Y&page=1&items_per_page=5 (paged)");
  req.conds = {{"full_description", kILike, 1}};
  EXPECT_EQ(describe(gcommerce("products"), req, {vals({"%item 5 of%"})})[0],
            "GET /products?q=item%205%20of&pfull=Y&page=1&items_per_page=100 (paged)");
  req.conds = {{"short_description", kEq, 1}};
  EXPECT_EQ(describe(gcommerce("products"), req, {vals({"eco"})})[0],
            "GET /products?q=eco&pshort=Y&page=1&items_per_page=100 (paged)");
}

TEST(GCommercePlan, CategoryTreeAndOrderFilters) {
  ScanRequest req;
  req.conds = {{"category_tree", kEq, 1}};
  EXPECT_EQ(describe(gcommerce("products"), req, {vals({"8210"})})[0],
            "GET /products?cid=8210&subcats=Y&page=1&items_per_page=100 (paged)");
  req.conds = {{"order_id", kIn, 2}};
  EXPECT_EQ(describe(gcommerce("products"), req, {vals({"1001", "1002"})})[0],
            "GET /products?order_ids=1001%2C1002&page=1&items_per_page=100 (paged)");
  // "Comma-separated list of order IDs": one request for the list, not one series per order.
  req.conds = {{"order_id", kIn, 3}};
  EXPECT_EQ(describe(gcommerce("products"), req, {vals({"1", "13", "24"})})[0],
            "GET /products?order_ids=1%2C13%2C24&page=1&items_per_page=100 (paged)");
}

TEST(GCommercePlan, PurchaseOrdersAndShipmentsSortRemotely) {
  ScanRequest req;
  req.sort_column = "created_at";
  req.sort_desc = true;
  req.limit = 2;
  EXPECT_EQ(describe(gcommerce("purchase_orders"), req, {})[0],
            "GET /purchase_orders?sort_by=date&sort_order=desc&page=1&items_per_page=2 (paged)");
  req.sort_column = "status";
  req.sort_desc = false;
  EXPECT_EQ(describe(gcommerce("shipments"), req, {})[0],
            "GET /shipments?sort_by=status&sort_order=asc&page=1&items_per_page=2 (paged)");
}

int rule_for(const std::string& table, std::vector<std::string> changed) {
  UpdateShape shape;
  shape.changed = std::move(changed);
  std::string why;
  return choose_write_rule(gcommerce(table), "gcommerce_" + table, WriteKind::Update, &shape, &why);
}

TEST(GCommerceWrite, StockAndPriceGoInBulkOtherChangesOneByOne) {
  const Table& t = gcommerce("products");
  const int bulk = rule_for("products", {"amount"});
  ASSERT_GE(bulk, 0);
  EXPECT_EQ(t.writes[bulk].path, "/products_bulk");
  EXPECT_EQ(t.writes[bulk].batch_max, 1000);
  EXPECT_EQ(rule_for("products", {"amount", "price"}), bulk);
  const int put = rule_for("products", {"amount", "status"});
  ASSERT_GE(put, 0);
  EXPECT_EQ(t.writes[put].method + " " + t.writes[put].path, "PUT /products/{product_id}");
}

TEST(GCommerceWrite, MarketplaceAttributesGoInBulk) {
  const Table& t = gcommerce("products");
  const int bulk = rule_for("products", {"manufacturer_name", "abilityone", "price"});
  ASSERT_GE(bulk, 0);
  EXPECT_EQ(t.writes[bulk].path, "/products_bulk");
  EXPECT_EQ(rule_for("products", {"brand"}), -1);  // the feed takes it, no update does
}

TEST(GCommerceWrite, InsertViaFeedIsATableOption) {
  const Table& t = gcommerce("products");
  std::string why;
  const int plain = choose_write_rule(t, "gcommerce_products", WriteKind::Insert, nullptr, &why);
  ASSERT_GE(plain, 0);
  EXPECT_EQ(t.writes[plain].path, "/products");
  std::map<std::string, std::string> options = {{"insert_via", "feed"}};
  const int feed = choose_write_rule(t, "gcommerce_products", WriteKind::Insert, nullptr, &why, &options);
  ASSERT_GE(feed, 0);
  EXPECT_EQ(t.writes[feed].path, "/products_feed");
  EXPECT_EQ(t.writes[feed].batch_max, 10000);
  EXPECT_EQ(t.writes[feed].batch_key, "items");
  EXPECT_FALSE(t.writes[feed].no_returning.empty());
  options["insert_via"] = "create";
  EXPECT_EQ(choose_write_rule(t, "gcommerce_products", WriteKind::Insert, nullptr, &why, &options), plain);
  // UPDATEs are the same either way
  UpdateShape shape;
  shape.changed = {"amount"};
  options["insert_via"] = "feed";
  EXPECT_EQ(t.writes[choose_write_rule(t, "gcommerce_products", WriteKind::Update, &shape, &why, &options)].path,
            "/products_bulk");
}

// The feed's items: category_ids comma-separated, images joined by ///, flags as Y/N; the rows of a
// statement in one request.
TEST(GCommerceWrite, TheFeedSendsTheDocumentedItemFormat) {
  LoopbackServer server([](const Received&, int) { return respond(200, R"({"queue_id":"6772968756425294"})"); });
  Config c = test_config("gcommerce", server.url(""));
  c.server = "gcommerce-feed-test";
  c.secrets = {{"email", "vendor@example.com"}, {"api_key", "key"}};
  HttpClient client;
  ServerStats stats;
  Session s(*find_api("gcommerce"), c, client, nullptr, &stats, HttpHooks());
  const Table& t = gcommerce("products");
  std::map<std::string, std::string> options = {{"insert_via", "feed"}};
  std::string why;
  const int feed = choose_write_rule(t, "gcommerce_products", WriteKind::Insert, nullptr, &why, &options);
  ASSERT_GE(feed, 0);
  Writer w(s, t, feed, 10000, false);
  Row row(t.columns.size());
  row[t.column_index("product")] = "Dryer";
  row[t.column_index("product_code")] = "F-1";
  row[t.column_index("category_ids")] = "{8212,8211}";
  row[t.column_index("images")] = "{https://x.test/1.jpg,https://x.test/2.jpg}";
  row[t.column_index("made_in_usa")] = "t";
  Row returned;
  EXPECT_FALSE(w.write(row, Row(), std::nullopt, &returned));  // queued
  row[t.column_index("product")] = "Dryer 2";
  row[t.column_index("images")] = std::nullopt;
  w.write(row, Row(), std::nullopt, &returned);
  w.flush();
  const std::vector<Received> got = server.received();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].target, "/products_feed");
  EXPECT_EQ(got[0].body,
            R"({"items":[{"product":"Dryer","code":"F-1","category_ids":"8212,8211",)"
            R"("images":"https://x.test/1.jpg///https://x.test/2.jpg","made_in_usa":"Y"},)"
            R"({"product":"Dryer 2","code":"F-1","category_ids":"8212,8211","made_in_usa":"Y"}]})");
}

// A refused products_feed request fails the statement naming its rows by
// product_code: the earlier request's rows were queued (applied), the refused
// one's not applied.
TEST(GCommerceWrite, ARefusedFeedRequestListsItsRowsByProductCode) {
  LoopbackServer server([](const Received&, int n) {
    return n == 0 ? respond(200, R"({"queue_id":"6772968756425294"})") : respond(400, R"({"message":"Bad item"})");
  });
  Config c = test_config("gcommerce", server.url(""));
  c.server = "gcommerce-feed-outcome-test";
  c.relname = "gcommerce_products";
  c.secrets = {{"email", "vendor@example.com"}, {"api_key", "key"}};
  HttpClient client;
  ServerStats stats;
  Session s(*find_api("gcommerce"), c, client, nullptr, &stats, HttpHooks());
  const Table& t = gcommerce("products");
  std::map<std::string, std::string> options = {{"insert_via", "feed"}};
  std::string why;
  const int feed = choose_write_rule(t, "gcommerce_products", WriteKind::Insert, nullptr, &why, &options);
  ASSERT_GE(feed, 0);
  Writer w(s, t, feed, 2, false);
  Row returned;
  try {
    for (const char* code : {"F-1", "F-2", "F-3", "F-4"}) {
      Row row(t.columns.size());
      row[t.column_index("product")] = std::string("Dryer ") + code;
      row[t.column_index("product_code")] = code;
      w.write(row, Row(), std::nullopt, &returned);
    }
    w.flush();
    FAIL() << "the refused request did not fail the statement";
  } catch (const Error& e) {
    EXPECT_EQ(e.sqlstate(), "22023");
    EXPECT_EQ(e.detail(),
              "Rows of this statement by outcome:\n"
              "applied: 2 rows (product_code: F-1, F-2)\n"
              "unknown: 0 rows\n"
              "not applied: 2 rows (product_code: F-3, F-4)");
  }
  EXPECT_EQ(server.received().size(), 2u);
}

TEST(GCommerceWrite, ColumnsTheApiSetsCannotChange) {
  std::string why;
  UpdateShape shape;
  shape.changed = {"created_at"};
  EXPECT_EQ(choose_write_rule(gcommerce("products"), "gcommerce_products", WriteKind::Update, &shape, &why), -1);
  EXPECT_NE(why.find("list_price"), std::string::npos) << why;  // what can change, listed
  EXPECT_EQ(rule_for("orders", {"email"}), -1);
  EXPECT_GE(rule_for("orders", {"status"}), 0);
}

}  // namespace
}  // namespace cfdw
