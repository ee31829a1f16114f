// commerce_fdw engine: sending API requests for one table access.
//
// A Session binds a Config to the backend's HttpClient, the server's rate
// budget and statistics. It sends the requests src/engine/wire builds, adds
// authentication, retries through the client, turns failures into cfdw::Error
// with the SQLSTATE the contract names, and parses JSON bodies.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/declare/api.h"
#include "engine/error.h"
#include "engine/http/http.h"
#include "engine/json/json.h"
#include "engine/run/cache.h"
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

// The requests one statement has sent to a server, shared by the sessions of
// its scans, which each fail a request beyond their max_requests (54000).
struct RequestBudget {
  int64_t used = 0;   // requests sent so far (cached answers do not count)
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
  // The values an error must never show: the mapping's secrets and the login token.
  std::vector<std::string> known_secrets();
  // Counts this session's requests in `budget` (not owned), failing the one
  // that would make it exceed `max` (0: no bound) with `message`, `detail` and `hint`.
  void set_budget(RequestBudget* budget, long max, std::string message, std::string detail, std::string hint);

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
  // The cache key of a request to this server's account.
  CacheKey cache_key(const std::string& url) const;
  // After a batch with writes (whatever its outcome): the server's cached
  // answers go again, those stored while the writes were under way included.
  void writes_done(const Prepared& p) noexcept;

  const Api& api_;
  Config config_;
  HttpClient& client_;
  RateLimiter* limiter_;
  ServerStats* stats_;
  HttpHooks hooks_;
  RequestBudget* budget_ = nullptr;
  long budget_max_ = 0;
  std::string budget_message_, budget_detail_, budget_hint_;
};

// Maps an HTTP status to the contract's SQLSTATE.
const char* sqlstate_for_status(long status);

}  // namespace cfdw
