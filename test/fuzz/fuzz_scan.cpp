// libFuzzer target: reading list and object responses through the declared
// tables — the page envelope (rows, totals, page counts, hasMore), detail and
// supplement objects, logins and error bodies (src/engine/scan.cpp,
// session.cpp, src/apis/*).
//
// Input: a header, then response bodies, separated by the byte 0x1E:
//
//   glance/inventory/0<RS>{"success":true,"data":[...],"pagination":{...}}<RS>...
//
// The header names the table (api/resource; anything else picks one by a hash)
// and a scan mode (below), optionally followed by /<value> for the condition
// modes. A body may start with "@NNN " to answer with HTTP status NNN
// (default 200). Requests get the bodies in order; once they run out the last
// one is repeated, and the 64th request fails like a transport error, which
// bounds a listing that would never end.
//
// A finding: a crash, a sanitizer report, an exception other than cfdw::Error,
// a request with a control character in its URL or headers, or one sent
// anywhere but below the configured base URL.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "apis/apis.h"
#include "engine/error.h"
#include "engine/run/scan.h"
#include "engine/run/session.h"
#include "fake_http.h"

using namespace cfdw;

namespace {

constexpr const char* kBase = "https://api.fuzz.test/root";
constexpr int kMaxRequests = 64;
constexpr int kMaxRows = 5000;

[[noreturn]] void finding(const char* what, std::string_view detail) {
  std::fprintf(stderr, "fuzz_scan: %s: %.*s\n", what, int(std::min<size_t>(detail.size(), 500)), detail.data());
  std::abort();
}

bool has_control(std::string_view s) {
  for (char c : s)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) return true;
  return false;
}

struct Pick {
  const Api* api;
  const Table* table;
};

const std::vector<Pick>& all_tables() {
  static const std::vector<Pick> tables = [] {
    std::vector<Pick> v;
    for (const Api* a : all_apis())
      for (const Table& t : a->tables)
        if (!t.reads.empty()) v.push_back({a, &t});
    return v;
  }();
  return tables;
}

std::vector<std::string_view> split(std::string_view in, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    size_t p = in.find(sep, start);
    out.push_back(in.substr(start, p == std::string_view::npos ? std::string_view::npos : p - start));
    if (p == std::string_view::npos) break;
    start = p + 1;
  }
  return out;
}

// The first binding column of the table's endpoints (in declaration order).
std::vector<std::string> binding_columns(const Table& t) {
  std::vector<std::string> cols;
  for (const Endpoint& ep : t.reads)
    for (const Binding& b : ep.bindings)
      if (std::find(cols.begin(), cols.end(), b.column) == cols.end()) cols.push_back(b.column);
  return cols;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  std::vector<std::string_view> parts = split(in, '\x1e');
  const std::string_view header = parts.front();
  std::vector<std::string_view> bodies(parts.begin() + 1, parts.end());
  if (bodies.empty()) return 0;

  // Which table and mode.
  std::vector<std::string_view> h = split(header, '/');
  const auto& tables = all_tables();
  const Pick* pick = nullptr;
  if (h.size() >= 2)
    for (const Pick& p : tables)
      if (p.api->name == h[0] && p.table->name == h[1]) pick = &p;
  if (!pick) {
    size_t hash = 0;
    for (char c : header) hash = hash * 31 + static_cast<unsigned char>(c);
    pick = &tables[hash % tables.size()];
  }
  const int mode = h.size() >= 3 && !h[2].empty() ? (h[2][0] - '0' + 10) % 10 : int(header.size() % 10);
  const std::string value = h.size() >= 4 ? std::string(h[3]) : "1";
  const Table& table = *pick->table;

  ScanRequest req;
  std::vector<CondValues> cond_values;
  const std::vector<std::string> bcols = binding_columns(table);
  auto add_cond = [&](const std::string& col, Op op, std::vector<std::string> vals) {
    req.conds.push_back({col, op, int(vals.size())});
    CondValues cv;
    for (auto& v : vals) cv.values.emplace_back(std::move(v));
    cond_values.push_back(std::move(cv));
  };
  // Modes: 0 every column; 1 every column, eager paging; 2 count(*); 3 = on
  // the first binding column; 4 IN on it; 5 LIMIT 3; 6 no detail columns;
  // 7 = on the last binding column; 8 IN of 25 values (chunks); 9 = on every
  // binding column.
  if ((mode == 3 || mode == 4 || mode == 8) && !bcols.empty()) {
    if (mode == 3) add_cond(bcols.front(), kEq, {value});
    if (mode == 4) add_cond(bcols.front(), kIn, {value, "2", value});
    if (mode == 8) {
      std::vector<std::string> many;
      for (int i = 0; i < 25; ++i) many.push_back(std::to_string(i) + value);
      add_cond(bcols.front(), kIn, many);
    }
  }
  if (mode == 7 && !bcols.empty()) add_cond(bcols.back(), kEq, {value});
  if (mode == 9)
    for (const auto& c : bcols) add_cond(c, kEq, {value});
  for (const auto& c : table.columns)
    if (mode != 6 || !c.has(ColumnFlag::kDetail)) req.needed.push_back(c.name);
  if (mode == 5) req.limit = 3;
  std::optional<ScanPlan> plan = plan_scan(table, req);
  if (!plan && !table.required.empty()) {
    add_cond(table.required.front(), kEq, {value});
    plan = plan_scan(table, req);
  }
  if (!plan) return 0;
  if (mode == 1) plan->eager = true;
  if (mode == 2) {
    if (!can_count(table, *plan)) return 0;
    plan->count_only = true;
  }
  plan = ScanPlan::deserialize(plan->serialize());  // as the plan travels through PostgreSQL
  std::vector<CondValues> used;
  for (int i : plan->used) used.push_back(cond_values.at(i));
  std::vector<bool> needed(table.columns.size(), false);
  for (size_t i = 0; i < table.columns.size(); ++i)
    needed[i] = std::find(req.needed.begin(), req.needed.end(), table.columns[i].name) != req.needed.end();

  Config cfg;
  cfg.server = "fuzz";
  cfg.api = pick->api->name;
  cfg.relname = pick->api->name + "_" + table.name;
  cfg.base_url = kBase;
  cfg.options["shop_id"] = "42";
  cfg.max_concurrency = mode == 1 ? 4 : 1;
  cfg.user = "10";
  for (const char* s : {"api_key", "email", "password", "username"}) cfg.secrets[s] = "fuzz-secret";

  // The fake server: the bodies in order, then the last one again.
  size_t next = 0;
  int sent = 0;
  fuzz::fake_server = [&](const HttpRequest& r) {
    if (has_control(r.url)) finding("control character in a request URL", r.url);
    for (const auto& hd : r.headers)
      if (has_control(hd)) finding("control character in a request header", hd);
    if (r.url.compare(0, std::strlen(kBase), kBase) != 0 ||
        (r.url.size() > std::strlen(kBase) && r.url[std::strlen(kBase)] != '/'))
      finding("request sent outside the base URL", r.url);
    if (++sent >= kMaxRequests) throw Error(sqlstate::kFdwUnableToEstablishConnection, "fuzz: request cap");
    std::string_view b = bodies[std::min(next, bodies.size() - 1)];
    ++next;
    HttpResponse resp;
    resp.status = 200;
    if (b.size() >= 5 && b[0] == '@' && b[4] == ' ' && std::isdigit(static_cast<unsigned char>(b[1])) &&
        std::isdigit(static_cast<unsigned char>(b[2])) && std::isdigit(static_cast<unsigned char>(b[3]))) {
      resp.status = (b[1] - '0') * 100 + (b[2] - '0') * 10 + (b[3] - '0');
      b.remove_prefix(5);
    }
    resp.body = std::string(b);
    return resp;
  };

  static HttpClient client;
  ServerStats stats;
  Session session(*pick->api, cfg, client, nullptr, &stats, HttpHooks{});
  try {
    Scan scan(session, table, *plan, used, needed);
    if (plan->count_only) {
      (void)scan.count();
    } else {
      Row row;
      for (int n = 0; n < kMaxRows && scan.next(&row); ++n) {
        if (row.size() != table.columns.size()) finding("row of the wrong width", table.name);
      }
    }
  } catch (const Error&) {
    // an expected outcome for a bad answer
  } catch (const std::exception& e) {
    finding("exception other than cfdw::Error", e.what());
  }
  pick->api->forget_login(session);
  fuzz::fake_server = nullptr;
  return 0;
}
