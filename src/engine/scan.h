// commerce_fdw engine: reading a table — choosing the requests for a query's
// conditions (planning) and paging through them lazily (execution).
#pragma once

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/schema.h"
#include "engine/session.h"

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
  long limit = -1;                 // LIMIT (+OFFSET) if every condition is pushed; -1 none
};

// Chooses the endpoint(s) and which conditions shape them. Returns nullopt when
// no endpoint can serve the conditions (a required condition is missing).
std::optional<ScanPlan> plan_scan(const Table& table, const ScanRequest& req);
// Whether the table can return rows sorted by `column` (desc) for these conditions.
bool can_sort(const Table& table, const ScanPlan& plan, const std::string& column);
// Whether count(*) can be answered from the remote total for this plan.
bool can_count(const Table& table, const ScanPlan& plan);
// Estimated requests for the plan (planner costs).
double estimate_requests(const Table& table, const ScanPlan& plan, const Config& cfg, double rows);

// A value of a condition at execution (PostgreSQL text, canonical form).
struct CondValues {
  std::vector<std::optional<std::string>> values;  // NULL elements stay nullopt
};

// The requests a plan sends, for EXPLAIN: values shown where known, "$n"
// placeholders where only known at execution.
std::vector<std::string> describe_scan(const Table& table, const ScanPlan& plan,
                                       const std::vector<std::optional<CondValues>>& values,
                                       const Config& cfg);

// A list's reported total (or page count) when it is an exact non-negative
// integer: a JSON integer, or a string of digits (APIs that send numbers as
// strings); -1 (unknown) for anything else: 1.5, 1e3, -1, true, "12abc", ...
long parse_total(const json::Value* v);
// The most pages one request series may take; a listing that goes on beyond
// it fails instead of paging forever.
inline constexpr long kMaxPagesPerSeries = 100000;

// One decoded row: text values per table column (nullopt: NULL). Columns the
// query does not need are left NULL.
using Row = std::vector<std::optional<std::string>>;

class Scan {
 public:
  // values: one entry per plan.used condition, in that order.
  Scan(Session& session, const Table& table, ScanPlan plan, std::vector<CondValues> values,
       std::vector<bool> needed);
  ~Scan();
  // The next row; false at the end.
  bool next(Row* row);
  // count(*) plans: the total.
  int64_t count();
  int64_t requests_sent() const { return requests_; }
  // Lowers the page cap (kMaxPagesPerSeries) for tests.
  void set_max_pages(long pages) { max_pages_ = pages; }

 private:
  struct Series;
  void build_series();
  bool fetch_more();
  // Checks a page against the ones before it (rows beyond the total, the
  // previous page again, too many pages); throws when the listing cannot be trusted.
  void guard_page(Series& s, const json::Value* rows, long n, const std::string& where);
  int64_t count_by_paging(size_t series);
  void decode_page(const Series& s, const json::Value& root, const std::string& where);
  // fallback: the list row a detail object was fetched for; fields the detail
  // lacks are taken from it.
  void decode_row(const json::Value& obj, const Series& s, Row* out, const json::Value* fallback = nullptr);

  Session& session_;
  const Table& table_;
  ScanPlan plan_;
  std::vector<CondValues> values_;
  std::vector<bool> needed_;
  std::vector<std::unique_ptr<Series>> series_;
  size_t current_ = 0;
  std::deque<Row> ready_;
  int64_t requests_ = 0;
  int64_t returned_ = 0;
  long max_pages_ = kMaxPagesPerSeries;
};

}  // namespace cfdw
