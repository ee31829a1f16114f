// commerce_fdw PostgreSQL glue: what the planning files share —
//   plan.cpp        the planner callbacks: sizes, paths (plain, sorted, parameterized, count(*)), the plan
//   plan_conds.cpp  what a query asks of a relation: the conditions that can shape a request, the columns it reads
//   plan_cost.cpp   the engine's planning of a read (once per path shape), and what its paths cost
#pragma once

#include <memory>
#include <vector>

#include "engine/plan/scan_plan.h"
#include "pg/plan.h"

namespace cfdw::pg {

// A condition that can shape a request: column op value.
struct CondInfo {
  RestrictInfo* rinfo;
  int column;        // index in the table's columns
  unsigned op;       // cfdw::Op
  Expr* value;       // the value's expression (an array for IN)
  bool is_array;
  int nvalues;       // known number of values, -1 when only known at execution
  bool widened;      // the value is a widened bound (a timestamp's day for a date): PostgreSQL rechecks it
};

// The engine's plans of one relation, owned by the planner's memory context
// (C++ objects: freed with it).
using EnginePlans = std::vector<std::unique_ptr<ScanPlan>>;

// What a path asks of the remote: the shape an engine plan is computed for,
// once (the memo key of RelPlanInfo::plans).
struct PathShape {
  Relids outer = nullptr;             // the parameterization (the relations supplying values), none: nullptr
  const char* sort_column = nullptr;  // a sort wanted from the remote
  bool sort_desc = false;
  long limit = -1;                    // rows a LIMIT asks for, -1 none
  bool count_only = false;            // count(*) from the remote total
};

// One engine plan of a relation, for one PathShape: what it was computed
// from, and the engine's answer copied out of C++ into palloc'd data.
struct EnginePlan {
  PathShape shape;
  List* conds;          // CondInfo* offered to the engine
  int nclauses;         // the clauses of the scan, the ones not offered too
  bool* needed;         // per table column
  bool ok;              // false: no endpoint serves the conditions (a required one is missing)
  const ScanPlan* plan; // the engine's plan (owned by RelPlanInfo::engine_plans)
  int nused;
  int* used;            // indexes into conds
  bool* remote_only;    // per used condition: applied by the remote alone, not rechecked
  bool all_exact;
  RequestEstimate est;  // the requests, by kind
  double requests;      // est.total()
  double remote_rows;   // the rows the remote returns, estimated
  bool sorted;          // the remote sorts as asked
  bool is_lookup;       // a single-object endpoint
  int nendpoints;
  double request_ms;    // cost of one request (latency + rate interval)
};

// A base relation's planning (its fdw_private), or an upper relation's answering count(*).
// get_rel_size resolves the table, its options and the pushable conditions once;
// the paths and the plan reuse them.
struct RelPlanInfo {
  RelDesc* desc;
  double tuples;      // remote rows: pg_class.reltuples once ANALYZEd, else the declaration's est_rows
  bool size_known;    // tuples is ANALYZE's or the remote's count, not the declaration's guess
  List* conds;        // CondInfo* from baserestrictinfo
  bool* needed;       // per table column
  bool count_only;    // an upper rel answering count(*)
  RelPlanInfo* base;  // for an upper rel: the scanned rel's
  RelOptInfo* rel;    // the scanned relation
  // Resolved once from the options (Config).
  double request_ms;  // latency (request_cost_ms) + the rate budget's interval
  int page_size;      // 0: the endpoint's maximum
  // The engine plans computed so far (EnginePlan*), one per PathShape; a
  // path's fdw_private names its plan by index.
  List* plans;
  EnginePlans* engine_plans;
};

// ---------------------------------------------------------------------------
// plan_conds.cpp

Expr* strip(Expr* e);  // without RelabelTypes
bool is_our_var(Expr* e, RelOptInfo* rel);
// Recognizes `col op value` (either side), `col IN (...)`, `col = ANY(array)`,
// and boolean `col` / `NOT col`.
bool extract_cond(PlannerInfo* root, RelOptInfo* rel, RelDesc* d, RestrictInfo* ri, CondInfo* out);
// The clauses (RestrictInfo*) in the order the scan's quals will have
// (PostgreSQL's order_qual_clauses), the order their conditions are offered in.
List* in_execution_order(PlannerInfo* root, List* rinfos);
// The CondInfo* of the clauses (RestrictInfo*) that can shape a request.
List* extract_conds(PlannerInfo* root, RelOptInfo* rel, RelDesc* d, List* rinfos);
// Per table column: whether the query reads it (its target list and `extra_clauses`).
bool* needed_columns(PlannerInfo* root, RelOptInfo* rel, RelDesc* d, List* extra_clauses);

// ---------------------------------------------------------------------------
// plan_cost.cpp

// Resolves what planning needs of the table's options (request cost, page
// size) into `ps`, once per relation. May raise (an option the Config refuses).
void resolve_options(RelPlanInfo* ps);
// The engine plan of `ps`'s relation for `shape`: computed on first use, then
// the same one (its index in ps->plans in *index). `conds`, `nclauses` and
// `needed` are what the shape offers (only read when it is computed).
EnginePlan* engine_plan(PlannerInfo* root, RelPlanInfo* ps, const PathShape& shape, List* conds, int nclauses,
                        bool* needed, int* index = nullptr);
// The plan ps->plans[index].
EnginePlan* engine_plan_at(RelPlanInfo* ps, int index);
// Cost of a path sending `requests` requests and receiving `rows` rows.
Cost path_cost(const EnginePlan& ep, double requests, double rows);
// plan_adaptive.cpp

// For a parameterized plan `ep` whose lookups may give way to one read of the
// list (engine/run/adaptive.h): the serialized ListFallback, the list read's
// condition values appended to *list_exprs and their array flags to `arrays`;
// nullptr when the lookups cannot switch. `order`: the fdw_exprs' order of ep's
// used conditions (fdw_exprs[k] is conds[used[order[k]]]).
char* list_fallback(PlannerInfo* root, RelPlanInfo* ps, const EnginePlan& ep, const int* order, List** list_exprs,
                    StringInfo arrays);

// ---------------------------------------------------------------------------
// plan_cost.cpp (continued)

// What drives a plan's request count, for the max_requests error: the detail
// columns by name, the pages, the lookups (palloc'd text).
char* request_drivers(const RelPlanInfo* ps, const EnginePlan& ep);

}  // namespace cfdw::pg
