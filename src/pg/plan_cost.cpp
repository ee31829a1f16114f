// commerce_fdw PostgreSQL glue: the engine's planning of a read (which
// endpoint, which conditions shape it, sorted, limited, count(*)), and what a
// path costs: the requests it sends and the rows it receives.
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <string>

#include "engine/run/scan.h"
#include "pg/boundary.h"
#include "pg/plan_internal.h"

namespace cfdw::pg {

namespace {

// Costs count requests. A request costs the server's latency estimate
// (`request_cost_ms`) plus the interval of its rate budget
// (60000 / rate_limit_per_minute ms, 0 without a limit), one planner cost
// unit a millisecond; each row received adds cpu_tuple_cost.
constexpr double kDefaultRequestMs = 50.0;

// What the engine's planner reads, gathered before guarded() as plain data,
// so that the C++ side touches no PostgreSQL list or node.
struct PlanInputs {
  const Table* table;
  const RelDesc* desc;  // for make_config (reads the options, raises nothing)
  int ncond;
  int* column;          // per offered condition
  unsigned* op;
  int* nvalues;
  const bool* needed;   // per table column
  int nclauses;
  const char* sort_column;
  bool sort_desc;
  long limit;
  bool eager;
  bool count_only;
  double latency_ms;
};

PlanInputs gather(const EnginePlanArgs& a) {
  PlanInputs in{};
  in.desc = a.info->desc;
  in.table = in.desc->table;
  in.ncond = list_length(a.conds);
  const int n = std::max(1, in.ncond);
  in.column = static_cast<int*>(palloc0(sizeof(int) * n));
  in.op = static_cast<unsigned*>(palloc0(sizeof(unsigned) * n));
  in.nvalues = static_cast<int*>(palloc0(sizeof(int) * n));
  int k = 0;
  ListCell* lc;
  foreach (lc, a.conds) {
    const CondInfo* c = static_cast<const CondInfo*>(lfirst(lc));
    in.column[k] = c->column;
    in.op[k] = c->op;
    in.nvalues[k] = c->nvalues;
    ++k;
  }
  in.needed = a.info->needed;
  in.nclauses = a.nclauses;
  in.sort_column = a.sort_column;
  in.sort_desc = a.sort_desc;
  in.limit = a.limit;
  in.eager = a.eager;
  in.count_only = a.count_only;
  in.latency_ms = request_cost_ms(in.desc);
  return in;
}

// The engine's plan of the scan into *ep (C++ only: inside guarded()).
void plan_in_engine(const PlanInputs& in, EnginePlan* ep) {
  const Table& t = *in.table;
  ScanRequest req;
  for (int k = 0; k < in.ncond; ++k)
    req.conds.push_back(CondShape{t.columns[in.column[k]].name, Op(in.op[k]), in.nvalues[k]});
  for (size_t i = 0; i < t.columns.size(); ++i)
    if (in.needed[i]) req.needed.push_back(t.columns[i].name);
  if (in.sort_column) {
    req.sort_column = in.sort_column;
    req.sort_desc = in.sort_desc;
  }
  req.limit = in.limit;
  std::optional<ScanPlan> plan = plan_scan(t, req);
  if (!plan) return;
  // Conditions this scan cannot apply (clauses we could not read) make it inexact.
  if (in.nclauses > in.ncond) plan->all_exact = false;
  if (plan->limit >= 0 && !plan->all_exact) plan->limit = -1;
  plan->eager = in.eager;
  plan->count_only = in.count_only;
  if (in.count_only && !can_count(t, *plan)) return;
  Config cfg = make_config(in.desc, NIL, InvalidOid);
  ep->request_ms = in.latency_ms + (cfg.rate_limit_per_minute > 0 ? 60000.0 / cfg.rate_limit_per_minute : 0.0);
  ep->nendpoints = int(plan->endpoints.size());
  ep->is_lookup = plan->endpoints.size() == 1 && t.reads[plan->endpoints[0]].shape == Shape::Object;
  ep->sorted = !plan->sort_column.empty();
  ep->all_exact = plan->all_exact;
  ep->nused = int(plan->used.size());
  for (size_t u = 0; u < plan->used.size(); ++u) {
    ep->used[u] = plan->used[u];
    ep->remote_only[u] = remote_only(t, *plan, u);
  }
  ep->serialized = pstrdup_nothrow(plan->serialize());
  if (!ep->serialized) throw std::bad_alloc();
  ep->ok = true;
}

}  // namespace

double request_cost_ms(const RelDesc* d) {
  double v = kDefaultRequestMs;
  ListCell* lc;
  foreach (lc, d->options) {  // server options first, the table's last: the last one wins
    DefElem* def = static_cast<DefElem*>(lfirst(lc));
    if (std::strcmp(def->defname, "request_cost_ms") == 0) v = std::atof(strVal(def->arg));
  }
  return v;
}

EnginePlan engine_plan(const EnginePlanArgs& a) {
  const PlanInputs in = gather(a);
  EnginePlan ep{};
  ep.used = static_cast<int*>(palloc0(sizeof(int) * std::max(1, in.ncond)));
  ep.remote_only = static_cast<bool*>(palloc0(sizeof(bool) * std::max(1, in.ncond)));
  if (!guarded([&in, &ep] { plan_in_engine(in, &ep); })) raise_captured();
  if (!ep.ok) return ep;

  // Requests: the rows the remote returns (the table's size narrowed by the
  // conditions that shape the requests), in pages; a lookup per value.
  List* used = NIL;
  for (int u = 0; u < ep.nused; ++u)
    used = lappend(used, static_cast<CondInfo*>(list_nth(a.conds, ep.used[u]))->rinfo);
  const double tuples = a.info->tuples;
  const double remote_rows =
      a.rel ? clamp_row_est(tuples * clauselist_selectivity(a.root, used, int(a.rel->relid), JOIN_INNER, nullptr))
            : tuples;
  double lookups = 1;
  for (int u = 0; u < ep.nused; ++u) {
    const int n = in.nvalues[ep.used[u]];
    if (n > 1) lookups *= n;
  }
  const bool ok = guarded([&in, &ep, remote_rows, lookups] {
    ScanPlan plan = ScanPlan::deserialize(ep.serialized);
    Config cfg = make_config(in.desc, NIL, InvalidOid);
    ep.requests = estimate_requests(*in.table, plan, cfg, remote_rows);
    if (ep.is_lookup) ep.requests = lookups + (plan.supplement ? lookups : 0);
  });
  if (!ok) raise_captured();
  return ep;
}

Cost path_cost(const EnginePlan& ep, double requests, double rows) {
  return requests * ep.request_ms + rows * cpu_tuple_cost;
}

}  // namespace cfdw::pg
