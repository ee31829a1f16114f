// Helpers shared by the unit tests of the declared tables.
#pragma once

#include <string>
#include <vector>

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

}  // namespace cfdw
