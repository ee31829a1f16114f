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

// A read endpoint, by name:
//   get("by product", "/inventory/product/{product_id}").rows("data").where({path_eq("product_id", "product_id")})
// A GET answering a list of rows (Shape::List) unless object() or object_map() says otherwise.
class Read {
 public:
  Read(std::string name, std::string path) {
    e_.name = std::move(name);
    e_.method = "GET";
    e_.path = std::move(path);
  }
  // Where the rows are in the answer (a dot path; none: the root).
  Read& rows(std::string at) {
    e_.rows = std::move(at);
    return *this;
  }
  // One object (HTTP 404: no row).
  Read& object() {
    e_.shape = Shape::Object;
    return *this;
  }
  // The member values of an object (order items keyed by id).
  Read& object_map() {
    e_.shape = Shape::ObjectMap;
    return *this;
  }
  Read& where(std::vector<Binding> bindings) {
    e_.bindings = std::move(bindings);
    return *this;
  }
  Read& paged(Paging p) {
    e_.paging = std::move(p);
    return *this;
  }
  // Its rows carry the detail columns.
  Read& detail() {
    e_.has_detail = true;
    return *this;
  }
  // Query parameters always sent.
  Read& fixed(std::vector<std::pair<std::string, std::string>> params) {
    e_.fixed = std::move(params);
    return *this;
  }
  // ORDER BY pushed as sort_param=<remote key>&order_param=asc|desc.
  Read& sorted_by(std::string sort_param, std::string order_param,
                  std::vector<std::pair<std::string, std::string>> sorts) {
    e_.sort_param = std::move(sort_param);
    e_.order_param = std::move(order_param);
    e_.sorts = std::move(sorts);
    return *this;
  }
  // Its rows lack these columns: one request to `path` per row supplies them
  // (column -> JSON path in that answer's `rows`).
  Read& supplemented(std::vector<std::string> lacks, std::string path, std::string rows,
                     std::vector<std::pair<std::string, std::string>> map) {
    e_.lacks = std::move(lacks);
    e_.supplement_path = std::move(path);
    e_.supplement_rows = std::move(rows);
    e_.supplement_map = std::move(map);
    return *this;
  }
  // One of the endpoints of `group` that together read a table split by the
  // values of `column` (Endpoint::part_column).
  Read& part(int group, std::string column, std::vector<std::string> values) {
    e_.group = group;
    e_.part_column = std::move(column);
    e_.part_values = std::move(values);
    return *this;
  }
  // Columns its rows lack, filled from these JSON paths (Endpoint::fill).
  Read& fill(std::vector<std::pair<std::string, std::string>> columns) {
    e_.fill = std::move(columns);
    return *this;
  }
  operator Endpoint() const { return e_; }  // NOLINT: a declaration reads as the endpoint it builds

 private:
  Endpoint e_;
};
inline Read get(std::string name, std::string path) { return Read(std::move(name), std::move(path)); }

// Paging, by name: paged(PagingStyle::PageSize, "page").size("limit", 100).total("pagination.total")
class Pages {
 public:
  Pages(PagingStyle style, std::string page_param) {
    p_.style = style;
    p_.page_param = std::move(page_param);
  }
  // The page-size parameter and the largest size asked for.
  Pages& size(std::string param, int max) {
    p_.size_param = std::move(param);
    p_.max_size = max;
    return *this;
  }
  // The server's fixed page size (no parameter).
  Pages& fixed_size(int size) {
    p_.size_param.clear();
    p_.max_size = size;
    return *this;
  }
  Pages& first(int page) {
    p_.first_page = page;
    return *this;
  }
  Pages& total(std::string path) {
    p_.total_path = std::move(path);
    return *this;
  }
  Pages& more(std::string path) {
    p_.more_path = std::move(path);
    return *this;
  }
  Pages& pages(std::string path) {
    p_.pages_path = std::move(path);
    return *this;
  }
  Pages& count(std::string path) {
    p_.count_path = std::move(path);
    return *this;
  }
  operator Paging() const { return p_; }  // NOLINT

 private:
  Paging p_;
};
inline Pages paged(PagingStyle style, std::string page_param) { return Pages(style, std::move(page_param)); }

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

// A write, by name:
//   insert("create").request("POST", "/inventory/create").body({...}).result("data").returning({...})
//   update("edit", {"quantity", "location"}).request("PUT", "/inventory/{id}/edit")
//   update_delta("adjust").of("quantity").request("POST", "/inventory/adjust").batched("actions", 100)
//   remove("delete").request("DELETE", "/inventory/{id}/delete")
class Write {
 public:
  Write(WriteKind kind, std::string name) {
    w_.kind = kind;
    w_.name = std::move(name);
  }
  Write& request(std::string method, std::string path) {
    w_.method = std::move(method);
    w_.path = std::move(path);
    return *this;
  }
  // The body's fields (none: every writable column by its write path).
  Write& body(std::vector<BodyField> fields) {
    w_.body = std::move(fields);
    return *this;
  }
  // Where the answer holds the written row(s).
  Write& result(std::string path) {
    w_.result = std::move(path);
    return *this;
  }
  // RETURNING's columns, by their paths in the result.
  Write& returning(Returning columns) {
    w_.returning = std::move(columns);
    return *this;
  }
  // Up to `max` rows a request, as the array `key` of the body ("": a bare array).
  Write& batched(std::string key, int max) {
    w_.batch_key = std::move(key);
    w_.batch_max = max;
    return *this;
  }
  // Batched results matched to rows by this item key (else by position).
  Write& matched_by(std::string item_key) {
    w_.match_key = std::move(item_key);
    return *this;
  }
  // The columns naming a row when a failed statement reports the outcomes (WriteRule::key).
  Write& keyed(std::vector<std::string> columns) {
    w_.key = std::move(columns);
    return *this;
  }
  // Always-sent body fields ({option} placeholders allowed).
  Write& fixed(std::vector<std::pair<std::string, std::string>> fields) {
    w_.fixed = std::move(fields);
    return *this;
  }
  // Taken only when the table's option `option` is `value` (WriteRule::option).
  Write& when_option(std::string option, std::string value) {
    w_.option = std::move(option);
    w_.option_value = std::move(value);
    return *this;
  }
  // RETURNING is refused, for this reason.
  Write& without_returning(std::string reason) {
    w_.no_returning = std::move(reason);
    return *this;
  }
  // Columns a row must fill (checked before any request), unless `unless` is given.
  Write& needs(std::vector<std::string> columns, std::string unless = "") {
    w_.not_null = std::move(columns);
    w_.not_null_unless = std::move(unless);
    return *this;
  }
  // UPDATE ... SET column = value, the only value the request sets.
  Write& sets(std::string column, std::string value) {
    w_.value_column = std::move(column);
    w_.value = std::move(value);
    return *this;
  }
  // UPDATE ... SET column = column ± n, sent as the difference; a NULL in it (old or new) is
  // refused with "cannot <name> a NULL <column> by a difference" unless when_null says otherwise.
  Write& of(std::string column) {
    w_.columns = {column};
    w_.delta_column = column;
    w_.null_delta_message = "cannot " + w_.name + " a NULL " + column + " by a difference";
    return *this;
  }
  Write& when_null(std::string message) {
    w_.null_delta_message = std::move(message);
    return *this;
  }
  // The answer proves the write when it holds a non-null value at `path`,
  // equal to the JSON text `equals` when given (SuccessProof).
  Write& proof(std::string path, std::string equals = "") {
    w_.proof.declared = true;
    w_.proof.path = std::move(path);
    w_.proof.equals = std::move(equals);
    return *this;
  }
  // ... an array at `path` with one entry per row sent, naming its row by the item keys `names`.
  Write& proof_each(std::string path, std::vector<std::string> names) {
    proof(std::move(path));
    w_.proof.each = true;
    w_.proof.names = std::move(names);
    return *this;
  }
  // The columns an UPDATE writes (none: every writable column).
  Write& columns(std::vector<std::string> names) {
    w_.columns = std::move(names);
    return *this;
  }
  operator WriteRule() const { return w_; }  // NOLINT: a declaration reads as the rule it builds

 private:
  WriteRule w_;
};
inline Write insert(std::string name) { return Write(WriteKind::Insert, std::move(name)); }
// The columns it writes (none: every writable column).
inline Write update(std::string name, std::vector<std::string> columns = {}) {
  return Write(WriteKind::Update, std::move(name)).columns(std::move(columns));
}
inline Write update_delta(std::string name) { return Write(WriteKind::Update, std::move(name)); }
inline Write remove(std::string name) { return Write(WriteKind::Delete, std::move(name)); }

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
