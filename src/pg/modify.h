// commerce_fdw PostgreSQL glue: INSERT, UPDATE and DELETE callbacks.
#pragma once

#include "pg/glue.h"

namespace cfdw::pg {

// The prefix of the junk columns that carry an UPDATE's or DELETE's key values.
inline constexpr const char* kKeyPrefix = "commerce_fdw_";

void add_update_targets(PlannerInfo* root, Index rtindex, RangeTblEntry* target_rte, Relation target_relation);
List* plan_modify(PlannerInfo* root, ModifyTable* plan, Index resultRelation, int subplan_index);
void begin_modify(ModifyTableState* mtstate, ResultRelInfo* rinfo, List* fdw_private, int subplan_index, int eflags);
TupleTableSlot* exec_insert(EState* estate, ResultRelInfo* rinfo, TupleTableSlot* slot, TupleTableSlot* planSlot);
TupleTableSlot** exec_batch_insert(EState* estate, ResultRelInfo* rinfo, TupleTableSlot** slots,
                                   TupleTableSlot** planSlots, int* numSlots);
int batch_size(ResultRelInfo* rinfo);
TupleTableSlot* exec_update(EState* estate, ResultRelInfo* rinfo, TupleTableSlot* slot, TupleTableSlot* planSlot);
TupleTableSlot* exec_delete(EState* estate, ResultRelInfo* rinfo, TupleTableSlot* slot, TupleTableSlot* planSlot);
void end_modify(EState* estate, ResultRelInfo* rinfo);
void explain_modify(ModifyTableState* mtstate, ResultRelInfo* rinfo, List* fdw_private, int subplan_index,
                    ExplainState* es);

}  // namespace cfdw::pg
