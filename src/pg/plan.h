// commerce_fdw PostgreSQL glue: the planner callbacks, and what planning hands
// the executor — the named fields of the fdw_private lists of a ForeignPath, a
// ForeignScan and a ModifyTable entry (as postgres_fdw's FdwScanPrivateIndex).
#pragma once

#include "pg/glue.h"

namespace cfdw::pg {

// fdw_private of a ForeignScan.
enum FdwScanPrivateIndex {
  kScanPlan = 0,  // String: ScanPlan::serialize()
  kScanRelid,     // Integer: the foreign table (also for count(*) plans, whose scanrelid is 0)
  kScanNeeded,    // String: '1'/'0' per table column
  kScanArrays,    // String: '1'/'0' per fdw_expr: its value is an array of values
  kScanRequests,  // String: the requests one execution of the scan is estimated to send ("%.0f")
  kScanDrivers,   // String: what drives that count (pages, detail columns, lookups), for the max_requests error
  kScanFallback,  // String: a parameterized scan's ListFallback::serialize() (adaptive lookups), "" for none
  kScanLookupExprs,  // Integer: how many fdw_exprs are the scan's; the rest are the list read's (kScanFallback)
  kScanPrivateCount
};

// fdw_private of a ForeignPath: what the remote does for the path.
enum FdwPathPrivateIndex {
  kPathPlan = 0,  // Integer: its engine plan, the index in the relation's RelPlanInfo::plans (plan_internal.h)
  kPathPrivateCount
};

// fdw_private of a ModifyTable entry (modify.cpp).
enum FdwModifyPrivateIndex {
  kModifyRule = 0,    // Integer: the index of the table's write rule
  kModifyChanged,     // List of String: the columns an UPDATE assigns (declared names)
  kModifyOnConflict,  // Integer: 1 for ON CONFLICT DO NOTHING
  kModifyReturning,   // Integer: 1 when the statement has RETURNING
  kModifyPrivateCount
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
