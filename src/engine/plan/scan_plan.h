// commerce_fdw engine: planning a table read — which endpoint(s) serve a
// query's conditions, which conditions shape the requests, whether a sort, a
// limit or count(*) can be left to the remote, and what the requests cost.
// The plan travels in the PostgreSQL plan as a serialized line.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/declare/api.h"
#include "engine/declare/schema.h"

namespace cfdw {

// A condition the query offers: column op value(s). nvalues is the number of
// values when known at planning (1 for a scalar, n for an IN list, -1 for an
// array only known at execution).
struct CondShape {
  std::string column;
  Op op;
  int nvalues = 1;
};

// What the planner decided; serialized into the plan (fdw_private).
struct ScanPlan {
  std::string table;
  std::vector<int> endpoints;      // read endpoints used (several: a partition group)
  std::vector<int> used;           // indexes of the offered conditions that shape the requests
  std::vector<int> binding_of;     // for each used condition: its binding index in the endpoint(s)
  bool all_exact = true;           // every offered condition is applied exactly by the remote
  std::string sort_column;         // remote ordering, empty: none
  bool sort_desc = false;
  long limit = -1;                 // remote row limit; -1 none
  bool detail = false;             // fetch each row's detail object
  bool supplement = false;         // send the endpoint's supplement request
  bool count_only = false;         // answer count(*) from the reported total
  bool eager = false;              // every row will be read: pages may be fetched in parallel

  std::string serialize() const;
  static ScanPlan deserialize(const std::string& s);
};

// A table's planning interface.
struct ScanRequest {
  std::vector<CondShape> conds;    // offered conditions
  std::vector<std::string> needed; // columns the query reads
  std::string sort_column;         // wanted order (single column), empty: none
  bool sort_desc = false;
  long limit = -1;                 // LIMIT (+OFFSET) of the query; kept only when every condition is exact
  int unoffered = 0;               // conditions PostgreSQL applies that are not offered (they make the scan inexact)
};

// What a plan's requests are, estimated: list pages, per-row detail requests,
// point lookups, supplement requests and logins.
struct RequestEstimate {
  double pages = 0;
  double details = 0;
  double lookups = 0;
  double supplements = 0;
  double logins = 0;
  double total() const { return pages + details + lookups + supplements + logins; }
};

// Chooses the endpoint(s) and which conditions shape them. Returns nullopt when
// no endpoint can serve the conditions (a required condition is missing).
std::optional<ScanPlan> plan_scan(const Table& table, const ScanRequest& req);
// Whether the table can return rows sorted by `column` (desc) for these conditions.
bool can_sort(const Table& table, const ScanPlan& plan, const std::string& column);
// Whether the plan's used condition u (an index into plan.used) is applied by
// the remote on a column its rows lack (Binding::authoritative): PostgreSQL
// must not recheck it.
bool remote_only(const Table& table, const ScanPlan& plan, size_t u);
// Whether count(*) can be answered from the remote total for this plan.
bool can_count(const Table& table, const ScanPlan& plan);
// Estimated requests for the plan (planner costs) over `rows` remote rows,
// with pages of at most page_size rows (0: the endpoint's maximum).
RequestEstimate estimate(const Table& table, const ScanPlan& plan, int page_size, double rows);
double estimate_requests(const Table& table, const ScanPlan& plan, const Config& cfg, double rows);

}  // namespace cfdw
