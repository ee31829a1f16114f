// commerce_fdw engine: which write rule a statement uses (see modify.h,
// choose_write_rule), and what the message says when the API has none.
#include <algorithm>

#include "engine/run/modify.h"

namespace cfdw {

namespace {

// "SET quantity = quantity ± n, or SET location, quantity" for messages.
std::string describe_update_rules(const Table& t) {
  std::string s;
  for (const auto& w : t.writes) {
    if (w.kind != WriteKind::Update) continue;
    std::string one;
    if (!w.value_column.empty()) {
      one = w.value_column + " = '" + w.value + "'";
    } else if (!w.delta_column.empty()) {
      one = w.delta_column + " = " + w.delta_column + " ± n";
    } else {
      for (const auto& c : w.columns) one += (one.empty() ? "" : ", ") + c;
      if (w.columns.empty()) one = "any writable column";
    }
    if (!s.empty()) s += "; or ";
    s += one;
  }
  return s;
}

}  // namespace

int choose_write_rule(const Table& table, const std::string& relname, WriteKind kind, const UpdateShape* shape,
                      std::string* why, const std::map<std::string, std::string>* options) {
  bool any = false;
  // A rule tied to an option set to its value wins over the rules tied to none.
  auto option_set = [&](const WriteRule& w) {
    if (!options) return false;
    auto it = options->find(w.option);
    return it != options->end() && it->second == w.option_value;
  };
  bool chosen_by_option = false;
  for (const auto& w : table.writes)
    if (w.kind == kind && !w.option.empty() && option_set(w)) chosen_by_option = true;
  for (int i = 0; i < int(table.writes.size()); ++i) {
    const WriteRule& w = table.writes[i];
    if (w.kind != kind) continue;
    if (w.option.empty() ? chosen_by_option : !option_set(w)) continue;
    any = true;
    if (kind != WriteKind::Update || !shape) return i;
    bool fits = true;
    for (const auto& c : shape->changed) {
      if (!w.columns.empty() && !names_contain(w.columns, c)) fits = false;
      // A column the API sets itself (an id, a creation time) is never sent.
      const Column* col = table.column(c);
      if (!col || col->has(ColumnFlag::kReadOnly) || col->has(ColumnFlag::kRaw) || col->has(ColumnFlag::kEcho))
        fits = false;
    }
    if (!w.delta_column.empty()) {
      if (!names_contain(shape->delta, w.delta_column)) fits = false;
      // every other changed column must also be a delta-free part of the rule: only the delta column may change
      if (shape->changed.size() != 1) fits = false;
    }
    if (!w.value_column.empty()) {
      bool found = false;
      for (const auto& [col, val] : shape->constants)
        if (col == w.value_column) found = val && *val == w.value;
      // a value only known at execution is checked then
      if (!found && !names_contain(shape->changed, w.value_column)) fits = false;
      if (!found) {
        for (const auto& [col, val] : shape->constants)
          if (col == w.value_column) fits = false;
      }
    }
    if (fits) return i;
  }
  if (!any) {
    if (kind == WriteKind::Delete && !table.no_delete_reason.empty())
      *why = "cannot delete from foreign table \"" + relname + "\": " + table.no_delete_reason;
    else
      *why = std::string("foreign table \"") + relname + "\" does not support " + kind_sql(kind);
  } else {
    *why = "this UPDATE of foreign table \"" + relname + "\" cannot be sent to the API; it can change: " +
           describe_update_rules(table);
  }
  return -1;
}

}  // namespace cfdw
