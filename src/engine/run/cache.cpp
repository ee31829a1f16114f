// commerce_fdw engine: the response cache (see cache.h).
#include "engine/run/cache.h"

#include <iterator>

namespace cfdw {

namespace {

AnswerCache* g_installed = nullptr;

void fnv(uint64_t* h, const void* data, size_t n) {
  const auto* p = static_cast<const unsigned char*>(data);
  for (size_t i = 0; i < n; ++i) {
    *h ^= p[i];
    *h *= 1099511628211ull;
  }
}

}  // namespace

uint64_t account_fingerprint(const std::map<std::string, std::string>& secrets) {
  uint64_t h = 14695981039346656037ull;
  for (const auto& [name, value] : secrets) {
    const uint64_t sizes[2] = {name.size(), value.size()};
    fnv(&h, sizes, sizeof sizes);
    fnv(&h, name.data(), name.size());
    fnv(&h, value.data(), value.size());
  }
  return h;
}

AnswerCache& response_cache() {
  if (g_installed) return *g_installed;
  static ResponseCache cache;
  return cache;
}

void install_response_cache(AnswerCache* cache) { g_installed = cache; }

std::string ResponseCache::flat(const CacheKey& key) {
  std::string s = std::to_string(key.server_id) + ' ' + std::to_string(key.user_mapping_id) + ' ' +
                  std::to_string(key.account) + ' ';
  s += key.url;
  return s;
}

ResponseCache::Server& ResponseCache::server(unsigned server_id, const std::string& name) {
  auto [it, fresh] = servers_.try_emplace(server_id);
  Server& s = it->second;
  if (fresh) {
    s.generation = ++generations_;
    s.counters.server_id = server_id;
  }
  if (!name.empty() && s.name != name) s.name = name;
  return s;
}

void ResponseCache::erase(Map::iterator it) {
  bytes_ -= it->second.size;
  if (auto s = servers_.find(it->second.server_id); s != servers_.end()) {
    s->second.counters.entries -= 1;
    s->second.counters.bytes -= int64_t(it->second.size);
  }
  order_.erase(it->second.order);
  entries_.erase(it);
}

void ResponseCache::sweep(double now_ms, bool always) {
  if (!always && now_ms < next_sweep_ms_) return;
  next_sweep_ms_ = now_ms + 1000;
  for (auto it = entries_.begin(); it != entries_.end();) {
    auto next = std::next(it);
    if (it->second.expires_ms < now_ms) erase(it);
    it = next;
  }
}

bool ResponseCache::find(const CacheKey& key, const std::string& name, double now_ms, double ttl_ms, long* status,
                         std::string* body, uint64_t* ticket) {
  Server& s = server(key.server_id, name);
  *ticket = s.generation;
  auto it = entries_.find(flat(key));
  if (it != entries_.end() && it->second.expires_ms < now_ms) {
    erase(it);
    it = entries_.end();
  }
  if (it == entries_.end() || now_ms - it->second.at_ms > ttl_ms) {
    s.counters.misses += 1;
    return false;
  }
  *body = it->second.body;
  *status = it->second.status;
  order_.splice(order_.end(), order_, it->second.order);  // the most recently used now
  s.counters.hits += 1;
  return true;
}

void ResponseCache::put(const CacheKey& key, const std::string& name, uint64_t ticket, double now_ms,
                        double ttl_ms, long status, const std::string& body) {
  sweep(now_ms);
  std::string k = flat(key);
  if (auto it = entries_.find(k); it != entries_.end()) erase(it);
  Server& s = server(key.server_id, name);
  // A write to the server since the request went out: the answer may predate it.
  if (ticket == 0 || ticket != s.generation) return;
  const size_t size = key.url.size() + body.size();
  if (size > max_bytes_ / 4 || max_entries_ == 0) return;
  while (!order_.empty() && (entries_.size() + 1 > max_entries_ || bytes_ + size > max_bytes_)) {
    auto victim = entries_.find(order_.front());
    if (auto v = servers_.find(victim->second.server_id); v != servers_.end()) v->second.counters.evictions += 1;
    erase(victim);
  }
  order_.push_back(k);
  Entry& e = entries_[std::move(k)];
  e.server_id = key.server_id;
  e.at_ms = now_ms;
  e.expires_ms = now_ms + ttl_ms;
  e.status = status;
  e.body = body;
  e.size = size;
  e.order = std::prev(order_.end());
  bytes_ += size;
  s.counters.entries += 1;
  s.counters.bytes += int64_t(size);
}

void ResponseCache::drop_server(unsigned server_id) noexcept {
  auto s = servers_.find(server_id);
  if (s == servers_.end()) return;  // never looked up: nothing cached, no ticket out
  s->second.generation = ++generations_;
  if (s->second.counters.entries == 0) return;
  for (auto it = entries_.begin(); it != entries_.end();) {
    auto next = std::next(it);
    if (it->second.server_id == server_id) erase(it);
    it = next;
  }
}

void ResponseCache::clear(unsigned server_id) noexcept {
  if (server_id == 0) {
    entries_.clear();
    order_.clear();
    bytes_ = 0;
    servers_.clear();  // tickets out are stale: a server's record starts at a new generation
    return;
  }
  drop_server(server_id);
  servers_.erase(server_id);
}

std::vector<CacheServerInfo> ResponseCache::info(double now_ms) {
  sweep(now_ms, true);
  std::vector<CacheServerInfo> out;
  for (const auto& [id, s] : servers_) {
    out.push_back(s.counters);
    out.back().server = s.name;
  }
  return out;
}

}  // namespace cfdw
