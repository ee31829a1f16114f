// commerce_fdw PostgreSQL glue: whether a parameterized scan may switch from
// lookups to one read of the list (adaptive lookups, engine/run/adaptive.h),
// and what the executor needs for it: the list read's plan and condition
// values, and which lookup value each key column is matched against.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "engine/run/adaptive.h"
#include "pg/boundary.h"
#include "pg/plan_internal.h"

namespace cfdw::pg {

namespace {

bool is_int(Oid t) { return t == INT2OID || t == INT4OID || t == INT8OID; }
bool is_text(Oid t) { return t == TEXTOID || t == VARCHAROID; }

// Whether a held row's key text equals a lookup value's canonical text exactly
// when `column = value` holds in SQL: integers (the engine's text of an
// integer is its canonical decimal), booleans, and text under a deterministic
// collation (byte equality). Anything else keeps the lookups.
bool matches_as_text(const RelDesc* d, Index relid, const CondInfo* c) {
  if (c->op != kEq || c->is_array || c->widened || !IsA(c->rinfo->clause, OpExpr)) return false;
  const OpExpr* op = reinterpret_cast<const OpExpr*>(c->rinfo->clause);
  Oid var_type = InvalidOid;
  ListCell* lc;
  foreach (lc, op->args) {
    Expr* e = strip(static_cast<Expr*>(lfirst(lc)));
    if (!IsA(e, Var)) continue;
    const Var* v = reinterpret_cast<const Var*>(e);
    if (v->varno == int(relid) && v->varlevelsup == 0) {
      if (v->varattno > 0 && v->varattno <= d->natts && d->column_of[v->varattno - 1] == c->column)
        var_type = v->vartype;
    }
  }
  const Oid value_type = exprType(reinterpret_cast<Node*>(strip(c->value)));
  const Column& col = d->table->columns[size_t(c->column)];
  if (col.flags & (ColumnFlag::kEcho | ColumnFlag::kFill | ColumnFlag::kRaw | ColumnFlag::kWriteOnly)) return false;
  if (is_int(var_type) && is_int(value_type))
    return col.type == ColType::Int4 || col.type == ColType::Int8;
  if (var_type == BOOLOID && value_type == BOOLOID) return col.type == ColType::Bool;
  if (is_text(var_type) && is_text(value_type))
    return col.type == ColType::Text &&
           (!OidIsValid(op->inputcollid) || get_collation_isdeterministic(op->inputcollid));
  return false;
}

// Whether the plan's used conditions avoid what only a given endpoint can
// apply: a condition PostgreSQL does not recheck, or a column that echoes it.
bool rechecked_everywhere(const RelDesc* d, const EnginePlan& ep, List* conds) {
  for (int u = 0; u < ep.nused; ++u) {
    if (ep.remote_only[u]) return false;
    const CondInfo* c = static_cast<const CondInfo*>(list_nth(conds, ep.used[u]));
    if (d->table->columns[size_t(c->column)].flags & (ColumnFlag::kEcho | ColumnFlag::kFill)) return false;
  }
  return true;
}

}  // namespace

char* list_fallback(PlannerInfo* root, RelPlanInfo* ps, const EnginePlan& ep, const int* order, List** list_exprs,
                    StringInfo arrays) {
  *list_exprs = NIL;
  const RelDesc* d = ps->desc;
  RelOptInfo* rel = ps->rel;
  if (!ep.shape.outer || ps->count_only || !rel || !ps->size_known || ep.plan->detail) return nullptr;
  if (!rechecked_everywhere(d, ep, ep.conds)) return nullptr;
  // The list: the table's plain read (its own pushed conditions).
  PathShape plain;
  const EnginePlan* lp = engine_plan(root, ps, plain, ps->conds, list_length(rel->baserestrictinfo), ps->needed);
  if (!lp->ok || lp->is_lookup || lp->plan->detail || lp->plan->supplement || lp->plan->limit >= 0 ||
      lp->remote_rows > double(kMaxHeldRows) || !rechecked_everywhere(d, *lp, lp->conds))
    return nullptr;
  // A column the lookup reads that the list lacks.
  for (size_t i = 0; i < d->table->columns.size(); ++i)
    if (ep.needed[i] && d->table->columns[i].has(ColumnFlag::kDetail)) return nullptr;
  // The keys: the conditions whose values come from the outer side.
  int* key_columns = static_cast<int*>(palloc0(sizeof(int) * std::max(1, ep.nused)));
  int* key_values = static_cast<int*>(palloc0(sizeof(int) * std::max(1, ep.nused)));
  int nkeys = 0;
  for (int k = 0; k < ep.nused; ++k) {
    const CondInfo* c = static_cast<const CondInfo*>(list_nth(ep.conds, ep.used[order[k]]));
    if (list_member_ptr(rel->baserestrictinfo, c->rinfo)) continue;
    if (!matches_as_text(d, rel->relid, c)) return nullptr;
    key_columns[nkeys] = c->column;
    key_values[nkeys++] = k;
  }
  if (nkeys == 0) return nullptr;
  const long pages = std::max(1L, long(std::ceil(lp->est.total() - lp->est.logins)));
  const ScanPlan* list_plan = lp->plan;
  char* out = nullptr;
  if (!guarded([&] {
        ListFallback f;
        f.plan = *list_plan;
        f.plan.eager = true;  // every row is read: pages may go out together
        f.key_columns.assign(key_columns, key_columns + nkeys);
        f.key_values.assign(key_values, key_values + nkeys);
        f.pages = pages;
        out = pstrdup_nothrow(f.serialize());
        if (!out) throw std::bad_alloc();
      }))
    raise_captured();
  for (int u = 0; u < lp->nused; ++u) {
    const CondInfo* c = static_cast<const CondInfo*>(list_nth(lp->conds, lp->used[u]));
    *list_exprs = lappend(*list_exprs, c->value);
    appendStringInfoChar(arrays, c->is_array ? '1' : '0');
  }
  return out;
}

}  // namespace cfdw::pg
