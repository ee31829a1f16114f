// commerce_fdw engine: the requests of a write (see writes.h).
#include "engine/wire/writes.h"

#include <algorithm>

#include "engine/error.h"
#include "engine/json/codec.h"
#include "engine/json/pgtext.h"
#include "engine/wire/url.h"
#include "engine/wire/values.h"

namespace cfdw {

std::string WriteRequests::path(const Row& new_row, const Row& old_row) const {
  return substitute_braces(w_.path, [&](std::string_view name) -> std::optional<std::string> {
    const std::string col(name);
    if (auto it = cfg_.options.find(col); it != cfg_.options.end()) return it->second;
    const int idx = table_.column_index(col);
    std::optional<std::string> v;
    if (idx >= 0) {
      if (size_t(idx) < old_row.size() && old_row[idx]) v = old_row[idx];
      else if (size_t(idx) < new_row.size()) v = new_row[idx];
    }
    if (!v)
      throw Error(sqlstate::kInvalidParameterValue,
                  "column \"" + col + "\" of foreign table \"" + cfg_.relname + "\" must not be NULL",
                  "The " + w_.name + " request needs it in its path.");
    return pct_encode(*v);
  });
}

void WriteRequests::add_fixed(json::Builder* b) const {
  for (const auto& [key, json_text] : w_.fixed) b->set_raw(key, substitute_config(json_text, cfg_));
}

std::string WriteRequests::envelope(const std::string& items) const {
  if (w_.batch_key.empty()) return "[" + items + "]";
  json::Builder b;
  add_fixed(&b);
  b.set_raw(w_.batch_key, "[" + items + "]");
  return b.str();
}

// An UPDATE sends the columns it changes (and what the rule requires).
bool WriteRequests::sent(const std::string& column, bool required) const {
  return w_.kind != WriteKind::Update || w_.all_columns || required || column == w_.delta_column ||
         names_contain(changed_, column);
}

std::string WriteRequests::item(const Row& new_row, const Row& old_row, const std::optional<std::string>& delta) const {
  json::Builder b;
  if (w_.batch_max <= 0) add_fixed(&b);
  // An INSERT naming the row it updates (not_null_unless) needs none of them.
  const int unless = w_.not_null_unless.empty() ? -1 : table_.column_index(w_.not_null_unless);
  const bool names_row = unless >= 0 && size_t(unless) < new_row.size() && new_row[unless];
  if (w_.kind == WriteKind::Insert && !names_row) {
    for (const auto& col : w_.not_null) {
      const int idx = table_.column_index(col);
      if (idx >= 0 && !(size_t(idx) < new_row.size() && new_row[idx]))
        throw Error(sqlstate::kNotNullViolation,
                    "null value in column \"" + col + "\" of foreign table \"" + cfg_.relname +
                        "\" violates not-null constraint",
                    "The " + w_.name + " request needs it to create a row; nothing was sent for this row.");
    }
  }
  return w_.body.empty() ? default_body(&b, new_row) : declared_body(&b, new_row, old_row, delta);
}

std::string WriteRequests::declared_body(json::Builder* b, const Row& new_row, const Row& old_row,
                                         const std::optional<std::string>& delta) const {
  for (const BodyField& f : w_.body) {
    if (!f.column.empty() && !sent(f.column, f.required)) continue;
    if (f.column.empty()) {
      b->set_raw(f.key, f.constant);
      continue;
    }
    const int idx = table_.column_index(f.column);
    const Column& c = table_.columns.at(idx);
    const char* v = size_t(idx) < new_row.size() && new_row[idx] ? new_row[idx]->c_str() : nullptr;
    if (f.column == w_.delta_column && delta) {
      v = delta->c_str();
    } else if (!w_.delta_column.empty() && f.column != w_.delta_column && !v && size_t(idx) < old_row.size() &&
               old_row[idx]) {
      v = old_row[idx]->c_str();
    }
    if (!v && f.required)
      throw Error(sqlstate::kInvalidParameterValue,
                  "column \"" + c.name + "\" of foreign table \"" + cfg_.relname + "\" must not be NULL",
                  "The " + w_.name + " request requires it.");
    if (!v && f.skip_null && f.format != Format::MinusOneNull && w_.kind != WriteKind::Update) continue;
    if (!f.join.empty() && v && (c.type == ColType::Int8Array || c.type == ColType::TextArray)) {
      std::vector<std::string> items;
      std::vector<bool> nulls;
      if (!pgtext::parse_pg_array(v, &items, &nulls))
        throw Error(sqlstate::kInvalidParameterValue,
                    "value \"" + std::string(v) + "\" of column \"" + c.name + "\" is not an array literal");
      std::string joined;
      for (size_t k = 0; k < items.size(); ++k) {
        if (nulls[k]) continue;
        joined += (joined.empty() ? "" : f.join) + items[k];
      }
      b->set_string(f.key, joined);
      continue;
    }
    json::encode(b, f.key, c.type, v, f.format, c.name);
  }
  return b->str();
}

// Without a declared body: every writable column by its write path.
std::string WriteRequests::default_body(json::Builder* b, const Row& new_row) const {
  for (size_t i = 0; i < table_.columns.size(); ++i) {
    const Column& c = table_.columns[i];
    if (c.has(ColumnFlag::kRaw) || c.has(ColumnFlag::kEcho) || c.has(ColumnFlag::kReadOnly)) continue;
    if (names_contain(table_.key, c.name) && w_.kind != WriteKind::Insert) continue;
    if (!sent(c.name, false)) continue;
    const char* v = i < new_row.size() && new_row[i] ? new_row[i]->c_str() : nullptr;
    if (!v && w_.kind != WriteKind::Update) continue;  // an UPDATE sends a NULL it assigns
    std::string path = c.write_path.empty() ? c.path.substr(0, c.path.find('|')) : c.write_path;
    json::encode(b, path, c.type, v, c.write_format, c.name);
  }
  return b->str();
}

ApiRequest WriteRequests::row(const Row& new_row, const Row& old_row, const std::optional<std::string>& delta,
                              bool expect_data) const {
  ApiRequest r;
  r.method = w_.method;
  r.path = path(new_row, old_row);
  // A PUT that applies a difference (a delta rule) is not safe to repeat.
  r.idempotent = (w_.method == "PUT" || w_.method == "DELETE") && w_.delta_column.empty();
  r.expect_data = expect_data;
  if (w_.kind != WriteKind::Delete) {
    std::string one = item(new_row, old_row, delta);
    r.body = w_.batch_max > 0 ? envelope(one) : one;
  }
  return r;
}

ApiRequest WriteRequests::batch(const std::vector<std::string>& items, const Row& first_row, bool expect_data) const {
  ApiRequest r;
  r.path = path(first_row, Row());
  std::string joined;
  for (size_t i = 0; i < items.size(); ++i) joined += (i ? "," : "") + items[i];
  r.method = w_.method;
  r.idempotent = false;
  r.expect_data = expect_data;
  r.body = envelope(joined);
  return r;
}

bool conflict_lookup(const Table& table, const Row& new_row, ConflictLookup* out) {
  const ConflictCheck& cc = table.conflict;
  if (cc.column.empty() || cc.endpoint < 0) return false;
  const int idx = table.column_index(cc.column);
  if (idx < 0 || !new_row[idx]) return false;  // NULL never conflicts
  // The key: the column, and the further columns the new row gives.
  out->key = {idx};
  for (const auto& c : cc.also) {
    const int k = table.column_index(c);
    if (k >= 0 && new_row[k]) out->key.push_back(k);
  }
  ScanPlan& plan = out->plan;
  plan.table = table.name;
  plan.endpoints = {cc.endpoint};
  const Endpoint& ep = table.reads[cc.endpoint];
  out->needed.assign(table.columns.size(), false);
  for (size_t k = 0; k < out->key.size(); ++k) {
    const int col_index = out->key[k];
    const std::string& col = table.columns[col_index].name;
    out->needed[col_index] = true;
    // Every = binding of the key column (a date sent as both range bounds); the first key column's at least.
    for (int b = 0; b < int(ep.bindings.size()); ++b)
      if (ep.bindings[b].column == col && (ep.bindings[b].ops & kEq) && (k == 0 || ep.bindings[b].to == BindTo::Query)) {
        plan.used.push_back(int(out->values.size()));
        plan.binding_of.push_back(b);
        out->values.push_back(CondValues{{new_row[col_index]}});
        if (k == 0 && cc.also.empty()) break;
      }
  }
  return true;
}

std::string describe_write(const Table& table, const WriteRule& w, bool returning, bool on_conflict) {
  std::string s = w.method + " " + w.path + " (" + w.name;
  if (w.batch_max > 0 && !returning && !on_conflict)
    s += ", up to " + std::to_string(w.batch_max) + " rows a request";
  else if (w.batch_max > 0)
    s += ", one row a request because of RETURNING or ON CONFLICT";
  s += ")";
  const ConflictCheck& cc = table.conflict;
  if (on_conflict && cc.endpoint >= 0)
    s += "; each row first looked up by " + cc.column + " with GET " + table.reads[cc.endpoint].path;
  return s;
}

}  // namespace cfdw
