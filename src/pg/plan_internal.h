// commerce_fdw PostgreSQL glue: what the planning files share —
//   plan.cpp        the planner callbacks: sizes, paths (plain, sorted, parameterized, count(*)), the plan
//   plan_conds.cpp  what a query asks of a relation: the conditions that can shape a request, the columns it reads
//   plan_cost.cpp   the engine's planning of a read, and what its paths cost
#pragma once

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
};

// A base relation's planning (its fdw_private), or an upper relation's answering count(*).
struct RelPlanInfo {
  RelDesc* desc;
  double tuples;      // remote rows: pg_class.reltuples once ANALYZEd, else the declaration's est_rows
  List* conds;        // CondInfo* from baserestrictinfo
  bool* needed;       // per table column
  bool count_only;    // an upper rel answering count(*)
  RelPlanInfo* base;  // for an upper rel: the scanned rel's
};

// ---------------------------------------------------------------------------
// plan_conds.cpp

Expr* strip(Expr* e);  // without RelabelTypes
bool is_our_var(Expr* e, RelOptInfo* rel);
// Recognizes `col op value` (either side), `col IN (...)`, `col = ANY(array)`,
// and boolean `col` / `NOT col`.
bool extract_cond(PlannerInfo* root, RelOptInfo* rel, RelDesc* d, RestrictInfo* ri, CondInfo* out);
// The CondInfo* of the clauses (RestrictInfo*) that can shape a request.
List* extract_conds(PlannerInfo* root, RelOptInfo* rel, RelDesc* d, List* rinfos);
// Per table column: whether the query reads it (its target list and `extra_clauses`).
bool* needed_columns(PlannerInfo* root, RelOptInfo* rel, RelDesc* d, List* extra_clauses);

// ---------------------------------------------------------------------------
// plan_cost.cpp

// What engine_plan() plans: the scan asked for, and what PostgreSQL knows of it.
struct EnginePlanArgs {
  PlannerInfo* root;
  RelOptInfo* rel;           // the scanned relation (selectivity); nullptr: none known
  const RelPlanInfo* info;   // the table, its size and the columns needed
  List* conds;               // CondInfo* offered to the engine
  int nclauses;              // the clauses of the scan, the ones not offered too
  const char* sort_column = nullptr;  // a sort wanted from the remote
  bool sort_desc = false;
  long limit = -1;           // rows a LIMIT asks for, -1 none
  bool eager = false;        // every row will be read: pages may go out in parallel
  bool count_only = false;   // count(*) from the remote total
};

// Engine planning result, copied out of C++ into palloc'd data.
struct EnginePlan {
  bool ok;
  char* serialized;
  int nused;
  int* used;          // indexes into the offered conditions
  bool* remote_only;  // per used condition: applied by the remote alone, not rechecked
  bool all_exact;
  double requests;
  bool sorted;        // the remote sorts as asked
  bool is_lookup;     // a single-object endpoint
  int nendpoints;
  double request_ms;  // cost of one request (latency + rate interval)
};

// Runs the engine's planner (C++ inside the boundary) and estimates the requests.
EnginePlan engine_plan(const EnginePlanArgs& a);
// The table's (else the server's) request_cost_ms, or the default.
double request_cost_ms(const RelDesc* d);
// Cost of a path sending `requests` requests and receiving `rows` rows.
Cost path_cost(const EnginePlan& ep, double requests, double rows);

}  // namespace cfdw::pg
