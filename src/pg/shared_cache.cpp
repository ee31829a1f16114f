// commerce_fdw PostgreSQL glue: the response cache in shared memory (see
// shared_cache.h; its SQL functions are in cache_functions.cpp).
//
// One segment of commerce_fdw.cache_size bytes holds a header with a table of
// servers (their counters and write generation), a hash table of entries and
// fixed-size blocks; an entry's URL and body are chained through blocks, so
// memory never fragments. Everything refers to everything else by index,
// never by pointer. One LWLock (tranche "commerce_fdw cache") guards it all:
// held in exclusive mode for every lookup (a hit moves its entry to the most
// recently used end) and store, never across a request. Nothing under it
// raises a PostgreSQL error; the only C++ work under it that can throw
// (copying an answer out) releases the lock on the way out.
#include "pg/shared_cache.h"

#include <algorithm>
#include <cstring>
#include <new>
#include <string>
#include <vector>

#include "engine/http/ratelimit.h"
#include "engine/run/cache.h"
#include "pg/pg.h"

namespace cfdw::pg {

namespace {

constexpr const char* kTranche = "commerce_fdw cache";
constexpr int kBlockData = 1020;
constexpr int kServerSlots = 256;
constexpr int64 kMaxEntryBytes = 8 << 20;

struct Block {
  int32 next;  // the entry's next block, or the free list's; -1: none
  char data[kBlockData];
};

struct ServerSlot {
  bool used;
  Oid database;
  Oid server;
  char name[NAMEDATALEN];
  uint64 generation;  // a new value after every write: tickets taken before are stale
  int64 entries, bytes, hits, misses, evictions;
};

struct Meta {
  bool used;
  uint64 hash;
  Oid database, server, mapping;
  uint64 account;
  int32 slot;  // its server's ServerSlot
  int32 url_len, body_len, status;
  double stored_ms, expires_ms;
  int32 first_block, nblocks;
  int32 hash_next;  // the bucket's next entry, or the free list's
  int32 lru_prev, lru_next;
};

struct Header {
  uint64 generations;
  double next_sweep_ms;
  int32 nblocks, nmetas, nbuckets;
  int32 free_block, free_blocks, free_meta;
  int32 lru_head, lru_tail;  // least recently used first
  int64 max_entry;
  ServerSlot slots[kServerSlots];
};

// Process-local addresses of the parts of the segment.
struct Layout {
  Header* header = nullptr;
  int32* buckets = nullptr;
  Meta* metas = nullptr;
  Block* blocks = nullptr;
};

int g_cache_size_kb = 64 * 1024;  // commerce_fdw.cache_size
Layout g_shm;
LWLock* g_lock = nullptr;
shmem_request_hook_type g_prev_request = nullptr;
shmem_startup_hook_type g_prev_startup = nullptr;

int32 metas_for(int64 nblocks) { return int32(std::max<int64>(1, nblocks / 2)); }
int32 buckets_for(int32 nmetas) {
  int32 n = 1;
  while (n < nmetas) n <<= 1;
  return n;
}
Size bytes_for(int64 nblocks) {
  const int32 nmetas = metas_for(nblocks);
  return MAXALIGN(sizeof(Header)) + MAXALIGN(sizeof(int32) * size_t(buckets_for(nmetas))) +
         MAXALIGN(sizeof(Meta) * size_t(nmetas)) + sizeof(Block) * size_t(nblocks);
}
// The most blocks commerce_fdw.cache_size holds (0: no shared cache).
int64 blocks_for_setting() {
  const Size total = Size(g_cache_size_kb) * 1024;
  if (total == 0 || total < bytes_for(16)) return 0;
  int64 n = int64((total - MAXALIGN(sizeof(Header))) / (sizeof(Block) + sizeof(Meta) / 2 + 2 * sizeof(int32)));
  while (n > 16 && bytes_for(n) > total) --n;
  return n;
}

void locate(char* base, int64 nblocks) {
  const int32 nmetas = metas_for(nblocks);
  g_shm.header = reinterpret_cast<Header*>(base);
  char* p = base + MAXALIGN(sizeof(Header));
  g_shm.buckets = reinterpret_cast<int32*>(p);
  p += MAXALIGN(sizeof(int32) * size_t(buckets_for(nmetas)));
  g_shm.metas = reinterpret_cast<Meta*>(p);
  p += MAXALIGN(sizeof(Meta) * size_t(nmetas));
  g_shm.blocks = reinterpret_cast<Block*>(p);
}

void format(int64 nblocks) {
  Header& h = *g_shm.header;
  std::memset(&h, 0, sizeof h);
  h.nblocks = int32(nblocks);
  h.nmetas = metas_for(nblocks);
  h.nbuckets = buckets_for(h.nmetas);
  h.max_entry = std::min<int64>(kMaxEntryBytes, nblocks * kBlockData / 8);
  for (int32 i = 0; i < h.nbuckets; ++i) g_shm.buckets[i] = -1;
  for (int32 i = 0; i < h.nmetas; ++i) {
    g_shm.metas[i].used = false;
    g_shm.metas[i].hash_next = i + 1 < h.nmetas ? i + 1 : -1;
  }
  for (int32 i = 0; i < h.nblocks; ++i) g_shm.blocks[i].next = i + 1 < h.nblocks ? i + 1 : -1;
  h.free_meta = 0;
  h.free_block = 0;
  h.free_blocks = h.nblocks;
  h.lru_head = h.lru_tail = -1;
}

void request_shmem() {
  if (g_prev_request) g_prev_request();
  const int64 n = blocks_for_setting();
  if (n == 0) return;
  RequestAddinShmemSpace(bytes_for(n));
  RequestNamedLWLockTranche(kTranche, 1);
}

// ---------------------------------------------------------------------------
// The store, with the lock held

class Locked {
 public:
  explicit Locked(LWLockMode mode = LW_EXCLUSIVE) { LWLockAcquire(g_lock, mode); }
  ~Locked() { LWLockRelease(g_lock); }
  Locked(const Locked&) = delete;
  Locked& operator=(const Locked&) = delete;
};

void fnv(uint64* h, const void* data, size_t n) {
  const auto* p = static_cast<const unsigned char*>(data);
  for (size_t i = 0; i < n; ++i) {
    *h ^= p[i];
    *h *= 1099511628211ull;
  }
}

uint64 hash_of(Oid database, const CacheKey& k) {
  uint64 h = 14695981039346656037ull;
  const uint64 ids[4] = {database, k.server_id, k.user_mapping_id, k.account};
  fnv(&h, ids, sizeof ids);
  fnv(&h, k.url.data(), k.url.size());
  return h;
}

// The slot of (database, server); with `claim`, a free one (or one without
// entries) is taken for it. -1: none.
int slot_locked(Oid database, Oid server, const std::string* name, bool claim) {
  Header& h = *g_shm.header;
  int spare = -1;
  for (int i = 0; i < kServerSlots; ++i) {
    ServerSlot& s = h.slots[i];
    if (s.used && s.database == database && s.server == server) {
      if (name && !name->empty() && name->size() < NAMEDATALEN) std::memcpy(s.name, name->c_str(), name->size() + 1);
      return i;
    }
    if (spare < 0 && !s.used) spare = i;
  }
  if (!claim) return -1;
  if (spare < 0)
    for (int i = 0; i < kServerSlots && spare < 0; ++i)
      if (h.slots[i].entries == 0) spare = i;  // its counters go
  if (spare < 0) return -1;
  ServerSlot& s = h.slots[spare];
  std::memset(&s, 0, sizeof s);
  s.used = true;
  s.database = database;
  s.server = server;
  if (name && name->size() < NAMEDATALEN) std::memcpy(s.name, name->c_str(), name->size() + 1);
  s.generation = ++h.generations;
  return spare;
}

void lru_unlink(int32 m) {
  Header& h = *g_shm.header;
  Meta& e = g_shm.metas[m];
  if (e.lru_prev >= 0) g_shm.metas[e.lru_prev].lru_next = e.lru_next; else h.lru_head = e.lru_next;
  if (e.lru_next >= 0) g_shm.metas[e.lru_next].lru_prev = e.lru_prev; else h.lru_tail = e.lru_prev;
  e.lru_prev = e.lru_next = -1;
}

void lru_append(int32 m) {
  Header& h = *g_shm.header;
  Meta& e = g_shm.metas[m];
  e.lru_prev = h.lru_tail;
  e.lru_next = -1;
  if (h.lru_tail >= 0) g_shm.metas[h.lru_tail].lru_next = m; else h.lru_head = m;
  h.lru_tail = m;
}

void remove_locked(int32 m) {
  Header& h = *g_shm.header;
  Meta& e = g_shm.metas[m];
  // Out of its bucket.
  int32* link = &g_shm.buckets[e.hash & uint64(h.nbuckets - 1)];
  while (*link >= 0 && *link != m) link = &g_shm.metas[*link].hash_next;
  if (*link == m) *link = e.hash_next;
  lru_unlink(m);
  // Its blocks back to the free list.
  int32 b = e.first_block;
  while (b >= 0) {
    const int32 next = g_shm.blocks[b].next;
    g_shm.blocks[b].next = h.free_block;
    h.free_block = b;
    h.free_blocks += 1;
    b = next;
  }
  ServerSlot& s = h.slots[e.slot];
  s.entries -= 1;
  s.bytes -= int64(e.url_len) + e.body_len;
  e.used = false;
  e.hash_next = h.free_meta;
  h.free_meta = m;
}

// Copies n bytes starting at byte `from` of the entry's data (URL, then body) to out.
void read_locked(const Meta& e, int64 from, int64 n, char* out) {
  int32 b = e.first_block;
  while (from >= kBlockData) {
    b = g_shm.blocks[b].next;
    from -= kBlockData;
  }
  while (n > 0) {
    const int64 take = std::min<int64>(n, kBlockData - from);
    std::memcpy(out, g_shm.blocks[b].data + from, size_t(take));
    out += take;
    n -= take;
    from = 0;
    b = g_shm.blocks[b].next;
  }
}

bool url_equal_locked(const Meta& e, const std::string& url) {
  if (size_t(e.url_len) != url.size()) return false;
  int32 b = e.first_block;
  size_t done = 0;
  while (done < url.size()) {
    const size_t take = std::min<size_t>(url.size() - done, kBlockData);
    if (std::memcmp(g_shm.blocks[b].data, url.data() + done, take) != 0) return false;
    done += take;
    b = g_shm.blocks[b].next;
  }
  return true;
}

int32 lookup_locked(Oid database, const CacheKey& k, uint64 hash) {
  const Header& h = *g_shm.header;
  for (int32 m = g_shm.buckets[hash & uint64(h.nbuckets - 1)]; m >= 0; m = g_shm.metas[m].hash_next) {
    const Meta& e = g_shm.metas[m];
    if (e.hash == hash && e.database == database && e.server == k.server_id && e.mapping == k.user_mapping_id &&
        e.account == k.account && url_equal_locked(e, k.url))
      return m;
  }
  return -1;
}

// Expired entries out: at most once a second when storing, every time when counting.
void sweep_locked(double now_ms, bool always = false) {
  Header& h = *g_shm.header;
  if (!always && now_ms < h.next_sweep_ms) return;
  h.next_sweep_ms = now_ms + 1000;
  for (int32 m = 0; m < h.nmetas; ++m)
    if (g_shm.metas[m].used && g_shm.metas[m].expires_ms < now_ms) remove_locked(m);
}

void drop_slot_entries_locked(int slot) {
  const Header& h = *g_shm.header;
  if (h.slots[slot].entries == 0) return;
  for (int32 m = 0; m < h.nmetas; ++m)
    if (g_shm.metas[m].used && g_shm.metas[m].slot == slot) remove_locked(m);
}

// ---------------------------------------------------------------------------
// The cache every backend shares

class SharedCache : public AnswerCache {
 public:
  bool find(const CacheKey& key, const std::string& server, double now_ms, double ttl_ms, long* status,
            std::string* body, uint64_t* ticket) override {
    const uint64 hash = hash_of(MyDatabaseId, key);
    Locked lock;
    const int slot = slot_locked(MyDatabaseId, key.server_id, &server, true);
    *ticket = 0;
    if (slot < 0) return false;  // every slot busy with other servers' entries: not cached
    ServerSlot& s = g_shm.header->slots[slot];
    *ticket = s.generation;
    int32 m = lookup_locked(MyDatabaseId, key, hash);
    if (m >= 0 && g_shm.metas[m].expires_ms < now_ms) {
      remove_locked(m);  // expired: never served
      m = -1;
    }
    if (m < 0 || now_ms - g_shm.metas[m].stored_ms > ttl_ms) {
      s.misses += 1;
      return false;
    }
    const Meta& e = g_shm.metas[m];
    body->resize(size_t(e.body_len));  // may throw: the lock is released on the way out
    read_locked(e, e.url_len, e.body_len, body->data());
    *status = e.status;
    lru_unlink(m);
    lru_append(m);
    s.hits += 1;
    return true;
  }

  void put(const CacheKey& key, const std::string& server, uint64_t ticket, double now_ms, double ttl_ms,
           long status, const std::string& body) override {
    if (ticket == 0) return;
    const int64 size = int64(key.url.size()) + int64(body.size());
    const uint64 hash = hash_of(MyDatabaseId, key);
    Locked lock;
    Header& h = *g_shm.header;
    if (size > h.max_entry) return;
    sweep_locked(now_ms);
    const int slot = slot_locked(MyDatabaseId, key.server_id, &server, false);
    // A write to the server since the request went out: its answer may predate it.
    if (slot < 0 || h.slots[slot].generation != ticket) return;
    if (const int32 old = lookup_locked(MyDatabaseId, key, hash); old >= 0) remove_locked(old);
    const int32 need = int32(std::max<int64>(1, (size + kBlockData - 1) / kBlockData));
    while ((h.free_blocks < need || h.free_meta < 0) && h.lru_head >= 0) {
      const int32 victim = h.lru_head;
      h.slots[g_shm.metas[victim].slot].evictions += 1;
      remove_locked(victim);
    }
    if (h.free_blocks < need || h.free_meta < 0) return;
    const int32 m = h.free_meta;
    Meta& e = g_shm.metas[m];
    h.free_meta = e.hash_next;
    e.used = true;
    e.hash = hash;
    e.database = MyDatabaseId;
    e.server = key.server_id;
    e.mapping = key.user_mapping_id;
    e.account = key.account;
    e.slot = slot;
    e.url_len = int32(key.url.size());
    e.body_len = int32(body.size());
    e.status = int32(status);
    e.stored_ms = now_ms;
    e.expires_ms = now_ms + ttl_ms;
    e.nblocks = need;
    // Take the blocks and fill them: the URL, then the body.
    e.first_block = -1;
    int32* link = &e.first_block;
    int64 written = 0;
    for (int32 i = 0; i < need; ++i) {
      const int32 b = h.free_block;
      h.free_block = g_shm.blocks[b].next;
      h.free_blocks -= 1;
      g_shm.blocks[b].next = -1;
      *link = b;
      link = &g_shm.blocks[b].next;
      int64 room = kBlockData;
      char* out = g_shm.blocks[b].data;
      while (room > 0 && written < size) {
        const bool in_url = written < int64(key.url.size());
        const char* src = in_url ? key.url.data() + written : body.data() + (written - int64(key.url.size()));
        const int64 left = in_url ? int64(key.url.size()) - written : size - written;
        const int64 take = std::min(room, left);
        std::memcpy(out, src, size_t(take));
        out += take;
        room -= take;
        written += take;
      }
    }
    int32& bucket = g_shm.buckets[hash & uint64(h.nbuckets - 1)];
    e.hash_next = bucket;
    bucket = m;
    lru_append(m);
    h.slots[slot].entries += 1;
    h.slots[slot].bytes += size;
  }

  void drop_server(unsigned server_id) noexcept override {
    Locked lock;
    const int slot = slot_locked(MyDatabaseId, server_id, nullptr, false);
    if (slot < 0) return;  // nothing cached, no ticket out
    g_shm.header->slots[slot].generation = ++g_shm.header->generations;
    drop_slot_entries_locked(slot);
  }

  void clear(unsigned server_id) noexcept override {
    Locked lock;
    Header& h = *g_shm.header;
    for (int i = 0; i < kServerSlots; ++i) {
      ServerSlot& s = h.slots[i];
      if (!s.used || (server_id != 0 && (s.database != MyDatabaseId || s.server != server_id))) continue;
      drop_slot_entries_locked(i);
      std::memset(&s, 0, sizeof s);  // free: a new claim starts at a new generation
    }
  }

  std::vector<CacheServerInfo> info(double now_ms) override {
    std::vector<ServerSlot> copy(kServerSlots);
    {
      Locked lock;  // exclusive: the entries counted are the live ones
      sweep_locked(now_ms, true);
      std::memcpy(copy.data(), g_shm.header->slots, sizeof(ServerSlot) * kServerSlots);
    }
    std::vector<CacheServerInfo> out;
    for (const ServerSlot& s : copy) {
      if (!s.used) continue;
      CacheServerInfo i;
      i.database = s.database;
      i.server_id = s.server;
      i.server.assign(s.name, strnlen(s.name, NAMEDATALEN));
      i.entries = s.entries;
      i.bytes = s.bytes;
      i.hits = s.hits;
      i.misses = s.misses;
      i.evictions = s.evictions;
      out.push_back(std::move(i));
    }
    return out;
  }

  bool shared() const override { return true; }
};

SharedCache g_shared;

void startup_shmem() {
  if (g_prev_startup) g_prev_startup();
  const int64 n = blocks_for_setting();
  if (n == 0) return;
  LWLockAcquire(AddinShmemInitLock, LW_EXCLUSIVE);
  bool found = false;
  char* base = static_cast<char*>(ShmemInitStruct("commerce_fdw response cache", bytes_for(n), &found));
  locate(base, n);
  if (!found) format(n);
  g_lock = &GetNamedLWLockTranche(kTranche)->lock;
  LWLockRelease(AddinShmemInitLock);
  install_response_cache(&g_shared);
}

bool check_cache_size(int* newval, void** extra, GucSource source) {
  (void)extra;
  (void)source;
  if (*newval != 0 && *newval < 1024) {
    GUC_check_errdetail("commerce_fdw.cache_size must be 0 (no shared cache) or at least 1MB.");
    return false;
  }
  return true;
}

}  // namespace

void shared_cache_init() {
  // A postmaster setting: defined only while shared_preload_libraries loads
  // the library (later, PostgreSQL would stop the backend); loaded on first
  // use, each backend keeps its own cache.
  if (!process_shared_preload_libraries_in_progress) return;
  DefineCustomIntVariable(
      "commerce_fdw.cache_size",
      "Shared memory for the response cache that every backend shares (cache_ttl_ms).",
      "Used when commerce_fdw is in shared_preload_libraries; 0 keeps a cache per backend instead. "
      "The least recently used answers make room for new ones.",
      &g_cache_size_kb, 64 * 1024, 0, 64 * 1024 * 1024, PGC_POSTMASTER, GUC_UNIT_KB, check_cache_size, nullptr,
      nullptr);
  g_prev_request = shmem_request_hook;
  shmem_request_hook = request_shmem;
  g_prev_startup = shmem_startup_hook;
  shmem_startup_hook = startup_shmem;
}

}  // namespace cfdw::pg
