// commerce_fdw engine: the requests of a read — the one place that turns
// (table, ScanPlan, condition values, Config) into request series, and builds
// a series' pages, its supplement lookup, the per-row detail request and the
// count request. Scan sends what these return; EXPLAIN formats the same
// output (describe_scan), with "$column" placeholders for values known only at
// execution. Writes: writes.h.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/declare/api.h"
#include "engine/plan/scan_plan.h"
#include "engine/declare/schema.h"
#include "engine/json/json.h"
#include "engine/wire/request.h"

namespace cfdw {

// A value of a condition at execution (PostgreSQL text, canonical form).
struct CondValues {
  std::vector<std::optional<std::string>> values;  // NULL elements stay nullopt
};

// One request series: an endpoint with its parameters, paged from `page`.
struct RenderedSeries {
  int endpoint = 0;
  std::string path;                                       // values percent-encoded
  QueryString query;                                      // parameters without paging
  std::vector<std::pair<std::string, std::string>> echo;  // column -> value of its = condition
  long page = 0;                                          // first page
  long size = 0;                                          // page size asked
  // Sent once before the first page: the object supplying columns the
  // endpoint's rows lack.
  std::optional<ApiRequest> supplement_request;
};

struct RenderedScan {
  std::vector<RenderedSeries> series;  // in the order they are sent
  // Per endpoint read: how its requests fan out over several values
  // ("one request per value (3)"), for EXPLAIN.
  std::vector<std::pair<int, std::vector<std::string>>> fanout;
  // Values standing for ones known only at execution ("$order_id").
  std::vector<std::string> placeholders;
  // The detail request sent per row (detail columns), its path a template.
  std::optional<ApiRequest> detail_template;
};

// The request series of a plan. values: one entry per plan.used condition;
// an empty optional is a value known only at execution and is rendered as the
// placeholder "$column" (EXPLAIN of a parameterized plan). A Scan passes every
// value. Series that cannot match a row (a NULL value, an empty key in the
// path, a partition endpoint the condition excludes) are left out.
RenderedScan render_scan(const Table& table, const ScanPlan& plan,
                         const std::vector<std::optional<CondValues>>& values, const Config& cfg);

// EXPLAIN's "Remote requests": per endpoint, the first page of its first
// series ("GET /inventory?warehouseId=2&page=1&limit=100 (paged)" with the
// fan-out in brackets), its supplement lookup, and the per-row detail request.
std::vector<std::string> describe_scan(const Table& table, const ScanPlan& plan, const RenderedScan& rendered);

// The request of one page of a series.
ApiRequest page_request(const Endpoint& ep, const std::string& path, const QueryString& base, long page,
                        long size);
// The page size a series asks: the documented maximum, lowered by the
// page_size option and a remote limit.
long page_size_for(const Endpoint& ep, const Config& cfg, long limit);
// The detail request of one list row (table.detail >= 0): the detail
// endpoint's path with the row's values of its bindings.
ApiRequest detail_request(const Table& table, const json::Value& row);
// count(*): the first page of a series, one row asked; its total answers.
ApiRequest count_request(const Endpoint& ep, const RenderedSeries& s);
// Replaces {name} in a path with the value as one percent-encoded segment
// (encode false: as it is, for EXPLAIN's "$column" placeholders).
std::string substitute(const std::string& path, const std::string& name, const std::string& value,
                       bool encode = true);

}  // namespace cfdw
