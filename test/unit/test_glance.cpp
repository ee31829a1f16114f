// The Glance declarations: movements, documents' filters, and the document
// lookup behind ON CONFLICT DO NOTHING against a scripted loopback server.
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

Config config() { return test_config("glance", "http://127.0.0.1:1"); }

std::vector<std::string> describe(const Table& t, const ScanRequest& req,
                                  std::vector<std::optional<CondValues>> values) {
  return describe_requests(t, req, values, config());
}

TEST(GlancePlan, MovementDatesWidenByADayEachWay) {
  ScanRequest req;
  req.conds = {{"created_at", kGe, 1}, {"created_at", kLt, 1}, {"warehouse_id", kEq, 1}};
  auto plan = plan_scan(glance("inventory_movements"), req);
  ASSERT_TRUE(plan);
  EXPECT_FALSE(plan->all_exact);  // PostgreSQL applies the exact range
  for (size_t u = 0; u < plan->used.size(); ++u) EXPECT_FALSE(remote_only(glance("inventory_movements"), *plan, u));
  EXPECT_EQ(describe(glance("inventory_movements"), req,
                     {vals({"2026-11-21 00:00:00+00"}), vals({"2026-11-22 23:30:00+00"}), vals({"2"})})[0],
            "GET /inventory/movements?startDate=2026-11-20&endDate=2026-11-23&warehouseId=2&page=1&limit=100 (paged)");
}

TEST(Values, DateDayBeforeAndAfter) {
  std::string out;
  EXPECT_TRUE(format_value("2026-03-01 00:30:00+00", Format::DateDayBefore, &out));
  EXPECT_EQ(out, "2026-02-28");
  EXPECT_TRUE(format_value("2024-12-31", Format::DateDayAfter, &out));
  EXPECT_EQ(out, "2025-01-01");
  EXPECT_FALSE(format_value("-infinity", Format::DateDayBefore, &out));
}

TEST(GlancePlan, DocumentsPushOpenAndSku) {
  ScanRequest req;
  req.conds = {{"open", kEq, 1}, {"sku", kEq, 1}};
  EXPECT_EQ(describe(glance("documents"), req, {vals({"t"}), vals({"WDG-001"})})[0],
            "GET /documents?open=true&sku=WDG-001&page=1&limit=100 (paged)");
  req.conds = {{"id", kEq, 1}};
  EXPECT_EQ(describe(glance("documents"), req, {vals({"D-5001"})})[0], "GET /documents/id/D-5001");
}

TEST(GlancePlan, WarehousesListAndLookUp) {
  ScanRequest req;
  EXPECT_EQ(describe(glance("warehouses"), req, {})[0], "GET /warehouses?page=1&limit=100 (paged)");
  req.conds = {{"id", kEq, 1}};
  EXPECT_EQ(describe(glance("warehouses"), req, {vals({"2"})})[0], "GET /warehouses/2");
}

// ON CONFLICT DO NOTHING on documents: one list request for the type on the
// row's date; a document conflicts only when type, date, client and total
// (those the row gives) are equal, totals compared as numbers.
TEST(GlanceWrite, DocumentConflictIsTypeDateClientAndTotal) {
  LoopbackServer server([](const Received&, int) {
    return respond(200, R"({"success":true,"data":[
      {"id":"u1","visibleId":"D-1","type":"invoice","date":"2026-11-20","client":{"id":"C-1","email":"a@x.com"},"total":"99.00"},
      {"id":"u2","visibleId":"D-2","type":"invoice","date":"2026-11-20","client":{"id":"C-2","email":"b@x.com"},"total":"10.00"}],
      "pagination":{"total":2,"limit":100,"offset":0,"hasMore":false}})");
  });
  Config c = config();
  c.base_url = server.url("");
  c.secrets = {{"api_key", "k"}};
  HttpClient client;
  ServerStats stats;
  Session session(*find_api("glance"), c, client, nullptr, &stats, HttpHooks());
  const Table& t = glance("documents");
  Writer w(session, t, 0, 1, false);
  auto row = [&](const char* date, const char* email, const char* total) {
    Row r(t.columns.size());
    r[t.column_index("type")] = "invoice";
    r[t.column_index("date")] = date;
    r[t.column_index("client_email")] = email;
    if (total) r[t.column_index("total")] = total;
    return r;
  };
  EXPECT_TRUE(w.exists(row("2026-11-20", "a@x.com", "99")));
  EXPECT_FALSE(w.exists(row("2026-11-20", "a@x.com", "98.99")));
  EXPECT_FALSE(w.exists(row("2026-11-20", "c@x.com", "99")));
  EXPECT_TRUE(w.exists(row("2026-11-20", "b@x.com", nullptr)));  // no total given: not part of the key
  const std::vector<Received> got = server.received();
  ASSERT_EQ(got.size(), 4u);
  EXPECT_EQ(got[0].target, "/documents?type=invoice&startDate=2026-11-20&endDate=2026-11-20&page=1&limit=100");
}

}  // namespace
}  // namespace cfdw
