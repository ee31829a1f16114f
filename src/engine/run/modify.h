// commerce_fdw engine: writes — choosing the rule a change goes by, batching,
// sending the requests engine/wire/writes.h builds, and reading back what
// RETURNING needs.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "engine/error.h"
#include "engine/run/scan.h"
#include "engine/declare/schema.h"
#include "engine/run/session.h"
#include "engine/wire/writes.h"

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

// What became of a row a statement wrote.
enum class WriteOutcome {
  Applied,     // its request succeeded (2xx)
  NotApplied,  // certainly not done: refused (4xx, an API failure envelope, 429), could
               // not connect, or never sent (the statement failed first)
  Unknown,     // sent and the answer lost or unclear: timeout, connection lost, 5xx, 1xx/3xx
};
const char* write_outcome_name(WriteOutcome o);
// The outcome of the rows of a failed request.
WriteOutcome outcome_of(const Error& e);

// The rows of a statement by outcome: counts, and the keys of the first
// kListed rows of each (a statement of a million rows keeps 60 keys).
class WriteLedger {
 public:
  static constexpr size_t kListed = 20;

  void add(WriteOutcome o, const std::string& key, int64_t rows = 1);
  int64_t count(WriteOutcome o) const { return parts_[int(o)].count; }
  int64_t total() const;
  // One line per outcome, every outcome named even at 0:
  //   applied: 100 rows (id: 1, 2, ..., 20 and 80 more)
  //   unknown: 100 rows (id: 101, ... and 80 more)
  //   not applied: 0 rows
  // `label` names the key ("id", "(product_id, warehouse_id)"); keys reading
  // "row N" (rows without a key value) are listed after the others.
  std::string describe(const std::string& label) const;

 private:
  struct Part {
    int64_t count = 0;
    std::vector<std::string> keys;
  };
  Part parts_[3];
};

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
  // UPDATE, DELETE: whether this statement meets the remote row (by the
  // table's key in old_row) for the first time. A row met again (duplicate
  // join rows in UPDATE ... FROM, a row shown on two pages) is not written
  // again: the first assignment wins, as for a local table, and a difference
  // is never applied twice. A row without a full key is always new.
  bool first_visit(const Row& old_row);

  int64_t rows_applied() const { return ledger_.count(WriteOutcome::Applied); }
  const WriteLedger& ledger() const { return ledger_; }
  // The error ending the statement: e's message and SQLSTATE, a DETAIL with
  // every row by outcome (then e's own detail), a HINT for unknown rows.
  Error report(const Error& e) const;
  // A cancel (statement_timeout, query cancel) interrupted a request: its rows
  // are unknown, queued rows not applied; report() then describes the statement.
  void cancelled_in_flight();
  // A row that cannot be sent (found out by the caller): fails the statement
  // with report(e), the row and every queued one not applied.
  [[noreturn]] void refuse(const Row& new_row, const Row& old_row, const Error& e);

 private:
  // Whether a request sent by write() or write_batch() needs its answer: the
  // rule reads the written object back (an INSERT's new id). An empty or null
  // 2xx body is then an error, and the rows' outcome unknown.
  bool expects_data() const;
  // The requests of this writer's rule (engine/wire/writes.h).
  WriteRequests requests() const;
  void decode_result(const json::Value& obj, Row* row) const;
  // Sends queued rows as one batched request.
  void send_batch();
  // One batched request of `items` (JSON objects) carrying the rows `keys`,
  // its path from the first row: the batch send of write() and write_batch().
  // A failure before it goes out leaves these rows and every queued one not
  // applied; then as send().
  ApiResult send_items(const std::vector<std::string>& items, const Row& first_row,
                       const std::vector<std::string>& keys, bool expect_data);
  bool lookup(const Row& new_row);  // exists() without the bookkeeping
  // The name of a row in outcome reports (its key values, else "row N").
  std::string row_key(const Row& new_row, const Row& old_row) const;
  // Records this row and every queued row as not applied (never sent) and
  // returns report(e): for failures before a request went out.
  Error not_sent(const Error& e, const std::string& key);
  Error not_sent(const Error& e, const std::vector<std::string>& keys);  // the same for the rows `keys`
  // Sends r carrying `keys` (their JSON items, for a rule with a proof that
  // names rows); records their outcome; throws report() on failure, and when
  // a 2xx answer lacks the rule's proof of success.
  ApiResult send(const ApiRequest& r, const std::vector<std::string>& keys,
                 const std::vector<std::string>& items = {});
  // Whether `root` proves the write of n rows was done (WriteRule::proof);
  // else false with *why and, per row, whether an entry of the answer names it.
  bool proven(const json::Value& root, size_t n, const std::vector<std::string>& items, std::vector<bool>* named,
              std::string* why) const;

  Session& session_;
  const Table& table_;
  const WriteRule& w_;
  int batch_;
  std::vector<std::string> changed_;
  std::vector<std::string> queued_items_;
  std::vector<Row> queued_rows_;
  std::vector<std::string> queued_keys_;
  // The columns naming a row in outcome reports: the rule's `key`, else for an
  // UPDATE or DELETE the table's key; empty: rows are named by position.
  std::vector<std::string> key_columns_;
  int64_t seq_ = 0;                        // rows handed to the writer so far
  bool counted_ = false;                   // exists() counted the row write() gets next
  WriteLedger ledger_;
  std::vector<std::string> in_flight_;     // keys of the request being sent
  std::unordered_set<std::string> visited_;  // table keys of the rows updated or deleted so far
};

}  // namespace cfdw
