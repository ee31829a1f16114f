// commerce_fdw engine: adaptive lookups. A parameterized scan (a nested
// loop's inner side) sends lookups for each outer row; once they have cost as
// many requests as one read of the table's list would, the list is read once
// and held (at most kMaxHeldRows rows), and the later lookups are answered
// from it by the key values. A list that turns out bigger is let go and the
// lookups go on. Planning decides whether a scan may switch (plan_adaptive.cpp).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/plan/scan_plan.h"
#include "engine/run/scan.h"

namespace cfdw {

// The most rows a held list may have.
inline constexpr long kMaxHeldRows = 100000;

// What planning hands the executor: the list read and how a row matches a lookup.
struct ListFallback {
  ScanPlan plan;                   // the unparameterized read of the table
  std::vector<int> key_columns;    // per lookup key: the table column
  std::vector<int> key_values;     // per lookup key: the lookup value (index into its values) it equals
  long pages = 0;                  // requests of one read of the list, estimated (>= 1)

  // "pages;column:value,...;plan" (the plan last: it is a line of its own syntax).
  std::string serialize() const;
  static ListFallback deserialize(const std::string& s);
};

class AdaptiveLookups {
 public:
  enum class State { Lookups, Held, Abandoned };

  explicit AdaptiveLookups(ListFallback fallback, long max_rows = kMaxHeldRows);
  ~AdaptiveLookups();

  // Called before each lookup with its values, the values of the list read's
  // conditions and the requests the lookups have sent so far. Reads the list
  // when due; true when this lookup is answered from the held rows (next()).
  bool answer(Session& session, const Table& table, const std::vector<CondValues>& lookup_values,
              const std::vector<CondValues>& list_values, const std::vector<bool>& needed,
              int64_t lookups_sent);
  // The next held row matching the current lookup; false at the end.
  bool next(Row* row);

  State state() const { return state_; }
  bool answering() const { return answering_; }
  int64_t lookups_before() const { return lookups_before_; }  // requests sent before the list was read
  int64_t list_requests() const { return list_requests_; }    // requests the list read sent
  int64_t held_rows() const { return int64_t(rows_.size()); }
  int64_t answered() const { return answered_; }              // lookups answered from the held rows
  const std::string& abandoned_why() const { return why_; }
  // For EXPLAIN ANALYZE, once the list was read: "3 sent, then the list read once (1 request); 11 answered from it".
  std::string describe() const;

 private:
  void read_list(Session& session, const Table& table, const std::vector<CondValues>& list_values,
                 const std::vector<bool>& needed);
  void let_go(const std::string& why);
  static std::string key_of(const std::vector<const std::string*>& parts);

  ListFallback fb_;
  long max_rows_;
  State state_ = State::Lookups;
  bool answering_ = false;
  std::vector<CondValues> list_values_;  // the values the list was read with
  std::vector<Row> rows_;
  std::unordered_multimap<std::string, size_t> index_;  // key -> row
  std::vector<size_t> matches_;
  size_t next_match_ = 0;
  int64_t lookups_before_ = 0;
  int64_t list_requests_ = 0;
  int64_t answered_ = 0;
  std::string why_;
};

}  // namespace cfdw
