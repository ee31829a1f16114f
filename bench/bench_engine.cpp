// Engine micro-benchmarks (Google Benchmark): the per-row work of a scan —
// parsing a page, walking paths, decoding into column text — and request
// building. Not part of the test suite; see bench/README.md for the numbers.
#include <benchmark/benchmark.h>

#include <string>

// RapidJSON as the engine builds it (src/engine/json_parse.cpp): with SSE2.
#if defined(__SSE2__) && !defined(RAPIDJSON_SSE2)
#define RAPIDJSON_SSE2
#endif
#include <rapidjson/document.h>

#include "apis/apis.h"
#include "engine/json/codec.h"
#include "engine/json/json.h"
#include "engine/run/scan.h"
#include "engine/wire/url.h"

namespace {

// A Glance inventory page of `rows` records, shaped like the real API's.
std::string inventory_page(int rows) {
  std::string s = "{\"success\":true,\"data\":[";
  for (int i = 1; i <= rows; ++i) {
    if (i > 1) s += ",";
    s += "{\"id\":" + std::to_string(i) + ",\"product\":{\"id\":" + std::to_string(i % 150 + 1) +
         ",\"name\":\"Widget " + std::to_string(i) + "\",\"sku\":\"WDG-" + std::to_string(i) +
         "\"},\"warehouse\":{\"id\":" + std::to_string(i % 3 + 1) +
         ",\"name\":\"Main Warehouse\"},\"quantity\":" + std::to_string(i * 7 % 500) +
         ".5,\"location\":\"Shelf A" + std::to_string(i % 40) + "\"}";
  }
  s += "],\"pagination\":{\"total\":250,\"limit\":100,\"offset\":0,\"hasMore\":true}}";
  return s;
}

void BM_ParsePage(benchmark::State& state) {
  const std::string page = inventory_page(int(state.range(0)));
  for (auto _ : state) {
    cfdw::json::Doc doc;
    std::string why;
    benchmark::DoNotOptimize(doc.parse(page, &why));
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(page.size()));
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_ParsePage)->Arg(100)->Arg(1000);

// The same page by the strict parser alone (the path taken when the fast reader
// refuses a document, e.g. a number beyond a double's range).
void BM_ParsePageStrict(benchmark::State& state) {
  const std::string page = inventory_page(int(state.range(0)));
  for (auto _ : state) {
    cfdw::json::Doc doc;
    std::string why;
    benchmark::DoNotOptimize(doc.parse_strict(page, &why));
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(page.size()));
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_ParsePageStrict)->Arg(100)->Arg(1000);

// The yardstick: RapidJSON's own DOM parse of the same page (default flags:
// numbers converted to doubles, strings copied).
void BM_RapidJsonDomParse(benchmark::State& state) {
  const std::string page = inventory_page(int(state.range(0)));
  for (auto _ : state) {
    rapidjson::Document doc;
    doc.Parse(page.data(), page.size());
    benchmark::DoNotOptimize(doc.HasParseError());
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(page.size()));
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_RapidJsonDomParse)->Arg(100)->Arg(1000);

// A page's whole engine share: parse it, then decode every column of every row.
void BM_ParseAndDecodePage(benchmark::State& state) {
  const std::string page = inventory_page(int(state.range(0)));
  const cfdw::Table& t = *cfdw::find_api("glance")->table("inventory");
  std::vector<std::string> paths;
  for (const auto& c : t.columns) paths.push_back(c.path.substr(0, c.path.find('|')));
  for (auto _ : state) {
    cfdw::json::Doc doc;
    std::string why, out;
    doc.parse(page, &why);
    for (const auto& row : doc.root().get("data")->elements())
      for (size_t i = 0; i < t.columns.size(); ++i) {
        const auto& c = t.columns[i];
        if (paths[i].empty()) continue;
        benchmark::DoNotOptimize(cfdw::json::decode(row.get(paths[i]), c.type, c.decode, &out, &why));
      }
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_ParseAndDecodePage)->Arg(100)->Arg(1000);

// Decoding every column of every row, as Scan::decode_row does.
void BM_DecodePage(benchmark::State& state) {
  const std::string page = inventory_page(int(state.range(0)));
  const cfdw::Table& t = *cfdw::find_api("glance")->table("inventory");
  cfdw::json::Doc doc;
  std::string why;
  doc.parse(page, &why);
  const cfdw::json::Value& rows = *doc.root().get("data");
  for (auto _ : state) {
    for (const auto& row : rows.elements()) {
      for (const auto& c : t.columns) {
        if (c.path.empty()) continue;
        const std::string path = c.path.substr(0, c.path.find('|'));
        std::string out;
        benchmark::DoNotOptimize(cfdw::json::decode(row.get(path), c.type, c.decode, &out, &why));
      }
    }
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_DecodePage)->Arg(100)->Arg(1000);

void BM_RawJsonb(benchmark::State& state) {
  const std::string page = inventory_page(100);
  cfdw::json::Doc doc;
  std::string why;
  doc.parse(page, &why);
  const cfdw::json::Value& rows = *doc.root().get("data");
  for (auto _ : state)
    for (const auto& row : rows.elements()) benchmark::DoNotOptimize(cfdw::json::serialize(row));
  state.SetItemsProcessed(state.iterations() * 100);
}
BENCHMARK(BM_RawJsonb);

void BM_PercentEncode(benchmark::State& state) {
  const std::string sku = "A/B?C&D=E F-Ünïcode-0123456789";
  for (auto _ : state) benchmark::DoNotOptimize(cfdw::pct_encode(sku));
}
BENCHMARK(BM_PercentEncode);

void BM_PlanScan(benchmark::State& state) {
  const cfdw::Table& t = *cfdw::find_api("glance")->table("inventory");
  cfdw::ScanRequest req;
  req.conds = {{"warehouse_id", cfdw::kEq, 1}, {"quantity", cfdw::kGt, 1}};
  req.needed = {"id", "quantity", "product_sku"};
  for (auto _ : state) benchmark::DoNotOptimize(cfdw::plan_scan(t, req));
}
BENCHMARK(BM_PlanScan);

}  // namespace

BENCHMARK_MAIN();
