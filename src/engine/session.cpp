// commerce_fdw engine: sending API requests (see session.h).
#include "engine/session.h"

#include <chrono>
#include <unordered_map>

#include "engine/error.h"

namespace cfdw {

std::string ApiRequest::display() const {
  std::string s = method + " " + path;
  if (!query.empty()) s += "?" + query.str();
  return s;
}

const char* sqlstate_for_status(long status) {
  switch (status) {
    case 401: return sqlstate::kInvalidAuthorization;
    case 403: return sqlstate::kInsufficientPrivilege;
    case 400:
    case 422: return sqlstate::kInvalidParameterValue;
    case 409: return sqlstate::kUniqueViolation;
    case 404: return sqlstate::kFdwTableNotFound;
    default: break;
  }
  if (status >= 500 || status == 429 || status == 0) return sqlstate::kFdwUnableToEstablishConnection;
  return sqlstate::kFdwError;
}

namespace {

// Identical GET responses reused within cache_ttl_ms (per backend).
struct CacheEntry {
  double at_ms;
  long status;
  std::string body;
};
std::unordered_map<std::string, CacheEntry>& response_cache() {
  static std::unordered_map<std::string, CacheEntry> cache;
  return cache;
}

std::unordered_map<std::string, std::string>& login_states() {
  static std::unordered_map<std::string, std::string> states;
  return states;
}

}  // namespace

Session::Session(const Api& api, Config config, HttpClient& client, RateLimiter* limiter,
                 ServerStats* stats, HttpHooks hooks)
    : api_(api), config_(std::move(config)), client_(client), limiter_(limiter), stats_(stats),
      hooks_(std::move(hooks)) {}

std::string& Session::login_state() { return login_states()[config_.server + '\n' + config_.user]; }

HttpRequest Session::to_http(const ApiRequest& req) {
  HttpRequest h;
  h.method = req.method;
  h.url = join_url(config_.base_url, req.path);
  if (!req.query.empty()) h.url += "?" + req.query.str();
  h.body = req.body;
  if (!req.body.empty()) h.headers.push_back("Content-Type: application/json");
  h.headers.push_back("Accept: application/json");
  h.idempotent = req.idempotent;
  h.display = req.display();
  api_.authenticate(*this, h);
  return h;
}

HttpResponse Session::send_raw(HttpRequest req) {
  return client_.perform_one(req, config_.http, limiter_, hooks_, &stats_->http);
}

void Session::fail(const ApiRequest& req, long status, const std::string& remote_message) {
  std::string msg = api_.name + " " + req.display() + ": HTTP " + std::to_string(status);
  if (!remote_message.empty()) msg += ": " + remote_message;
  std::string hint;
  if (status == 401) hint = "Check the credentials in the user mapping for server \"" + config_.server + "\".";
  if (status == 429) hint = "The API's rate limit was exceeded; lower rate_limit_per_minute on the server.";
  throw Error(sqlstate_for_status(status), msg, std::string(), hint);
}

ApiResult Session::finish(const ApiRequest& req, HttpResponse resp) {
  ApiResult r;
  r.status = resp.status;
  if (resp.status == 404 && req.not_found_is_empty) {
    r.not_found = true;
    return r;
  }
  if (resp.status >= 400 || resp.status < 200) fail(req, resp.status, api_.error_message(resp));
  if (!resp.body.empty()) {
    std::string why;
    if (!r.doc.parse(resp.body, &why)) {
      throw Error(sqlstate::kFdwUnableToEstablishConnection,
                  api_.name + " " + req.display() + ": HTTP " + std::to_string(resp.status) +
                      ": the response is not valid JSON (" + why + ")");
    }
    std::string app_msg;
    if (api_.application_error(r.doc.root(), &app_msg)) fail(req, resp.status == 200 ? 400 : resp.status, app_msg);
  }
  return r;
}

ApiResult Session::call(const ApiRequest& req) {
  std::vector<ApiRequest> one{req};
  return std::move(call_many(one).front());
}

std::vector<ApiResult> Session::call_many(const std::vector<ApiRequest>& reqs) {
  std::vector<ApiResult> out(reqs.size());
  std::vector<HttpRequest> todo;
  std::vector<size_t> todo_index;
  const double now = monotonic_ms();
  auto& cache = response_cache();
  for (size_t i = 0; i < reqs.size(); ++i) {
    HttpRequest h = to_http(reqs[i]);
    if (config_.cache_ttl_ms > 0 && h.method == "GET") {
      auto it = cache.find(h.url + '\n' + config_.user);
      if (it != cache.end() && now - it->second.at_ms <= double(config_.cache_ttl_ms)) {
        HttpResponse cached;
        cached.status = it->second.status;
        cached.body = it->second.body;
        out[i] = finish(reqs[i], std::move(cached));
        continue;
      }
    }
    todo.push_back(std::move(h));
    todo_index.push_back(i);
  }
  if (todo.empty()) return out;

  std::vector<HttpResponse> resps;
  try {
    resps = client_.perform(todo, std::max(1, config_.max_concurrency), config_.http, limiter_, hooks_,
                            &stats_->http);
  } catch (const Error& e) {
    // Transport failures: name the API too.
    throw Error(e.sqlstate(), api_.name + " " + e.what(), e.detail(), e.hint());
  }
  for (size_t k = 0; k < resps.size(); ++k) {
    const size_t i = todo_index[k];
    HttpResponse& resp = resps[k];
    if (resp.status >= 400 && api_.is_expired_login(resp.status, api_.error_message(resp))) {
      // One new login, then the request once more.
      api_.forget_login(*this);
      resp = send_raw(to_http(reqs[i]));
    }
    if (config_.cache_ttl_ms > 0 && todo[k].method == "GET" && resp.status >= 200 && resp.status < 300)
      cache[todo[k].url + '\n' + config_.user] = CacheEntry{monotonic_ms(), resp.status, resp.body};
    out[i] = finish(reqs[i], std::move(resp));
  }
  return out;
}

}  // namespace cfdw
