// Helpers shared by the unit tests of the declared tables.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "engine/api.h"
#include "engine/scan.h"

namespace cfdw {

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

// The requests EXPLAIN shows for a scan: values[i] belongs to req.conds[i]
// (a std::optional left empty: known only at execution).
template <typename Values>
std::vector<std::string> describe_requests(const Table& t, const ScanRequest& req, const Values& values,
                                           const Config& cfg) {
  auto plan = plan_scan(t, req);
  EXPECT_TRUE(plan.has_value());
  if (!plan) return {};
  std::vector<std::optional<CondValues>> used;
  for (int i : plan->used) used.push_back(values.at(i));
  return describe_scan(t, *plan, used, cfg);
}

}  // namespace cfdw
