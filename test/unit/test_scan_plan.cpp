// Planning and request building for declared tables, and the requests a
// scan sends (to a loopback server answering empty pages).
#include <gtest/gtest.h>

#include "apis/apis.h"
#include "engine/run/modify.h"
#include "engine/run/scan.h"
#include "engine/wire/values.h"
#include "loopback_server.h"

#include "test_support.h"

namespace cfdw {
namespace {

const Table& glance(const std::string& name) { return *find_api("glance")->table(name); }

Config config() { return test_config("glance", "http://127.0.0.1:1/glance"); }

std::vector<std::string> describe(const Table& t, const ScanRequest& req,
                                  std::vector<std::optional<CondValues>> values) {
  return describe_requests(t, req, values, config());
}

TEST(ScanPlan, FullScanPagesAtTheDocumentedMaximum) {
  ScanRequest req;
  auto lines = describe(glance("inventory"), req, {});
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0], "GET /inventory?page=1&limit=100 (paged)");
}

TEST(ScanPlan, IdEqualityIsAPointLookup) {
  ScanRequest req;
  req.conds = {{"id", kEq, 1}};
  auto plan = plan_scan(glance("inventory"), req);
  ASSERT_TRUE(plan);
  EXPECT_EQ(glance("inventory").reads[plan->endpoints[0]].path, "/inventory/{id}");
  EXPECT_TRUE(plan->all_exact);
  EXPECT_EQ(describe(glance("inventory"), req, {vals({"7"})})[0], "GET /inventory/7");
}

TEST(ScanPlan, WarehouseFilterBecomesAQueryParameter) {
  ScanRequest req;
  req.conds = {{"warehouse_id", kEq, 1}};
  EXPECT_EQ(describe(glance("inventory"), req, {vals({"2"})})[0],
            "GET /inventory?warehouseId=2&page=1&limit=100 (paged)");
}

TEST(ScanPlan, ProductLookupNeedsASupplementOnlyWhenNameOrSkuIsRead) {
  ScanRequest req;
  req.conds = {{"product_id", kEq, 1}};
  req.needed = {"id", "quantity"};
  auto plan = plan_scan(glance("inventory"), req);
  ASSERT_TRUE(plan);
  EXPECT_FALSE(plan->supplement);
  req.needed.push_back("product_sku");
  plan = plan_scan(glance("inventory"), req);
  ASSERT_TRUE(plan);
  EXPECT_TRUE(plan->supplement);
}

TEST(ScanPlan, SkuIsOnePercentEncodedPathSegment) {
  ScanRequest req;
  req.conds = {{"sku", kEq, 1}};
  EXPECT_EQ(describe(glance("products"), req, {vals({"A/B?C&D=E F"})})[0], "GET /products/sku/A%2FB%3FC%26D%3DE%20F");
}

TEST(ScanPlan, SearchTermsAreEncodedInTheQueryString) {
  ScanRequest req;
  req.conds = {{"search", kEq, 1}};
  EXPECT_EQ(describe(glance("products"), req, {vals({"a&b c"})})[0],
            "GET /products?search=a%26b%20c&page=1&limit=100 (paged)");
}

TEST(ScanPlan, LimitShapesThePageOnlyWhenEveryConditionIsRemote) {
  ScanRequest req;
  req.limit = 5;
  auto plan = plan_scan(glance("inventory"), req);
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->limit, 5);
  EXPECT_EQ(describe(glance("inventory"), req, {})[0], "GET /inventory?page=1&limit=5 (paged)");
  // A condition the API cannot apply keeps PostgreSQL filtering: no remote limit.
  req.conds = {{"location", kEq, 1}};
  plan = plan_scan(glance("inventory"), req);
  ASSERT_TRUE(plan);
  EXPECT_FALSE(plan->all_exact);
  EXPECT_EQ(plan->limit, -1);
}

TEST(ScanPlan, SearchColumnWithoutASearchingEndpointIsNotUsed) {
  // search echoes the term: the by-id lookup cannot send it, so the list is used.
  ScanRequest req;
  req.conds = {{"product_id", kEq, 1}, {"search", kEq, 1}};
  auto plan = plan_scan(glance("inventory"), req);
  ASSERT_TRUE(plan);
  EXPECT_EQ(glance("inventory").reads[plan->endpoints[0]].path, "/inventory");
}

TEST(ScanPlan, DateRangesMapToStartAndEndDates) {
  ScanRequest req;
  req.conds = {{"date", kGe, 1}, {"date", kLt, 1}};
  auto lines = describe(glance("documents"), req, {vals({"2026-01-01"}), vals({"2026-02-01"})});
  EXPECT_EQ(lines[0], "GET /documents?startDate=2026-01-01&endDate=2026-02-01&page=1&limit=100 (paged)");
  EXPECT_FALSE(plan_scan(glance("documents"), req)->all_exact);  // < is sent as an inclusive end
}

TEST(ScanPlan, CountNeedsAReportedTotalAndExactConditions) {
  ScanRequest req;
  auto plan = plan_scan(glance("inventory"), req);
  EXPECT_TRUE(can_count(glance("inventory"), *plan));
  req.conds = {{"id", kEq, 1}};
  plan = plan_scan(glance("inventory"), req);
  EXPECT_FALSE(can_count(glance("inventory"), *plan));
}

TEST(ScanPlan, RequestEstimateCountsPagesOfTheRowsAndOneLookup) {
  const Table& orders = *find_api("gcommerce")->table("orders");
  Config cfg = test_config("gcommerce", "http://127.0.0.1:1/gcommerce");
  auto list = plan_scan(orders, ScanRequest{});
  ASSERT_TRUE(list);
  EXPECT_EQ(estimate_requests(orders, *list, cfg, 43), 1);      // one page of 100
  EXPECT_EQ(estimate_requests(orders, *list, cfg, 10000), 100);
  cfg.page_size = 50;                                            // a smaller page: more requests
  EXPECT_EQ(estimate_requests(orders, *list, cfg, 10000), 200);
  ScanRequest by_id;
  by_id.conds = {{"order_id", kEq, 1}};
  auto lookup = plan_scan(orders, by_id);
  ASSERT_TRUE(lookup);
  EXPECT_EQ(estimate_requests(orders, *lookup, cfg, 10000), 1);
  list->limit = 5;                                               // a remote limit: one small page
  EXPECT_EQ(estimate_requests(orders, *list, cfg, 10000), 1);
}

TEST(ScanPlan, RequestEstimateNamesPagesAndPerRowDetails) {
  const Table& products = *find_api("gcommerce")->table("products");
  ScanRequest req;
  req.needed = {"product_id", "full_description"};
  auto plan = plan_scan(products, req);
  ASSERT_TRUE(plan);
  ASSERT_TRUE(plan->detail);
  RequestEstimate e = estimate(products, *plan, 0, 3000);
  EXPECT_EQ(e.pages, 30);    // 3,000 rows, 100 a page
  EXPECT_EQ(e.details, 3000);  // one detail request a row
  EXPECT_EQ(e.total(), 3030);
  plan->limit = 20;          // a LIMIT bounds the pages and the detail requests
  e = estimate(products, *plan, 0, 3000);
  EXPECT_EQ(e.pages, 1);
  EXPECT_EQ(e.details, 20);
}

TEST(ScanPlan, AClauseNotOfferedMakesTheScanInexactAndDropsTheLimit) {
  ScanRequest req;
  req.limit = 5;
  auto plan = plan_scan(glance("inventory"), req);
  ASSERT_TRUE(plan);
  EXPECT_TRUE(plan->all_exact);
  EXPECT_EQ(plan->limit, 5);
  req.unoffered = 1;  // a condition PostgreSQL applies that the engine never saw
  plan = plan_scan(glance("inventory"), req);
  ASSERT_TRUE(plan);
  EXPECT_FALSE(plan->all_exact);
  EXPECT_EQ(plan->limit, -1);
}

TEST(ScanPlan, SerializationRoundTrips) {
  ScanPlan p;
  p.table = "inventory";
  p.endpoints = {2};
  p.used = {0, 3};
  p.binding_of = {1, -1};
  p.sort_column = "price";
  p.sort_desc = true;
  p.limit = 3;
  p.detail = true;
  p.eager = true;
  ScanPlan q = ScanPlan::deserialize(p.serialize());
  EXPECT_EQ(q.serialize(), p.serialize());
  EXPECT_EQ(q.binding_of, p.binding_of);
  EXPECT_EQ(q.sort_column, "price");
}

// A scan sends what render_scan rendered for it, and EXPLAIN shows: each
// series' supplement lookup, then its first page (every page here is empty, so
// it is the last), series after series.
TEST(ScanPlan, AScanSendsTheRenderedRequests) {
  LoopbackServer server([](const Received& r, int) {
    if (r.target.rfind("/inventory/product/", 0) == 0) return respond(200, R"({"success":true,"data":[]})");
    if (r.target.find('?') == std::string::npos) return respond(404, R"({"success":false,"error":"not found"})");
    return respond(200, R"({"success":true,"data":[],"pagination":{"total":0,"limit":100,"offset":0,"hasMore":false}})");
  });
  Config c = config();
  c.base_url = server.url("");
  c.secrets = {{"api_key", "k"}};
  HttpClient client;
  ServerStats stats;
  Session session(*find_api("glance"), c, client, nullptr, &stats, HttpHooks());
  struct Case {
    const char* table;
    std::vector<CondShape> conds;
    std::vector<CondValues> values;
    std::vector<std::string> needed;
    std::vector<std::string> sent;
  };
  const std::vector<Case> cases = {
      {"inventory", {{"id", kIn, 3}}, {vals({"3", "1", "3"})}, {"id"}, {"GET /inventory/3", "GET /inventory/1"}},
      {"inventory", {{"product_id", kEq, 1}}, {vals({"1"})}, {"id", "product_name"},
       {"GET /products/id/1", "GET /inventory/product/1"}},
      {"inventory", {{"warehouse_id", kIn, 2}}, {vals({"1", "3"})}, {"id"},
       {"GET /inventory?warehouseId=1&page=1&limit=100", "GET /inventory?warehouseId=3&page=1&limit=100"}},
      {"documents", {{"date", kGe, 1}, {"date", kLt, 1}, {"type", kEq, 1}},
       {vals({"2026-01-01"}), vals({"2026-02-01"}), vals({"invoice"})}, {"id"},
       {"GET /documents?startDate=2026-01-01&endDate=2026-02-01&type=invoice&page=1&limit=100"}},
      {"products", {{"sku", kEq, 1}}, {vals({"A/B?C&D=E F"})}, {"id"}, {"GET /products/sku/A%2FB%3FC%26D%3DE%20F"}},
  };
  size_t seen = 0;
  for (const Case& k : cases) {
    const Table& t = glance(k.table);
    ScanRequest req;
    req.conds = k.conds;
    req.needed = k.needed;
    auto plan = plan_scan(t, req);
    ASSERT_TRUE(plan) << k.table;
    std::vector<CondValues> used;
    for (int i : plan->used) used.push_back(k.values.at(i));
    std::vector<bool> needed(t.columns.size(), false);
    for (const auto& n : k.needed) needed[t.column_index(n)] = true;
    Scan scan(session, t, *plan, used, needed);
    Row row;
    while (scan.next(&row)) {
    }
    std::vector<std::string> got;
    const std::vector<Received> all = server.received();
    for (; seen < all.size(); ++seen) got.push_back(all[seen].method + " " + all[seen].target);
    EXPECT_EQ(got, k.sent) << k.table;
    EXPECT_EQ(got, first_requests(t, *plan, used, c)) << k.table;
    // EXPLAIN's first line is the first page of the first series.
    const std::vector<std::optional<CondValues>> given(used.begin(), used.end());
    const std::string line = describe_scan(t, *plan, render_scan(t, *plan, given, c)).front();
    ASSERT_FALSE(got.empty());
    const std::string first_page = got[plan->supplement ? 1 : 0];
    EXPECT_TRUE(line == first_page || line.rfind(first_page + " ", 0) == 0) << line;
  }
}

// EXPLAIN shows what is sent, also where the requests are few or none.
TEST(ScanPlan, ExplainShowsOnlyWhatIsSent) {
  // Several values for a binding that takes one (an array containing two
  // categories): the first is sent, PostgreSQL checks the rest; no fan-out.
  ScanRequest contains;
  contains.conds = {{"category_ids", kContains, 2}};
  EXPECT_EQ(describe_requests(*find_api("gcommerce")->table("products"), contains,
                              std::vector<std::optional<CondValues>>{vals({"8211", "8212"})},
                              test_config("gcommerce", "http://127.0.0.1:1/gcommerce")),
            (std::vector<std::string>{"GET /products?cid=8211&page=1&items_per_page=100 (paged)"}));
  // An empty key and a NULL value send nothing.
  ScanRequest sku;
  sku.conds = {{"sku", kEq, 1}};
  EXPECT_EQ(describe(glance("products"), sku, {vals({""})}), (std::vector<std::string>{"none: no row can match"}));
  ScanRequest ids;
  ids.conds = {{"id", kIn, -1}};
  EXPECT_EQ(describe(glance("inventory"), ids, {CondValues{{std::nullopt}}}),
            (std::vector<std::string>{"none: no row can match"}));
  // A value known only at execution: the supplement lookup shows its placeholder too.
  ScanRequest product;
  product.conds = {{"product_id", kEq, 1}};
  product.needed = {"product_name"};
  EXPECT_EQ(describe(glance("inventory"), product, {std::nullopt}),
            (std::vector<std::string>{"GET /inventory/product/$product_id", "GET /products/id/$product_id"}));
}

TEST(Values, FormatsForRequests) {
  std::string out;
  EXPECT_TRUE(format_value("t", Format::BoolTrueFalse, &out));
  EXPECT_EQ(out, "true");
  EXPECT_TRUE(format_value("f", Format::BoolYN, &out));
  EXPECT_EQ(out, "N");
  EXPECT_TRUE(format_value("2026-03-01 10:20:30+00", Format::Date, &out));
  EXPECT_EQ(out, "2026-03-01");
  EXPECT_TRUE(format_value("2021-02-10 16:43:25+00", Format::EpochSeconds, &out));
  EXPECT_EQ(out, "1612975405");
  EXPECT_TRUE(format_value("2026-03-01 10:20:30.5+00", Format::IsoSeconds, &out));
  EXPECT_EQ(out, "2026-03-01T10:20:30");
  EXPECT_TRUE(format_value("%Printer\\_X%", Format::LikeCore, &out));
  EXPECT_EQ(out, "Printer_X");
  EXPECT_FALSE(format_value("%_%", Format::LikeCore, &out));
}

TEST(WriteRules, QuantityDeltaChoosesAdjustOtherUpdatesEdit) {
  const Table& t = glance("inventory");
  std::string why;
  UpdateShape delta{{"quantity"}, {"quantity"}, {}};
  EXPECT_EQ(t.writes[choose_write_rule(t, "glance_inventory", WriteKind::Update, &delta, &why)].name, "adjust");
  UpdateShape set{{"quantity"}, {}, {{"quantity", std::string("5")}}};
  EXPECT_EQ(t.writes[choose_write_rule(t, "glance_inventory", WriteKind::Update, &set, &why)].name, "edit");
  UpdateShape both{{"quantity", "location"}, {"quantity"}, {}};
  EXPECT_EQ(t.writes[choose_write_rule(t, "glance_inventory", WriteKind::Update, &both, &why)].name, "edit");
  UpdateShape product{{"warehouse_id"}, {}, {}};
  EXPECT_EQ(choose_write_rule(t, "glance_inventory", WriteKind::Update, &product, &why), -1);
  EXPECT_NE(why.find("quantity = quantity ± n"), std::string::npos) << why;
}

TEST(WriteRules, ClientsCannotBeDeleted) {
  const Table& t = glance("clients");
  std::string why;
  EXPECT_EQ(choose_write_rule(t, "glance_clients", WriteKind::Delete, nullptr, &why), -1);
  EXPECT_NE(why.find("no way to delete"), std::string::npos) << why;
}

TEST(Declarations, EveryPathPlaceholderIsBound) {
  for (const Api* api : all_apis()) {
    for (const Table& t : api->tables) {
      for (const Endpoint& e : t.reads) {
        for (size_t pos = e.path.find('{'); pos != std::string::npos; pos = e.path.find('{', pos + 1)) {
          const std::string name = e.path.substr(pos + 1, e.path.find('}', pos) - pos - 1);
          bool bound = name == "shop_id";
          for (const Binding& b : e.bindings) bound |= b.to == BindTo::Path && b.param == name;
          EXPECT_TRUE(bound) << api->name << "." << t.name << " " << e.path;
        }
      }
      for (const auto& c : t.columns) EXPECT_FALSE(c.name.empty());
      for (const Endpoint& e : t.reads)
        for (const Binding& b : e.bindings) EXPECT_NE(t.column(b.column), nullptr) << t.name << " " << b.column;
    }
  }
}

}  // namespace
}  // namespace cfdw
