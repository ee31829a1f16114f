// commerce_fdw engine: the response cache (cache_ttl_ms).
//
// Identical GET answers are reused within cache_ttl_ms. An answer belongs to
// one server and one account: it is keyed by the server, the user mapping, a
// fingerprint of the mapping's credentials and the full URL (query included),
// and never served under another key. Any write a backend sends to a server
// drops every cached answer of that server, whichever account it belongs to,
// so a session reads its own writes.
//
// AnswerCache is what a Session asks. The engine's own implementation,
// ResponseCache, lives in one backend; the PostgreSQL glue installs one in
// shared memory (src/pg/shared_cache.cpp) when the library is preloaded, so
// that every backend shares the answers and every backend's writes drop them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <map>
#include <string>
#include <vector>

namespace cfdw {

// What a cached answer belongs to. The database is added by an implementation
// that spans databases (server and mapping OIDs are per database).
struct CacheKey {
  unsigned server_id = 0;
  unsigned user_mapping_id = 0;
  uint64_t account = 0;  // account_fingerprint() of the mapping's credentials
  std::string url;       // the full URL sent, query included
};

// A hash of a user mapping's credentials (never shown anywhere): an ALTER
// USER MAPPING that switches to another account makes new keys.
uint64_t account_fingerprint(const std::map<std::string, std::string>& secrets);

// One server's share of a cache, as commerce_fdw_cache_info() shows it.
struct CacheServerInfo {
  unsigned database = 0;  // 0: the current one
  unsigned server_id = 0;
  std::string server;     // its name when last used
  int64_t entries = 0, bytes = 0, hits = 0, misses = 0, evictions = 0;
};

class AnswerCache {
 public:
  virtual ~AnswerCache() = default;

  // A fresh answer for `key`: stored at most ttl_ms before now_ms and not past
  // the TTL it was stored with. Counts a hit or a miss for the server named
  // `server`. *ticket receives what put() needs to store the answer this miss
  // will fetch (0: it will not be stored); a write to the server in between
  // makes the ticket stale, so an answer that may predate the write is never
  // kept.
  virtual bool find(const CacheKey& key, const std::string& server, double now_ms, double ttl_ms, long* status,
                    std::string* body, uint64_t* ticket) = 0;
  // Stores the answer (valid for ttl_ms), unless the ticket is stale or the
  // answer too large. The least recently used entries make room.
  virtual void put(const CacheKey& key, const std::string& server, uint64_t ticket, double now_ms, double ttl_ms,
                   long status, const std::string& body) = 0;
  // A write is being or was sent to the server: every answer of the server
  // goes, for every account, and tickets taken before are stale. Never throws.
  virtual void drop_server(unsigned server_id) noexcept = 0;
  // Clears the server's entries and counters (server_id 0: every server's).
  virtual void clear(unsigned server_id) noexcept = 0;
  // The servers with counters or entries; the entries counted are those
  // still live at now_ms (expired ones go first).
  virtual std::vector<CacheServerInfo> info(double now_ms) = 0;
  // Whether every backend shares this cache.
  virtual bool shared() const { return false; }
};

// The engine's cache, in one process. Bounded: an entry is dropped once its
// TTL has passed (when it is looked up, and by a sweep of the whole store at
// most once a second), and past max_entries or max_bytes (URLs and bodies)
// the least recently used entries go first; an answer larger than
// max_bytes / 4 is not kept at all.
class ResponseCache : public AnswerCache {
 public:
  static constexpr size_t kMaxEntries = 1000;
  static constexpr size_t kMaxBytes = 32 << 20;

  explicit ResponseCache(size_t max_entries = kMaxEntries, size_t max_bytes = kMaxBytes)
      : max_entries_(max_entries), max_bytes_(max_bytes) {}

  bool find(const CacheKey& key, const std::string& server, double now_ms, double ttl_ms, long* status,
            std::string* body, uint64_t* ticket) override;
  void put(const CacheKey& key, const std::string& server, uint64_t ticket, double now_ms, double ttl_ms,
           long status, const std::string& body) override;
  void drop_server(unsigned server_id) noexcept override;
  void clear(unsigned server_id) noexcept override;
  std::vector<CacheServerInfo> info(double now_ms) override;

  size_t size() const { return entries_.size(); }
  size_t bytes() const { return bytes_; }

 private:
  struct Entry {
    unsigned server_id = 0;
    double at_ms = 0;       // when it was stored (monotonic_ms)
    double expires_ms = 0;  // at_ms + the TTL it was stored with
    long status = 0;
    std::string body;
    size_t size = 0;        // URL + body
    std::list<std::string>::iterator order;  // its place in order_
  };
  struct Server {
    std::string name;
    uint64_t generation = 0;
    CacheServerInfo counters;
  };
  using Map = std::map<std::string, Entry>;
  static std::string flat(const CacheKey& key);
  Server& server(unsigned server_id, const std::string& name);
  void erase(Map::iterator it);
  void sweep(double now_ms, bool always = false);  // always: also within a second of the last

  size_t max_entries_;
  size_t max_bytes_;
  Map entries_;
  std::list<std::string> order_;  // keys, least recently used first
  std::map<unsigned, Server> servers_;
  size_t bytes_ = 0;
  uint64_t generations_ = 0;
  double next_sweep_ms_ = 0;
};

// The backend's cache: the installed one (shared memory), else a ResponseCache
// of its own.
AnswerCache& response_cache();
// Installs the cache response_cache() returns (nullptr: the backend's own).
void install_response_cache(AnswerCache* cache);

}  // namespace cfdw
