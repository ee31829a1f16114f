// Adaptive lookups (engine/run/adaptive.h): lookups give way to one read of
// the list once they have cost as much; the held rows answer the rest exactly
// as the lookups would (NULL keys, duplicates, absent keys), and a list over
// the row cap is let go (its memory freed) while the lookups go on.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>

#include "apis/apis.h"
#include "engine/run/adaptive.h"
#include "loopback_server.h"
#include "test_support.h"

namespace cfdw {
namespace {

const Table& products() { return *find_api("glance")->table("products"); }

// A Glance product list of `skus` (page size 2), paged with its total.
struct ProductList {
  explicit ProductList(std::vector<std::string> skus)
      : skus(std::move(skus)), server([this](const Received& r, int) { return answer(r); }) {
    cfg = test_config("glance", server.url(""));
    cfg.secrets = {{"api_key", "k"}};
    cfg.relname = "glance_products";
    cfg.page_size = 2;
    session = std::make_unique<Session>(*find_api("glance"), cfg, client, nullptr, &stats, HttpHooks());
  }
  Reply answer(const Received& r) {
    {
      std::lock_guard<std::mutex> lock(mu);
      seen.push_back(r.target);
    }
    const std::string prefix = "/products?page=";
    if (r.target.rfind(prefix, 0) != 0) return respond(400, R"({"success":false,"message":"no"})");
    const size_t page = std::stoul(r.target.substr(prefix.size()));
    std::string rows;
    for (size_t i = (page - 1) * 2; i < skus.size() && i < page * 2; ++i)
      rows += std::string(rows.empty() ? "" : ",") + R"({"id":)" + std::to_string(i + 1) + R"(,"sku":)" +
              (skus[i].empty() ? "null" : "\"" + skus[i] + "\"") + R"(,"name":"p)" + std::to_string(i + 1) + "\"}";
    const bool more = page * 2 < skus.size();
    return respond(200, R"({"success":true,"data":[)" + rows + R"(],"pagination":{"total":)" +
                            std::to_string(skus.size()) + R"(,"limit":2,"offset":0,"hasMore":)" +
                            (more ? "true" : "false") + "}}");
  }
  ListFallback fallback(long pages) const {
    ListFallback f;
    f.plan = *plan_scan(products(), ScanRequest{});
    f.key_columns = {products().column_index("sku")};
    f.key_values = {0};
    f.pages = pages;
    return f;
  }
  std::vector<bool> needed() const {
    std::vector<bool> n(products().columns.size(), false);
    n[size_t(products().column_index("id"))] = true;
    n[size_t(products().column_index("name"))] = true;
    return n;
  }
  // The ids answered for `sku` (nullopt: SQL NULL).
  std::vector<std::string> ids(AdaptiveLookups& a, std::optional<std::string> sku) {
    CondValues v;
    v.values.push_back(std::move(sku));
    EXPECT_TRUE(a.answer(*session, products(), {v}, {}, needed(), 99));
    std::vector<std::string> out;
    Row row;
    while (a.next(&row)) out.push_back(*row[size_t(products().column_index("id"))]);
    return out;
  }
  size_t requests() {
    std::lock_guard<std::mutex> lock(mu);
    return seen.size();
  }

  std::vector<std::string> skus;
  std::mutex mu;
  std::vector<std::string> seen;
  LoopbackServer server;
  Config cfg;
  HttpClient client;
  ServerStats stats;
  std::unique_ptr<Session> session;
};

TEST(AdaptiveLookups, LookupsUntilTheyCostOneListReadThenTheHeldRows) {
  ProductList remote({"A-1", "B-2", "a-1", "C-3", "B-2"});  // 3 pages
  AdaptiveLookups a(remote.fallback(3));
  for (int sent = 0; sent < 3; ++sent)
    EXPECT_FALSE(a.answer(*remote.session, products(), {vals({"A-1"})}, {}, remote.needed(), sent));
  EXPECT_EQ(remote.requests(), 0u);
  EXPECT_EQ(a.state(), AdaptiveLookups::State::Lookups);
  // The fourth lookup: the list is read once (3 pages), and answers it.
  EXPECT_EQ(remote.ids(a, std::string("A-1")), std::vector<std::string>{"1"});
  EXPECT_EQ(a.state(), AdaptiveLookups::State::Held);
  EXPECT_EQ(remote.requests(), 3u);
  EXPECT_EQ(a.list_requests(), 3);
  EXPECT_EQ(a.held_rows(), 5);
  // Exact text: the lookup's recheck (sku = 'a-1') keeps only a-1.
  EXPECT_EQ(remote.ids(a, std::string("a-1")), std::vector<std::string>{"3"});
  EXPECT_EQ(remote.ids(a, std::string("B-2")), (std::vector<std::string>{"2", "5"}));
  EXPECT_TRUE(remote.ids(a, std::string("Z-9")).empty());
  EXPECT_TRUE(remote.ids(a, std::nullopt).empty());  // NULL matches nothing
  EXPECT_EQ(remote.requests(), 3u);                  // nothing more sent
  EXPECT_EQ(a.answered(), 5);
  EXPECT_EQ(a.describe(), "99 sent, then the list read once (3 requests); 5 answered from it");
}

TEST(AdaptiveLookups, AListOverTheCapIsLetGoAndTheLookupsGoOn) {
  ProductList remote({"A-1", "B-2", "C-3", "D-4", "E-5"});
  AdaptiveLookups a(remote.fallback(1), 4);  // at most 4 rows held
  EXPECT_FALSE(a.answer(*remote.session, products(), {vals({"A-1"})}, {}, remote.needed(), 1));
  EXPECT_EQ(a.state(), AdaptiveLookups::State::Abandoned);
  EXPECT_EQ(a.held_rows(), 0);
  EXPECT_EQ(a.abandoned_why(), "more than 4 rows");
  EXPECT_EQ(a.describe(), "1 sent, then the list read (3 requests) and let go (more than 4 rows); the lookups went on");
  const size_t sent = remote.requests();
  EXPECT_EQ(sent, 3u);  // the pages it took to find out
  // Never read again: the lookups go on.
  EXPECT_FALSE(a.answer(*remote.session, products(), {vals({"B-2"})}, {}, remote.needed(), 10));
  Row row;
  EXPECT_FALSE(a.next(&row));
  EXPECT_EQ(remote.requests(), sent);
}

TEST(AdaptiveLookups, AListOfExactlyTheCapIsHeld) {
  ProductList remote({"A-1", "B-2", "C-3", "D-4"});
  AdaptiveLookups a(remote.fallback(1), 4);
  EXPECT_EQ(remote.ids(a, std::string("D-4")), std::vector<std::string>{"4"});
  EXPECT_EQ(a.held_rows(), 4);
}

TEST(AdaptiveLookups, NullKeysInTheListMatchNothing) {
  ProductList remote({"A-1", ""});
  AdaptiveLookups a(remote.fallback(1));
  EXPECT_TRUE(remote.ids(a, std::string("")).empty());
  EXPECT_EQ(remote.ids(a, std::string("A-1")), std::vector<std::string>{"1"});
}

TEST(AdaptiveLookups, OtherValuesOfTheListsConditionsLetItGo) {
  ProductList remote({"A-1"});
  AdaptiveLookups a(remote.fallback(1));
  EXPECT_TRUE(a.answer(*remote.session, products(), {vals({"A-1"})}, {}, remote.needed(), 1));
  EXPECT_FALSE(a.answer(*remote.session, products(), {vals({"A-1"})}, {vals({"7"})}, remote.needed(), 1));
  EXPECT_EQ(a.state(), AdaptiveLookups::State::Abandoned);
}

TEST(AdaptiveLookups, AFailedListReadLetsTheLookupsGoOn) {
  ProductList remote({"A-1"});
  ListFallback f = remote.fallback(1);
  f.plan = *plan_scan(products(), ScanRequest{{CondShape{"vendor_id", kEq, 1}}, {}, "", false, -1, 0});
  AdaptiveLookups a(f);  // the list with vendorId: the server refuses it (400)
  EXPECT_FALSE(a.answer(*remote.session, products(), {vals({"A-1"})}, {vals({"3"})}, remote.needed(), 1));
  EXPECT_EQ(a.state(), AdaptiveLookups::State::Abandoned);
}

TEST(AdaptiveLookups, FallbackSerializes) {
  ListFallback f;
  f.plan = *plan_scan(products(), ScanRequest{});
  f.plan.eager = true;
  f.key_columns = {3, 6};
  f.key_values = {1, 0};
  f.pages = 12;
  const ListFallback g = ListFallback::deserialize(f.serialize());
  EXPECT_EQ(g.pages, 12);
  EXPECT_EQ(g.key_columns, f.key_columns);
  EXPECT_EQ(g.key_values, f.key_values);
  EXPECT_EQ(g.plan.serialize(), f.plan.serialize());
}

}  // namespace
}  // namespace cfdw
