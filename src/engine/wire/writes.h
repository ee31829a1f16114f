// commerce_fdw engine: the requests of a write — a row's path and body, the
// batch envelope, the lookup ON CONFLICT DO NOTHING sends first, and EXPLAIN's
// line for a write rule. Writer (engine/run/modify.h) sends what these build
// and decodes the answers.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/declare/api.h"
#include "engine/declare/schema.h"
#include "engine/plan/scan_plan.h"
#include "engine/wire/request.h"
#include "engine/wire/requests.h"

namespace cfdw {

// The requests of one write rule for one statement. changed: for an UPDATE,
// the columns the statement assigns (only they are sent, unless the rule
// sends every column). Holds references: it lives no longer than its arguments.
class WriteRequests {
 public:
  WriteRequests(const Table& table, const WriteRule& rule, const Config& cfg, const std::vector<std::string>& changed)
      : table_(table), w_(rule), cfg_(cfg), changed_(changed) {}

  // The request writing one row on its own: the rule's path with the row's key
  // values, its body (in the batch envelope when the rule batches), none for
  // a DELETE. Throws (nothing sent) for a NULL key or a body the row cannot make.
  ApiRequest row(const Row& new_row, const Row& old_row, const std::optional<std::string>& delta,
                 bool expect_data) const;
  // One batched request of `items` (JSON objects from item()), its path from the first row.
  ApiRequest batch(const std::vector<std::string>& items, const Row& first_row, bool expect_data) const;
  // One row's JSON object. new_row / old_row: canonical text per table column
  // (old_row: the row as read; empty for INSERT). delta: for a delta rule, new - old of its column.
  std::string item(const Row& new_row, const Row& old_row, const std::optional<std::string>& delta) const;
  // The rule's path: options, then columns ({sku}) from old_row, else new_row.
  std::string path(const Row& new_row, const Row& old_row) const;

 private:
  void add_fixed(json::Builder* b) const;
  std::string envelope(const std::string& items) const;  // items: comma-separated JSON objects
  std::string declared_body(json::Builder* b, const Row& new_row, const Row& old_row,
                            const std::optional<std::string>& delta) const;
  std::string default_body(json::Builder* b, const Row& new_row) const;
  bool sent(const std::string& column, bool required) const;

  const Table& table_;
  const WriteRule& w_;
  const Config& cfg_;
  const std::vector<std::string>& changed_;
};

// ON CONFLICT DO NOTHING: the read that looks a new row up by the table's
// conflict column (and the further columns the row gives).
struct ConflictLookup {
  ScanPlan plan;
  std::vector<CondValues> values;  // one per plan.used
  std::vector<bool> needed;        // the columns compared
  std::vector<int> key;            // the compared columns' indexes, the conflict column first
};
// False when no lookup is needed: the table declares none, or the row's
// conflict column is NULL (NULL never conflicts).
bool conflict_lookup(const Table& table, const Row& new_row, ConflictLookup* out);

// EXPLAIN's "Remote write": "PATCH /products/{id} (update product, up to 100
// rows a request); each row first looked up by sku with GET /products".
std::string describe_write(const Table& table, const WriteRule& rule, bool returning, bool on_conflict);

}  // namespace cfdw
