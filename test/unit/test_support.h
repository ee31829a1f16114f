// Helpers shared by the unit tests: HTTP against a loopback server, condition
// values, configurations, and the requests of the declared tables.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "engine/declare/api.h"
#include "engine/error.h"
#include "engine/http/http.h"
#include "engine/run/scan.h"
#include "loopback_server.h"

namespace cfdw {

// HTTP options for tests against a loopback server: short timeouts, fast retries.
inline HttpOptions fast_http_options(int max_retries = 3) {
  HttpOptions o;
  o.timeout_ms = 5000;
  o.connect_timeout_ms = 2000;
  o.max_retries = max_retries;
  o.backoff_base_ms = 5;
  return o;
}

// A GET of `target` on a loopback server.
inline HttpRequest loopback_get(const LoopbackServer& server, const std::string& target) {
  HttpRequest r;
  r.url = server.url(target);
  r.display = "GET " + target;
  return r;
}

// Condition values as the glue hands them over (canonical text).
inline CondValues vals(std::vector<std::string> v) {
  CondValues c;
  for (auto& s : v) c.values.emplace_back(std::move(s));
  return c;
}

// A configuration for an API's server, without secrets.
inline Config test_config(const std::string& api, const std::string& base_url) {
  Config c;
  c.server = api;
  c.api = api;
  c.base_url = base_url;
  return c;
}

// The requests a scan sends, as EXPLAIN shows them: render_scan's series
// (the very requests Scan sends: first page, supplement lookup, per-row
// detail template) formatted by describe_scan. values[i] belongs to
// req.conds[i] (a std::optional left empty: known only at execution, shown as
// $column).
template <typename Values>
std::vector<std::string> describe_requests(const Table& t, const ScanRequest& req, const Values& values,
                                           const Config& cfg) {
  auto plan = plan_scan(t, req);
  EXPECT_TRUE(plan.has_value());
  if (!plan) return {};
  std::vector<std::optional<CondValues>> used;
  for (int i : plan->used) used.push_back(values.at(i));
  return describe_scan(t, *plan, render_scan(t, *plan, used, cfg));
}

// The first request of every series a scan sends (its supplement lookup, then
// its first page), in the order they are sent: what the server sees when each
// first page is the last.
inline std::vector<std::string> first_requests(const Table& t, const ScanPlan& plan,
                                               const std::vector<CondValues>& values, const Config& cfg) {
  const std::vector<std::optional<CondValues>> given(values.begin(), values.end());
  std::vector<std::string> out;
  for (const RenderedSeries& s : render_scan(t, plan, given, cfg).series) {
    if (s.supplement_request) out.push_back(s.supplement_request->display());
    out.push_back(page_request(t.reads[s.endpoint], s.path, s.query, s.page, s.size).display());
  }
  return out;
}

// Runs f, which must fail with a cfdw::Error, and returns it.
template <typename F>
Error failure(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "no error";
  return Error("00000", "");
}

}  // namespace cfdw
