// commerce_fdw engine: how an API's tables are declared.
//
// An API file (src/apis/<api>.cpp) describes each table with these structs:
// its columns and their JSON paths, the endpoints that can read it and which
// conditions each endpoint takes, and how each write is sent. The scan and
// modify code in the engine interpret the declarations; adding a table is
// adding a declaration.
#pragma once

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "engine/json/codec.h"
#include "engine/json/types.h"

namespace cfdw {

// Whether a list of column names (a key, a rule's columns) holds `name`.
inline bool names_contain(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// Operators a condition can push. Bit flags so a binding can take several.
enum Op : unsigned {
  kEq = 1u << 0,        // col = v
  kIn = 1u << 1,        // col IN (...), col = ANY(array)
  kLt = 1u << 2,        // col < v
  kLe = 1u << 3,        // col <= v
  kGt = 1u << 4,        // col > v
  kGe = 1u << 5,        // col >= v
  kLike = 1u << 6,      // col LIKE pattern
  kILike = 1u << 7,     // col ILIKE pattern
  kContains = 1u << 8,  // array col @> ARRAY[v]
};
const char* op_sql(Op op);

enum class ColumnFlag : unsigned {
  kNone = 0,
  kDetail = 1u << 0,     // only the single-object (detail) endpoint returns it
  kWriteOnly = 1u << 1,  // sent on writes, never read (reads give NULL)
  kEcho = 1u << 2,       // not in the remote row: echoes the pushed = condition (search terms)
  kFill = 1u << 3,       // when the row lacks it, take the pushed = condition's value
  kRaw = 1u << 4,        // the whole remote object as jsonb
  kReadOnly = 1u << 5,   // never written
};
inline unsigned operator|(ColumnFlag a, ColumnFlag b) { return unsigned(a) | unsigned(b); }
inline unsigned operator|(unsigned a, ColumnFlag b) { return a | unsigned(b); }

struct Column {
  std::string name;   // SQL name, snake_case
  ColType type;
  std::string path;   // JSON dot path in a row; alternatives separated by '|' ("visibleId|id")
  unsigned flags = 0;
  Format decode = Format::Plain;
  // Writes: key path in the request body (default: the first read path) and format.
  std::string write_path;
  Format write_format = Format::Plain;

  bool has(ColumnFlag f) const { return (flags & unsigned(f)) != 0; }
};

enum class BindTo { Path, Query };

// One pushable condition shape of an endpoint.
struct Binding {
  std::string column;
  unsigned ops = kEq;          // operators taken (kEq|kIn, kGe|kGt for a lower bound, ...)
  BindTo to = BindTo::Query;
  std::string param;           // query parameter, or {name} in the endpoint's path
  Format format = Format::Plain;
  // Several values (IN): 0 = one request series per value; n > 0 = the
  // parameter repeated, n values a request.
  int chunk = 0;
  // With a chunk: its values sent as one parameter, joined with this
  // separator (order_ids=1,13,24); empty: the parameter repeated.
  std::string join;
  // Fixed parameters sent along when this binding is used (q + pname=Y).
  std::vector<std::pair<std::string, std::string>> extra;
  // The remote applies the condition exactly (false: it returns a superset,
  // e.g. a text search for a LIKE pattern). Only exact conditions let a LIMIT
  // shape the request.
  bool exact = true;
  bool required = false;       // the endpoint cannot be used without it
  // The remote applies the condition and this endpoint's rows do not carry the
  // column (it reads NULL): PostgreSQL must not recheck the condition against
  // that NULL, so the planner leaves it out of the local filter.
  bool authoritative = false;
};

enum class PagingStyle {
  None,        // one response holds every row
  PageSize,    // page number + page size, stop on has-more false / total reached / short page
  PageNumber,  // page number, stop at the total page count (or a short page)
  Offset,      // page offset (0-based page index) + page size, stop on a short page
};

struct Paging {
  PagingStyle style = PagingStyle::None;
  std::string page_param;   // "page", "pageNumber", "pageOffset"
  std::string size_param;   // "limit", "items_per_page", "pageCount"; empty: the server's fixed size
  int first_page = 1;
  int max_size = 100;       // documented maximum (the server may cap lower: we follow its answer)
  std::string total_path;   // rows in all pages ("pagination.total")
  std::string more_path;    // has-more flag ("pagination.hasMore")
  std::string pages_path;   // page count ("paginationInfo.totalPages")
  // A count that may be the rows of the whole list or of the page (Glocher's
  // `count`): a total only when it exceeds the rows of the page carrying it.
  std::string count_path;
};

enum class Shape {
  List,       // rows: a JSON array at `rows`
  Object,     // one row: the object at `rows`; HTTP 404 means no row
  ObjectMap,  // rows: the member values of the object at `rows` (order items keyed by id); 404: no rows
};

// A request that reads rows of a table.
struct Endpoint {
  std::string name;          // for EXPLAIN: "list", "by id", ...
  std::string method = "GET";
  std::string path;          // "/inventory/{id}": {x} bound by a Path binding or an API parameter
  std::string rows;          // dot path of the rows in the response ("data"; "" = the root)
  Shape shape = Shape::List;
  Paging paging;
  std::vector<Binding> bindings;  // bindings sharing a query parameter exclude each other
  std::vector<std::pair<std::string, std::string>> fixed;  // always-sent query parameters
  // Partition: this endpoint returns the rows whose `part_column` is one of
  // `part_values`; endpoints sharing a non-zero `group` are read together
  // (the union) and a condition on part_column picks among them.
  int group = 0;
  std::string part_column;
  std::vector<std::string> part_values;
  bool has_detail = false;   // its rows carry the detail columns
  // Columns this endpoint's rows lack; when a query needs them, `supplement`
  // (a single-object request keyed by a pushed condition) provides them.
  std::vector<std::string> lacks;
  std::string supplement_path;   // "/products/id/{product_id}"
  std::string supplement_rows;   // "data"
  std::vector<std::pair<std::string, std::string>> supplement_map;  // column -> JSON path in it
  // Sorting: remote sort names per column and the parameters that carry them.
  std::string sort_param, order_param;  // "sort_by", "sort_order"
  std::vector<std::pair<std::string, std::string>> sorts;  // column -> remote sort key
  // Columns its rows lack that the configuration supplies: column -> value
  // with {option} replaced from the config (a shop read by Glocher's shop_id option).
  std::vector<std::pair<std::string, std::string>> fill;
};

// One field of a request body: a column's value, or a constant.
struct BodyField {
  std::string key;      // dot path in the body object
  std::string column;   // source column (empty: `constant`)
  Format format = Format::Plain;
  std::string constant; // JSON text of a constant
  bool required = false;  // the write fails naming the column when it is NULL
  bool skip_null = true;  // leave the key out when the value is NULL
  // An array column sent as one string, its elements joined with this
  // separator ("1,2,3"); empty: sent as a JSON array.
  std::string join;
};

// A table's read endpoint named in a declaration ("by id"). The registry
// resolves the name once (resolve_references in api.h); the engine uses the
// index, which the reference converts to (-1: none, or not resolved).
struct EndpointRef {
  std::string name;
  int index = -1;

  EndpointRef() = default;
  EndpointRef(const char* n) : name(n) {}  // NOLINT: declarations write t.detail = "by id"
  EndpointRef(std::string n) : name(std::move(n)) {}  // NOLINT
  EndpointRef(int) = delete;  // endpoints are named, never numbered
  operator int() const { return index; }  // NOLINT
};

enum class WriteKind { Insert, Update, Delete };

// The answer that proves a write was done: a 2xx alone does not (an API may
// answer 200 {"status":"FAILED"} or {"result":"queued"}). A 2xx without its
// proof leaves the rows' outcome unknown: an error listing them, never a
// success with NULL ids.
struct SuccessProof {
  bool declared = false;      // false: a 2xx is the proof (a DELETE answered 204)
  std::string path;           // dot path of the value in the answer ("data.id"; "" = the root)
  std::string equals;         // JSON text the value must be ("\"OK\""); empty: any non-null value
  // The value is an array with one entry per row the request carried (Glance
  // adjust's data.adjusted, one entry per action). A shorter one proves the
  // rows its entries name by `names` (keys of both a request item and an
  // answer entry: productId, warehouseId); the other rows are unknown.
  bool each = false;
  std::vector<std::string> names;
};
const char* kind_sql(WriteKind k);  // "INSERT", "UPDATE", "DELETE"

struct WriteRule {
  WriteKind kind = WriteKind::Insert;
  std::string name;                  // for EXPLAIN and errors: "create", "adjust", ...
  // UPDATE: the rule applies when every changed column is one of `columns`
  // (empty: any writable column), and, when set, `delta_column` is assigned
  // `delta_column ± expr` (sent as the difference), and `value_column` is
  // assigned the constant `value`.
  std::vector<std::string> columns;
  std::string delta_column;
  // The error (23502) when the delta column is NULL in the old or new row:
  // "cannot adjust a NULL quantity by a difference".
  std::string null_delta_message;
  std::string value_column, value;
  std::string method = "POST";
  std::string path;                  // {column} placeholders from the row (old key or new value)
  std::vector<BodyField> body;       // empty: every writable column by its write path
  // Constant members of the request body, JSON text with {option} replaced
  // from the config ({"id", "{shop_id}"}); a batched body carries them beside
  // batch_key, an unbatched one beside the row's fields.
  std::vector<std::pair<std::string, std::string>> fixed;
  bool all_columns = false;          // UPDATE: send every writable column, not only the changed ones
  // Batching: 0 = one request a row; otherwise the API's maximum items a request.
  int batch_max = 0;
  std::string batch_key;             // body {batch_key: [items]}; empty: a bare JSON array
  // Response: where the written object (or, batched, the array of results) is,
  // and which columns RETURNING takes from it (column -> JSON path).
  std::string result;
  std::vector<std::pair<std::string, std::string>> returning;
  std::string match_key;             // batched results matched to rows by this item key (else by position)
  // The columns naming a row when a failed statement reports which rows were
  // applied, not applied or unknown (an INSERT's SKU, external order number).
  // Empty: the table's key for UPDATE and DELETE, the row's position for INSERT.
  std::vector<std::string> key;
  // The rule applies only when the table's (or server's) option `option` is
  // `option_value` (insert_via 'feed'); rules without one apply otherwise.
  std::string option, option_value;
  // A statement with RETURNING is refused with this reason (a queued write
  // whose answer holds no rows).
  std::string no_returning;
  // What in a 2xx answer proves the write was done (SuccessProof).
  SuccessProof proof;
  // INSERT: columns that must not be NULL, checked before any request
  // (SQLSTATE 23502, as a NOT NULL constraint would).
  std::vector<std::string> not_null;
  // ... except in a row where this column is not NULL (Glocher: an item
  // carrying an id updates that product, a name being optional then).
  std::string not_null_unless;
};

// ON CONFLICT DO NOTHING: before inserting, look a row up by a column and skip
// the insert when the remote has it.
struct ConflictCheck {
  std::string column;    // "email"
  EndpointRef endpoint;  // read endpoint used for the lookup (its binding on `column`)
  bool ignore_case = false;  // the remote treats values differing only in case as the same (emails)
  // Further key columns: a remote row conflicts only when each of them the new
  // row gives (non-NULL) is equal too (numbers compared as numbers). Those the
  // lookup endpoint binds with = are sent in the same request.
  std::vector<std::string> also;
};

struct Table {
  std::string name;                 // resource name without the API prefix: "inventory"
  std::vector<Column> columns;
  std::vector<Endpoint> reads;      // in order of preference; the first usable one is chosen
  EndpointRef detail;               // endpoint fetching one full row by key, for detail columns
  std::vector<std::string> key;     // columns identifying a row for UPDATE/DELETE
  std::vector<std::string> required;  // one of these must be constrained (= / IN), else an error
  std::string required_hint;        // how to supply it
  std::vector<WriteRule> writes;
  ConflictCheck conflict;
  bool insert_only = false;         // SELECT fails: the API has no read for it
  std::string no_delete_reason;     // DELETE fails with this
  double est_rows = 1000;           // planner's guess of the remote row count

  int column_index(const std::string& col) const;
  const Column* column(const std::string& col) const;
};

// Catalog comments written by IMPORT FOREIGN SCHEMA, generated from the
// declaration (describe.cpp): what the table reads and writes, and for a
// column its remote field, type conversion, which conditions push and to
// what, and whether it is detail-only, required, write-only, read-only or an
// echo of a condition. Plain text, no secrets (declarations hold none).
std::string describe_table(const std::string& api, const Table& t);
std::string describe_column(const Table& t, const Column& c);
// Whether the table declares a write of this kind (pg_relation_is_updatable).
bool table_writes(const Table& t, WriteKind kind);

}  // namespace cfdw
