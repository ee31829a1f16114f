// commerce_fdw PostgreSQL glue: what a query asks of a foreign relation — the
// conditions (`col op value`, IN lists, boolean columns) that can shape a
// remote request, and the columns the query reads.
#include <cstring>
#include <string>

#include "pg/plan_internal.h"

namespace cfdw::pg {

namespace {

bool free_of_rel(PlannerInfo* root, Node* e, RelOptInfo* rel) {
  return !bms_is_member(rel->relid, pull_varnos(root, e)) && !contain_volatile_functions(e) &&
         !contain_subplans(e);
}

unsigned op_of(const char* n, bool commuted, bool* ok) {
  *ok = true;
  if (!n) n = "";
  if (!std::strcmp(n, "=")) return kEq;
  if (!std::strcmp(n, "<")) return commuted ? kGt : kLt;
  if (!std::strcmp(n, "<=")) return commuted ? kGe : kLe;
  if (!std::strcmp(n, ">")) return commuted ? kLt : kGt;
  if (!std::strcmp(n, ">=")) return commuted ? kLe : kGe;
  if (!commuted && !std::strcmp(n, "~~")) return kLike;
  if (!commuted && !std::strcmp(n, "~~*")) return kILike;
  if (!commuted && !std::strcmp(n, "@>")) return kContains;
  *ok = false;
  return 0;
}

// Whether a value of type `value` compares with a column of type `column` the
// way the remote compares: the same type, or both numbers, or both strings
// (`bigint_col = 2` compares int8 with int4). Dates and timestamps must match
// exactly: a date against a timestamptz depends on the session's time zone.
bool comparable_types(Oid column, Oid value) {
  if (column == value) return true;
  if (!OidIsValid(value)) return false;
  char cc, vc;
  bool pref;
  get_type_category_preferred(column, &cc, &pref);
  get_type_category_preferred(value, &vc, &pref);
  return cc == vc && (cc == TYPCATEGORY_NUMERIC || cc == TYPCATEGORY_STRING);
}

// A date column against a timestamp bound, or a timestamptz column against a
// date: the bound converted to the column's type at execution, as PostgreSQL
// itself compares them (in the session's time zone), else nullptr. A
// timestamp becomes the day it falls on, which widens a range: the clause is
// then marked inexact (a lower bound as >, an upper one as <, both sent
// inclusive), and PostgreSQL's filter applies the exact bound.
Expr* widened_bound(Oid column, Expr* value, unsigned* op, bool* widened) {
  const Oid type = exprType(reinterpret_cast<Node*>(value));
  Oid fn = InvalidOid, result = InvalidOid;
  if (column == DATEOID && (type == TIMESTAMPTZOID || type == TIMESTAMPOID)) {
    if (*op == kEq) return nullptr;
    fn = type == TIMESTAMPTZOID ? F_DATE_TIMESTAMPTZ : F_DATE_TIMESTAMP;
    result = DATEOID;
    *op = (*op == kGe || *op == kGt) ? kGt : kLt;
    *widened = true;
  } else if (column == TIMESTAMPTZOID && type == DATEOID) {
    fn = F_TIMESTAMPTZ_DATE;
    result = TIMESTAMPTZOID;
  } else {
    return nullptr;
  }
  return reinterpret_cast<Expr*>(
      makeFuncExpr(fn, result, list_make1(value), InvalidOid, InvalidOid, COERCE_EXPLICIT_CALL));
}

int array_length_of(Expr* e) {
  e = strip(e);
  if (IsA(e, Const)) {
    Const* c = reinterpret_cast<Const*>(e);
    if (c->constisnull) return 0;
    ArrayType* a = DatumGetArrayTypeP(c->constvalue);
    return ArrayGetNItems(ARR_NDIM(a), ARR_DIMS(a));
  }
  if (IsA(e, ArrayExpr)) return list_length(reinterpret_cast<ArrayExpr*>(e)->elements);
  return -1;
}

// Whether an UPDATE or DELETE request of the table takes `column` from the old
// row (a body field or a path placeholder). Compares in place: no allocation.
bool written_from(const Table& t, const std::string& column) {
  for (const WriteRule& w : t.writes) {
    if (w.kind == WriteKind::Insert) continue;
    for (const BodyField& f : w.body)
      if (f.column == column) return true;
    for (size_t open = w.path.find('{'); open != std::string::npos; open = w.path.find('{', open + 1))
      if (w.path.compare(open + 1, column.size(), column) == 0 && w.path.size() > open + 1 + column.size() &&
          w.path[open + 1 + column.size()] == '}')
        return true;
  }
  return false;
}

// The columns of an UPDATE's or DELETE's target that the statement itself
// reads: in its SET expressions and other target entries, its conditions and
// join clauses, and its RETURNING list.
Bitmapset* read_by_modify(PlannerInfo* root, RelOptInfo* rel, List* extra_clauses) {
  Bitmapset* attrs = nullptr;
  ListCell* lc;
  foreach (lc, root->processed_tlist) {
    TargetEntry* tle = lfirst_node(TargetEntry, lc);
    if (tle->resjunk && tle->resname && std::strcmp(tle->resname, "wholerow") == 0) continue;
    pull_varattnos(reinterpret_cast<Node*>(tle->expr), rel->relid, &attrs);
  }
  foreach (lc, extra_clauses)
    pull_varattnos(reinterpret_cast<Node*>(lfirst_node(RestrictInfo, lc)->clause), rel->relid, &attrs);
  foreach (lc, rel->joininfo)
    pull_varattnos(reinterpret_cast<Node*>(lfirst_node(RestrictInfo, lc)->clause), rel->relid, &attrs);
  pull_varattnos(reinterpret_cast<Node*>(root->parse->returningList), rel->relid, &attrs);
  return attrs;
}

}  // namespace

Expr* strip(Expr* e) {
  while (e && IsA(e, RelabelType)) e = reinterpret_cast<RelabelType*>(e)->arg;
  return e;
}

bool is_our_var(Expr* e, RelOptInfo* rel) {
  e = strip(e);
  if (!e || !IsA(e, Var)) return false;
  Var* v = reinterpret_cast<Var*>(e);
  return v->varno == int(rel->relid) && v->varlevelsup == 0 && v->varattno > 0;
}

// Recognizes `col op value` (either side), `col IN (...)`, `col = ANY(array)`,
// and boolean `col` / `NOT col`.
bool extract_cond(PlannerInfo* root, RelOptInfo* rel, RelDesc* d, RestrictInfo* ri, CondInfo* out) {
  Expr* clause = ri->clause;
  out->rinfo = ri;
  out->widened = false;
  out->is_array = false;
  out->nvalues = 1;
  if (is_our_var(clause, rel) && exprType(reinterpret_cast<Node*>(clause)) == BOOLOID) {
    out->column = d->column_of[reinterpret_cast<Var*>(strip(clause))->varattno - 1];
    out->op = kEq;
    out->value = reinterpret_cast<Expr*>(makeBoolConst(true, false));
    return out->column >= 0;
  }
  if (IsA(clause, BoolExpr) && reinterpret_cast<BoolExpr*>(clause)->boolop == NOT_EXPR) {
    Expr* arg = static_cast<Expr*>(linitial(reinterpret_cast<BoolExpr*>(clause)->args));
    if (is_our_var(arg, rel) && exprType(reinterpret_cast<Node*>(arg)) == BOOLOID) {
      out->column = d->column_of[reinterpret_cast<Var*>(strip(arg))->varattno - 1];
      out->op = kEq;
      out->value = reinterpret_cast<Expr*>(makeBoolConst(false, false));
      return out->column >= 0;
    }
    return false;
  }
  if (IsA(clause, OpExpr)) {
    OpExpr* op = reinterpret_cast<OpExpr*>(clause);
    if (list_length(op->args) != 2 || op->opno >= FirstGenbkiObjectId) return false;
    Expr* l = static_cast<Expr*>(linitial(op->args));
    Expr* r = static_cast<Expr*>(lsecond(op->args));
    bool commuted = false;
    if (!is_our_var(l, rel)) {
      if (!is_our_var(r, rel)) return false;
      std::swap(l, r);
      commuted = true;
    }
    if (!free_of_rel(root, reinterpret_cast<Node*>(r), rel)) return false;
    Var* v = reinterpret_cast<Var*>(strip(l));
    char* name = get_opname(op->opno);
    bool ok;
    out->op = op_of(name, commuted, &ok);
    if (!ok) return false;
    out->value = r;
    if (!comparable_types(v->vartype, exprType(reinterpret_cast<Node*>(strip(r))))) {
      // Relative dates and other bounds of another date/time type: converted at execution.
      out->value = widened_bound(v->vartype, strip(r), &out->op, &out->widened);
      if (!out->value) return false;
    }
    out->column = d->column_of[v->varattno - 1];
    if (out->op == kContains) {
      out->is_array = true;
      out->nvalues = array_length_of(r);
    }
    return out->column >= 0;
  }
  if (IsA(clause, ScalarArrayOpExpr)) {
    ScalarArrayOpExpr* sa = reinterpret_cast<ScalarArrayOpExpr*>(clause);
    if (!sa->useOr || sa->opno >= FirstGenbkiObjectId || list_length(sa->args) != 2) return false;
    Expr* l = static_cast<Expr*>(linitial(sa->args));
    Expr* r = static_cast<Expr*>(lsecond(sa->args));
    if (!is_our_var(l, rel) || !free_of_rel(root, reinterpret_cast<Node*>(r), rel)) return false;
    const char* opname = get_opname(sa->opno);
    if (!opname || std::strcmp(opname, "=") != 0) return false;
    Var* v = reinterpret_cast<Var*>(strip(l));
    if (!comparable_types(v->vartype, get_element_type(exprType(reinterpret_cast<Node*>(strip(r)))))) return false;
    out->column = d->column_of[v->varattno - 1];
    out->op = kIn;
    out->value = r;
    out->is_array = true;
    out->nvalues = array_length_of(r);
    return out->column >= 0;
  }
  return false;
}

List* in_execution_order(PlannerInfo* root, List* rinfos) {
  // As createplan.c's order_qual_clauses (static there): by security level,
  // then by cost, a stable sort; a cheap leakproof clause counts as level 0.
  struct Item {
    RestrictInfo* ri;
    Cost cost;
    Index level;
  };
  const int n = list_length(rinfos);
  if (n <= 1) return list_copy(rinfos);
  Item* items = static_cast<Item*>(palloc(sizeof(Item) * n));
  int i = 0;
  ListCell* lc;
  foreach (lc, rinfos) {
    RestrictInfo* ri = lfirst_node(RestrictInfo, lc);
    QualCost qcost;
    cost_qual_eval_node(&qcost, reinterpret_cast<Node*>(ri), root);
    items[i].ri = ri;
    items[i].cost = qcost.per_tuple;
    items[i].level = ri->leakproof && items[i].cost < 10 * cpu_operator_cost ? 0 : ri->security_level;
    ++i;
  }
  for (i = 1; i < n; ++i) {
    Item x = items[i];
    int j;
    for (j = i; j > 0; --j) {
      const Item& y = items[j - 1];
      if (x.level > y.level || (x.level == y.level && x.cost >= y.cost)) break;
      items[j] = y;
    }
    items[j] = x;
  }
  List* out = NIL;
  for (i = 0; i < n; ++i) out = lappend(out, items[i].ri);
  return out;
}

List* extract_conds(PlannerInfo* root, RelOptInfo* rel, RelDesc* d, List* rinfos) {
  List* out = NIL;
  ListCell* lc;
  foreach (lc, rinfos) {
    RestrictInfo* ri = lfirst_node(RestrictInfo, lc);
    CondInfo* c = static_cast<CondInfo*>(palloc0(sizeof(CondInfo)));
    if (extract_cond(root, rel, d, ri, c)) out = lappend(out, c);
  }
  return out;
}

bool* needed_columns(PlannerInfo* root, RelOptInfo* rel, RelDesc* d, List* extra_clauses) {
  Bitmapset* attrs = nullptr;
  pull_varattnos(reinterpret_cast<Node*>(rel->reltarget->exprs), rel->relid, &attrs);
  ListCell* lc;
  foreach (lc, extra_clauses) {
    RestrictInfo* ri = lfirst_node(RestrictInfo, lc);
    pull_varattnos(reinterpret_cast<Node*>(ri->clause), rel->relid, &attrs);
  }
  const size_t ncols = d->table->columns.size();
  bool* needed = static_cast<bool*>(palloc0(sizeof(bool) * ncols));
  const bool whole = bms_is_member(0 - FirstLowInvalidHeapAttributeNumber, attrs);
  // The executor reads the whole old row of an UPDATE's target only to build
  // the new row from it. Detail columns would cost a request a row for that:
  // the ones neither the statement nor a write request reads are left NULL
  // (a write sends only the columns it changes).
  const Query* q = root->parse;
  const bool modify_target =
      (q->commandType == CMD_UPDATE || q->commandType == CMD_DELETE) && q->resultRelation == int(rel->relid);
  Bitmapset* read = whole && modify_target ? read_by_modify(root, rel, extra_clauses) : nullptr;
  for (int i = 0; i < d->natts; ++i) {
    const int col = d->column_of[i];
    if (col < 0) continue;
    const int attr = i + 1 - FirstLowInvalidHeapAttributeNumber;
    if (whole && modify_target && d->table->columns[col].has(ColumnFlag::kDetail) && !bms_is_member(attr, read) &&
        !written_from(*d->table, d->table->columns[col].name))
      continue;
    if (whole || bms_is_member(attr, attrs)) needed[col] = true;
  }
  return needed;
}

}  // namespace cfdw::pg
