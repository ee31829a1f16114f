// Unit tests: the made-up fifth API of docs/architecture.md ("Adding an
// API"), declared here exactly as the walkthrough shows it — one list table,
// one point lookup, one write and one option of its own — resolves, plans its
// reads and sends its write with nothing outside its declaration.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "apis/declare.h"
#include "engine/run/modify.h"
#include "engine/run/scan.h"
#include "engine/run/session.h"
#include "loopback_server.h"

#include "test_support.h"

namespace cfdw {
namespace {

// ---- the walkthrough's src/apis/tally.cpp, minus its registry accessor ----
using namespace declare;

Table counts() {
  Table t;
  t.name = "counts";
  t.columns = {col("sku", ColType::Text, "sku"), col("qty", ColType::Int4, "qty"), raw()};
  t.reads = {
      get("by sku", "/stores/{store_id}/counts/{sku}").object().where({path_eq("sku", "sku")}),
      get("list", "/stores/{store_id}/counts")
          .rows("items")
          .paged(paged(PagingStyle::PageSize, "page").size("limit", 100)),
  };
  t.key = {"sku"};
  t.writes = {update_delta("adjust")
                  .of("qty")
                  .request("POST", "/stores/{store_id}/adjust")
                  .body({field("sku", "sku", kRequired), field("by", "qty", kRequired)})};
  t.no_delete_reason = "counts are changed by adjustments only";
  return t;
}

class Tally : public Api {
 public:
  Tally() {
    name = "tally";
    default_base_url = "https://api.tally.example";
    options = {secret("token"), required(id_option("store_id"))};
    tables = {counts()};
  }
  void authenticate(Session& session, HttpRequest& req) const override {
    req.headers.push_back("Authorization: Bearer " + session.config().secrets.at("token"));
  }
};
// ---- end of the walkthrough's file ----

// The registry's part: one resolved instance.
const Tally& tally() {
  static const Tally api = [] {
    Tally a;
    EXPECT_EQ(resolve_references(a), std::vector<std::string>{});
    return a;
  }();
  return api;
}

Config tally_config(const std::string& base_url) {
  Config c = test_config("tally", base_url);
  c.options["store_id"] = "7";
  c.secrets["token"] = "t0k";
  return c;
}

TEST(FifthApi, ResolvesAndPlansItsReads) {
  const Table& t = *tally().table("counts");
  ScanRequest by_sku;
  by_sku.conds = {{"sku", kEq, 1}};
  EXPECT_EQ(describe_requests(t, by_sku, std::vector<std::optional<CondValues>>{vals({"A-1"})},
                              tally_config("https://api.tally.example")),
            (std::vector<std::string>{"GET /stores/7/counts/A-1"}));
  EXPECT_EQ(describe_requests(t, ScanRequest(), std::vector<std::optional<CondValues>>{},
                              tally_config("https://api.tally.example")),
            (std::vector<std::string>{"GET /stores/7/counts?page=1&limit=100 (paged)"}));
}

TEST(FifthApi, SendsItsDeltaWrite) {
  LoopbackServer server([](const Received&, int) { return respond(200, "{}"); });
  const Table& t = *tally().table("counts");
  UpdateShape shape;
  shape.changed = shape.delta = {"qty"};
  std::string why;
  const int rule = choose_write_rule(t, "tally_counts", WriteKind::Update, &shape, &why);
  ASSERT_GE(rule, 0) << why;
  HttpClient client;
  ServerStats stats;
  Session s(tally(), tally_config(server.url("")), client, nullptr, &stats, HttpHooks());
  Writer w(s, t, rule, 1, false, {"qty"});
  Row row(t.columns.size()), old(t.columns.size());
  row[t.column_index("sku")] = old[t.column_index("sku")] = "A-1";
  row[t.column_index("qty")] = "5";
  old[t.column_index("qty")] = "3";
  Row returned;
  w.write(row, old, std::string("2"), &returned);
  w.flush();
  const std::vector<Received> got = server.received();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].target, "/stores/7/adjust");
  EXPECT_EQ(got[0].body, R"({"sku":"A-1","by":2})");
}

}  // namespace
}  // namespace cfdw
