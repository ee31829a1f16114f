// commerce_fdw engine: resolving the names a declaration uses — endpoints
// named by Table::detail and ConflictCheck::endpoint become indexes — and
// checking every other name (columns, placeholders, options); see api.h.
#include <set>

#include "engine/declare/api.h"

namespace cfdw {

namespace {

// The {name} placeholders of a path.
std::vector<std::string> placeholders(const std::string& path) {
  std::vector<std::string> out;
  for (size_t open = path.find('{'); open != std::string::npos; open = path.find('{', open + 1)) {
    const size_t close = path.find('}', open);
    if (close == std::string::npos) break;
    out.push_back(path.substr(open + 1, close - open - 1));
  }
  return out;
}

class Checker {
 public:
  Checker(const Api& api, const Table& t, std::vector<std::string>* problems)
      : api_(api), t_(t), problems_(problems) {}

  void fail(const std::string& what) { problems_->push_back(api_.name + "." + t_.name + ": " + what); }

  void column(const std::string& name, const std::string& where) {
    if (!t_.column(name)) fail(where + " names no column \"" + name + "\"");
  }
  void columns(const std::vector<std::string>& names, const std::string& where) {
    for (const auto& n : names) column(n, where);
  }
  bool is_option(const std::string& name) const {
    for (const auto& o : api_.options)
      if (!o.secret() && o.name == name) return true;
    return false;
  }

  // Resolves a reference to one of the table's endpoints by its name.
  void resolve(EndpointRef& ref, const std::string& where) {
    ref.index = -1;
    for (size_t i = 0; i < t_.reads.size(); ++i)
      if (t_.reads[i].name == ref.name) ref.index = int(i);
    if (ref.index < 0) fail(where + " names no endpoint \"" + ref.name + "\"");
  }

  void endpoint(const Endpoint& e) {
    const std::string where = "endpoint \"" + e.name + "\"";
    for (const auto& b : e.bindings) column(b.column, where + ": a binding");
    for (const auto& p : placeholders(e.path)) {
      bool bound = is_option(p);
      for (const auto& b : e.bindings) bound |= b.to == BindTo::Path && b.param == p;
      if (!bound) fail(where + ": {" + p + "} in its path is bound by no binding and no option");
    }
    if (!e.part_column.empty()) column(e.part_column, where + ": the partition");
    columns(e.lacks, where + ": lacks");
    for (const auto& p : placeholders(e.supplement_path))
      if (!t_.column(p) && !is_option(p)) fail(where + ": {" + p + "} in its supplement path is no column or option");
    for (const auto& [c, path] : e.supplement_map) column(c, where + ": the supplement");
    for (const auto& [c, key] : e.sorts) column(c, where + ": a sort");
    for (const auto& [c, value] : e.fill) column(c, where + ": a fill");
  }

  void write(const WriteRule& w) {
    const std::string where = std::string(kind_sql(w.kind)) + " rule \"" + w.name + "\"";
    columns(w.columns, where);
    if (!w.delta_column.empty()) {
      column(w.delta_column, where + ": the delta");
      if (w.null_delta_message.empty()) fail(where + ": a delta rule without its NULL message");
    }
    if (!w.value_column.empty()) column(w.value_column, where + ": the value");
    for (const auto& f : w.body)
      if (!f.column.empty()) column(f.column, where + ": body field \"" + f.key + "\"");
    for (const auto& [c, path] : w.returning) column(c, where + ": RETURNING");
    columns(w.key, where + ": the key");
    columns(w.not_null, where + ": not_null");
    if (!w.not_null_unless.empty()) column(w.not_null_unless, where + ": not_null_unless");
    for (const auto& p : placeholders(w.path))
      if (!t_.column(p) && !is_option(p)) fail(where + ": {" + p + "} in its path is no column or option");
    if (!w.option.empty()) {
      bool declared = false;
      for (const auto& o : api_.options) declared |= o.name == w.option;
      if (!declared) fail(where + ": option \"" + w.option + "\" is not declared by the API");
    }
  }

 private:
  const Api& api_;
  const Table& t_;
  std::vector<std::string>* problems_;
};

}  // namespace

std::vector<std::string> resolve_references(Api& api) {
  std::vector<std::string> problems;
  std::set<std::string> options;
  for (const auto& o : api.options)
    if (!options.insert(o.name).second) problems.push_back(api.name + ": option \"" + o.name + "\" declared twice");
  std::set<std::string> tables;
  for (Table& t : api.tables) {
    if (!tables.insert(t.name).second) problems.push_back(api.name + ": table \"" + t.name + "\" declared twice");
    Checker check(api, t, &problems);
    std::set<std::string> names;
    for (const auto& c : t.columns)
      if (!names.insert(c.name).second) check.fail("column \"" + c.name + "\" declared twice");
    names.clear();
    for (const auto& e : t.reads) {
      if (!names.insert(e.name).second) check.fail("endpoint \"" + e.name + "\" declared twice");
      check.endpoint(e);
    }
    if (!t.detail.name.empty()) check.resolve(t.detail, "detail");
    check.columns(t.key, "the key");
    check.columns(t.required, "required");
    for (const auto& w : t.writes) check.write(w);
    if (!t.conflict.column.empty()) {
      check.column(t.conflict.column, "the conflict check");
      check.columns(t.conflict.also, "the conflict check");
      check.resolve(t.conflict.endpoint, "the conflict check");
      if (t.conflict.endpoint >= 0) {
        bool bound = false;
        for (const auto& b : t.reads[t.conflict.endpoint].bindings) bound |= b.column == t.conflict.column;
        if (!bound) check.fail("the conflict check's endpoint \"" + t.conflict.endpoint.name + "\" has no binding on " +
                               t.conflict.column);
      }
    } else if (!t.conflict.endpoint.name.empty()) {
      check.fail("a conflict check without a column");
    }
  }
  return problems;
}

}  // namespace cfdw
