// commerce_fdw PostgreSQL glue: the planner callbacks. The size of a foreign
// relation; its paths (plain, sorted by the remote, parameterized lookups for
// joins, count(*) from the remote total) and the ForeignScan of the one chosen,
// with its fdw_private (plan.h). What shapes a request: plan_conds.cpp; what
// the engine plans and what it costs: plan_cost.cpp.
#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "engine/run/scan.h"
#include "pg/boundary.h"
#include "pg/plan_internal.h"
#include "pg/remote_size.h"

namespace cfdw::pg {

namespace {

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

// A path's fdw_private (FdwPathPrivateIndex): its engine plan.
List* path_private(int plan_index) {
  List* priv = list_make1(makeInteger(plan_index));  // kPathPlan
  Assert(list_length(priv) == kPathPrivateCount);
  return priv;
}

// A plan's fdw_private (FdwScanPrivateIndex).
List* scan_private(const char* serialized, Oid relid, const char* needed, const char* arrays, double requests,
                   const char* drivers, const char* fallback, int lookup_exprs) {
  List* priv = NIL;
  priv = lappend(priv, makeString(const_cast<char*>(serialized)));  // kScanPlan
  priv = lappend(priv, makeInteger(int(relid)));                   // kScanRelid
  priv = lappend(priv, makeString(const_cast<char*>(needed)));      // kScanNeeded
  priv = lappend(priv, makeString(const_cast<char*>(arrays)));      // kScanArrays
  priv = lappend(priv, makeString(psprintf("%.0f", requests)));     // kScanRequests
  priv = lappend(priv, makeString(const_cast<char*>(drivers)));     // kScanDrivers
  priv = lappend(priv, makeString(const_cast<char*>(fallback)));    // kScanFallback
  priv = lappend(priv, makeInteger(lookup_exprs));                 // kScanLookupExprs
  Assert(list_length(priv) == kScanPrivateCount);
  return priv;
}

// The plain scan's LIMIT: none when the query sorts (the remote would limit before the sort).
long plain_limit(PlannerInfo* root) { return root->parse->sortClause ? -1 : pushable_limit(root); }

// The option remote_estimate (the table's, else the server's): whether a
// table without statistics may learn its size from the remote. Default: on.
bool wants_remote_estimate(const RelDesc* d) {
  bool on = true;
  ListCell* lc;
  foreach (lc, d->options) {  // server options first, the table's last: the last one wins
    DefElem* def = static_cast<DefElem*>(lfirst(lc));
    if (std::strcmp(def->defname, "remote_estimate") == 0) on = defGetBoolean(def);
  }
  return on;
}

// The table's row count, from one request whose answer reports the list's
// total; remembered for kRemoteSizeTtlMs. Negative when the API reports no
// total or the request fails (planning then keeps the declared estimate).
double remote_size(PlannerInfo* root, RelOptInfo* baserel, const RelDesc* d) {
  const double known = remembered_remote_size(d->serverid, d->relid);
  if (known >= 0) return known;
  // Can the API count the whole list with one request?
  bool countable = false;
  const Table* t = d->table;
  guarded_or_raise([&] {
    std::optional<ScanPlan> plan = plan_scan(*t, ScanRequest{});
    if (plan) {
      plan->count_only = true;
      countable = can_count(*t, *plan);
    }
  });
  if (!countable) return -1;
  // The user whose mapping applies (the view owner's for a view's query); without one, no probe.
  RangeTblEntry* rte = planner_rt_fetch(baserel->relid, root);
  const Oid userid = OidIsValid(rte->checkAsUser) ? rte->checkAsUser : GetUserId();
  if (!SearchSysCacheExists2(USERMAPPINGUSERSERVER, ObjectIdGetDatum(userid), ObjectIdGetDatum(d->serverid)) &&
      !SearchSysCacheExists2(USERMAPPINGUSERSERVER, ObjectIdGetDatum(InvalidOid), ObjectIdGetDatum(d->serverid)))
    return -1;
  Oid umid = InvalidOid;
  List* user_options = user_mapping_options(d, userid, &umid);
  int64_t total = -1;
  const bool ok = guarded([&] {
    Config cfg = make_config(d, user_options, userid, umid);
    ServerStats stats;
    std::unique_ptr<Session> session = open_session(*d->api, cfg, &stats);
    std::optional<ScanPlan> plan = plan_scan(*t, ScanRequest{});
    plan->count_only = true;
    Scan scan(*session, *t, std::move(*plan), {}, std::vector<bool>(t->columns.size(), false));
    total = scan.count();
  });
  if (!ok) {
    // A failed probe only costs the estimate; a cancel still stops the statement.
    if (interrupt_pending()) raise_captured();
    elog(DEBUG1, "commerce_fdw: no remote size for foreign table \"%s\"", d->relname);
    return -1;
  }
  if (total < 0) return -1;
  remember_remote_size(d->serverid, d->relid, double(total));
  return double(total);
}

// The join clauses that could parameterize a scan of the relation: those
// movable to it, and the equalities implied for each of its columns.
List* join_candidates(PlannerInfo* root, RelOptInfo* baserel, const RelDesc* d) {
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
  return candidates;
}

// Parameterized by other relations: join clauses on a column a lookup can
// take (p.sku = w.sku looks each SKU up); one path per parameterization.
void add_parameterized_paths(PlannerInfo* root, RelOptInfo* baserel, RelPlanInfo* ps, int nclauses) {
  RelDesc* d = ps->desc;
  List* candidates = join_candidates(root, baserel, d);
  int index;
  ListCell* lc;
  List* seen_outer = NIL;  // parameterizations given a path: one engine plan (and path) each
  foreach (lc, candidates) {
    RestrictInfo* ri = lfirst_node(RestrictInfo, lc);
    CondInfo probe;
    if (!extract_cond(root, baserel, d, ri, &probe) || (probe.op != kEq && probe.op != kIn)) continue;
    Relids outer = bms_difference(ri->clause_relids, baserel->relids);
    if (bms_is_empty(outer) || bms_overlap(outer, baserel->lateral_referencers)) continue;
    bool seen = false;
    ListCell* sc;
    foreach (sc, seen_outer)
      if (bms_equal(static_cast<Relids>(lfirst(sc)), outer)) seen = true;
    if (seen) continue;
    seen_outer = lappend(seen_outer, outer);
    ParamPathInfo* ppi = get_baserel_parampathinfo(root, baserel, outer);
    PathShape param;
    param.outer = outer;
    // Only computed the first time this parameterization is seen (the memo
    // is keyed by the shape); planning is cheap next to the engine's.
    List* clauses = list_concat(list_copy(baserel->baserestrictinfo), ppi->ppi_clauses);
    List* conds = extract_conds(root, baserel, d, in_execution_order(root, clauses));
    bool* needed = needed_columns(root, baserel, d, clauses);
    const EnginePlan* pp =
        engine_plan(root, ps, param, conds, nclauses + list_length(ppi->ppi_clauses), needed, &index);
    if (!pp->ok) continue;
    // Worth it only when the parameter shapes the request.
    bool uses_param = false;
    for (int u = 0; u < pp->nused; ++u)
      if (list_member_ptr(ppi->ppi_clauses, static_cast<CondInfo*>(list_nth(conds, pp->used[u]))->rinfo))
        uses_param = true;
    if (!uses_param) continue;
    add_path(baserel, reinterpret_cast<Path*>(create_foreignscan_path(
                          root, baserel, nullptr, ppi->ppi_rows, path_cost(*pp, 1, 0),
                          path_cost(*pp, pp->requests, ppi->ppi_rows), NIL, outer, nullptr, path_private(index))));
  }
}

// A table the API reads only for given values, scanned without a condition on them.
[[noreturn]] void raise_needs_condition(const RelDesc* d) {
  const Table* t = d->table;
  StringInfoData cols;
  initStringInfo(&cols);
  for (const auto& c : t->required) appendStringInfo(&cols, "%s%s", cols.len ? " or " : "", c.c_str());
  ereport(ERROR, (errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
                  errmsg("a scan of foreign table \"%s\" needs a condition on %s", d->relname, cols.data),
                  errdetail("The %s API can only read %s for given %s values.", d->api->name.c_str(),
                            t->name.c_str(), cols.data),
                  t->required_hint.empty() ? 0 : errhint("%s", t->required_hint.c_str())));
  pg_unreachable();
}

// The clauses PostgreSQL rechecks: all but a condition on a column the chosen
// endpoint's rows lack, which the remote applies (Binding::authoritative) and
// which would be rechecked against that NULL.
List* rechecked_clauses(const EnginePlan* ep, List* clauses) {
  List* rechecked = NIL;
  ListCell* lc;
  foreach (lc, clauses) {
    RestrictInfo* ri = lfirst_node(RestrictInfo, lc);
    bool skip = false;
    for (int u = 0; u < ep->nused; ++u) {
      const CondInfo* c = static_cast<CondInfo*>(list_nth(ep->conds, ep->used[u]));
      if (ep->remote_only[u] && c->rinfo == ri && !c->widened) skip = true;
    }
    if (!skip) rechecked = lappend(rechecked, ri);
  }
  return rechecked;
}

// The used conditions in the order of the scan's quals (PostgreSQL's
// order_qual_clauses), which is the order their parameters are sent in.
const int* send_order(const EnginePlan* ep, List* scan_clauses, bool count_only) {
  const int nused = ep->nused;
  int* order = static_cast<int*>(palloc(sizeof(int) * std::max(1, nused)));
  int* pos = static_cast<int*>(palloc(sizeof(int) * std::max(1, nused)));
  for (int u = 0; u < nused; ++u) {
    order[u] = u;
    const RestrictInfo* ri = static_cast<CondInfo*>(list_nth(ep->conds, ep->used[u]))->rinfo;
    pos[u] = count_only ? u : list_length(scan_clauses) + u;
    int k = 0;
    ListCell* lc;
    if (!count_only)
      foreach (lc, scan_clauses) {
        if (lfirst(lc) == ri) pos[u] = k;
        ++k;
      }
  }
  std::stable_sort(order, order + nused, [pos](int a, int b) { return pos[a] < pos[b]; });
  return order;
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
  RelPlanInfo* ps = static_cast<RelPlanInfo*>(palloc0(sizeof(RelPlanInfo)));
  ps->desc = d;
  ps->rel = baserel;
  ps->conds = extract_conds(root, baserel, d, in_execution_order(root, baserel->baserestrictinfo));
  ps->needed = needed_columns(root, baserel, d, baserel->baserestrictinfo);
  resolve_options(ps);
  baserel->fdw_private = ps;
  // PostgreSQL fills tuples from pg_class.reltuples: -1 until the table is ANALYZEd.
  const bool no_statistics = baserel->tuples < 0;
  ps->tuples = no_statistics ? d->table->est_rows : baserel->tuples;
  ps->size_known = !no_statistics;
  baserel->tuples = ps->tuples;

  // The plain scan's plan, which get_paths reuses.
  PathShape plain;
  plain.limit = plain_limit(root);
  const EnginePlan* ep = engine_plan(root, ps, plain, ps->conds, list_length(baserel->baserestrictinfo), ps->needed);
  // Without statistics, a table whose plan reads the list learns its size
  // from the remote's total (remote_estimate); ANALYZE statistics win.
  // Not for a LIMIT probe nor a lone table's aggregate (count(*) asks the total itself).
  const bool lone_aggregate = root->parse->hasAggs && bms_membership(root->all_baserels) == BMS_SINGLETON;
  if (no_statistics && ep->ok && !ep->is_lookup && plain.limit < 0 && !lone_aggregate &&
      wants_remote_estimate(d)) {
    const double learned = remote_size(root, baserel, d);
    if (learned >= 0) {
      ps->tuples = learned;
      ps->size_known = true;
      baserel->tuples = learned;
      ps->plans = NIL;  // estimated from the declared size: planned again
      ep = engine_plan(root, ps, plain, ps->conds, list_length(baserel->baserestrictinfo), ps->needed);
    }
  }
  double sel = clauselist_selectivity(root, baserel->baserestrictinfo, 0, JOIN_INNER, nullptr);
  baserel->rows = clamp_row_est(ps->tuples * sel);
  if (ep->ok && ep->is_lookup) baserel->rows = clamp_row_est(std::max(1.0, ep->requests));
}

void get_paths(PlannerInfo* root, RelOptInfo* baserel, Oid) {
  RelPlanInfo* ps = static_cast<RelPlanInfo*>(baserel->fdw_private);
  RelDesc* d = ps->desc;
  const int nclauses = list_length(baserel->baserestrictinfo);

  // The plain scan.
  PathShape plain;
  plain.limit = plain_limit(root);
  int index;
  const EnginePlan* ep = engine_plan(root, ps, plain, ps->conds, nclauses, ps->needed, &index);
  // Unusable without a required condition (unless joined): a prohibitive cost.
  const double requests = ep->ok ? ep->requests : 1e6;
  Cost startup = path_cost(*ep, 1, 0);
  Cost total = path_cost(*ep, requests, baserel->rows);
  add_path(baserel, reinterpret_cast<Path*>(create_foreignscan_path(root, baserel, nullptr, baserel->rows, startup,
                                                                    total, NIL, nullptr, nullptr,
                                                                    path_private(index))));

  // Sorted by the remote.
  PathShape sorted;
  if (ep->ok && wanted_sort(root, baserel, d, &sorted.sort_column, &sorted.sort_desc)) {
    sorted.limit = pushable_limit(root);
    const EnginePlan* sp = engine_plan(root, ps, sorted, ps->conds, nclauses, ps->needed, &index);
    if (sp->ok && sp->sorted) {
      add_path(baserel, reinterpret_cast<Path*>(create_foreignscan_path(
                            root, baserel, nullptr, baserel->rows, path_cost(*sp, 1, 0),
                            path_cost(*sp, sp->requests, baserel->rows), root->query_pathkeys, nullptr, nullptr,
                            path_private(index))));
    }
  }

  add_parameterized_paths(root, baserel, ps, nclauses);
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
  RelPlanInfo* base = static_cast<RelPlanInfo*>(input_rel->fdw_private);
  PathShape count;
  count.count_only = true;
  int index;
  const EnginePlan* ep =
      engine_plan(root, base, count, base->conds, list_length(input_rel->baserestrictinfo), base->needed, &index);
  if (!ep->ok || !ep->all_exact) return;
  RelPlanInfo* ps = static_cast<RelPlanInfo*>(palloc0(sizeof(RelPlanInfo)));
  *ps = *base;
  ps->count_only = true;
  ps->base = base;
  output_rel->fdw_private = ps;
  Cost cost = path_cost(*ep, std::max(1, ep->nendpoints), 0);  // one request (a row each) per endpoint
  add_path(output_rel, reinterpret_cast<Path*>(create_foreign_upper_path(root, output_rel, target, 1, cost, cost,
                                                                          NIL, nullptr, path_private(index))));
}

const RelDesc* planned_table(RelOptInfo* rel) {
  const RelPlanInfo* ps = static_cast<const RelPlanInfo*>(rel->fdw_private);
  return ps && !ps->count_only ? ps->desc : nullptr;
}

ForeignScan* get_plan(PlannerInfo* root, RelOptInfo* foreignrel, Oid foreigntableid, ForeignPath* best_path,
                      List* tlist, List* scan_clauses, Plan* outer_plan) {
  RelPlanInfo* ps = static_cast<RelPlanInfo*>(foreignrel->fdw_private);
  RelDesc* d = ps->desc;
  const bool count_only = ps->count_only;
  Index scan_relid = foreignrel->relid;
  List* local = NIL;
  List* fdw_scan_tlist = NIL;
  // The path's engine plan, computed while the paths were made.
  const EnginePlan* ep = engine_plan_at(ps, intVal(linitial(best_path->fdw_private)));

  if (count_only) {
    scan_relid = 0;
    fdw_scan_tlist = add_to_flat_tlist(NIL, root->upper_targets[UPPERREL_GROUP_AGG]->exprs);
    foreigntableid = d->relid;
  } else {
    // scan_clauses: the relation's and its parameterization's clauses, the ones
    // the plan was computed for. PostgreSQL rechecks everything (but what the
    // remote alone can apply; below).
    local = scan_clauses;
  }
  if (!ep->ok) raise_needs_condition(d);
  List* conds = ep->conds;
  if (!count_only) local = extract_actual_clauses(rechecked_clauses(ep, local), false);
  const int nused = ep->nused;
  const int* order = send_order(ep, scan_clauses, count_only);
  List* fdw_exprs = NIL;
  StringInfoData arrays;
  initStringInfo(&arrays);
  for (int k = 0; k < nused; ++k) {
    CondInfo* c = static_cast<CondInfo*>(list_nth(conds, ep->used[order[k]]));
    fdw_exprs = lappend(fdw_exprs, c->value);
    appendStringInfoChar(&arrays, c->is_array ? '1' : '0');
  }
  StringInfoData needed;
  initStringInfo(&needed);
  for (size_t i = 0; i < d->table->columns.size(); ++i) appendStringInfoChar(&needed, ep->needed[i] ? '1' : '0');
  // The plan is serialized once, here, for the executor.
  const ScanPlan* plan = ep->plan;
  const bool eager = !count_only && reads_everything(root);
  char* serialized = nullptr;
  guarded_or_raise([&] {
    ScanPlan p = *plan;
    p.eager = eager;
    for (int k = 0; k < nused; ++k) {
      p.used[k] = plan->used[order[k]];
      p.binding_of[k] = plan->binding_of[order[k]];
    }
    serialized = pstrdup_nothrow(p.serialize());
    if (!serialized) throw std::bad_alloc();
  });
  // A parameterized scan's lookups may give way to one read of the list: its
  // condition values follow the scan's own.
  List* list_exprs = NIL;
  const char* fallback = count_only ? nullptr : list_fallback(root, ps, *ep, order, &list_exprs, &arrays);
  const int lookup_exprs = list_length(fdw_exprs);
  fdw_exprs = list_concat(fdw_exprs, list_exprs);
  List* fdw_private = scan_private(serialized, foreigntableid, needed.data, arrays.data, ep->est.total(),
                                   request_drivers(ps, *ep), fallback ? fallback : "", lookup_exprs);
  return make_foreignscan(tlist, local, scan_relid, fdw_exprs, fdw_private, fdw_scan_tlist, NIL, outer_plan);
}

}  // namespace cfdw::pg
