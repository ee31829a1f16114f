// commerce_fdw PostgreSQL glue: ANALYZE of a foreign table. Learns the remote
// size from the list endpoint's reported total (one request: the first page is
// the sample); an API that reports no total is paged until the sample is full
// or kPageCap requests were sent, and the size is then a lower bound.
#include <memory>
#include <vector>

#include "engine/run/scan.h"
#include "pg/boundary.h"
#include "pg/ops.h"
#include "pg/plan.h"

namespace cfdw::pg {

namespace {

// Most requests one ANALYZE sends to an API that reports no total.
constexpr int64_t kPageCap = 10;

// The C++ side of an ANALYZE, owned by its memory context.
struct AnalyzeExec {
  Config config;
  ServerStats stats;
  std::unique_ptr<Session> session;
  std::unique_ptr<Scan> scan;
  std::vector<Row> rows;
  int64_t total = -1;  // the remote's reported total, -1: none
  bool reports_total = true;  // every list endpoint read reports a total
  int64_t requests = 0;
  ~AnalyzeExec() { stats_flush(config, stats, true); }
};

// The plan of a read without conditions, or false when the table has none
// (a required condition, insert-only). No detail or supplement requests.
bool plain_plan(const Table& t, ScanPlan* out, std::vector<bool>* needed) {
  if (t.insert_only) return false;
  ScanRequest req;
  for (const Column& c : t.columns) {
    const bool want = !c.has(ColumnFlag::kDetail);
    needed->push_back(want);
    if (want) req.needed.push_back(c.name);
  }
  std::optional<ScanPlan> p = plan_scan(t, req);
  if (!p) return false;
  p->detail = false;
  p->supplement = false;
  *out = *p;
  return true;
}

int acquire_sample(Relation relation, int elevel, HeapTuple* rows, int targrows, double* totalrows,
                   double* totaldeadrows) {
  RelDesc* d = describe_relation(relation);
  TupleDesc td = RelationGetDescr(relation);
  FmgrInfo* inputs;
  Oid* ioparams;
  input_functions(td, &inputs, &ioparams);
  const Oid userid = relation->rd_rel->relowner;  // as postgres_fdw: the table owner's mapping
  Oid umid = InvalidOid;
  List* user_options = user_mapping_options(d, userid, &umid);
  Owned<AnalyzeExec>* owned = own_in<AnalyzeExec>(CurrentMemoryContext);
  guarded_or_raise([&] {
    owned->object = new AnalyzeExec();
    AnalyzeExec& x = *owned->object;
    x.config = make_config(d, user_options, userid, umid);
    ScanPlan plan;
    std::vector<bool> needed;
    if (!plain_plan(*d->table, &plan, &needed)) return;
    x.session = open_session(*d->api, x.config, &x.stats);
    for (int e : plan.endpoints)
      if (d->table->reads[e].shape == Shape::List && d->table->reads[e].paging.total_path.empty() &&
          d->table->reads[e].paging.count_path.empty())
        x.reports_total = false;
    x.scan = std::make_unique<Scan>(*x.session, *d->table, plan, std::vector<CondValues>{}, needed);
    Row row;
    while (int(x.rows.size()) < targrows) {
      // Between pages: stop once every series has told its size, or at the cap.
      if (x.scan->buffered() == 0 && x.scan->requests_sent() > 0 &&
          (x.scan->reported_total() >= 0 || x.scan->requests_sent() >= kPageCap))
        break;
      if (!x.scan->next(&row)) break;  // the end of the listing
      x.rows.push_back(std::move(row));
    }
    x.total = x.scan->reported_total();
    x.requests = x.scan->requests_sent();
  });
  AnalyzeExec& x = *owned->object;

  const int n = int(x.rows.size());
  Datum* values = static_cast<Datum*>(palloc(sizeof(Datum) * std::max(1, td->natts)));
  bool* nulls = static_cast<bool*>(palloc(sizeof(bool) * std::max(1, td->natts)));
  for (int r = 0; r < n; ++r) {
    const Row& row = x.rows[r];
    for (int i = 0; i < td->natts; ++i) {
      Form_pg_attribute att = TupleDescAttr(td, i);
      const int col = i < d->natts ? d->column_of[i] : -1;
      const char* text = nullptr;
      if (!att->attisdropped)
        text = col >= 0 ? (row[col] ? row[col]->c_str() : nullptr) : (i < d->natts ? d->constant_of[i] : nullptr);
      nulls[i] = text == nullptr;
      values[i] = text ? canonical_to_datum(text, att, &inputs[i], ioparams[i]) : (Datum)0;
    }
    rows[r] = heap_form_tuple(td, values, nulls);
  }
  const bool exact = x.total >= 0;
  *totalrows = exact ? double(x.total) : double(n);
  *totaldeadrows = 0;
  if (exact && x.reports_total)
    ereport(elevel, (errmsg("\"%s\": the %s API reports %.0f rows; %d rows in sample from %lld request(s)",
                            RelationGetRelationName(relation), d->api->name.c_str(), *totalrows, n,
                            static_cast<long long>(x.requests))));
  else
    ereport(elevel, (errmsg("\"%s\": the %s API reports no total; %d rows read in %lld request(s)%s",
                            RelationGetRelationName(relation), d->api->name.c_str(), n,
                            static_cast<long long>(x.requests),
                            exact ? ", the whole listing" : ", the size is a lower bound"),
                     exact ? 0
                           : errdetail("ANALYZE reads at most %lld pages or %d rows of an API without a total.",
                                       static_cast<long long>(kPageCap), targrows)));
  guarded([&] {
    delete owned->object;
    owned->object = nullptr;
  });
  return n;
}

}  // namespace

bool analyze_table(Relation relation, AcquireSampleRowsFunc* func, BlockNumber* totalpages) {
  RelDesc* d = describe_relation(relation);
  bool can = false;
  guarded_or_raise([&] {
    ScanPlan plan;
    std::vector<bool> needed;
    can = plain_plan(*d->table, &plan, &needed);
  });
  if (!can) return false;  // PostgreSQL says it skips the table
  *func = acquire_sample;
  *totalpages = 1;
  return true;
}

}  // namespace cfdw::pg
