// Reading pages the remote cannot be trusted with: a page holding more rows
// than were asked for, the memory one page may cost, NUL characters in text,
// duplicate keys.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "apis/apis.h"
#include "engine/json/codec.h"
#include "engine/json/json.h"
#include "engine/run/scan.h"
#include "loopback_server.h"

#include "test_support.h"

namespace cfdw {
namespace {

using json::Doc;
using json::RowLimit;

// Both parsers (RapidJSON's reader first, then the strict one) must give the same answer.
bool parse_both(std::string_view text, const RowLimit& limit, bool* over) {
  Doc fast, strict;
  std::string why_fast, why_strict;
  const bool ok_fast = fast.parse(text, &why_fast, &limit);
  const bool ok_strict = strict.parse_strict(text, &why_strict, &limit);
  EXPECT_EQ(ok_fast, ok_strict) << text;
  EXPECT_EQ(fast.over_limit(), strict.over_limit()) << text;
  EXPECT_EQ(why_fast, why_strict) << text;
  if (ok_fast) {
    EXPECT_EQ(fast.root().serialize(), strict.root().serialize());
  }
  *over = fast.over_limit();
  return ok_fast;
}

TEST(PageRows, CountedAtTheRowsPathOnly) {
  bool over = false;
  EXPECT_TRUE(parse_both("[{},{},{}]", {"", 3}, &over));
  EXPECT_FALSE(parse_both("[{},{},{},{}]", {"", 3}, &over));
  EXPECT_TRUE(over);
  // other arrays, and arrays below the rows, are not rows
  EXPECT_TRUE(parse_both(R"({"x":[1,2,3,4],"data":[{"a":[1,2,3,4]},{}],"y":{"data":[1,2,3]}})", {"data", 2}, &over));
  EXPECT_FALSE(parse_both(R"({"x":[1],"data":[1,"2",null,true]})", {"data", 3}, &over));
  EXPECT_TRUE(over);
  // a nested path
  EXPECT_TRUE(parse_both(R"({"b":[1,2,3],"a":{"c":[1,2,3],"b":[1]},"c":{"b":[1,2,3]}})", {"a.b", 2}, &over));
  EXPECT_FALSE(parse_both(R"({"a":{"b":[[],[],[]]}})", {"a.b", 2}, &over));
  EXPECT_TRUE(over);
  // every array at the path counts (a name given twice)
  EXPECT_FALSE(parse_both(R"({"data":[1],"data":[1,2,3]})", {"data", 2}, &over));
  EXPECT_TRUE(over);
  // no limit
  EXPECT_TRUE(parse_both("[{},{},{},{}]", {"", -1}, &over));
  // the strict parser's path (a number beyond a double's range) is bounded too
  Doc d;
  std::string why;
  const RowLimit two{"data", 2};
  EXPECT_FALSE(d.parse(R"({"data":[1e400,{},{}]})", &why, &two));
  EXPECT_TRUE(d.over_limit());
  EXPECT_EQ(why, "more than 2 rows at \"data\"");
  // an invalid document past the bound is reported as too many rows, a valid one within it is fine
  EXPECT_TRUE(d.parse(R"({"data":[1e400,{}]})", &why, &two));
  EXPECT_FALSE(d.over_limit());
}

// Peak resident memory since the last reset_peak(), in bytes.
long peak_rss() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6)) * 1024;
  return -1;
}
long current_rss() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6)) * 1024;
  return -1;
}
// Peak memory is measured only in a plain build: AddressSanitizer's red zones
// and quarantine multiply every allocation (the sanitizer build checks the
// same code for faults, not for its size).
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kMeasurable = false;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kMeasurable = false;
#else
constexpr bool kMeasurable = true;
#endif
#else
constexpr bool kMeasurable = true;
#endif

bool reset_peak() {
  if (!kMeasurable) return false;
  std::ofstream out("/proc/self/clear_refs");
  out << "5";
  out.flush();
  return bool(out);
}

const Table& glance(const std::string& name) { return *find_api("glance")->table(name); }

struct Fixture {
  explicit Fixture(std::function<Reply(const Received&, int)> answer) : server(std::move(answer)) {
    cfg = test_config("glance", server.url(""));
    cfg.secrets = {{"api_key", "k"}};
    cfg.relname = "inv";
    session = std::make_unique<Session>(*find_api("glance"), cfg, client, nullptr, &stats, HttpHooks());
  }
  std::unique_ptr<Scan> scan(const Table& t, ScanRequest req, std::vector<CondValues> values = {}) {
    auto plan = plan_scan(t, req);
    EXPECT_TRUE(plan.has_value());
    std::vector<bool> needed(t.columns.size(), false);
    for (const auto& col : req.needed) needed[t.column_index(col)] = true;
    return std::make_unique<Scan>(*session, t, *plan, std::move(values), needed);
  }
  LoopbackServer server;
  Config cfg;
  HttpClient client;
  ServerStats stats;
  std::unique_ptr<Session> session;
};

std::string empty_rows(size_t n) {
  std::string rows = "[";
  rows.reserve(3 * n + 2);
  for (size_t i = 0; i < n; ++i) rows += i ? ",{}" : "{}";
  return rows + "]";
}

// A 4.2 MB page of 1.4 million {} rows in answer to a request for 100: an
// error, and the backend grows by at most a small multiple of the page.
TEST(PageRows, MoreRowsThanAskedIsAnErrorAndCostsLittle) {
  const std::string body = R"({"success":true,"data":)" + empty_rows(1400000) +
                           R"(,"pagination":{"page":1,"limit":100,"total":100,"hasMore":false}})";
  const Reply reply = respond(200, body);
  Fixture f([&](const Received&, int) { return reply; });
  ScanRequest req;
  req.needed = {"id", "quantity"};
  auto scan = f.scan(glance("inventory"), req);
  Row row;
  const bool can_measure = reset_peak();
  const long before = current_rss();
  try {
    scan->next(&row);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.sqlstate(), "HV000");
    EXPECT_NE(std::string(e.what()).find("GET /inventory?page=1&limit=100: HTTP 200: the page holds more than 100 "
                                         "rows at \"data\""),
              std::string::npos)
        << e.what();
  }
  if (can_measure) {
    const long grown = peak_rss() - before;
    // the client's copy of the body and the server's reply are in it too
    EXPECT_LT(grown, 12 * long(body.size())) << grown;
    std::printf("page %zu bytes, peak growth %ld bytes (%.1fx)\n", body.size(), grown, double(grown) / double(body.size()));
  }
}

// A list that is not paged has no row bound: its page costs its document
// (16 bytes a value, 5.3x for "{}," rows, held twice while the list is being
// read) and no decoded copy of its rows, which are decoded as they are
// returned (a decoded page of them cost about 150x).
TEST(PageRows, AnUnpagedListOfTinyRowsCostsItsDocumentOnly) {
  const std::string body = R"({"success":true,"data":)" + empty_rows(1400000) + "}";
  const Reply reply = respond(200, body);
  Fixture f([&](const Received& r, int) {
    if (r.target.rfind("/products/", 0) == 0) return respond(200, R"({"success":true,"data":{"name":"n","sku":"s"}})");
    return reply;
  });
  ScanRequest req;
  req.conds = {{"product_id", kEq, 0}};
  req.needed = {"id", "quantity", "product_sku"};
  const Table& t = glance("inventory");
  auto plan = plan_scan(t, req);
  ASSERT_TRUE(plan);
  auto scan = f.scan(t, req, {vals({"7"})});
  Row row;
  const bool can_measure = reset_peak();
  const long before = current_rss();
  long rows = 0;
  while (scan->next(&row)) ++rows;
  EXPECT_EQ(rows, 1400000);
  if (can_measure) {
    const long grown = peak_rss() - before;
    EXPECT_LT(grown, 20 * long(body.size())) << grown;
    std::printf("page %zu bytes, peak growth %ld bytes (%.1fx)\n", body.size(), grown, double(grown) / double(body.size()));
  }
}

TEST(PageText, NulInATextColumnIsAnErrorNamingIt) {
  Fixture f([&](const Received&, int) {
    return respond(200, R"({"success":true,"data":[{"id":1,"product":{"sku":"a\u0000b"},"quantity":1}],)"
                        R"("pagination":{"page":1,"limit":100,"total":1,"hasMore":false}})");
  });
  ScanRequest req;
  req.needed = {"id", "product_sku"};
  auto scan = f.scan(glance("inventory"), req);
  Row row;
  try {
    scan->next(&row);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.sqlstate(), "22P05");
    EXPECT_STREQ(e.what(),
                 "column \"product_sku\" of foreign table \"inv\": remote value holds the character \\u0000, which "
                 "text cannot hold");
  }
  // text[] elements too; jsonb keeps the escape (PostgreSQL's jsonb refuses it in turn)
  Doc d;
  std::string why, out;
  ASSERT_TRUE(d.parse(R"(["a\u0000b"])", &why));
  EXPECT_EQ(json::decode(&d.root(), ColType::TextArray, Format::Plain, &out, &why), json::DecodeResult::Nul);
  EXPECT_EQ(json::decode(&d.root(), ColType::Jsonb, Format::Plain, &out, &why), json::DecodeResult::Ok);
  EXPECT_EQ(out, R"(["a\u0000b"])");
  ASSERT_TRUE(d.parse(R"("a\u0000b")", &why));
  EXPECT_EQ(json::decode(&d.root(), ColType::Text, Format::Plain, &out, &why), json::DecodeResult::Nul);
}

TEST(PageText, DuplicateKeysLastWinsEverywhere) {
  for (bool strict : {false, true}) {
    Doc d;
    std::string why;
    const std::string text = R"({"a":1,"b":{"x":1,"x":2},"a":3})";
    ASSERT_TRUE(strict ? d.parse_strict(text, &why) : d.parse(text, &why));
    EXPECT_EQ(d.root().get("a")->view(), "3");
    EXPECT_EQ(d.root().get("b.x")->view(), "2");
    EXPECT_EQ(d.root().serialize(), R"({"a":3,"b":{"x":2}})");
    EXPECT_EQ(d.root().size(), 2u);
  }
  // a large object (the hashed check)
  std::string big = "{";
  for (int i = 0; i < 100; ++i) big += "\"k" + std::to_string(i) + "\":" + std::to_string(i) + ",";
  big += "\"k7\":\"last\",\"k99\":null}";
  Doc d;
  std::string why;
  ASSERT_TRUE(d.parse(big, &why));
  EXPECT_EQ(d.root().size(), 100u);
  EXPECT_EQ(d.root().get("k7")->view(), "last");
  EXPECT_EQ(d.root().get("k99")->kind(), json::Kind::Null);
  EXPECT_EQ(d.root().members().begin()[7].name.view(), "k7");  // the first place is kept

  // through a scan: typed columns and raw agree
  Fixture f([&](const Received&, int) {
    return respond(200, R"({"success":true,"data":[{"id":1,"quantity":5,"product":{"sku":"A"},"quantity":9,)"
                        R"("product":{"sku":"B"}}],"pagination":{"page":1,"limit":100,"total":1,"hasMore":false}})");
  });
  ScanRequest req;
  req.needed = {"id", "quantity", "product_sku", "raw"};
  const Table& t = glance("inventory");
  auto scan = f.scan(t, req);
  Row row;
  ASSERT_TRUE(scan->next(&row));
  EXPECT_EQ(row[t.column_index("quantity")].value_or("NULL"), "9");
  EXPECT_EQ(row[t.column_index("product_sku")].value_or("NULL"), "B");
  EXPECT_EQ(row[t.column_index("raw")].value_or("NULL"), R"({"id":1,"quantity":9,"product":{"sku":"B"}})");
}

}  // namespace
}  // namespace cfdw
