// commerce_fdw engine: writes — choosing the request a change becomes, building
// bodies, batching, and reading back what RETURNING needs.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/scan.h"
#include "engine/schema.h"
#include "engine/session.h"

namespace cfdw {

// What an UPDATE sets, as the planner sees it.
struct UpdateShape {
  std::vector<std::string> changed;       // columns assigned
  std::vector<std::string> delta;         // columns assigned `col + expr` / `col - expr`
  // Columns assigned a constant, with its canonical text (nullopt: NULL).
  std::vector<std::pair<std::string, std::optional<std::string>>> constants;
};

// The rule for an INSERT or DELETE (first of its kind), or for an UPDATE of
// this shape. -1 with *why set when the API has none. options: the table's
// effective options (a rule tied to an option applies only when it is set so).
int choose_write_rule(const Table& table, const std::string& relname, WriteKind kind,
                      const UpdateShape* shape, std::string* why,
                      const std::map<std::string, std::string>* options = nullptr);

class Writer {
 public:
  // batch: rows a request (1 = unbatched); returning: the statement needs
  // values back per row (forces unbatched sending).
  // changed: for UPDATE, the columns the statement assigns (only they are sent,
  // unless the rule sends every column).
  Writer(Session& session, const Table& table, int rule, int batch, bool returning,
         std::vector<std::string> changed = {});
  ~Writer();

  // Sends (or queues) one row. new_row / old_row hold canonical text per table
  // column (old_row: the row as read, for keys; empty for INSERT). delta: for a
  // delta rule, new - old of its column. Returns true when *returned holds the
  // row as the remote now has it (unbatched writes).
  bool write(const Row& new_row, const Row& old_row, const std::optional<std::string>& delta, Row* returned);
  // Sends queued rows.
  void flush();
  // Batch insert (PostgreSQL's batch API): sends rows, returns them as stored.
  std::vector<Row> write_batch(const std::vector<Row>& rows);
  // ON CONFLICT DO NOTHING: whether the remote already has this row.
  bool exists(const Row& new_row);

  int rule_index() const { return rule_; }
  int64_t rows_applied() const { return applied_; }

 private:
  std::string item_json(const Row& new_row, const Row& old_row, const std::optional<std::string>& delta) const;
  std::string render_path(const Row& new_row, const Row& old_row) const;
  void add_fixed(json::Builder* b) const;
  std::string batch_body(const std::string& items) const;  // items: comma-separated JSON objects
  void decode_result(const json::Value& obj, Row* row) const;
  void send_batch();

  Session& session_;
  const Table& table_;
  int rule_;
  const WriteRule& w_;
  int batch_;
  std::vector<std::string> changed_;
  std::vector<std::string> queued_items_;
  std::vector<Row> queued_rows_;
  int64_t applied_ = 0;
};

}  // namespace cfdw
