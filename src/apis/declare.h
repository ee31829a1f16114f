// commerce_fdw: short-hands for declaring an API's options and tables by name
// (see engine/api.h, engine/schema.h and docs/architecture.md "Declarations").
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "engine/declare/api.h"
#include "engine/declare/schema.h"
#include "engine/run/session.h"

namespace cfdw {
namespace declare {

// Options an API takes beyond the common ones (engine/api.h: OptionDef).
// A credential, only in a user mapping; a table fails without it.
inline OptionDef secret(std::string name) {
  OptionDef o;
  o.name = std::move(name);
  o.kind = OptionKind::Secret;
  o.places = kOnMapping;
  o.required = true;
  return o;
}
// A remote id (a whole number, 1 or more) on the server or a table, put into
// declarations as {name}.
inline OptionDef id_option(std::string name) {
  OptionDef o;
  o.name = std::move(name);
  o.kind = OptionKind::Id;
  return o;
}
// One of the listed values, on the server or a table (WriteRule::option).
inline OptionDef one_of(std::string name, std::vector<std::string> values) {
  OptionDef o;
  o.name = std::move(name);
  o.kind = OptionKind::Enum;
  o.values = std::move(values);
  return o;
}
// A table using the API fails without it (naming the option).
inline OptionDef required(OptionDef o) {
  o.required = true;
  return o;
}

inline Column col(std::string name, ColType type, std::string path, ColumnFlag flag = ColumnFlag::kNone,
                  Format decode = Format::Plain) {
  Column c;
  c.name = std::move(name);
  c.type = type;
  c.path = std::move(path);
  c.flags = unsigned(flag);
  c.decode = decode;
  return c;
}
// A column written under another key than it is read from.
inline Column col_w(std::string name, ColType type, std::string path, std::string write_path) {
  Column c = col(std::move(name), type, std::move(path));
  c.write_path = std::move(write_path);
  return c;
}
inline Column detail(std::string name, ColType type, std::string path) {
  return col(std::move(name), type, std::move(path), ColumnFlag::kDetail);
}
// A search column: it echoes the term of its pushed = condition.
inline Column echo(std::string name) {
  return col(std::move(name), ColType::Text, "", ColumnFlag::kEcho);
}
inline Column raw() { return col("raw", ColType::Jsonb, "", ColumnFlag::kRaw); }

inline Binding path_eq(std::string column, std::string param) {
  Binding b;
  b.column = std::move(column);
  b.ops = kEq | kIn;  // IN: one request per value
  b.to = BindTo::Path;
  b.param = std::move(param);
  return b;
}
inline Binding query_eq(std::string column, std::string param) {
  Binding b;
  b.column = std::move(column);
  b.ops = kEq;
  b.to = BindTo::Query;
  b.param = std::move(param);
  return b;
}
// = or IN (one request series per value).
inline Binding query_in(std::string column, std::string param) {
  Binding b = query_eq(std::move(column), std::move(param));
  b.ops = kEq | kIn;
  return b;
}
// A lower (>=, >) or upper (<=, <) bound.
inline Binding lower(std::string column, std::string param, Format f = Format::Plain) {
  Binding b = query_eq(std::move(column), std::move(param));
  b.ops = kGe | kGt;
  b.format = f;
  return b;
}
inline Binding upper(std::string column, std::string param, Format f = Format::Plain) {
  Binding b = query_eq(std::move(column), std::move(param));
  b.ops = kLe | kLt;
  b.format = f;
  return b;
}

inline Endpoint endpoint(std::string name, std::string method, std::string path, std::string rows, Shape shape,
                         std::vector<Binding> bindings) {
  Endpoint e;
  e.name = std::move(name);
  e.method = std::move(method);
  e.path = std::move(path);
  e.rows = std::move(rows);
  e.shape = shape;
  e.bindings = std::move(bindings);
  return e;
}

// Whether a body field's column must be non-NULL (the write fails naming it).
enum Need { kOptional, kRequired };

inline BodyField field(std::string key, std::string column, Need need = kOptional,
                       Format format = Format::Plain) {
  BodyField f;
  f.key = std::move(key);
  f.column = std::move(column);
  f.required = need == kRequired;
  f.format = format;
  return f;
}
inline BodyField field(std::string key, std::string column, Format format) {
  return field(std::move(key), std::move(column), kOptional, format);
}
inline BodyField constant(std::string key, std::string json_text) {
  BodyField f;
  f.key = std::move(key);
  f.constant = std::move(json_text);
  return f;
}

using Returning = std::vector<std::pair<std::string, std::string>>;

inline WriteRule insert(std::string name, std::string method, std::string path, std::vector<BodyField> body,
                        std::string result, Returning ret) {
  WriteRule w;
  w.kind = WriteKind::Insert;
  w.name = std::move(name);
  w.method = std::move(method);
  w.path = std::move(path);
  w.body = std::move(body);
  w.result = std::move(result);
  w.returning = std::move(ret);
  return w;
}
inline WriteRule update(std::string name, std::vector<std::string> columns, std::string method, std::string path,
                        std::vector<BodyField> body, std::string result, Returning ret) {
  WriteRule w = insert(std::move(name), std::move(method), std::move(path), std::move(body), std::move(result),
                       std::move(ret));
  w.kind = WriteKind::Update;
  w.columns = std::move(columns);
  return w;
}
// UPDATE ... SET col = col ± n, sent as the difference:
//   update_delta("adjust").of("quantity").request("POST", "/inventory/adjust")
//       .body({...}).batched("actions", 100).result("data.adjusted", {{"quantity", "newQuantity"}})
class DeltaUpdate {
 public:
  explicit DeltaUpdate(std::string name) {
    w_.kind = WriteKind::Update;
    w_.name = std::move(name);
  }
  // The column changed by a difference; a NULL in it (old or new) is refused
  // with "cannot <name> a NULL <column> by a difference" unless when_null says otherwise.
  DeltaUpdate& of(std::string column) {
    w_.columns = {column};
    w_.delta_column = column;
    w_.null_delta_message = "cannot " + w_.name + " a NULL " + column + " by a difference";
    return *this;
  }
  DeltaUpdate& request(std::string method, std::string path) {
    w_.method = std::move(method);
    w_.path = std::move(path);
    return *this;
  }
  DeltaUpdate& body(std::vector<BodyField> fields) {
    w_.body = std::move(fields);
    return *this;
  }
  // Up to `max` rows a request, as the array `key` of the body.
  DeltaUpdate& batched(std::string key, int max) {
    w_.batch_key = std::move(key);
    w_.batch_max = max;
    return *this;
  }
  // Where the answer holds the written rows, and RETURNING's columns in it.
  DeltaUpdate& result(std::string path, Returning ret) {
    w_.result = std::move(path);
    w_.returning = std::move(ret);
    return *this;
  }
  DeltaUpdate& when_null(std::string message) {
    w_.null_delta_message = std::move(message);
    return *this;
  }
  operator WriteRule() const { return w_; }

 private:
  WriteRule w_;
};
inline DeltaUpdate update_delta(std::string name) { return DeltaUpdate(std::move(name)); }

inline WriteRule remove(std::string name, std::string method, std::string path) {
  WriteRule w;
  w.kind = WriteKind::Delete;
  w.name = std::move(name);
  w.method = std::move(method);
  w.path = std::move(path);
  return w;
}

// A write rule whose rows are named by `key` when a failed statement reports
// their outcomes (an INSERT's SKU or external number; see WriteRule::key).
inline WriteRule keyed(std::vector<std::string> key, WriteRule w) {
  w.key = std::move(key);
  return w;
}

// The answer proving a write of the rule `rule` ("" = every write of the table)
// was done: a non-null value at `path`, equal to the JSON text `equals` when
// given (see SuccessProof).
inline void proves(Table& t, const std::string& rule, std::string path, std::string equals = "") {
  for (WriteRule& w : t.writes)
    if (rule.empty() || w.name == rule) {
      w.proof.declared = true;
      w.proof.path = path;
      w.proof.equals = equals;
    }
}
// The same with an array at `path` holding one entry per row sent, its entries
// naming their rows by the item keys `names`.
inline void proves_each(Table& t, const std::string& rule, std::string path, std::vector<std::string> names) {
  proves(t, rule, std::move(path));
  for (WriteRule& w : t.writes)
    if (rule.empty() || w.name == rule) {
      w.proof.each = true;
      w.proof.names = names;
    }
}

// ON CONFLICT DO NOTHING: each row's `column` is first looked up through the
// read endpoint named `endpoint`:
//   conflict_lookup("email", "list").ignoring_case()
class ConflictLookup {
 public:
  ConflictLookup(std::string column, std::string endpoint) {
    c_.column = std::move(column);
    c_.endpoint = std::move(endpoint);
  }
  // The remote treats values differing only in case as the same (emails).
  ConflictLookup& ignoring_case() {
    c_.ignore_case = true;
    return *this;
  }
  // Further columns that must be equal too (ConflictCheck::also).
  ConflictLookup& also_equal(std::vector<std::string> columns) {
    c_.also = std::move(columns);
    return *this;
  }
  operator ConflictCheck() const { return c_; }

 private:
  ConflictCheck c_;
};
inline ConflictLookup conflict_lookup(std::string column, std::string endpoint) {
  return ConflictLookup(std::move(column), std::move(endpoint));
}

// RETURNING from the listed (column, response path) pairs.
inline Returning returning_from(const Table&, Returning pairs) { return pairs; }
// RETURNING every column the response object carries, by the columns' read paths.
inline Returning returning_all(const Table& t) {
  Returning r;
  for (const auto& c : t.columns) {
    if (c.has(ColumnFlag::kRaw) || c.has(ColumnFlag::kEcho) || c.has(ColumnFlag::kWriteOnly) || c.path.empty())
      continue;
    r.emplace_back(c.name, c.path.substr(0, c.path.find('|')));
  }
  return r;
}

}  // namespace declare
}  // namespace cfdw
