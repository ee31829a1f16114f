// commerce_fdw PostgreSQL glue: the activity behind commerce_fdw_activity()
// (see ops.h).
//
// Activity: one slot per backend (MaxBackends), written only by its backend
// under a change counter (as PostgreSQL's st_changecount): the counter is odd
// while the slot changes, and a reader copies the slot until it saw the same
// even counter before and after.
#include <cstring>

#include "pg/ops_internal.h"
#include "pg/pg.h"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
extern "C" {
#include "commands/dbcommands.h"
#include "storage/backendid.h"
#include "utils/acl.h"
#include "utils/backend_status.h"
#include "utils/timestamp.h"
}
#pragma GCC diagnostic pop

namespace cfdw::pg {

namespace {

constexpr int kActivityRequests = 16;  // requests shown per backend
constexpr int kActivityPath = 256;

enum ActState { kActNone = 0, kActHttp, kActRateLimit, kActLogin, kActRetryWait };
const char* const kActStateNames[] = {"", "http", "rate_limit", "login", "retry_wait"};

struct ActRequest {
  int state;                 // kActNone: unused
  uintptr_t key;             // the backend's HttpRequest (only its own backend compares it)
  char server[NAMEDATALEN];
  char table[NAMEDATALEN];
  char method[8];
  char path[kActivityPath];
  TimestampTz since;         // when it entered this state
};

struct ActSlot {
  pg_atomic_uint32 changecount;
  int pid;                   // 0: no backend
  Oid userid;
  Oid database;
  TimestampTz statement_start;
  int64 statement_requests;  // the statement's requests and rows so far
  int64 statement_rows;
  ActRequest req[kActivityRequests];
};

ActSlot* g_activity = nullptr;
int g_activity_slots = 0;

ActSlot* my_activity() {
  if (!g_activity || MyBackendId < 1 || MyBackendId > g_activity_slots) return nullptr;
  return &g_activity[MyBackendId - 1];
}

// Whether this backend has claimed its slot (and set the exit callback).
bool g_activity_claimed = false;

void activity_begin(ActSlot* a) {
  pg_atomic_fetch_add_u32(&a->changecount, 1);
  pg_write_barrier();
}

void activity_end(ActSlot* a) {
  pg_write_barrier();
  pg_atomic_fetch_add_u32(&a->changecount, 1);
}

void activity_exit(int, Datum) {
  ActSlot* a = my_activity();
  if (!a) return;
  activity_begin(a);
  a->pid = 0;
  for (ActRequest& r : a->req) r.state = kActNone;
  activity_end(a);
}

// With the slot being written: claims it for this backend (once), and starts
// the statement's counters afresh when a new statement began.
void activity_own(ActSlot* a) {
  if (!g_activity_claimed) {
    g_activity_claimed = true;
    std::memset(a->req, 0, sizeof a->req);
    a->statement_start = 0;
    before_shmem_exit(activity_exit, 0);
  }
  a->pid = MyProcPid;
  a->userid = GetUserId();
  a->database = MyDatabaseId;
  const TimestampTz statement = GetCurrentStatementStartTimestamp();
  if (a->statement_start != statement) {
    a->statement_start = statement;
    a->statement_requests = 0;
    a->statement_rows = 0;
  }
}

}  // namespace

size_t activity_shmem_size() { return mul_size(sizeof(ActSlot), MaxBackends); }

void activity_shmem_startup() {
  bool found = false;
  auto* a = static_cast<ActSlot*>(ShmemInitStruct("commerce_fdw activity", activity_shmem_size(), &found));
  if (!found) {
    std::memset(static_cast<void*>(a), 0, sizeof(ActSlot) * MaxBackends);
    for (int i = 0; i < MaxBackends; ++i) pg_atomic_init_u32(&a[i].changecount, 0);
  }
  g_activity = a;
  g_activity_slots = MaxBackends;
}

void activity_count(int64_t requests, int64_t rows) noexcept {
  ActSlot* a = my_activity();
  if (!a) return;
  activity_begin(a);
  activity_own(a);
  a->statement_requests += requests;
  a->statement_rows += rows;
  activity_end(a);
}

void request_phase(const Config& cfg, const HttpRequest& req, HttpPhase phase) noexcept {
  ActSlot* a = my_activity();
  if (!a) return;
  const uintptr_t key = reinterpret_cast<uintptr_t>(&req);
  int state = kActNone;
  switch (phase) {
    case HttpPhase::RateLimit: state = kActRateLimit; break;
    case HttpPhase::Sending: state = req.login ? kActLogin : kActHttp; break;
    case HttpPhase::RetryWait: state = kActRetryWait; break;
    case HttpPhase::Done: state = kActNone; break;
  }
  activity_begin(a);
  activity_own(a);
  ActRequest* entry = nullptr;
  ActRequest* free_entry = nullptr;
  for (ActRequest& r : a->req) {
    if (r.state != kActNone && r.key == key) entry = &r;
    if (r.state == kActNone && !free_entry) free_entry = &r;
  }
  if (state == kActNone) {
    if (entry) entry->state = kActNone;
  } else if (entry && entry->state == state) {
    // (no change)
  } else if (entry || free_entry) {
    ActRequest& r = entry ? *entry : *free_entry;
    if (!entry) {
      r.key = key;
      copy_text(r.server, sizeof r.server, cfg.server.c_str());
      copy_text(r.table, sizeof r.table, cfg.relname.c_str());
      copy_text(r.method, sizeof r.method, req.method.c_str());
      copy_text(r.path, sizeof r.path, display_path(req));
    }
    r.state = state;
    r.since = GetCurrentTimestamp();
  }
  activity_end(a);
}

}  // namespace cfdw::pg

// ---------------------------------------------------------------------------
// SQL function of 1.2

using namespace cfdw::pg;

namespace {

ActSlot copy_activity(int i) {
  ActSlot copy;
  for (;;) {
    const uint32 before = pg_atomic_read_u32(&g_activity[i].changecount);
    pg_read_barrier();
    std::memcpy(static_cast<void*>(&copy), &g_activity[i], sizeof copy);
    pg_read_barrier();
    const uint32 after = pg_atomic_read_u32(&g_activity[i].changecount);
    if (before == after && (before & 1) == 0) break;
    CHECK_FOR_INTERRUPTS();
  }
  return copy;
}

Datum name_datum(const char* s) { return DirectFunctionCall1(namein, CStringGetDatum(s)); }

}  // namespace

extern "C" {

PG_FUNCTION_INFO_V1(commerce_fdw_activity);

// One row per request a backend has under way: superusers and members of
// pg_read_all_stats see every backend's, other roles those of backends
// running as a role they have the privileges of (as pg_stat_activity).
Datum commerce_fdw_activity(PG_FUNCTION_ARGS) {
  ReturnSetInfo* rsinfo = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
  InitMaterializedSRF(fcinfo, 0);
  if (!g_activity) return (Datum)0;
  const bool all = may_read_all_stats();
  for (int i = 0; i < g_activity_slots; ++i) {
    if (g_activity[i].pid == 0) continue;  // (a hint; the copy decides)
    const ActSlot a = copy_activity(i);
    if (a.pid == 0) continue;
    if (!all && !has_privs_of_role(GetUserId(), a.userid)) continue;
    for (const ActRequest& r : a.req) {
      if (r.state <= kActNone || r.state > kActRetryWait) continue;
      Datum values[10];
      bool nulls[10] = {false};
      values[0] = Int32GetDatum(a.pid);
      const char* db = get_database_name(a.database);
      nulls[1] = db == nullptr;
      if (db) values[1] = name_datum(db);
      char buf[kActivityPath];
      copy_text(buf, NAMEDATALEN, r.server);
      values[2] = CStringGetTextDatum(buf);
      copy_text(buf, NAMEDATALEN, r.table);
      nulls[3] = buf[0] == '\0';
      values[3] = CStringGetTextDatum(buf);
      copy_text(buf, sizeof r.method, r.method);
      values[4] = CStringGetTextDatum(buf);
      copy_text(buf, sizeof r.path, r.path);
      values[5] = CStringGetTextDatum(buf);
      values[6] = CStringGetTextDatum(kActStateNames[r.state]);
      values[7] = TimestampTzGetDatum(r.since);
      values[8] = Int64GetDatum(a.statement_requests);
      values[9] = Int64GetDatum(a.statement_rows);
      tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
    }
  }
  return (Datum)0;
}

}  // extern "C"
