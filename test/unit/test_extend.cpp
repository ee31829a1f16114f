// The Extend declarations: which requests a query's conditions become, and a
// scan against a scripted loopback server.
#include <gtest/gtest.h>

#include "apis/apis.h"
#include "engine/run/modify.h"
#include "engine/run/scan.h"
#include "engine/wire/values.h"
#include "loopback_server.h"

#include "test_support.h"

namespace cfdw {
namespace {

const Table& extend(const std::string& name) { return *find_api("extend")->table(name); }

Config config() { return test_config("extend", "http://127.0.0.1:1/extend/RESTAPI/v1_0/ACME"); }

// The requests EXPLAIN shows; values[i] belongs to req.conds[i] (nullopt: known only at execution).
std::vector<std::string> describe(const Table& t, const ScanRequest& req,
                                  std::vector<std::optional<CondValues>> values) {
  return describe_requests(t, req, values, config());
}

TEST(ExtendPlan, PricesNeedACustomer) {
  ScanRequest req;
  req.conds = {{"product_number", kEq, 1}};
  EXPECT_FALSE(plan_scan(extend("product_prices"), req).has_value());
  req.conds = {{"customer_number", kGt, 1}};
  EXPECT_FALSE(plan_scan(extend("product_prices"), req).has_value());
  req.conds = {{"customer_number", kIn, 2}};
  EXPECT_TRUE(plan_scan(extend("product_prices"), req).has_value());
}

TEST(ExtendPlan, ProductNumbersGoTenARequest) {
  ScanRequest req;
  req.conds = {{"customer_number", kEq, 1}, {"product_number", kIn, 25}};
  std::vector<std::string> products;
  for (int i = 1; i <= 25; ++i) products.push_back("P" + std::to_string(i));
  auto lines = describe(extend("product_prices"), req, {vals({"10001"}), vals(products)});
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0],
            "GET /ProductPrices?customerNumber=10001&productNumberList=P1&productNumberList=P2&productNumberList=P3&"
            "productNumberList=P4&productNumberList=P5&productNumberList=P6&productNumberList=P7&"
            "productNumberList=P8&productNumberList=P9&productNumberList=P10&pageNumber=1 (paged) "
            "[one request series per chunk (3)]");
}

TEST(ExtendPlan, SeveralFanOutsAreListedApart) {
  ScanRequest req;
  req.conds = {{"customer_number", kIn, 2}, {"product_number", kIn, 12}};
  std::vector<std::string> products;
  for (int i = 1; i <= 12; ++i) products.push_back("P" + std::to_string(i));
  auto lines = describe(extend("product_prices"), req, {vals({"1", "2"}), vals(products)});
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("[one request series per value (2); one request series per chunk (2)]"),
            std::string::npos);
}

TEST(ExtendPlan, ChangedSinceIsSentInUtcSeconds) {
  ScanRequest req;
  req.conds = {{"changed_at", kGt, 1}};
  auto plan = plan_scan(extend("product_availability"), req);
  ASSERT_TRUE(plan);
  EXPECT_FALSE(plan->all_exact);  // the remote bound is inclusive: PostgreSQL drops the boundary
  EXPECT_EQ(describe(extend("product_availability"), req, {vals({"2026-11-22 12:00:00.25+00"})})[0],
            "GET /ProductAvailability?modifiedDateFrom=2026-11-22T12%3A00%3A00&pageNumber=1 (paged)");
}

TEST(ExtendPlan, ValuesKnownOnlyAtExecutionShowAsPlaceholders) {
  ScanRequest req;
  req.conds = {{"changed_at", kGe, 1}};
  EXPECT_EQ(describe(extend("product_availability"), req, {std::nullopt})[0],
            "GET /ProductAvailability?modifiedDateFrom=$changed_at&pageNumber=1 (paged)");
}

TEST(ExtendPlan, OrderDateRangesWidenByADay) {
  ScanRequest req;
  req.conds = {{"order_date", kGe, 1}, {"order_date", kLe, 1}};
  auto plan = plan_scan(extend("customer_orders"), req);
  ASSERT_TRUE(plan);
  EXPECT_FALSE(plan->all_exact);  // PostgreSQL applies the exact range
  EXPECT_EQ(describe(extend("customer_orders"), req, {vals({"2026-10-15"}), vals({"2026-10-31"})})[0],
            "GET /CustomerOrders?orderDateFrom=2026-10-14T00%3A00%3A00&orderDateTo=2026-11-01T23%3A59%3A59&"
            "pageOffset=0&pageCount=100 (paged)");
}

TEST(ExtendPlan, OrderNumberIsThePointLookupAndRowsAreDetail) {
  const Table& t = extend("customer_orders");
  ScanRequest req;
  req.conds = {{"order_number", kEq, 1}};
  req.needed = {"order_number", "order_rows"};
  auto plan = plan_scan(t, req);
  ASSERT_TRUE(plan);
  EXPECT_EQ(t.reads[plan->endpoints[0]].path, "/CustomerOrders/{order_number}");
  EXPECT_FALSE(plan->detail);  // the single order carries its rows
  req.conds = {{"customer_number", kEq, 1}};
  plan = plan_scan(t, req);
  ASSERT_TRUE(plan);
  EXPECT_TRUE(plan->detail);  // the list does not: one lookup per order
  req.needed = {"order_number", "customer_name"};
  EXPECT_FALSE(plan_scan(t, req)->detail);
}

TEST(ExtendPlan, LimitShapesThePageCountOfBareArrayLists) {
  ScanRequest req;
  req.limit = 3;
  auto lines = describe(extend("products"), req, {});
  EXPECT_EQ(lines[0], "GET /Products?pageOffset=0&pageCount=3 (paged)");
}

TEST(ExtendPlan, ProductNumberIsOnePathSegment) {
  ScanRequest req;
  req.conds = {{"product_number", kEq, 1}};
  EXPECT_EQ(describe(extend("products"), req, {vals({"KIT 40/B"})})[0], "GET /Products/KIT%2040%2FB");
}

TEST(Values, IsoDayBeforeAndAfterWidenADate) {
  std::string out;
  EXPECT_TRUE(format_value("2026-10-31", Format::IsoDayAfter, &out));
  EXPECT_EQ(out, "2026-11-01T23:59:59");
  EXPECT_TRUE(format_value("2026-03-01", Format::IsoDayBefore, &out));
  EXPECT_EQ(out, "2026-02-28T00:00:00");
  EXPECT_TRUE(format_value("2024-12-31", Format::IsoDayAfter, &out));
  EXPECT_EQ(out, "2025-01-01T23:59:59");
  EXPECT_TRUE(format_value("1969-01-01", Format::IsoDayBefore, &out));
  EXPECT_EQ(out, "1968-12-31T00:00:00");
  EXPECT_TRUE(format_value("2026-10-31", Format::IsoSeconds, &out));
  EXPECT_EQ(out, "2026-10-31T00:00:00");
  // a timestamp keeps its own time
  EXPECT_TRUE(format_value("2026-10-31 10:16:00+00", Format::IsoDayAfter, &out));
  EXPECT_EQ(out, "2026-10-31T10:16:00");
  // no finite bound to send
  EXPECT_FALSE(format_value("-infinity", Format::IsoSeconds, &out));
  EXPECT_FALSE(format_value("infinity", Format::IsoDayAfter, &out));
}

// A list row whose detail is fetched for order_rows keeps the list's own
// columns, which the single order lacks; every request carries the header.
TEST(ExtendScan, DetailRowsKeepTheListColumns) {
  LoopbackServer server([](const Received& r, int) {
    if (r.target == "/CustomerOrders/7")
      return respond(200, R"({"orderHeader":{"orderNumber":"7","customerNumber":"C1"},"orderRows":[{"position":1}]})");
    return respond(200, R"([{"orderNumber":"7","customerNumber":"C1","customerName":"Acme","totalPrice":12.5}])");
  });
  Config c = config();
  c.base_url = server.url("");
  c.secrets = {{"username", "u"}, {"password", "p"}};
  HttpClient client;
  ServerStats stats;
  Session session(*find_api("extend"), c, client, nullptr, &stats, HttpHooks());
  const Table& t = extend("customer_orders");
  ScanRequest req;
  req.conds = {{"customer_number", kEq, 1}};
  req.needed = {"order_number", "customer_name", "total_price", "order_rows"};
  auto plan = plan_scan(t, req);
  ASSERT_TRUE(plan && plan->detail);
  std::vector<bool> needed(t.columns.size(), false);
  for (const auto& col : req.needed) needed[t.column_index(col)] = true;

  Scan scan(session, t, *plan, {vals({"C1"})}, needed);
  Row row;
  ASSERT_TRUE(scan.next(&row));
  EXPECT_EQ(row[t.column_index("order_number")].value_or("NULL"), "7");
  EXPECT_EQ(row[t.column_index("customer_name")].value_or("NULL"), "Acme");
  EXPECT_EQ(row[t.column_index("total_price")].value_or("NULL"), "12.5");
  EXPECT_NE(row[t.column_index("order_rows")].value_or("").find("\"position\""), std::string::npos);
  EXPECT_FALSE(scan.next(&row));

  const std::vector<Received> got = server.received();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].target, "/CustomerOrders?customerNumber=C1&pageOffset=0&pageCount=100");
  EXPECT_EQ(got[1].target, "/CustomerOrders/7");
  for (const Received& r : got) EXPECT_EQ(r.headers.at("extendbasicauthorization"), "Basic dTpw");  // u:p
}

}  // namespace
}  // namespace cfdw

namespace cfdw {
namespace {

// Product list items carry no change date: its bounds are the remote's alone
// (not rechecked against NULL); the single product has it, and there
// PostgreSQL checks a condition on it itself.
TEST(ExtendPlan, ProductChangeDatesAreTheRemotesAlone) {
  const Table& t = extend("products");
  ScanRequest req;
  req.conds = {{"changed_at", kGe, 1}, {"changed_at", kLe, 1}, {"name", kEq, 1}};
  auto plan = plan_scan(t, req);
  ASSERT_TRUE(plan);
  ASSERT_EQ(plan->used.size(), 3u);
  EXPECT_TRUE(remote_only(t, *plan, 0));
  EXPECT_TRUE(remote_only(t, *plan, 1));
  EXPECT_FALSE(remote_only(t, *plan, 2));  // name is in the rows: PostgreSQL keeps the exact match
  EXPECT_EQ(describe(t, req, {vals({"2026-11-06 00:00:00+00"}), vals({"2026-11-07 08:00:00+00"}), vals({"Rug"})})[0],
            "GET /Products?modifiedDateFrom=2026-11-06T00%3A00%3A00&modifiedDateTo=2026-11-07T08%3A00%3A00&"
            "productName=Rug&pageOffset=0&pageCount=100 (paged)");
  req.conds = {{"product_number", kEq, 1}, {"changed_at", kGe, 1}};
  plan = plan_scan(t, req);
  ASSERT_TRUE(plan);
  EXPECT_EQ(t.reads[plan->endpoints[0]].path, "/Products/{product_number}");
  EXPECT_EQ(plan->used, std::vector<int>{0});
}

TEST(ExtendPlan, StockLevelsNeedAWarehouse) {
  const Table& t = extend("warehouse_stock_levels");
  ScanRequest req;
  req.conds = {{"product_number", kEq, 1}};
  EXPECT_FALSE(plan_scan(t, req).has_value());
  req.conds = {{"warehouse", kIn, 2}, {"product_number", kEq, 1}};
  EXPECT_EQ(describe(t, req, {vals({"MAIN", "GBG"}), vals({"ART-1"})})[0],
            "GET /WarehouseStockLevels?warehouse=MAIN&productNumber=ART-1&pageNumber=1 (paged) "
            "[one request series per value (2)]");
}

TEST(ExtendWrite, BalanceIsSetOrAdjusted) {
  const Table& t = extend("warehouse_stock_levels");
  std::string why;
  UpdateShape delta;
  delta.changed = {"balance"};
  delta.delta = {"balance"};
  int rule = choose_write_rule(t, "s", WriteKind::Update, &delta, &why);
  ASSERT_GE(rule, 0);
  EXPECT_EQ(t.writes[rule].method, "PUT");
  EXPECT_EQ(t.writes[rule].body.back().key, "balanceDifference");
  UpdateShape set;
  set.changed = {"balance"};
  set.constants = {{"balance", std::string("5")}};
  rule = choose_write_rule(t, "s", WriteKind::Update, &set, &why);
  ASSERT_GE(rule, 0);
  EXPECT_EQ(t.writes[rule].method, "POST");
  EXPECT_EQ(t.writes[rule].body.back().key, "balance");
  UpdateShape name;
  name.changed = {"warehouse_name"};
  EXPECT_LT(choose_write_rule(t, "s", WriteKind::Update, &name, &why), 0);
}

}  // namespace
}  // namespace cfdw
