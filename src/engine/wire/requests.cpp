// commerce_fdw engine: rendering a planned read into its request series, and
// EXPLAIN's formatting of them (see requests.h).
#include "engine/wire/requests.h"

#include <algorithm>
#include <set>

#include "engine/wire/url.h"
#include "engine/wire/values.h"

namespace cfdw {

namespace {

// The distinct non-NULL values, in first-seen order.
std::vector<std::string> distinct(const CondValues& cv) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const auto& v : cv.values)
    if (v && seen.insert(*v).second) out.push_back(*v);
  return out;
}

// One dimension of fan-out: a condition bound to a binding gives one or more
// value groups; a chunked binding groups several values in one request.
struct Dim {
  const Binding* binding;
  std::vector<std::vector<std::string>> groups;
  bool placeholder;  // the value is known only at execution
};

std::string join_values(const std::vector<std::string>& values, const std::string& separator) {
  std::string out;
  for (const auto& v : values) out += (out.empty() ? "" : separator) + v;
  return out;
}

}  // namespace

std::string substitute(const std::string& path, const std::string& name, const std::string& value, bool encode) {
  const std::string with = encode ? pct_encode_segment(value) : value;
  return substitute_braces(path, [&](std::string_view n) {
    return n == name ? std::optional<std::string>(with) : std::nullopt;
  });
}

long page_size_for(const Endpoint& ep, const Config& cfg, long limit) {
  long size = ep.paging.max_size > 0 ? ep.paging.max_size : 100;
  if (cfg.page_size > 0) size = std::min<long>(size, cfg.page_size);
  if (limit > 0) size = std::min(size, limit);
  return std::max<long>(size, 1);
}

ApiRequest page_request(const Endpoint& ep, const std::string& path, const QueryString& base, long page,
                        long size) {
  ApiRequest r;
  r.method = ep.method;
  r.path = path;
  r.query = base;
  r.expect_data = true;  // a read: an empty or null body is no answer
  // A single object (or the members of one) answered 404: no rows.
  // A 404 of one object, or of a list under a keyed path (an order's shipments): no rows.
  r.not_found_is_empty = ep.shape != Shape::List ||
                         std::any_of(ep.bindings.begin(), ep.bindings.end(),
                                     [](const Binding& b) { return b.to == BindTo::Path; });
  switch (ep.paging.style) {
    case PagingStyle::None:
      break;
    case PagingStyle::PageSize:
    case PagingStyle::Offset:
    case PagingStyle::PageNumber:
      r.query.add(ep.paging.page_param, std::to_string(page));
      if (!ep.paging.size_param.empty()) r.query.add(ep.paging.size_param, std::to_string(size));
      break;
  }
  return r;
}

ApiRequest detail_request(const Table& table, const json::Value& row) {
  const Endpoint& det = table.reads[table.detail];
  ApiRequest r;
  r.method = det.method;
  r.path = det.path;
  for (const auto& b : det.bindings) {
    const Column* c = table.column(b.column);
    const json::Value* v = c ? row.get(c->path.substr(0, c->path.find('|'))) : nullptr;
    r.path = substitute(r.path, b.param, v ? json::text(*v) : "");
  }
  r.not_found_is_empty = true;
  r.expect_data = true;
  return r;
}

ApiRequest count_request(const Endpoint& ep, const RenderedSeries& s) {
  return page_request(ep, s.path, s.query, ep.paging.first_page, 1);
}

namespace {

using Values = std::vector<std::optional<CondValues>>;

bool known(const Values& values, size_t u) { return u < values.size() && values[u].has_value(); }

// A condition on the partition column picks the endpoints whose values it
// names; one known only at execution keeps them all.
bool partition_wanted(const Endpoint& ep, const ScanPlan& plan, const Values& values) {
  for (size_t u = 0; u < plan.used.size(); ++u) {
    if (plan.binding_of[u] != -1 || !known(values, u)) continue;
    bool hit = false;
    for (const auto& v : distinct(*values[u]))
      if (std::find(ep.part_values.begin(), ep.part_values.end(), v) != ep.part_values.end()) hit = true;
    if (!hit) return false;
  }
  return true;
}

// The fan-out dimensions of an endpoint, one per bound condition, and their
// EXPLAIN text; false when a condition has no value (NULL): no row can match.
bool fan_out(const Endpoint& ep, const ScanPlan& plan, const Values& values, std::vector<Dim>* dims,
             std::vector<std::string>* fanout) {
  for (size_t u = 0; u < plan.used.size(); ++u) {
    const int b = plan.binding_of[u];
    if (b < 0) continue;
    const Binding& bind = ep.bindings[b];
    Dim d{&bind, {}, !known(values, u)};
    std::vector<std::string> vals = d.placeholder ? std::vector<std::string>{"$" + bind.column} : distinct(*values[u]);
    if (vals.empty()) return false;
    if (bind.chunk > 0) {
      for (size_t i = 0; i < vals.size(); i += bind.chunk)
        d.groups.emplace_back(vals.begin() + i, vals.begin() + std::min(vals.size(), i + bind.chunk));
    } else if (vals.size() > 1 && (bind.ops & kIn) == 0) {
      d.groups.push_back({vals.front()});  // several values it cannot take: PostgreSQL filters
    } else {
      for (auto& v : vals) d.groups.push_back({v});
    }
    if (d.groups.size() > 1)
      fanout->push_back(bind.to == BindTo::Path
                            ? "one request per value (" + std::to_string(d.groups.size()) + ")"
                            : std::string("one request series per ") + (bind.chunk > 0 ? "chunk" : "value") +
                                  " (" + std::to_string(d.groups.size()) + ")");
    dims->push_back(std::move(d));
  }
  return true;
}

// The series of one combination of value groups (idx: a group per dimension);
// false when a key value in its path is empty (no such key: nothing is sent).
bool render_series(const Table& table, const ScanPlan& plan, const Config& cfg, int e, const std::vector<Dim>& dims,
                   const std::vector<size_t>& idx, const std::vector<std::string>& placeholders,
                   RenderedSeries* out) {
  const Endpoint& ep = table.reads[e];
  RenderedSeries& s = *out;
  s.endpoint = e;
  for (const auto& [k, v] : ep.fixed) s.query.add(k, substitute_config(v, cfg));
  s.path = substitute_config(ep.path, cfg);
  bool empty_key = false;
  for (size_t k = 0; k < dims.size(); ++k) {
    const Binding& b = *dims[k].binding;
    const auto& group = dims[k].groups[idx[k]];
    if (group.size() == 1 && (b.ops & (kEq | kIn))) s.echo.emplace_back(b.column, group.front());
    std::vector<std::string> formatted;
    for (const auto& v : group) {
      std::string f;
      if (dims[k].placeholder)
        formatted.push_back(v);
      else if (format_value(v, b.format, &f))
        formatted.push_back(f);
      // else: a value the API cannot take (a LIKE pattern with no literal part) is not sent
    }
    if (formatted.empty()) continue;
    if (b.to == BindTo::Path) {
      if (formatted.front().empty()) empty_key = true;  // no such key: no request
      s.path = substitute(s.path, b.param, formatted.front(), !dims[k].placeholder);
    } else {
      if (b.join.empty())
        for (const auto& f : formatted) s.query.add(b.param, f);
      else
        s.query.add(b.param, join_values(formatted, b.join));
      for (const auto& [k2, v2] : b.extra) s.query.add(k2, v2);
    }
  }
  if (!plan.sort_column.empty() && !ep.sort_param.empty()) {
    for (const auto& [col, key] : ep.sorts)
      if (col == plan.sort_column) s.query.add(ep.sort_param, key);
    if (!ep.order_param.empty()) s.query.add(ep.order_param, plan.sort_desc ? "desc" : "asc");
  }
  s.page = ep.paging.first_page;
  s.size = page_size_for(ep, cfg, plan.count_only ? 1 : plan.limit);
  if (plan.supplement && !ep.supplement_path.empty()) {
    ApiRequest r;
    r.path = substitute_config(ep.supplement_path, cfg);
    for (const auto& [col, val] : s.echo) {
      const bool ph = std::find(placeholders.begin(), placeholders.end(), val) != placeholders.end();
      r.path = substitute(r.path, col, val, !ph);
    }
    r.not_found_is_empty = true;
    r.expect_data = true;
    s.supplement_request = std::move(r);
  }
  return !empty_key;
}

}  // namespace

RenderedScan render_scan(const Table& table, const ScanPlan& plan, const Values& values, const Config& cfg) {
  RenderedScan out;
  for (size_t u = 0; u < plan.used.size(); ++u)
    if (!known(values, u) && plan.binding_of[u] >= 0 && !plan.endpoints.empty()) {
      const std::string ph = "$" + table.reads[plan.endpoints[0]].bindings[plan.binding_of[u]].column;
      if (std::find(out.placeholders.begin(), out.placeholders.end(), ph) == out.placeholders.end())
        out.placeholders.push_back(ph);
    }

  for (int e : plan.endpoints) {
    if (!partition_wanted(table.reads[e], plan, values)) continue;
    std::vector<Dim> dims;
    std::vector<std::string> fanout;
    if (!fan_out(table.reads[e], plan, values, &dims, &fanout)) continue;
    out.fanout.emplace_back(e, std::move(fanout));
    // Walk the combinations, the first dimension fastest.
    std::vector<size_t> idx(dims.size(), 0);
    while (true) {
      RenderedSeries s;
      if (render_series(table, plan, cfg, e, dims, idx, out.placeholders, &s)) out.series.push_back(std::move(s));
      size_t k = 0;
      while (k < dims.size()) {
        if (++idx[k] < dims[k].groups.size()) break;
        idx[k] = 0;
        ++k;
      }
      if (k == dims.size()) break;
    }
  }
  if (plan.detail && table.detail >= 0) {
    const Endpoint& det = table.reads[table.detail];
    ApiRequest r;
    r.method = det.method;
    r.path = det.path;
    r.not_found_is_empty = true;
    r.expect_data = true;
    out.detail_template = std::move(r);  // EXPLAIN's; Scan sends detail_request's
  }
  return out;
}

std::vector<std::string> describe_scan(const Table& table, const ScanPlan& plan, const RenderedScan& rendered) {
  // A query value that is a placeholder reads as "$column", not percent-encoded
  // (a placeholder in a path is inserted as it is).
  auto shown = [&](const ApiRequest& r) {
    std::string line = r.method + " " + encode_dot_segments(r.path);
    char sep = '?';
    for (const auto& [name, value] : r.query.items()) {
      const bool ph = std::find(rendered.placeholders.begin(), rendered.placeholders.end(), value) !=
                      rendered.placeholders.end();
      line += sep + pct_encode(name) + "=" + (ph ? value : pct_encode(value));
      sep = '&';
    }
    return line;
  };
  std::vector<std::string> out;
  for (const auto& [e, fanout] : rendered.fanout) {
    const Endpoint& ep = table.reads[e];
    const RenderedSeries* first = nullptr;
    for (const RenderedSeries& s : rendered.series)
      if (s.endpoint == e) {
        first = &s;
        break;
      }
    if (!first) continue;  // every key empty: nothing is sent
    std::string line = shown(page_request(ep, first->path, first->query, first->page, first->size));
    if (ep.paging.style != PagingStyle::None && !plan.count_only) line += " (paged)";
    if (!fanout.empty()) {
      line += " [";
      for (size_t i = 0; i < fanout.size(); ++i) line += (i ? "; " : "") + fanout[i];
      line += "]";
    }
    out.push_back(line);
    if (first->supplement_request) out.push_back(shown(*first->supplement_request));
  }
  if (rendered.detail_template)
    out.push_back(rendered.detail_template->method + " " + rendered.detail_template->path +
                  " (per row, for detail columns)");
  if (out.empty()) out.push_back("none: no row can match");
  return out;
}

}  // namespace cfdw
