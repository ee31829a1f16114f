// commerce_fdw PostgreSQL glue: planning shared with the executor and EXPLAIN.
#pragma once

#include "pg/glue.h"

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

// Indexes into a ForeignScan's fdw_private.
enum PrivateIndex {
  kPrivPlan = 0,     // String: ScanPlan::serialize()
  kPrivRelid,        // Integer: the foreign table (also for count(*) plans, whose scanrelid is 0)
  kPrivNeeded,       // String: '1'/'0' per table column
  kPrivArrays,       // String: '1'/'0' per fdw_expr: its value is an array of values
  kPrivCount
};

// The table a base relation's planning is for; nullptr for other relations
// (joins, upper relations answering count(*)).
const RelDesc* planned_table(RelOptInfo* rel);

void get_rel_size(PlannerInfo* root, RelOptInfo* baserel, Oid foreigntableid);
void get_paths(PlannerInfo* root, RelOptInfo* baserel, Oid foreigntableid);
ForeignScan* get_plan(PlannerInfo* root, RelOptInfo* foreignrel, Oid foreigntableid, ForeignPath* best_path,
                      List* tlist, List* scan_clauses, Plan* outer_plan);
// ANALYZE (analyze.cpp): the remote size from the list total, a first-page sample.
bool analyze_table(Relation relation, AcquireSampleRowsFunc* func, BlockNumber* totalpages);
void get_upper_paths(PlannerInfo* root, UpperRelationKind stage, RelOptInfo* input_rel, RelOptInfo* output_rel,
                     void* extra);

}  // namespace cfdw::pg
