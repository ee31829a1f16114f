// commerce_fdw PostgreSQL glue: planning. Which conditions, sorts and limits
// shape the remote requests, parameterized lookups for joins, count(*).
#include "pg/plan.h"

#include <cstring>
#include <string>
#include <vector>

#include "engine/scan.h"
#include "pg/boundary.h"

namespace cfdw::pg {

namespace {

// Costs count requests. A request costs the server's latency estimate
// (`request_cost_ms`) plus the interval of its rate budget
// (60000 / rate_limit_per_minute ms, 0 without a limit), one planner cost
// unit a millisecond; each row received adds cpu_tuple_cost.
constexpr double kDefaultRequestMs = 50.0;

struct PlanState {
  RelDesc* desc;
  double tuples;    // remote rows: pg_class.reltuples once ANALYZEd, else the declaration's est_rows
  List* conds;      // CondInfo* from baserestrictinfo
  bool* needed;     // per table column
  bool count_only;  // an upper rel answering count(*)
  PlanState* base;  // for an upper rel: the scanned rel's state
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

// The table's (else the server's) request_cost_ms, or the default.
double request_cost_ms(const RelDesc* d) {
  double v = kDefaultRequestMs;
  ListCell* lc;
  foreach (lc, d->options) {  // server options first, the table's last: the last one wins
    DefElem* def = static_cast<DefElem*>(lfirst(lc));
    if (std::strcmp(def->defname, "request_cost_ms") == 0) v = std::atof(strVal(def->arg));
  }
  return v;
}

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

// Recognizes `col op value` (either side), `col IN (...)`, `col = ANY(array)`,
// and boolean `col` / `NOT col`.
bool extract_cond(PlannerInfo* root, RelOptInfo* rel, RelDesc* d, RestrictInfo* ri, CondInfo* out) {
  Expr* clause = ri->clause;
  out->rinfo = ri;
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
    if (!comparable_types(v->vartype, exprType(reinterpret_cast<Node*>(strip(r))))) return false;
    char* name = get_opname(op->opno);
    bool ok;
    out->op = op_of(name, commuted, &ok);
    if (!ok) return false;
    out->column = d->column_of[v->varattno - 1];
    out->value = r;
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

// Runs the engine's planner (C++ inside the boundary).
EnginePlan engine_plan(PlannerInfo* root, RelOptInfo* rel, double tuples, RelDesc* d, List* conds, int nclauses,
                       const bool* needed, const char* sort_column, bool sort_desc, long limit, bool eager,
                       bool count_only) {
  EnginePlan ep{};
  const double latency_ms = request_cost_ms(d);
  const int ncond = list_length(conds);
  ep.used = static_cast<int*>(palloc0(sizeof(int) * std::max(1, ncond)));
  ep.remote_only = static_cast<bool*>(palloc0(sizeof(bool) * std::max(1, ncond)));
  const bool ok = guarded([&] {
    std::vector<CondInfo*> cinfo;
    ListCell* lc;
    foreach (lc, conds) cinfo.push_back(static_cast<CondInfo*>(lfirst(lc)));
    ScanRequest req;
    for (CondInfo* c : cinfo)
      req.conds.push_back(CondShape{d->table->columns[c->column].name, Op(c->op), c->nvalues});
    for (size_t i = 0; i < d->table->columns.size(); ++i)
      if (needed[i]) req.needed.push_back(d->table->columns[i].name);
    if (sort_column) {
      req.sort_column = sort_column;
      req.sort_desc = sort_desc;
    }
    req.limit = limit;
    std::optional<ScanPlan> plan = plan_scan(*d->table, req);
    if (!plan) return;
    // Conditions this scan cannot apply (clauses we could not read) make it inexact.
    if (nclauses > int(cinfo.size())) plan->all_exact = false;
    if (plan->limit >= 0 && !plan->all_exact) plan->limit = -1;
    plan->eager = eager;
    plan->count_only = count_only;
    if (count_only && !can_count(*d->table, *plan)) return;
    Config cfg = make_config(d, NIL, InvalidOid);
    ep.request_ms = latency_ms + (cfg.rate_limit_per_minute > 0 ? 60000.0 / cfg.rate_limit_per_minute : 0.0);
    ep.nendpoints = int(plan->endpoints.size());
    ep.is_lookup = plan->endpoints.size() == 1 && d->table->reads[plan->endpoints[0]].shape == Shape::Object;
    ep.sorted = !plan->sort_column.empty();
    ep.all_exact = plan->all_exact;
    ep.nused = int(plan->used.size());
    for (size_t u = 0; u < plan->used.size(); ++u) {
      ep.used[u] = plan->used[u];
      ep.remote_only[u] = remote_only(*d->table, *plan, u);
    }
    ep.serialized = pstrdup_nothrow(plan->serialize());
    if (!ep.serialized) throw std::bad_alloc();
    ep.ok = true;
  });
  if (!ok) raise_captured();
  if (!ep.ok) return ep;

  // Requests: the rows the remote returns (the table's size narrowed by the
  // conditions that shape the requests), in pages; a lookup per value.
  List* used = NIL;
  for (int u = 0; u < ep.nused; ++u)
    used = lappend(used, static_cast<CondInfo*>(list_nth(conds, ep.used[u]))->rinfo);
  const double remote_rows =
      rel ? clamp_row_est(tuples * clauselist_selectivity(root, used, int(rel->relid), JOIN_INNER, nullptr)) : tuples;
  double lookups = 1;
  for (int u = 0; u < ep.nused; ++u) {
    const int n = static_cast<CondInfo*>(list_nth(conds, ep.used[u]))->nvalues;
    if (n > 1) lookups *= n;
  }
  const char* serialized = ep.serialized;
  const bool ok2 = guarded([&] {
    ScanPlan plan = ScanPlan::deserialize(serialized);
    Config cfg = make_config(d, NIL, InvalidOid);
    ep.requests = estimate_requests(*d->table, plan, cfg, remote_rows);
    if (ep.is_lookup) ep.requests = lookups + (plan.supplement ? lookups : 0);
  });
  if (!ok2) raise_captured();
  return ep;
}

// Cost of a path sending `requests` requests and receiving `rows` rows.
Cost path_cost(const EnginePlan& ep, double requests, double rows) {
  return requests * ep.request_ms + rows * cpu_tuple_cost;
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

// LIMIT (+ OFFSET) of a query that reads only this relation, or -1.
long pushable_limit(PlannerInfo* root) {
  Query* q = root->parse;
  if (!q->limitCount || q->limitOption != LIMIT_OPTION_COUNT) return -1;
  if (q->groupClause || q->groupingSets || q->hasAggs || q->hasWindowFuncs || q->distinctClause ||
      q->hasTargetSRFs || q->havingQual || q->rowMarks || q->setOperations)
    return -1;
  if (bms_membership(root->all_baserels) != BMS_SINGLETON) return -1;
  Node* c = strip(reinterpret_cast<Expr*>(q->limitCount)) ? reinterpret_cast<Node*>(q->limitCount) : nullptr;
  if (!c || !IsA(c, Const) || reinterpret_cast<Const*>(c)->constisnull) return -1;
  long n = long(DatumGetInt64(reinterpret_cast<Const*>(c)->constvalue));
  if (q->limitOffset) {
    Node* o = q->limitOffset;
    if (!IsA(o, Const)) return -1;
    if (!reinterpret_cast<Const*>(o)->constisnull) n += long(DatumGetInt64(reinterpret_cast<Const*>(o)->constvalue));
  }
  return n;
}

// Whether every row of the scan will be read (pages may then be fetched in parallel).
bool reads_everything(PlannerInfo* root) {
  Query* q = root->parse;
  return !q->limitCount && root->query_level == 1 && bms_membership(root->all_baserels) == BMS_SINGLETON &&
         !q->hasSubLinks;
}

// The single-column ORDER BY the query wants, when it is a column of ours.
bool wanted_sort(PlannerInfo* root, RelOptInfo* rel, RelDesc* d, const char** column, bool* desc) {
  if (list_length(root->query_pathkeys) != 1) return false;
  PathKey* pk = static_cast<PathKey*>(linitial(root->query_pathkeys));
  EquivalenceClass* ec = pk->pk_eclass;
  ListCell* lc;
  foreach (lc, ec->ec_members) {
    EquivalenceMember* em = static_cast<EquivalenceMember*>(lfirst(lc));
    if (em->em_is_const || !bms_equal(em->em_relids, rel->relids) || !is_our_var(em->em_expr, rel)) continue;
    Var* v = reinterpret_cast<Var*>(strip(em->em_expr));
    const int idx = d->column_of[v->varattno - 1];
    if (idx < 0) return false;
    *desc = pk->pk_strategy == BTGreaterStrategyNumber;
    if (pk->pk_nulls_first != *desc) return false;  // only PostgreSQL's default null placement
    // Text order pushes only under the C collation: a remote order that
    // differs from PostgreSQL's own would be trusted (and a merge join could lose rows).
    if (OidIsValid(ec->ec_collation) && !lc_collate_is_c(ec->ec_collation)) return false;
    *column = d->table->columns[idx].name.c_str();
    return true;
  }
  return false;
}

List* path_private(const char* sort_column, bool desc, long limit) {
  return list_make3(makeString(pstrdup(sort_column ? sort_column : "")), makeInteger(desc ? 1 : 0),
                    makeString(psprintf("%ld", limit)));
}

}  // namespace

void get_rel_size(PlannerInfo* root, RelOptInfo* baserel, Oid foreigntableid) {
  Relation rel = table_open(foreigntableid, NoLock);
  RelDesc* d = describe_relation(rel);
  table_close(rel, NoLock);
  if (d->table->insert_only)
    ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                    errmsg("foreign table \"%s\" can only be inserted into", d->relname),
                    errdetail("The %s API has no request that lists %s.", d->api->name.c_str(),
                              d->table->name.c_str())));
  PlanState* ps = static_cast<PlanState*>(palloc0(sizeof(PlanState)));
  ps->desc = d;
  ps->conds = extract_conds(root, baserel, d, baserel->baserestrictinfo);
  ps->needed = needed_columns(root, baserel, d, baserel->baserestrictinfo);
  baserel->fdw_private = ps;
  // PostgreSQL fills tuples from pg_class.reltuples: -1 until the table is ANALYZEd.
  ps->tuples = baserel->tuples >= 0 ? baserel->tuples : d->table->est_rows;
  baserel->tuples = ps->tuples;

  EnginePlan ep = engine_plan(root, baserel, ps->tuples, d, ps->conds, list_length(baserel->baserestrictinfo),
                              ps->needed, nullptr, false, -1, false, false);
  double sel = clauselist_selectivity(root, baserel->baserestrictinfo, 0, JOIN_INNER, nullptr);
  baserel->rows = clamp_row_est(ps->tuples * sel);
  if (ep.ok && ep.is_lookup) baserel->rows = clamp_row_est(std::max(1.0, ep.requests));
}

void get_paths(PlannerInfo* root, RelOptInfo* baserel, Oid) {
  PlanState* ps = static_cast<PlanState*>(baserel->fdw_private);
  RelDesc* d = ps->desc;
  const int nclauses = list_length(baserel->baserestrictinfo);
  const long limit = root->parse->sortClause ? -1 : pushable_limit(root);

  // The plain scan.
  EnginePlan ep = engine_plan(root, baserel, ps->tuples, d, ps->conds, nclauses, ps->needed, nullptr, false, limit,
                              false, false);
  // Unusable without a required condition (unless joined): a prohibitive cost.
  const double requests = ep.ok ? ep.requests : 1e6;
  if (!ep.ok) ep.request_ms = request_cost_ms(d);
  Cost startup = path_cost(ep, 1, 0);
  Cost total = path_cost(ep, requests, baserel->rows);
  add_path(baserel, reinterpret_cast<Path*>(create_foreignscan_path(
                        root, baserel, nullptr, baserel->rows, startup, total, NIL, nullptr, nullptr,
                        path_private(nullptr, false, limit))));

  // Sorted by the remote.
  const char* sort_column = nullptr;
  bool desc = false;
  if (ep.ok && wanted_sort(root, baserel, d, &sort_column, &desc)) {
    EnginePlan sp = engine_plan(root, baserel, ps->tuples, d, ps->conds, nclauses, ps->needed, sort_column, desc,
                                pushable_limit(root), false, false);
    if (sp.ok && sp.sorted) {
      add_path(baserel, reinterpret_cast<Path*>(create_foreignscan_path(
                            root, baserel, nullptr, baserel->rows, path_cost(sp, 1, 0),
                            path_cost(sp, sp.requests, baserel->rows),
                            root->query_pathkeys, nullptr, nullptr,
                            path_private(sort_column, desc, pushable_limit(root)))));
    }
  }

  // Parameterized by other relations: join clauses on a column a lookup can
  // take (p.sku = w.sku looks each SKU up).
  List* candidates = NIL;
  ListCell* lc;
  foreach (lc, baserel->joininfo) {
    RestrictInfo* ri = lfirst_node(RestrictInfo, lc);
    if (join_clause_is_movable_to(ri, baserel)) candidates = lappend(candidates, ri);
  }
  for (int i = 0; i < d->natts; ++i) {
    if (d->column_of[i] < 0) continue;
    struct Arg {
      Index relid;
      AttrNumber attno;
    } arg{baserel->relid, AttrNumber(i + 1)};
    List* eq = generate_implied_equalities_for_column(
        root, baserel,
        [](PlannerInfo*, RelOptInfo*, EquivalenceClass*, EquivalenceMember* em, void* a) -> bool {
          auto* x = static_cast<Arg*>(a);
          Expr* e = em->em_expr;
          while (e && IsA(e, RelabelType)) e = reinterpret_cast<RelabelType*>(e)->arg;
          return e && IsA(e, Var) && reinterpret_cast<Var*>(e)->varno == int(x->relid) &&
                 reinterpret_cast<Var*>(e)->varattno == x->attno && reinterpret_cast<Var*>(e)->varlevelsup == 0;
        },
        &arg, nullptr);
    candidates = list_concat(candidates, eq);
  }
  foreach (lc, candidates) {
    RestrictInfo* ri = lfirst_node(RestrictInfo, lc);
    CondInfo probe;
    if (!extract_cond(root, baserel, d, ri, &probe) || (probe.op != kEq && probe.op != kIn)) continue;
    Relids outer = bms_difference(ri->clause_relids, baserel->relids);
    if (bms_is_empty(outer) || bms_overlap(outer, baserel->lateral_referencers)) continue;
    ParamPathInfo* ppi = get_baserel_parampathinfo(root, baserel, outer);
    List* conds = list_concat(list_copy(ps->conds), extract_conds(root, baserel, d, ppi->ppi_clauses));
    EnginePlan pp = engine_plan(root, baserel, ps->tuples, d, conds, nclauses + list_length(ppi->ppi_clauses),
                                ps->needed, nullptr, false, -1, false, false);
    if (!pp.ok) continue;
    // Worth it only when the parameter shapes the request.
    bool uses_param = false;
    for (int u = 0; u < pp.nused; ++u)
      if (pp.used[u] >= list_length(ps->conds)) uses_param = true;
    if (!uses_param) continue;
    add_path(baserel, reinterpret_cast<Path*>(create_foreignscan_path(
                          root, baserel, nullptr, ppi->ppi_rows, path_cost(pp, 1, 0),
                          path_cost(pp, pp.requests, ppi->ppi_rows), NIL, outer,
                          nullptr, path_private(nullptr, false, -1))));
  }
}

void get_upper_paths(PlannerInfo* root, UpperRelationKind stage, RelOptInfo* input_rel, RelOptInfo* output_rel,
                     void*) {
  if (stage != UPPERREL_GROUP_AGG || input_rel->reloptkind != RELOPT_BASEREL || !input_rel->fdw_private ||
      output_rel->fdw_private)
    return;
  Query* q = root->parse;
  if (q->groupClause || q->groupingSets || q->havingQual || !q->hasAggs) return;
  PathTarget* target = root->upper_targets[UPPERREL_GROUP_AGG];
  ListCell* lc;
  foreach (lc, target->exprs) {
    Node* e = static_cast<Node*>(lfirst(lc));
    if (!IsA(e, Aggref)) return;
    Aggref* a = reinterpret_cast<Aggref*>(e);
    if (a->aggfnoid != F_COUNT_ || a->aggfilter || a->aggdistinct || a->aggorder || a->args) return;
  }
  PlanState* base = static_cast<PlanState*>(input_rel->fdw_private);
  EnginePlan ep = engine_plan(root, input_rel, base->tuples, base->desc, base->conds,
                              list_length(input_rel->baserestrictinfo), base->needed, nullptr, false, -1, false, true);
  if (!ep.ok || !ep.all_exact) return;
  PlanState* ps = static_cast<PlanState*>(palloc0(sizeof(PlanState)));
  *ps = *base;
  ps->count_only = true;
  ps->base = base;
  output_rel->fdw_private = ps;
  Cost cost = path_cost(ep, std::max(1, ep.nendpoints), 0);  // one request (a row each) per endpoint
  add_path(output_rel, reinterpret_cast<Path*>(create_foreign_upper_path(root, output_rel, target, 1, cost, cost,
                                                                          NIL, nullptr, NIL)));
}

const RelDesc* planned_table(RelOptInfo* rel) {
  const PlanState* ps = static_cast<const PlanState*>(rel->fdw_private);
  return ps && !ps->count_only ? ps->desc : nullptr;
}

namespace {
// The scanned relation of a count(*) upper rel.
RelOptInfo* base_rel_of(PlannerInfo* root, PlanState* ps) {
  for (int i = 1; i < root->simple_rel_array_size; ++i)
    if (root->simple_rel_array[i] && root->simple_rel_array[i]->fdw_private == ps->base)
      return root->simple_rel_array[i];
  return nullptr;
}
}  // namespace

ForeignScan* get_plan(PlannerInfo* root, RelOptInfo* foreignrel, Oid foreigntableid, ForeignPath* best_path,
                      List* tlist, List* scan_clauses, Plan* outer_plan) {
  PlanState* ps = static_cast<PlanState*>(foreignrel->fdw_private);
  RelDesc* d = ps->desc;
  const bool count_only = ps->count_only;
  Index scan_relid = foreignrel->relid;
  List* conds;
  List* local = NIL;
  List* fdw_scan_tlist = NIL;
  int nclauses;
  const char* sort_column = nullptr;
  bool desc = false;
  long limit = -1;

  if (count_only) {
    RelOptInfo* base_rel = base_rel_of(root, ps);
    conds = ps->base->conds;
    nclauses = base_rel ? list_length(base_rel->baserestrictinfo) : list_length(conds);
    scan_relid = 0;
    fdw_scan_tlist = add_to_flat_tlist(NIL, root->upper_targets[UPPERREL_GROUP_AGG]->exprs);
    foreigntableid = d->relid;
  } else {
    conds = extract_conds(root, foreignrel, d, scan_clauses);
    nclauses = list_length(scan_clauses);
    local = scan_clauses;  // PostgreSQL rechecks everything (but what the remote alone can apply; below)
    List* priv = best_path->fdw_private;
    if (priv) {
      const char* s = strVal(linitial(priv));
      sort_column = *s ? s : nullptr;
      desc = intVal(lsecond(priv)) != 0;
      limit = std::atol(strVal(lthird(priv)));
    }
    if (best_path->path.param_info) ps->needed = needed_columns(root, foreignrel, d, scan_clauses);
  }

  EnginePlan ep = engine_plan(root, count_only ? base_rel_of(root, ps) : foreignrel, ps->tuples, d, conds, nclauses,
                              ps->needed, sort_column, desc, limit, !count_only && reads_everything(root), count_only);
  if (!ep.ok) {
    const Table* t = d->table;
    StringInfoData cols;
    initStringInfo(&cols);
    for (const auto& c : t->required) appendStringInfo(&cols, "%s%s", cols.len ? " or " : "", c.c_str());
    ereport(ERROR, (errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
                    errmsg("a scan of foreign table \"%s\" needs a condition on %s", d->relname, cols.data),
                    errdetail("The %s API can only read %s for given %s values.", d->api->name.c_str(),
                              t->name.c_str(), cols.data),
                    t->required_hint.empty() ? 0 : errhint("%s", t->required_hint.c_str())));
  }
  if (!count_only) {
    // A condition on a column the chosen endpoint's rows lack, which the remote
    // applies (Binding::authoritative), is not rechecked against that NULL.
    List* rechecked = NIL;
    ListCell* lc;
    foreach (lc, local) {
      RestrictInfo* ri = lfirst_node(RestrictInfo, lc);
      bool skip = false;
      for (int u = 0; u < ep.nused; ++u)
        if (ep.remote_only[u] && static_cast<CondInfo*>(list_nth(conds, ep.used[u]))->rinfo == ri) skip = true;
      if (!skip) rechecked = lappend(rechecked, ri);
    }
    local = extract_actual_clauses(rechecked, false);
  }
  List* fdw_exprs = NIL;
  StringInfoData arrays;
  initStringInfo(&arrays);
  for (int u = 0; u < ep.nused; ++u) {
    CondInfo* c = static_cast<CondInfo*>(list_nth(conds, ep.used[u]));
    fdw_exprs = lappend(fdw_exprs, c->value);
    appendStringInfoChar(&arrays, c->is_array ? '1' : '0');
  }
  StringInfoData needed;
  initStringInfo(&needed);
  for (size_t i = 0; i < d->table->columns.size(); ++i) appendStringInfoChar(&needed, ps->needed[i] ? '1' : '0');
  List* fdw_private = list_make4(makeString(ep.serialized), makeInteger(int(foreigntableid)), makeString(needed.data),
                                 makeString(arrays.data));
  return make_foreignscan(tlist, local, scan_relid, fdw_exprs, fdw_private, fdw_scan_tlist, NIL, outer_plan);
}

}  // namespace cfdw::pg
