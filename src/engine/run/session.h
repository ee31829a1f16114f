// commerce_fdw engine: sending API requests for one table access.
//
// A Session binds a Config to the backend's HttpClient, the server's rate
// budget and statistics. It sends the requests src/engine/wire builds, adds
// authentication, retries through the client, turns failures into cfdw::Error
// with the SQLSTATE the contract names, and parses JSON bodies.
#pragma once

#include <list>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/declare/api.h"
#include "engine/error.h"
#include "engine/http/http.h"
#include "engine/json/json.h"
#include "engine/wire/request.h"

namespace cfdw {

struct ApiResult {
  long status = 0;
  bool not_found = false;  // 404 on a point lookup
  json::Doc doc;           // parsed body (null root when the body is empty)
};

// Per-server counters visible through commerce_fdw_stats().
struct ServerStats {
  HttpStats http;
  int64_t rows = 0;
};

class Session {
 public:
  Session(const Api& api, Config config, HttpClient& client, RateLimiter* limiter,
          ServerStats* stats, HttpHooks hooks);

  const Api& api() const { return api_; }
  const Config& config() const { return config_; }
  ServerStats& stats() { return *stats_; }

  ApiResult call(const ApiRequest& req);
  // Several independent requests, at most max_concurrency at once, results in order.
  std::vector<ApiResult> call_many(const std::vector<ApiRequest>& reqs);
  // The same without waiting (HttpClient's non-blocking mode): start_many()
  // sends the requests, poll() moves them on and says whether every answer
  // is in (throwing what call_many would throw), finish_many() returns the
  // results call_many would return. A Pending dropped early abandons its requests.
  class Pending;
  std::shared_ptr<Pending> start_many(const std::vector<ApiRequest>& reqs);
  bool poll(Pending& pending);
  std::vector<ApiResult> finish_many(Pending& pending);

  // Raw send without the API's authentication or error mapping (used by logins).
  HttpResponse send_raw(HttpRequest req);
  // Turns a failed response into the contract's error (throws). The message
  // shows `status`; the SQLSTATE and hint follow `classify_as` when it is set
  // (an error inside an HTTP 200 answer is classified as the 4xx it means).
  // `retries`: how many times the request was sent again before this answer.
  [[noreturn]] void fail(const ApiRequest& req, long status, const std::string& remote_message,
                         long classify_as = 0, int retries = 0, const std::string& detail = std::string());

  // Per-backend store for API state such as a login token, keyed by server and user.
  std::string& login_state();

 private:
  HttpRequest to_http(const ApiRequest& req);
  // Parses a response and maps its errors. With expired_login set, an answer
  // the API calls an expired login sets *expired_login instead of failing.
  ApiResult finish(const ApiRequest& req, HttpResponse resp, bool* expired_login = nullptr);
  // call_many in three steps: answers from the cache and the requests to
  // send; the transport's errors named with the API; the answers turned into results.
  struct Prepared;
  void prepare(const std::vector<ApiRequest>& reqs, Prepared* p);
  Error named(const Error& e) const;
  void complete(const std::vector<ApiRequest>& reqs, Prepared* p, std::vector<HttpResponse> resps);

  const Api& api_;
  Config config_;
  HttpClient& client_;
  RateLimiter* limiter_;
  ServerStats* stats_;
  HttpHooks hooks_;
};

// Identical GET answers reused within cache_ttl_ms, one store per backend.
// Bounded: an entry is dropped once its TTL has passed (when it is looked up,
// and by a sweep of the whole store at most once a second), and past
// max_entries or max_bytes (bodies and keys) the oldest entries go first; an
// answer larger than max_bytes is not kept at all.
class ResponseCache {
 public:
  static constexpr size_t kMaxEntries = 1000;
  static constexpr size_t kMaxBytes = 32 << 20;

  struct Entry {
    double at_ms = 0;       // when it was stored (monotonic_ms)
    double expires_ms = 0;  // at_ms + the TTL it was stored with
    long status = 0;
    std::string body;
  };

  explicit ResponseCache(size_t max_entries = kMaxEntries, size_t max_bytes = kMaxBytes)
      : max_entries_(max_entries), max_bytes_(max_bytes) {}

  // The entry for `key` stored at most ttl_ms before `now_ms`, else nullptr
  // (an expired entry is dropped). Valid until the next put() or clear().
  const Entry* find(const std::string& key, double now_ms, double ttl_ms);
  // Stores (or replaces) the answer for `key`, valid for ttl_ms.
  void put(const std::string& key, double now_ms, double ttl_ms, long status, std::string body);
  void clear();

  size_t size() const { return entries_.size(); }
  size_t bytes() const { return bytes_; }

 private:
  struct Slot {
    Entry entry;
    std::list<std::string>::iterator order;  // its place in order_
  };
  using Map = std::map<std::string, Slot>;
  void erase(Map::iterator it);
  void sweep(double now_ms);

  size_t max_entries_;
  size_t max_bytes_;
  Map entries_;
  std::list<std::string> order_;  // keys, oldest first
  size_t bytes_ = 0;
  double next_sweep_ms_ = 0;
};

// The backend's response cache.
ResponseCache& response_cache();

// Maps an HTTP status to the contract's SQLSTATE.
const char* sqlstate_for_status(long status);

}  // namespace cfdw
