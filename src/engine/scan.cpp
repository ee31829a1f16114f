// commerce_fdw engine: planning and executing table reads (see scan.h).
#include "engine/scan.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <set>
#include <sstream>

#include "engine/error.h"
#include "engine/url.h"
#include "engine/values.h"

namespace cfdw {

// ---------------------------------------------------------------------------
// Plan serialization: a line of space-separated fields, stable and readable.

namespace {

std::string join_ints(const std::vector<int>& v) {
  std::string s;
  for (size_t i = 0; i < v.size(); ++i) s += (i ? "," : "") + std::to_string(v[i]);
  return s.empty() ? "-" : s;
}

std::vector<int> split_ints(const std::string& s) {
  std::vector<int> v;
  if (s == "-") return v;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ',')) v.push_back(std::stoi(item));
  return v;
}

}  // namespace

std::string ScanPlan::serialize() const {
  std::ostringstream o;
  o << table << ' ' << join_ints(endpoints) << ' ' << join_ints(used) << ' ' << join_ints(binding_of) << ' '
    << all_exact << ' ' << (sort_column.empty() ? "-" : sort_column) << ' ' << sort_desc << ' ' << limit << ' '
    << detail << ' ' << supplement << ' ' << count_only << ' ' << eager;
  return o.str();
}

ScanPlan ScanPlan::deserialize(const std::string& s) {
  std::istringstream in(s);
  ScanPlan p;
  std::string eps, used, bind, sort;
  in >> p.table >> eps >> used >> bind >> p.all_exact >> sort >> p.sort_desc >> p.limit >> p.detail >>
      p.supplement >> p.count_only >> p.eager;
  p.endpoints = split_ints(eps);
  p.used = split_ints(used);
  p.binding_of = split_ints(bind);
  p.sort_column = sort == "-" ? "" : sort;
  return p;
}

// ---------------------------------------------------------------------------
// Planning

namespace {

// Endpoints read together with `first` (its partition group, or itself).
std::vector<int> group_of(const Table& t, int first) {
  std::vector<int> g{first};
  const int group = t.reads[first].group;
  if (group == 0) return g;
  for (int i = first + 1; i < int(t.reads.size()); ++i)
    if (t.reads[i].group == group) g.push_back(i);
  return g;
}

bool binding_takes(const Binding& b, const CondShape& c) {
  return b.column == c.column && (b.ops & c.op) != 0;
}

// Whether binding b's query parameter is already carried by another binding in
// use: bindings sharing a parameter (a search term `q` for a name or a code)
// exclude each other, as one request can send it only once.
bool param_taken(const Endpoint& ep, const std::vector<bool>& binding_used, int b) {
  const Binding& mine = ep.bindings[b];
  if (mine.to != BindTo::Query) return false;
  for (int o = 0; o < int(ep.bindings.size()); ++o)
    if (o != b && binding_used[o] && ep.bindings[o].to == BindTo::Query && ep.bindings[o].param == mine.param)
      return true;
  return false;
}

}  // namespace

std::optional<ScanPlan> plan_scan(const Table& table, const ScanRequest& req) {
  // A table that must be constrained: one of its required columns by = or IN.
  if (!table.required.empty()) {
    bool ok = false;
    for (const auto& c : req.conds)
      for (const auto& col : table.required)
        if (c.column == col && (c.op == kEq || c.op == kIn)) ok = true;
    if (!ok) return std::nullopt;
  }

  std::set<int> seen_groups;
  for (int e = 0; e < int(table.reads.size()); ++e) {
    const Endpoint& ep = table.reads[e];
    if (ep.group != 0 && !seen_groups.insert(ep.group).second) continue;

    // Assign offered conditions to this endpoint's bindings, each binding once.
    ScanPlan plan;
    plan.table = table.name;
    plan.endpoints = group_of(table, e);
    std::vector<bool> binding_used(ep.bindings.size(), false);
    bool exact = true;
    bool echo_unbound = false;  // a search term this endpoint cannot send: its column would be NULL
    for (int i = 0; i < int(req.conds.size()); ++i) {
      const CondShape& c = req.conds[i];
      int chosen = -1;
      for (int b = 0; b < int(ep.bindings.size()); ++b) {
        if (!binding_used[b] && binding_takes(ep.bindings[b], c) && !param_taken(ep, binding_used, b)) {
          chosen = b;
          break;
        }
      }
      if (chosen >= 0) {
        binding_used[chosen] = true;
        plan.used.push_back(i);
        plan.binding_of.push_back(chosen);
        const Binding& b = ep.bindings[chosen];
        if (!b.exact || c.op == kGt || c.op == kLt || c.op == kLike || c.op == kILike ||
            (c.op == kContains && c.nvalues != 1))
          exact = false;
        continue;
      }
      if (!ep.part_column.empty() && c.column == ep.part_column && (c.op == kEq || c.op == kIn)) {
        plan.used.push_back(i);
        plan.binding_of.push_back(-1);  // picks among the group's endpoints
        continue;
      }
      exact = false;  // left to PostgreSQL alone
      const Column* col = table.column(c.column);
      if (col && col->has(ColumnFlag::kEcho) && c.op == kEq) echo_unbound = true;
    }
    // Path parameters and required bindings must all be bound.
    bool usable = !echo_unbound;
    for (int b = 0; b < int(ep.bindings.size()); ++b)
      if ((ep.bindings[b].to == BindTo::Path || ep.bindings[b].required) && !binding_used[b]) usable = false;
    if (!usable) continue;

    plan.all_exact = exact;
    // A detail column that takes its value from a pushed = condition (a filter
    // the list applies) needs no per-row fetch.
    auto filled = [&](const Column& c) {
      if (!c.has(ColumnFlag::kFill)) return false;
      for (size_t u = 0; u < plan.used.size(); ++u)
        if (req.conds[plan.used[u]].column == c.name && req.conds[plan.used[u]].op == kEq && plan.binding_of[u] >= 0)
          return true;
      return false;
    };
    for (const auto& col : req.needed) {
      const Column* c = table.column(col);
      if (c && c->has(ColumnFlag::kDetail) && !ep.has_detail && table.detail >= 0 && !filled(*c)) plan.detail = true;
      if (std::find(ep.lacks.begin(), ep.lacks.end(), col) != ep.lacks.end() && !ep.supplement_path.empty())
        plan.supplement = true;
    }
    if (!req.sort_column.empty() && can_sort(table, plan, req.sort_column)) {
      plan.sort_column = req.sort_column;
      plan.sort_desc = req.sort_desc;
    }
    if (req.limit >= 0 && plan.all_exact && (req.sort_column.empty() || !plan.sort_column.empty()))
      plan.limit = req.limit;
    return plan;
  }
  return std::nullopt;
}

bool can_sort(const Table& table, const ScanPlan& plan, const std::string& column) {
  if (plan.endpoints.size() != 1) return false;
  const Endpoint& ep = table.reads[plan.endpoints[0]];
  for (const auto& s : ep.sorts)
    if (s.first == column) return true;
  return false;
}

bool remote_only(const Table& table, const ScanPlan& plan, size_t u) {
  if (u >= plan.binding_of.size() || plan.binding_of[u] < 0) return false;
  for (int e : plan.endpoints) {
    const auto& bindings = table.reads[e].bindings;
    const int b = plan.binding_of[u];
    if (b >= int(bindings.size()) || !bindings[b].authoritative) return false;
  }
  return !plan.endpoints.empty();
}

bool can_count(const Table& table, const ScanPlan& plan) {
  if (!plan.all_exact || plan.endpoints.empty()) return false;
  for (int e : plan.endpoints) {
    const Endpoint& ep = table.reads[e];
    if (ep.shape != Shape::List || ep.paging.total_path.empty()) return false;
  }
  return true;
}

double estimate_requests(const Table& table, const ScanPlan& plan, const Config& cfg, double rows) {
  double total = 0;
  for (int e : plan.endpoints) {
    const Endpoint& ep = table.reads[e];
    if (ep.shape == Shape::Object) {
      total += 1;
      continue;
    }
    double page = ep.paging.max_size > 0 ? ep.paging.max_size : 100;
    if (cfg.page_size > 0) page = std::min<double>(page, cfg.page_size);
    if (ep.paging.style == PagingStyle::None) page = std::max(rows, 1.0);
    double r = plan.limit >= 0 ? std::min<double>(rows, plan.limit) : rows;
    total += std::max(1.0, std::ceil(r / page));
  }
  if (plan.detail) total += rows;
  if (plan.supplement) total += 1;
  return total;
}

// ---------------------------------------------------------------------------
// Execution: request series

// One series of requests: an endpoint with concrete parameters, paged.
struct Scan::Series {
  int endpoint = 0;
  std::string path;                                       // rendered path
  QueryString query;                                      // parameters without paging
  std::vector<std::pair<std::string, std::string>> echo;  // column -> value of its = condition
  long page = 0;                                          // next page to ask (paging)
  long size = 0;                                          // page size asked
  long received = 0;                                      // rows received so far
  long total = -1;                                        // remote total, when reported
  long pages = -1;                                        // remote page count, when reported
  bool done = false;
  bool started = false;
  bool empty_key = false;                                 // a path key is empty: no request, no rows
  long pages_seen = 0;                                    // pages received (guard against endless listings)
  size_t last_hash = 0;                                   // hash of the previous page's rows
  long last_rows = 0;                                     // rows of the previous page
  std::unique_ptr<json::Doc> supplement;                  // supplement object (null: none/404)
};

namespace {

// All combinations of the fan-out dimensions.
void cartesian(const std::vector<std::vector<std::string>>& dims, size_t k, std::vector<std::string>& cur,
               std::vector<std::vector<std::string>>& out) {
  if (k == dims.size()) {
    out.push_back(cur);
    return;
  }
  for (const auto& v : dims[k]) {
    cur[k] = v;
    cartesian(dims, k + 1, cur, out);
  }
}

std::string substitute(const std::string& path, const std::string& name, const std::string& value) {
  std::string out = path;
  const std::string token = "{" + name + "}";
  size_t pos;
  while ((pos = out.find(token)) != std::string::npos) out.replace(pos, token.size(), pct_encode_segment(value));
  return out;
}

// The distinct non-NULL values, in first-seen order.
std::vector<std::string> distinct(const CondValues& cv) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const auto& v : cv.values)
    if (v && seen.insert(*v).second) out.push_back(*v);
  return out;
}

long page_size_for(const Endpoint& ep, const Config& cfg, long limit) {
  long size = ep.paging.max_size > 0 ? ep.paging.max_size : 100;
  if (cfg.page_size > 0) size = std::min<long>(size, cfg.page_size);
  if (limit > 0) size = std::min(size, limit);
  return std::max<long>(size, 1);
}

}  // namespace

Scan::Scan(Session& session, const Table& table, ScanPlan plan, std::vector<CondValues> values,
           std::vector<bool> needed)
    : session_(session), table_(table), plan_(std::move(plan)), values_(std::move(values)),
      needed_(std::move(needed)) {
  build_series();
}

Scan::~Scan() = default;

void Scan::build_series() {
  for (int e : plan_.endpoints) {
    const Endpoint& ep = table_.reads[e];
    // A condition on the partition column picks the endpoints whose values it names.
    bool wanted = true;
    for (size_t u = 0; u < plan_.used.size(); ++u) {
      if (plan_.binding_of[u] != -1) continue;
      bool hit = false;
      for (const auto& v : distinct(values_[u]))
        if (std::find(ep.part_values.begin(), ep.part_values.end(), v) != ep.part_values.end()) hit = true;
      if (!hit) wanted = false;
    }
    if (!wanted) continue;

    // Dimensions of fan-out: each condition bound to a binding gives one or
    // more "value groups"; a chunked binding groups several values in one request.
    struct Dim {
      size_t cond;
      const Binding* binding;
      std::vector<std::vector<std::string>> groups;
    };
    std::vector<Dim> dims;
    bool empty = false;
    for (size_t u = 0; u < plan_.used.size(); ++u) {
      const int b = plan_.binding_of[u];
      if (b < 0) continue;
      const Binding& bind = ep.bindings[b];
      std::vector<std::string> vals = distinct(values_[u]);
      Dim d{u, &bind, {}};
      if (vals.empty()) {
        empty = true;  // a NULL comparison: no row can match
        break;
      }
      if (bind.chunk > 0) {
        for (size_t i = 0; i < vals.size(); i += bind.chunk)
          d.groups.emplace_back(vals.begin() + i, vals.begin() + std::min(vals.size(), i + bind.chunk));
      } else if (vals.size() > 1 && (bind.ops & kIn) == 0) {
        d.groups.push_back({vals.front()});  // several values it cannot take: PostgreSQL filters
      } else {
        for (auto& v : vals) d.groups.push_back({v});
      }
      dims.push_back(std::move(d));
    }
    if (empty) continue;

    // Walk the combinations.
    std::vector<size_t> idx(dims.size(), 0);
    while (true) {
      auto s = std::make_unique<Series>();
      s->endpoint = e;
      s->path = ep.path;
      for (const auto& [k, v] : ep.fixed) s->query.add(k, substitute_config(v, session_.config()));
      s->path = substitute_config(s->path, session_.config());
      bool skip = false;
      for (size_t k = 0; k < dims.size(); ++k) {
        const Binding& b = *dims[k].binding;
        const auto& group = dims[k].groups[idx[k]];
        if (group.size() == 1 && (b.ops & (kEq | kIn)))
          s->echo.emplace_back(b.column, group.front());
        std::vector<std::string> formatted;
        for (const auto& v : group) {
          std::string f;
          if (!format_value(v, b.format, &f)) {
            skip = true;  // e.g. a LIKE pattern with no literal part
            continue;
          }
          formatted.push_back(f);
        }
        if (formatted.empty()) continue;
        if (b.to == BindTo::Path) {
          if (formatted.front().empty()) s->empty_key = true;  // no such key: no request
          s->path = substitute(s->path, b.param, formatted.front());
        } else {
          for (const auto& f : formatted) s->query.add(b.param, f);
          for (const auto& [k2, v2] : b.extra) s->query.add(k2, v2);
        }
      }
      (void)skip;
      if (!plan_.sort_column.empty() && !ep.sort_param.empty()) {
        for (const auto& [col, key] : ep.sorts)
          if (col == plan_.sort_column) s->query.add(ep.sort_param, key);
        if (!ep.order_param.empty()) s->query.add(ep.order_param, plan_.sort_desc ? "desc" : "asc");
      }
      s->page = ep.paging.first_page;
      s->size = page_size_for(ep, session_.config(), plan_.count_only ? 1 : plan_.limit);
      if (!s->empty_key) series_.push_back(std::move(s));

      // next combination
      size_t k = 0;
      while (k < dims.size()) {
        if (++idx[k] < dims[k].groups.size()) break;
        idx[k] = 0;
        ++k;
      }
      if (k == dims.size()) break;
    }
  }
}

namespace {

ApiRequest page_request(const Endpoint& ep, const std::string& path, const QueryString& base, long page,
                        long size) {
  ApiRequest r;
  r.method = ep.method;
  r.path = path;
  r.query = base;
  r.expect_data = true;  // a read: an empty or null body is no answer
  // A single object (or the members of one) answered 404: no rows.
  r.not_found_is_empty = ep.shape != Shape::List;
  switch (ep.paging.style) {
    case PagingStyle::None:
      break;
    case PagingStyle::PageSize:
    case PagingStyle::Offset:
      r.query.add(ep.paging.page_param, std::to_string(page));
      if (!ep.paging.size_param.empty()) r.query.add(ep.paging.size_param, std::to_string(size));
      break;
    case PagingStyle::PageNumber:
      r.query.add(ep.paging.page_param, std::to_string(page));
      if (!ep.paging.size_param.empty()) r.query.add(ep.paging.size_param, std::to_string(size));
      break;
  }
  return r;
}

// A has-more flag: 1, 0, or -1 when absent or not a flag.
int more_flag(const json::Value* v) {
  if (!v) return -1;
  switch (json::kind(*v)) {
    case json::Kind::Bool: return v->is_true() ? 1 : 0;
    case json::Kind::Number: {
      const std::string t = json::text(*v);
      return t == "0" ? 0 : t == "1" ? 1 : -1;
    }
    default: return -1;
  }
}

}  // namespace

std::vector<std::string> describe_scan(const Table& table, const ScanPlan& plan,
                                       const std::vector<std::optional<CondValues>>& values,
                                       const Config& cfg) {
  std::vector<std::string> out;
  for (int e : plan.endpoints) {
    const Endpoint& ep = table.reads[e];
    std::string path = substitute_config(ep.path, cfg);
    QueryString q;
    for (const auto& [k, v] : ep.fixed) q.add(k, substitute_config(v, cfg));
    std::string partition;
    for (size_t u = 0; u < plan.used.size(); ++u) {
      const int b = plan.binding_of[u];
      const bool known = u < values.size() && values[u].has_value();
      if (b < 0) {
        if (known) {
          bool hit = false;
          for (const auto& v : distinct(*values[u]))
            if (std::find(ep.part_values.begin(), ep.part_values.end(), v) != ep.part_values.end()) hit = true;
          if (!hit) partition = "skipped";
        }
        continue;
      }
      const Binding& bind = ep.bindings[b];
      std::vector<std::string> shown;
      if (known) {
        for (const auto& v : distinct(*values[u])) {
          std::string f;
          if (format_value(v, bind.format, &f)) shown.push_back(f);
        }
      } else {
        shown.push_back("$" + bind.column);
      }
      if (shown.empty()) continue;
      std::string first = shown.front();
      if (bind.to == BindTo::Path) {
        std::string token = "{" + bind.param + "}";
        size_t pos = path.find(token);
        if (pos != std::string::npos) path.replace(pos, token.size(), known ? pct_encode_segment(first) : first);
        if (shown.size() > 1)
          partition += (partition.empty() ? "" : "; ") + std::string("one request per value (") +
                       std::to_string(shown.size()) + ")";
      } else {
        size_t n = bind.chunk > 0 ? std::min<size_t>(shown.size(), bind.chunk) : 1;
        for (size_t i = 0; i < n; ++i) q.add(bind.param, shown[i]);
        for (const auto& [k2, v2] : bind.extra) q.add(k2, v2);
        if (shown.size() > n) {
          size_t series = bind.chunk > 0 ? (shown.size() + bind.chunk - 1) / bind.chunk : shown.size();
          partition += (partition.empty() ? "" : "; ") + std::string("one request series per ") +
                       (bind.chunk > 0 ? "chunk" : "value") + " (" +
                       std::to_string(series) + ")";
        }
      }
    }
    if (partition == "skipped") continue;
    if (!plan.sort_column.empty() && !ep.sort_param.empty()) {
      for (const auto& [col, key] : ep.sorts)
        if (col == plan.sort_column) q.add(ep.sort_param, key);
      if (!ep.order_param.empty()) q.add(ep.order_param, plan.sort_desc ? "desc" : "asc");
    }
    ApiRequest r = page_request(ep, path, q, ep.paging.first_page,
                                page_size_for(ep, cfg, plan.count_only ? 1 : plan.limit));
    std::string line = r.display();
    // Placeholders of values known only at execution read as "$column", not percent-encoded.
    for (size_t u = 0; u < plan.used.size(); ++u) {
      if (plan.binding_of[u] < 0 || (u < values.size() && values[u].has_value())) continue;
      const std::string shown = "$" + ep.bindings[plan.binding_of[u]].column, encoded = pct_encode(shown);
      for (size_t pos; (pos = line.find(encoded)) != std::string::npos;) line.replace(pos, encoded.size(), shown);
    }
    if (ep.paging.style != PagingStyle::None && !plan.count_only) line += " (paged)";
    if (!partition.empty()) line += " [" + partition + "]";
    out.push_back(line);
    if (plan.supplement) {
      std::string sp = substitute_config(ep.supplement_path, cfg);
      for (size_t u = 0; u < plan.used.size(); ++u) {
        const int b = plan.binding_of[u];
        if (b < 0) continue;
        const Binding& bind = ep.bindings[b];
        const bool known = u < values.size() && values[u].has_value() && !distinct(*values[u]).empty();
        sp = substitute(sp, bind.column, known ? distinct(*values[u]).front() : "$" + bind.column);
      }
      out.push_back("GET " + sp);
    }
  }
  if (plan.detail && table.detail >= 0)
    out.push_back(table.reads[table.detail].method + " " + table.reads[table.detail].path +
                  " (per row, for detail columns)");
  return out;
}

// ---------------------------------------------------------------------------
// Execution: paging and decoding

long parse_total(const json::Value* v) {
  if (!v) return -1;
  const json::Kind k = json::kind(*v);
  if (k != json::Kind::Number && k != json::Kind::String) return -1;
  const std::string t = json::text(*v);  // a number's exact source text
  if (t.empty() || t.size() > 15 || t.find_first_not_of("0123456789") != std::string::npos) return -1;
  return std::stol(t);
}

void Scan::guard_page(Series& s, const json::Value* rows, long n, const std::string& where) {
  const std::string api = session_.api().name + " " + where;
  if (++s.pages_seen > max_pages_)
    throw Error(sqlstate::kFdwError,
                api + ": the listing did not end after " + std::to_string(max_pages_) + " pages",
                "commerce_fdw stops a listing at " + std::to_string(max_pages_) +
                    " pages per request series rather than page forever.");
  // The same rows as the page before: the remote ignores the page asked for.
  const size_t hash = n > 0 && rows ? std::hash<std::string>()(json::serialize(*rows)) : 0;
  if (n > 0 && s.pages_seen > 1 && n == s.last_rows && hash == s.last_hash)
    throw Error(sqlstate::kFdwError, api + ": the response repeats the previous page (" + std::to_string(n) +
                                         " rows)",
                "The remote paging cannot be trusted; the listing was stopped instead of paging forever.");
  s.last_hash = hash;
  s.last_rows = n;
  if (s.total >= 0 && s.received > s.total)
    throw Error(sqlstate::kFdwError,
                api + ": the listing returned more rows (" + std::to_string(s.received) + ") than its total (" +
                    std::to_string(s.total) + ")",
                "The remote paging cannot be trusted; the listing was stopped instead of returning a guess.");
}

bool Scan::fetch_more() {
  std::vector<ApiRequest> reqs;
  if (!begin_fetch(&reqs)) return false;
  end_fetch(reqs, session_.call_many(reqs));
  return true;
}

bool Scan::begin_fetch(std::vector<ApiRequest>* out) {
  while (current_ < series_.size() && series_[current_]->done) ++current_;
  if (current_ >= series_.size()) return false;
  Series& s = *series_[current_];
  const Endpoint& ep = table_.reads[s.endpoint];

  if (plan_.supplement && !s.started && !ep.supplement_path.empty()) {
    std::string path = ep.supplement_path;
    for (const auto& [col, val] : s.echo) path = substitute(path, col, val);
    ApiRequest r;
    r.path = path;
    r.not_found_is_empty = true;
    r.expect_data = true;
    ApiResult res = session_.call(r);
    ++requests_;
    if (!res.not_found) s.supplement = std::make_unique<json::Doc>(std::move(res.doc));
  }
  s.started = true;

  // How many pages to ask at once: several only when every row will be read
  // and the remote has told how many there are.
  // The pages still to come, from the page count the API reported, else from
  // its row total and the page size it answered with.
  long pages_left = -1;
  if (s.pages >= 0)
    pages_left = s.pages - (s.page - ep.paging.first_page);
  else if (s.total >= 0 && s.size > 0)
    pages_left = (s.total - s.received + s.size - 1) / s.size;
  int batch = 1;
  if (plan_.eager && pages_left > 1 && ep.paging.style != PagingStyle::None)
    batch = int(std::min<long>(pages_left, session_.config().max_concurrency));
  std::vector<ApiRequest>& reqs = *out;
  reqs.clear();
  for (int i = 0; i < batch; ++i) reqs.push_back(page_request(ep, s.path, s.query, s.page + i, s.size));
  requests_ += long(reqs.size());
  return true;
}

void Scan::end_fetch(const std::vector<ApiRequest>& reqs, std::vector<ApiResult> results) {
  Series& s = *series_[current_];
  const Endpoint& ep = table_.reads[s.endpoint];
  for (size_t i = 0; i < results.size(); ++i) {
    ApiResult& res = results[i];
    if (s.done) break;  // an earlier page of this batch was the last
    s.page++;
    if (res.not_found) {
      s.done = true;
      break;
    }
    const json::Value& root = res.doc.root();
    const json::Value* rows = json::get(root, ep.rows);
    const std::string where = reqs[i].display();
    size_t before = ready_.size();
    decode_page(s, root, where);
    const long got = long(ready_.size() - before);
    s.received += got;
    // A reported total replaces an earlier one; one that is not an exact
    // count makes it unknown (never guessed from a prefix).
    const json::Value* reported_total =
        ep.paging.total_path.empty() ? nullptr : json::get(root, ep.paging.total_path);
    if (reported_total) s.total = parse_total(reported_total);

    switch (ep.paging.style) {
      case PagingStyle::None:
        s.done = true;
        break;
      case PagingStyle::PageSize:
      case PagingStyle::Offset: {
        long n = rows && json::kind(*rows) == json::Kind::Array ? long(rows->size()) : got;
        guard_page(s, rows, n, where);
        const int more = ep.paging.more_path.empty() ? -1 : more_flag(json::get(root, ep.paging.more_path));
        if (more >= 0) {
          s.done = more == 0;
        } else if (s.total >= 0) {
          s.done = s.received >= s.total || n == 0;
        } else {
          s.done = n < s.size;
        }
        if (!s.done && n < s.size && n > 0 && s.page == ep.paging.first_page + 1) {
          // The server capped the page below what was asked: continue at its size.
          s.size = n;
        }
        if (n == 0) s.done = true;
        break;
      }
      case PagingStyle::PageNumber: {
        long pages = parse_total(json::get(root, ep.paging.pages_path));
        if (pages >= 0) s.pages = pages;
        long n = rows && json::kind(*rows) == json::Kind::Array ? long(rows->size()) : got;
        guard_page(s, rows, n, where);
        s.done = n == 0 || (pages >= 0 ? s.page - ep.paging.first_page >= pages : n < s.size);
        break;
      }
    }
    if (plan_.limit >= 0 && returned_ + long(ready_.size()) >= plan_.limit) s.done = true;
  }
}

void Scan::decode_page(const Series& s, const json::Value& root, const std::string& where) {
  const Endpoint& ep = table_.reads[s.endpoint];
  const json::Value* rows = json::get(root, ep.rows);
  const std::string api = session_.api().name + " " + where;
  const std::string at = ep.rows.empty() ? "the top level" : "\"" + ep.rows + "\"";
  if (ep.shape == Shape::List && (!rows || json::kind(*rows) != json::Kind::Array))
    throw Error(sqlstate::kFdwInvalidDataType,
                api + ": expected a list of rows at " + at + ", got " + (rows ? json::display(*rows) : "nothing"));
  if (!rows || json::kind(*rows) == json::Kind::Null) return;
  std::vector<const json::Value*> objs;
  switch (ep.shape) {
    case Shape::Object:
      objs.push_back(rows);
      break;
    case Shape::List:
      for (auto& v : rows->elements()) objs.push_back(&v);
      break;
    case Shape::ObjectMap:
      if (json::kind(*rows) == json::Kind::Object)
        for (auto& m : rows->members()) objs.push_back(&m.value);
      else if (json::kind(*rows) == json::Kind::Array)
        for (auto& v : rows->elements()) objs.push_back(&v);
      break;
  }
  // A row is an object; anything else (a number, a string, null) would be a
  // row of NULLs.
  for (size_t i = 0; i < objs.size(); ++i)
    if (json::kind(*objs[i]) != json::Kind::Object)
      throw Error(sqlstate::kFdwInvalidDataType,
                  api + ": item " + std::to_string(i + 1) + " of the list at " + at + " is not an object: " +
                      json::display(*objs[i]));
  if (plan_.detail && table_.detail >= 0 && !ep.has_detail) {
    // Fetch each row's detail object; a row deleted meanwhile (404) is dropped.
    const Endpoint& det = table_.reads[table_.detail];
    std::vector<ApiRequest> reqs;
    for (const json::Value* o : objs) {
      ApiRequest r;
      r.method = det.method;
      r.path = det.path;
      for (const auto& b : det.bindings) {
        const Column* c = table_.column(b.column);
        const json::Value* v = c ? json::get(*o, c->path.substr(0, c->path.find('|'))) : nullptr;
        r.path = substitute(r.path, b.param, v ? json::text(*v) : "");
      }
      r.not_found_is_empty = true;
      r.expect_data = true;
      reqs.push_back(std::move(r));
    }
    std::vector<ApiResult> res = session_.call_many(reqs);
    requests_ += long(reqs.size());
    for (size_t i = 0; i < objs.size(); ++i) {
      if (res[i].not_found) continue;
      const json::Value* d = json::get(res[i].doc.root(), det.rows);
      Row row;
      decode_row(d ? *d : *objs[i], s, &row, d ? objs[i] : nullptr);
      ready_.push_back(std::move(row));
    }
    return;
  }
  for (const json::Value* o : objs) {
    Row row;
    decode_row(*o, s, &row);
    ready_.push_back(std::move(row));
  }
}

void Scan::decode_row(const json::Value& obj, const Series& s, Row* out, const json::Value* fallback) {
  out->assign(table_.columns.size(), std::nullopt);
  const Endpoint& ep = table_.reads[s.endpoint];
  // The object that supplies columns this endpoint's rows lack, if any.
  const json::Value* supplement = s.supplement ? json::get(s.supplement->root(), ep.supplement_rows) : nullptr;
  // The first non-null value at one of a column's '|'-separated paths.
  auto lookup = [](const json::Value& o, const std::string& paths) -> const json::Value* {
    size_t start = 0;
    while (start <= paths.size()) {
      size_t bar = paths.find('|', start);
      const json::Value* v =
          json::get(o, paths.substr(start, bar == std::string::npos ? std::string::npos : bar - start));
      if (v && json::kind(*v) != json::Kind::Null) return v;
      if (bar == std::string::npos) break;
      start = bar + 1;
    }
    return nullptr;
  };
  for (size_t i = 0; i < table_.columns.size(); ++i) {
    if (i < needed_.size() && !needed_[i]) continue;
    const Column& c = table_.columns[i];
    if (c.has(ColumnFlag::kWriteOnly)) continue;
    if (c.has(ColumnFlag::kRaw)) {
      (*out)[i] = json::serialize(obj);
      continue;
    }
    const json::Value* v = nullptr;
    if (!c.has(ColumnFlag::kEcho)) {
      v = lookup(obj, c.path);
      if (!v && fallback) v = lookup(*fallback, c.path);
    }
    if (!v && supplement) {
      for (const auto& [col, p] : ep.supplement_map)
        if (col == c.name) v = json::get(*supplement, p);
    }
    if (!v && (c.has(ColumnFlag::kEcho) || c.has(ColumnFlag::kFill))) {
      for (const auto& [col, val] : s.echo)
        if (col == c.name) (*out)[i] = val;
      continue;
    }
    if (!v) {
      bool from_config = false;
      for (const auto& [col, value] : ep.fill)
        if (col == c.name) {
          (*out)[i] = substitute_config(value, session_.config());
          from_config = true;
        }
      if (from_config) continue;
    }
    std::string text, why;
    switch (json::decode(v, c.type, c.decode, &text, &why)) {
      case json::DecodeResult::Null:
        break;
      case json::DecodeResult::Ok:
        (*out)[i] = std::move(text);
        break;
      case json::DecodeResult::Bad:
        throw Error(sqlstate::kFdwInvalidDataType,
                    "column \"" + c.name + "\" of foreign table \"" + session_.config().relname +
                        "\": remote value " + json::display(*v) + " is not a valid " + coltype_sql_name(c.type),
                    why.empty() ? std::string() : "The value is " + why + ".",
                    "The remote API returned data that does not fit the declared column type.");
    }
  }
}

bool Scan::next(Row* row) {
  while (ready_.empty()) {
    if (plan_.limit >= 0 && returned_ >= plan_.limit) return false;
    if (!fetch_more()) return false;
  }
  *row = std::move(ready_.front());
  ready_.pop_front();
  ++returned_;
  session_.stats().rows++;
  return true;
}

Scan::Poll Scan::poll(Row* row) {
  while (ready_.empty()) {
    if (plan_.limit >= 0 && returned_ >= plan_.limit) return Poll::End;
    if (!pending_) {
      if (!begin_fetch(&pending_reqs_)) return Poll::End;
      pending_ = session_.start_many(pending_reqs_);
    }
    if (!session_.poll(*pending_)) return Poll::Pending;
    std::vector<ApiResult> results = session_.finish_many(*pending_);
    pending_.reset();
    end_fetch(pending_reqs_, std::move(results));
  }
  *row = std::move(ready_.front());
  ready_.pop_front();
  ++returned_;
  session_.stats().rows++;
  return Poll::Row;
}

int64_t Scan::count() {
  int64_t total = 0;
  for (size_t i = 0; i < series_.size(); ++i) {
    Series& s = *series_[i];
    const Endpoint& ep = table_.reads[s.endpoint];
    ApiRequest r = page_request(ep, s.path, s.query, ep.paging.first_page, 1);
    r.expect_data = true;
    ApiResult res = session_.call(r);
    ++requests_;
    if (res.not_found) continue;
    const long n = parse_total(json::get(res.doc.root(), ep.paging.total_path));
    // A total that is not an exact count is never guessed from: count the rows.
    total += n >= 0 ? n : count_by_paging(i);
  }
  return total;
}

int64_t Scan::count_by_paging(size_t index) {
  Series& s = *series_[index];
  const Endpoint& ep = table_.reads[s.endpoint];
  s.page = ep.paging.first_page;
  s.size = page_size_for(ep, session_.config(), -1);
  s.received = 0;
  s.total = s.pages = -1;
  s.pages_seen = 0;
  s.done = false;
  const long limit = plan_.limit;
  plan_.limit = -1;
  current_ = index;
  int64_t rows = 0;
  while (!s.done && fetch_more()) {
    rows += int64_t(ready_.size());
    ready_.clear();
  }
  plan_.limit = limit;
  return rows;
}

int64_t Scan::reported_total() const {
  int64_t total = 0;
  for (const auto& s : series_) {
    if (s->total >= 0)
      total += s->total;
    else if (s->done)
      total += s->received;
    else
      return -1;
  }
  return total;
}

}  // namespace cfdw
