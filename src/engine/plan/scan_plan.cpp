// commerce_fdw engine: planning table reads (see scan_plan.h) — the choice of
// endpoint and conditions, sort/limit/count pushdown, request estimates, and
// the plan's serialized form.
#include "engine/plan/scan_plan.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>

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

// A table that must be constrained: one of its required columns by = or IN.
bool constrained(const Table& table, const ScanRequest& req) {
  if (table.required.empty()) return true;
  for (const auto& c : req.conds)
    for (const auto& col : table.required)
      if (c.column == col && (c.op == kEq || c.op == kIn)) return true;
  return false;
}

// Whether the plan needs a per-row detail request or a supplement for the
// columns the query reads. A detail column that takes its value from a pushed
// = condition (a filter the list applies) needs no per-row fetch.
void note_extra_requests(const Table& table, const Endpoint& ep, const ScanRequest& req, ScanPlan* plan) {
  auto filled = [&](const Column& c) {
    if (!c.has(ColumnFlag::kFill)) return false;
    for (size_t u = 0; u < plan->used.size(); ++u)
      if (req.conds[plan->used[u]].column == c.name && req.conds[plan->used[u]].op == kEq &&
          plan->binding_of[u] >= 0)
        return true;
    return false;
  };
  for (const auto& col : req.needed) {
    const Column* c = table.column(col);
    if (c && c->has(ColumnFlag::kDetail) && !ep.has_detail && table.detail >= 0 && !filled(*c)) plan->detail = true;
    if (std::find(ep.lacks.begin(), ep.lacks.end(), col) != ep.lacks.end() && !ep.supplement_path.empty())
      plan->supplement = true;
  }
}

}  // namespace

std::optional<ScanPlan> plan_scan(const Table& table, const ScanRequest& req) {
  if (!constrained(table, req)) return std::nullopt;

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

    // The one place that decides exactness, and so whether a LIMIT may shape the requests.
    plan.all_exact = exact && req.unoffered == 0;
    note_extra_requests(table, ep, req, &plan);
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

RequestEstimate estimate(const Table& table, const ScanPlan& plan, int page_size, double rows) {
  RequestEstimate est;
  for (int e : plan.endpoints) {
    const Endpoint& ep = table.reads[e];
    if (ep.shape == Shape::Object) {
      est.lookups += 1;
      continue;
    }
    double page = ep.paging.max_size > 0 ? ep.paging.max_size : 100;
    if (page_size > 0) page = std::min<double>(page, page_size);
    if (ep.paging.style == PagingStyle::None) page = std::max(rows, 1.0);
    double r = plan.limit >= 0 ? std::min<double>(rows, plan.limit) : rows;
    est.pages += std::max(1.0, std::ceil(r / page));
  }
  if (plan.detail) est.details = std::ceil(plan.limit >= 0 ? std::min<double>(rows, plan.limit) : rows);
  if (plan.supplement) est.supplements = 1;
  return est;
}

double estimate_requests(const Table& table, const ScanPlan& plan, const Config& cfg, double rows) {
  return estimate(table, plan, cfg.page_size, rows).total();
}

}  // namespace cfdw
