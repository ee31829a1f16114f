// commerce_fdw engine: catalog comments generated from a table's declaration
// (see schema.h: describe_table, describe_column).
#include <string>
#include <vector>

#include "engine/declare/schema.h"

namespace cfdw {

namespace {

std::string join(const std::vector<std::string>& parts, const char* sep) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : sep) + p;
  return out;
}

std::string ops_text(unsigned ops) {
  std::vector<std::string> parts;
  for (unsigned bit = 1; bit <= kContains; bit <<= 1)
    if (ops & bit) parts.push_back(op_sql(Op(bit)));
  return join(parts, "/");
}

std::string endpoint_text(const Endpoint& e) { return e.method + " " + e.path; }

std::string write_text(const WriteRule& w) {
  std::string s = std::string(kind_sql(w.kind)) + " " + w.method + " " + w.path;
  std::vector<std::string> notes;
  if (!w.delta_column.empty()) notes.push_back("SET " + w.delta_column + " = " + w.delta_column + " +/- n");
  if (!w.value_column.empty())
    notes.push_back("SET " + w.value_column + (w.value.empty() ? " = a constant" : " = '" + w.value + "'"));
  if (w.kind == WriteKind::Update && w.delta_column.empty() && w.value_column.empty() && !w.columns.empty())
    notes.push_back("of " + join(w.columns, ", "));
  if (w.batch_max > 0) notes.push_back("batched, up to " + std::to_string(w.batch_max) + " rows a request");
  if (!notes.empty()) s += " (" + join(notes, "; ") + ")";
  return s;
}

const char* decode_text(Format d) {
  switch (d) {
    case Format::Plain: return "";
    case Format::EpochSeconds: return "epoch seconds read as timestamptz";
    case Format::MinusOneNull: return "the API's -1 (not tracked) is NULL, both ways";
    case Format::EmptyNull: return "an empty string is NULL";
    default: return "";  // the other formats do not apply to reading
  }
  return "";
}

}  // namespace

bool table_writes(const Table& t, WriteKind kind) {
  for (const auto& w : t.writes)
    if (w.kind == kind) return true;
  return false;
}

std::string describe_table(const std::string& api, const Table& t) {
  std::string s = api + " resource \"" + t.name + "\".";
  if (t.insert_only) {
    s += " Insert-only: the API has no read for it, SELECT fails.";
  } else {
    std::vector<std::string> reads;
    for (const auto& e : t.reads) {
      std::string r = e.name + " " + endpoint_text(e);
      if (e.paging.style != PagingStyle::None) r += " (paged)";
      reads.push_back(r);
    }
    s += " Reads: " + join(reads, "; ") + ".";
  }
  if (!t.required.empty())
    s += " Required condition: " + join(t.required, " or ") + " (= or IN)" +
         (t.required_hint.empty() ? "" : "; " + t.required_hint) + ".";
  std::vector<std::string> writes;
  for (const auto& w : t.writes) writes.push_back(write_text(w));
  s += writes.empty() ? std::string(" Read-only: INSERT, UPDATE and DELETE fail.") : " Writes: " + join(writes, "; ") + ".";
  if (!t.writes.empty() && !table_writes(t, WriteKind::Delete))
    s += " DELETE fails" + (t.no_delete_reason.empty() ? std::string(".") : ": " + t.no_delete_reason + ".");
  if (!t.conflict.column.empty())
    s += " INSERT ... ON CONFLICT DO NOTHING looks " + t.conflict.column + " up first.";
  s += " Remote requests are not transactional: ROLLBACK does not undo a write.";
  return s;
}

std::string describe_column(const Table& t, const Column& c) {
  std::vector<std::string> parts;
  if (c.has(ColumnFlag::kRaw)) {
    parts.push_back("The remote object as received (jsonb)");
  } else if (c.has(ColumnFlag::kEcho)) {
    parts.push_back("Filter only: reads as NULL, except that it echoes the value of the pushed = condition on it "
                    "(a search term); not a remote field");
  } else {
    std::string path = c.path;
    for (auto& ch : path)
      if (ch == '|') ch = ',';
    std::string p = (c.path.find('|') != std::string::npos ? "Remote field, first present of: " : "Remote field ") + path +
                    ", read as " + coltype_sql_name(c.type);
    if (const char* d = decode_text(c.decode); *d) p += " (" + std::string(d) + ")";
    parts.push_back(p);
  }
  // Conditions that push, per endpoint.
  std::vector<std::string> pushes;
  for (const auto& e : t.reads) {
    for (const auto& b : e.bindings) {
      if (b.column != c.name) continue;
      std::string p = ops_text(b.ops) + " -> ";
      p += b.to == BindTo::Path ? "path of " + endpoint_text(e) : b.param + " of " + endpoint_text(e);
      if (!b.exact) p += " (the API returns a superset; PostgreSQL rechecks)";
      if (b.required) p += ", required by that endpoint";
      pushes.push_back(p);
    }
    if (e.part_column == c.name && !e.part_values.empty())
      pushes.push_back("=/IN picks " + endpoint_text(e) + " for " + join(e.part_values, ", "));
    for (const auto& [col, key] : e.sorts)
      if (col == c.name) pushes.push_back("ORDER BY -> " + e.sort_param + "=" + key + " of " + endpoint_text(e));
  }
  if (!pushes.empty())
    parts.push_back("Pushed: " + join(pushes, "; "));
  else if (!c.has(ColumnFlag::kRaw))
    parts.push_back("Conditions on it are evaluated by PostgreSQL");
  for (const auto& r : t.required)
    if (r == c.name) parts.push_back("Required: a query must constrain it (= or IN)");
  if (c.has(ColumnFlag::kDetail)) {
    std::string d = "Detail-only: returned by the single-object endpoint";
    if (t.detail >= 0 && t.detail < int(t.reads.size())) d += " " + endpoint_text(t.reads[t.detail]);
    parts.push_back(d + ", fetched per row only when a query uses it");
  }
  for (const auto& e : t.reads)
    for (const auto& l : e.lacks)
      if (l == c.name && !e.supplement_path.empty())
        parts.push_back("Not in the rows of " + endpoint_text(e) + ": supplied by GET " + e.supplement_path);
  if (c.has(ColumnFlag::kFill)) parts.push_back("Taken from the pushed = condition where a row lacks it");
  if (c.has(ColumnFlag::kWriteOnly)) parts.push_back("Write-only: sent on writes, reads give NULL");
  // Writes.
  if (c.has(ColumnFlag::kReadOnly)) {
    parts.push_back("Read-only: never written");
  } else if (!c.has(ColumnFlag::kRaw) && !c.has(ColumnFlag::kEcho)) {
    std::vector<std::string> sent, required;
    for (const auto& w : t.writes) {
      if (w.kind == WriteKind::Delete) continue;
      for (const auto& f : w.body) {
        if (f.column != c.name) continue;
        sent.push_back(std::string(kind_sql(w.kind)) + " " + w.name + " as " + f.key);
        if (f.required) required.push_back(std::string(kind_sql(w.kind)) + " " + w.name);
      }
    }
    if (!sent.empty()) parts.push_back("Written: " + join(sent, "; "));
    if (!required.empty()) parts.push_back("Required (not NULL) by: " + join(required, ", "));
  }
  for (const auto& k : t.key)
    if (k == c.name && !t.writes.empty()) parts.push_back("Identifies the row for UPDATE and DELETE");
  return join(parts, ". ") + ".";
}

}  // namespace cfdw
