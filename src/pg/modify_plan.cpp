// commerce_fdw PostgreSQL glue: planning a write — the row identity an UPDATE
// or DELETE carries (the table's key columns), what an UPDATE assigns, and
// which of the table's write rules the statement takes (its executor:
// modify.cpp).
#include <algorithm>
#include <cstring>
#include <map>
#include <optional>
#include <string>

#include "engine/run/modify.h"
#include "pg/boundary.h"
#include "pg/modify.h"
#include "pg/plan.h"

namespace cfdw::pg {

namespace {

// What an UPDATE assigns to one column, read from its target list.
struct Assignment {
  const char* column;  // the declared column's name
  bool delta;          // `col + expr` / `col - expr`
  bool constant;       // a constant
  const char* value;   // the constant's canonical text; nullptr: NULL
};

// One of the table's options (the server's first, then the table's).
struct OptionText {
  const char* name;
  const char* value;
};

// What an UPDATE assigns: columns, `col ± expr` forms, constants.
Assignment* update_assignments(PlannerInfo* root, Index resultRelation, Oid relid, const RelDesc* d, int* count,
                               List** changed) {
  int nchanged = 0;
  Assignment* assigned;
  List* tlist;
  List* attrs;
  get_translated_update_targetlist(root, resultRelation, &tlist, &attrs);
  assigned = static_cast<Assignment*>(palloc0(sizeof(Assignment) * std::max(1, list_length(attrs))));
  ListCell *lc1, *lc2;
  forboth(lc1, tlist, lc2, attrs) {
    TargetEntry* tle = lfirst_node(TargetEntry, lc1);
    const AttrNumber attno = AttrNumber(lfirst_int(lc2));
    const int col = d->column_of[attno - 1];
    if (col < 0)
      ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                      errmsg("column \"%s\" of foreign table \"%s\" is a constant and cannot be updated",
                             get_attname(relid, attno, false), d->relname)));
    Assignment& as = assigned[nchanged++];
    as.column = d->table->columns[col].name.c_str();
    *changed = lappend(*changed, makeString(pstrdup(as.column)));
    Expr* e = tle->expr;
    while (IsA(e, RelabelType)) e = reinterpret_cast<RelabelType*>(e)->arg;
    if (IsA(e, OpExpr) && list_length(reinterpret_cast<OpExpr*>(e)->args) == 2) {
      OpExpr* o = reinterpret_cast<OpExpr*>(e);
      const char* name = get_opname(o->opno);
      const bool plus = name && std::strcmp(name, "+") == 0;
      const bool minus = name && std::strcmp(name, "-") == 0;
      for (int side = 0; side < 2; ++side) {
        Expr* a = static_cast<Expr*>(list_nth(o->args, side));
        while (IsA(a, RelabelType)) a = reinterpret_cast<RelabelType*>(a)->arg;
        if ((plus || (minus && side == 0)) && IsA(a, Var) &&
            reinterpret_cast<Var*>(a)->varno == int(resultRelation) &&
            reinterpret_cast<Var*>(a)->varattno == attno && reinterpret_cast<Var*>(a)->varlevelsup == 0)
          as.delta = true;
      }
    }
    if (IsA(e, Const)) {
      as.constant = true;
      Const* c = reinterpret_cast<Const*>(e);
      as.value = c->constisnull ? nullptr : datum_to_canonical(c->constvalue, c->consttype);
    }
  }
  *count = nchanged;
  return assigned;
}

// The index of the write rule the statement takes; raises when none fits.
int choose_rule(const RelDesc* d, WriteKind kind, const Assignment* assigned, int nchanged) {
  // The API's own options as the table sees them (the table's value wins), for rules tied to one.
  const int noptions = list_length(d->options);
  OptionText* options = static_cast<OptionText*>(palloc0(sizeof(OptionText) * std::max(1, noptions)));
  {
    int k = 0;
    ListCell* lc;
    foreach (lc, d->options) {
      DefElem* def = static_cast<DefElem*>(lfirst(lc));
      options[k++] = OptionText{def->defname, defGetString(def)};
    }
  }
  int rule = -1;
  char* why = nullptr;
  const Table* table = d->table;
  const char* relname = d->relname;
  // Plain data only from here to the end of the guarded block.
  guarded_or_raise([&rule, &why, table, relname, kind, assigned, nchanged, options, noptions] {
    std::map<std::string, std::string> opts;
    for (int k = 0; k < noptions; ++k) opts[options[k].name] = options[k].value;  // later entries (the table's) win
    UpdateShape shape;
    for (int k = 0; k < nchanged; ++k) {
      const Assignment& as = assigned[k];
      shape.changed.push_back(as.column);
      if (as.delta) shape.delta.push_back(as.column);
      if (as.constant)
        shape.constants.emplace_back(as.column, as.value ? std::optional<std::string>(as.value) : std::nullopt);
    }
    std::string reason;
    rule = choose_write_rule(*table, relname, kind, kind == WriteKind::Update ? &shape : nullptr, &reason, &opts);
    if (rule < 0) {
      why = pstrdup_nothrow(reason);
      if (!why) throw std::bad_alloc();
    }
  });
  if (rule < 0) ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED), errmsg("%s", why)));

  return rule;
}

// ON CONFLICT DO NOTHING needs a lookup; RETURNING, a rule whose answer is the row.
void check_supported(const RelDesc* d, const WriteRule& chosen, bool on_conflict, bool returning) {
  if (on_conflict && d->table->conflict.column.empty())
    ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                    errmsg("foreign table \"%s\" does not support ON CONFLICT DO NOTHING", d->relname),
                    errdetail("The %s API gives no way to look an existing %s up before creating it.",
                              d->api->name.c_str(), d->table->name.c_str())));
  if (returning && !chosen.no_returning.empty())
    ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                    errmsg("foreign table \"%s\" cannot return rows from %s %s", d->relname, chosen.method.c_str(),
                           chosen.path.c_str()),
                    errdetail("%s", chosen.no_returning.c_str()),
                    chosen.option.empty() ? 0
                                          : errhint("Leave out RETURNING, or write through the default request "
                                                    "(drop the table's %s option).",
                                                    chosen.option.c_str())));
}

}  // namespace

void add_update_targets(PlannerInfo* root, Index rtindex, RangeTblEntry*, Relation target_relation) {
  RelDesc* d = describe_relation(target_relation);
  TupleDesc td = RelationGetDescr(target_relation);
  for (const auto& key : d->table->key) {
    for (int i = 0; i < td->natts; ++i) {
      Form_pg_attribute att = TupleDescAttr(td, i);
      if (att->attisdropped || d->column_of[i] < 0 || d->table->columns[d->column_of[i]].name != key) continue;
      Var* var = makeVar(rtindex, att->attnum, att->atttypid, att->atttypmod, att->attcollation, 0);
      add_row_identity_var(root, var, rtindex, psprintf("%s%s", kKeyPrefix, key.c_str()));
    }
  }
}

List* plan_modify(PlannerInfo* root, ModifyTable* plan, Index resultRelation, int subplan_index) {
  RangeTblEntry* rte = planner_rt_fetch(resultRelation, root);
  Relation rel = table_open(rte->relid, NoLock);
  RelDesc* d = describe_relation(rel);
  table_close(rel, NoLock);
  const CmdType op = plan->operation;

  int nchanged = 0;
  Assignment* assigned = nullptr;
  List* changed = NIL;  // String per assigned column, for the executor
  if (op == CMD_UPDATE) assigned = update_assignments(root, resultRelation, rte->relid, d, &nchanged, &changed);
  const WriteKind kind = op == CMD_INSERT ? WriteKind::Insert : op == CMD_UPDATE ? WriteKind::Update : WriteKind::Delete;
  const int rule = choose_rule(d, kind, assigned, nchanged);
  const bool on_conflict = plan->onConflictAction == ONCONFLICT_NOTHING;
  const bool returning = plan->returningLists != NIL && list_nth(plan->returningLists, subplan_index) != NIL;
  check_supported(d, d->table->writes[rule], on_conflict, returning);

  List* fdw_private = NIL;
  fdw_private = lappend(fdw_private, makeInteger(rule));                 // kModifyRule
  fdw_private = lappend(fdw_private, changed);                           // kModifyChanged
  fdw_private = lappend(fdw_private, makeInteger(on_conflict ? 1 : 0));  // kModifyOnConflict
  fdw_private = lappend(fdw_private, makeInteger(returning ? 1 : 0));    // kModifyReturning
  Assert(list_length(fdw_private) == kModifyPrivateCount);
  return fdw_private;
}

}  // namespace cfdw::pg
