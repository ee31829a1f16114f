// commerce_fdw: short-hands for declaring an API's tables (see engine/schema.h).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "engine/schema.h"
#include "engine/session.h"

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
                  Decode decode = Decode::Plain) {
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
inline Binding lower(std::string column, std::string param, ValueFormat f = ValueFormat::Plain) {
  Binding b = query_eq(std::move(column), std::move(param));
  b.ops = kGe | kGt;
  b.format = f;
  return b;
}
inline Binding upper(std::string column, std::string param, ValueFormat f = ValueFormat::Plain) {
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

inline BodyField field(std::string key, std::string column, bool required = false,
                       json::WriteFormat format = json::WriteFormat::Plain) {
  BodyField f;
  f.key = std::move(key);
  f.column = std::move(column);
  f.required = required;
  f.format = format;
  return f;
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
// UPDATE ... SET col = col ± n, sent as the difference, batched.
inline WriteRule update_delta(std::string name, std::string column, std::string method, std::string path,
                              std::vector<BodyField> body, std::string batch_key, int batch_max, std::string result,
                              Returning ret) {
  WriteRule w = update(std::move(name), {column}, std::move(method), std::move(path), std::move(body),
                       std::move(result), std::move(ret));
  w.delta_column = std::move(column);
  w.batch_key = std::move(batch_key);
  w.batch_max = batch_max;
  return w;
}
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
