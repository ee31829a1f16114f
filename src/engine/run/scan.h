// commerce_fdw engine: executing a table read — sending the request series
// render_scan gives for a plan, paging through them lazily, guarding and
// decoding the pages into rows. Planning is in scan_plan.h, the requests in
// engine/wire/requests.h.
#pragma once

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/wire/requests.h"
#include "engine/plan/scan_plan.h"
#include "engine/declare/schema.h"
#include "engine/run/session.h"

namespace cfdw {

// A list's reported total (or page count) when it is an exact non-negative
// integer: a JSON integer, or a string of digits (APIs that send numbers as
// strings); -1 (unknown) for anything else: 1.5, 1e3, -1, true, "12abc", ...
long parse_total(const json::Value* v);
// The most pages one request series may take; a listing that goes on beyond
// it fails instead of paging forever.
inline constexpr long kMaxPagesPerSeries = 100000;

// The most rows a page of ep may hold when `size` rows were asked for: the
// size asked, or the API's fixed page size when the request cannot ask (no
// bound for single objects and unpaged lists).
json::RowLimit page_row_limit(const Endpoint& ep, long size);

// A decoded row (Row, engine/wire/request.h): columns the query does not
// need are left NULL.

class Scan {
 public:
  // values: one entry per plan.used condition, in that order.
  Scan(Session& session, const Table& table, ScanPlan plan, std::vector<CondValues> values,
       std::vector<bool> needed);
  ~Scan();
  // The next row; false at the end.
  bool next(Row* row);
  // Non-blocking mode (HttpClient's): the next row if one can be had without
  // waiting; Pending when a page is on its way (poll again once the client's
  // wait descriptor is readable). Same requests, rows and errors as next().
  // A lookup the page needs (supplement, detail objects) is still sent in the
  // blocking way.
  enum class Poll { Row, End, Pending };
  Poll poll(Row* row);
  // count(*) plans: the total.
  int64_t count();
  int64_t requests_sent() const { return requests_; }
  // Lowers the page cap (kMaxPagesPerSeries) for tests.
  void set_max_pages(long pages) { max_pages_ = pages; }
  // Rows fetched and not yet returned by next().
  size_t buffered() const { return buffered_; }
  // The remote's row count over every series, once each has reported a total
  // or been read to its end; -1 before.
  int64_t reported_total() const;

 private:
  struct Series;
  void build_series();
  bool fetch_more();
  // fetch_more in two halves: the page request(s) of the current series
  // (false: no series left), then their results.
  bool begin_fetch(std::vector<ApiRequest>* reqs);
  void end_fetch(const std::vector<ApiRequest>& reqs, std::vector<ApiResult> results);
  // Checks a page against the ones before it (rows beyond the total, the
  // previous page again, too many pages); throws when the listing cannot be trusted.
  void guard_page(Series& s, const json::Value* rows, long n, const std::string& where);
  int64_t count_by_paging(size_t series);
  // Checks a page's rows and queues them (moving res into pages_ when it
  // has any; its values stay where they are); the number of rows queued.
  struct Page;
  long decode_page(const Series& s, ApiResult& res, const std::string& where);
  // Decodes the next queued row.
  void take_row(Row* row);
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
  std::deque<Page> pages_;                         // rows fetched and not yet returned
  size_t buffered_ = 0;                            // how many
  int64_t requests_ = 0;
  std::vector<ApiRequest> pending_reqs_;           // non-blocking mode: the pages on their way
  std::shared_ptr<Session::Pending> pending_;
  int64_t returned_ = 0;
  long max_pages_ = kMaxPagesPerSeries;
};

}  // namespace cfdw
