// commerce_fdw PostgreSQL glue: remote sizes learned at plan time (see
// remote_size.h).
//
// Shared memory holds a fixed table of slots behind one spinlock; the lock is
// held only to copy a few numbers, nothing under it can raise or throw. When
// the table is full, the oldest entry gives way.
#include "pg/remote_size.h"

#include <map>
#include <tuple>

#include "engine/http/ratelimit.h"

namespace cfdw::pg {

namespace {

constexpr int kSlots = 256;

struct SizeSlot {
  Oid database;  // InvalidOid: free
  Oid server;
  Oid table;
  double rows;
  double learned_ms;  // monotonic_ms(), comparable between processes
};

struct SharedSizes {
  slock_t lock;
  SizeSlot slots[kSlots];
};

SharedSizes* g_sizes = nullptr;
shmem_request_hook_type g_prev_request = nullptr;
shmem_startup_hook_type g_prev_startup = nullptr;

void request_shmem() {
  if (g_prev_request) g_prev_request();
  RequestAddinShmemSpace(sizeof(SharedSizes));
}

void startup_shmem() {
  if (g_prev_startup) g_prev_startup();
  LWLockAcquire(AddinShmemInitLock, LW_EXCLUSIVE);
  bool found = false;
  auto* s = static_cast<SharedSizes*>(ShmemInitStruct("commerce_fdw remote sizes", sizeof(SharedSizes), &found));
  if (!found) {
    SpinLockInit(&s->lock);
    for (SizeSlot& slot : s->slots) slot = SizeSlot{InvalidOid, InvalidOid, InvalidOid, -1, 0};
  }
  g_sizes = s;
  LWLockRelease(AddinShmemInitLock);
}

using Key = std::tuple<Oid, Oid, Oid>;
struct Learned {
  double rows;
  double learned_ms;
};

// Not preloaded: this backend's own sizes (few entries: one per table planned).
std::map<Key, Learned>& local_sizes() {
  static std::map<Key, Learned> sizes;
  return sizes;
}

bool fresh(double learned_ms, double now) { return now - learned_ms < kRemoteSizeTtlMs && now >= learned_ms; }

}  // namespace

void remote_sizes_init() {
  if (!process_shared_preload_libraries_in_progress) return;
  g_prev_request = shmem_request_hook;
  shmem_request_hook = request_shmem;
  g_prev_startup = shmem_startup_hook;
  shmem_startup_hook = startup_shmem;
}

double remembered_remote_size(Oid server, Oid table) {
  const double now = monotonic_ms();
  if (g_sizes) {
    double rows = -1;
    SpinLockAcquire(&g_sizes->lock);
    for (const SizeSlot& s : g_sizes->slots) {
      if (s.database == MyDatabaseId && s.server == server && s.table == table) {
        if (fresh(s.learned_ms, now)) rows = s.rows;
        break;
      }
    }
    SpinLockRelease(&g_sizes->lock);
    return rows;
  }
  try {
    auto& m = local_sizes();
    auto it = m.find(Key{MyDatabaseId, server, table});
    if (it == m.end()) return -1;
    if (!fresh(it->second.learned_ms, now)) {
      m.erase(it);
      return -1;
    }
    return it->second.rows;
  } catch (...) {
    return -1;
  }
}

void remember_remote_size(Oid server, Oid table, double rows) {
  const double now = monotonic_ms();
  if (g_sizes) {
    SpinLockAcquire(&g_sizes->lock);
    int pick = -1;
    for (int i = 0; i < kSlots; ++i) {
      const SizeSlot& s = g_sizes->slots[i];
      if (s.database == MyDatabaseId && s.server == server && s.table == table) {
        pick = i;
        break;
      }
      if (s.database == InvalidOid) {
        if (pick < 0 || g_sizes->slots[pick].database != InvalidOid) pick = i;
      } else if (pick < 0 || (g_sizes->slots[pick].database != InvalidOid &&
                              s.learned_ms < g_sizes->slots[pick].learned_ms)) {
        pick = i;
      }
    }
    g_sizes->slots[pick] = SizeSlot{MyDatabaseId, server, table, rows, now};
    SpinLockRelease(&g_sizes->lock);
    return;
  }
  try {
    local_sizes()[Key{MyDatabaseId, server, table}] = Learned{rows, now};
  } catch (...) {
  }
}

}  // namespace cfdw::pg
