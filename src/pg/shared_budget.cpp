// commerce_fdw PostgreSQL glue: request budgets shared by every backend (see
// shared_budget.h).
//
// Shared memory holds a fixed table of slots, one per (database, server OID),
// each a BudgetState (the same GCRA schedule a LocalRateLimiter keeps) behind
// one spinlock. The lock is held only for the few arithmetic steps of a
// booking; nothing under it can raise an error or throw.
#include "pg/shared_budget.h"

#include <cstring>
#include <map>
#include <memory>

#include "pg/pg.h"

namespace cfdw::pg {

namespace {

// Servers with a shared budget at once, across all databases; a slot whose
// schedule lies entirely in the past is handed to another server when needed.
constexpr int kSlots = 64;

struct Slot {
  Oid database;              // InvalidOid: free
  Oid server;                // foreign server OID
  uint64_t identity;         // its api and base_url (budget_identity): a new remote starts afresh
  BudgetState state;
};

struct SharedBudgets {
  slock_t lock;
  Slot slots[kSlots];
};

SharedBudgets* g_budgets = nullptr;
shmem_request_hook_type g_prev_request = nullptr;
shmem_startup_hook_type g_prev_startup = nullptr;

void request_shmem() {
  if (g_prev_request) g_prev_request();
  RequestAddinShmemSpace(sizeof(SharedBudgets));
}

void startup_shmem() {
  if (g_prev_startup) g_prev_startup();
  LWLockAcquire(AddinShmemInitLock, LW_EXCLUSIVE);
  bool found = false;
  auto* b = static_cast<SharedBudgets*>(ShmemInitStruct("commerce_fdw request budgets", sizeof(SharedBudgets), &found));
  if (!found) {
    SpinLockInit(&b->lock);
    for (Slot& s : b->slots) {
      s.database = InvalidOid;
      s.server = InvalidOid;
      s.identity = 0;
      s.state = fresh_budget();
    }
  }
  g_budgets = b;
  LWLockRelease(AddinShmemInitLock);
}

bool owns(const Slot& s, Oid database, Oid server, uint64_t identity) {
  return s.database == database && s.server == server && s.identity == identity;
}

// A budget slot booked from under the spinlock. The slot is re-checked at
// every booking: an idle one may have been handed to another server since.
class SharedRateLimiter : public RateLimiter {
 public:
  SharedRateLimiter(Oid database, Oid server, uint64_t identity)
      : database_(database), server_(server), identity_(identity), index_(-1) {}

  uint64_t identity() const { return identity_; }

  void set_rate(double per_minute, double burst) {
    interval_ms_ = interval_for(per_minute);
    burst_ = burst;
  }

  // Claims a slot; false when every slot is busy.
  bool attach(double now_ms) {
    SpinLockAcquire(&g_budgets->lock);
    const bool ok = find_locked(now_ms);
    SpinLockRelease(&g_budgets->lock);
    return ok;
  }

  double reserve(double now_ms) override {
    SpinLockAcquire(&g_budgets->lock);
    const double wait = budget_reserve(state_locked(now_ms), interval_ms_, burst_, now_ms);
    SpinLockRelease(&g_budgets->lock);
    return wait;
  }

  void observe(double now_ms, int64_t remaining, double reset_in_ms, double retry_after_ms) override {
    SpinLockAcquire(&g_budgets->lock);
    budget_observe(state_locked(now_ms), now_ms, remaining, reset_in_ms, retry_after_ms);
    SpinLockRelease(&g_budgets->lock);
  }

 private:
  // With the lock held: the server's shared schedule, or, should every slot
  // have been taken by other servers since, this backend's own.
  BudgetState& state_locked(double now_ms) {
    return find_locked(now_ms) ? g_budgets->slots[index_].state : own_;
  }

  // With the lock held: makes index_ this server's slot (its own, a free one,
  // or an idle one); false when all are busy.
  bool find_locked(double now_ms) {
    if (index_ >= 0 && owns(g_budgets->slots[index_], database_, server_, identity_)) return true;
    int spare = -1;
    for (int i = 0; i < kSlots; ++i) {
      const Slot& s = g_budgets->slots[i];
      if (owns(s, database_, server_, identity_)) {
        index_ = i;
        return true;
      }
      // The same server's budget for another api or base_url is forgotten.
      const bool stale = s.database == database_ && s.server == server_;
      if (stale) spare = i;
      const bool idle = s.database == InvalidOid ||
                        (s.state.next_free_ms <= now_ms && s.state.blocked_until_ms <= now_ms);
      if (spare < 0 && idle) spare = i;
    }
    if (spare < 0) return false;
    Slot& s = g_budgets->slots[spare];
    s.database = database_;
    s.server = server_;
    s.identity = identity_;
    s.state = fresh_budget();
    index_ = spare;
    return true;
  }

  Oid database_;
  Oid server_;
  uint64_t identity_;
  int index_;
  BudgetState own_ = fresh_budget();
  double interval_ms_ = 0;
  double burst_ = 1;
};

}  // namespace

void shared_budgets_init() {
  if (!process_shared_preload_libraries_in_progress) return;
  g_prev_request = shmem_request_hook;
  shmem_request_hook = request_shmem;
  g_prev_startup = shmem_startup_hook;
  shmem_startup_hook = startup_shmem;
}

uint64_t budget_identity(const std::string& api, const std::string& base_url) {
  uint64_t h = 1469598103934665603ULL;  // FNV-1a: the same in every backend
  auto mix = [&h](const std::string& text) {
    for (const unsigned char c : text) h = (h ^ c) * 1099511628211ULL;
    h = (h ^ 0xff) * 1099511628211ULL;  // a separator no text holds
  };
  mix(api);
  mix(base_url);
  return h;
}

RateLimiter* shared_rate_limiter(unsigned server_id, uint64_t identity, double per_minute, double burst) {
  if (!g_budgets || server_id == InvalidOid) return nullptr;
  static std::map<Oid, std::unique_ptr<SharedRateLimiter>> limiters;
  std::unique_ptr<SharedRateLimiter>& l = limiters[server_id];
  if (l && l->identity() != identity) l.reset();
  if (!l) {
    auto fresh = std::make_unique<SharedRateLimiter>(MyDatabaseId, server_id, identity);
    if (!fresh->attach(monotonic_ms())) return nullptr;
    l = std::move(fresh);
  }
  l->set_rate(per_minute, burst);
  return l.get();
}

}  // namespace cfdw::pg
