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
  try {
    return client_.perform_one(req, config_.http, limiter_, hooks_, &stats_->http);
  } catch (const Error& e) {
    throw e.with_message(api_.name + " " + e.what());  // as call_many does
  }
}

void Session::fail(const ApiRequest& req, long status, const std::string& remote_message, long classify_as) {
  std::string msg = api_.name + " " + req.display() + ": HTTP " + std::to_string(status);
  if (!remote_message.empty()) msg += ": " + remote_message;
  const long kind = classify_as ? classify_as : status;
  std::string hint;
  if (kind == 401) hint = "Check the credentials in the user mapping for server \"" + config_.server + "\".";
  if (kind == 429) hint = "The API's rate limit was exceeded; lower rate_limit_per_minute on the server.";
  // A refusal (4xx, or an API's failure envelope in a 2xx answer) left the
  // remote as it was; a 5xx, 1xx or 3xx answer does not say what it did.
  const bool refused = (status >= 400 && status < 500) || (status >= 200 && status < 300);
  throw Error(sqlstate_for_status(kind), msg, std::string(), hint)
      .set_effect(refused ? RequestEffect::NotApplied : RequestEffect::Unknown);
}

ApiResult Session::finish(const ApiRequest& req, HttpResponse resp, bool* expired_login) {
  ApiResult r;
  r.status = resp.status;
  const bool http_error = resp.status >= 400 || resp.status < 200;
  std::string message;
  bool app_error = false;
  if (http_error) {
    message = api_.error_message(resp);
  } else if (!resp.body.empty()) {
    std::string why;
    if (!r.doc.parse(resp.body, &why)) {
      throw Error(sqlstate::kFdwUnableToEstablishConnection,
                  api_.name + " " + req.display() + ": HTTP " + std::to_string(resp.status) +
                      ": the response is not valid JSON (" + why + ")")
          .set_effect(RequestEffect::Unknown);
    }
    app_error = api_.application_error(r.doc.root(), &message);
  }
  if (!http_error && !app_error) return r;
  if (req.not_found_is_empty && api_.is_not_found(resp.status, message)) {
    r.not_found = true;
    r.doc = json::Doc();
    return r;
  }
  // An expired login is reported whether the API says so with a status or
  // inside a successful response; the caller logs in again and retries once.
  const bool login = api_.is_expired_login(resp.status, message);
  if (login && expired_login) {
    *expired_login = true;
    return r;
  }
  // An error inside an HTTP 2xx answer is reported with that status, and
  // classified as a rejected request (or a refused login).
  try {
    fail(req, resp.status, message, login ? 401 : app_error ? 400 : 0);
  } catch (Error& e) {
    // A refusal of a retry says nothing of what an earlier attempt did.
    if (resp.earlier_attempt_reached) e.set_effect(RequestEffect::Unknown);
    throw;
  }
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
    throw e.with_message(api_.name + " " + e.what());
  }
  bool logged_in_again = false;
  for (size_t k = 0; k < resps.size(); ++k) {
    const size_t i = todo_index[k];
    HttpResponse& resp = resps[k];
    const bool cacheable = config_.cache_ttl_ms > 0 && todo[k].method == "GET";
    std::string body = cacheable ? resp.body : std::string();
    long status = resp.status;
    std::string key = todo[k].url + '\n' + config_.user;
    bool expired = false;
    out[i] = finish(reqs[i], std::move(resp), &expired);
    if (expired) {
      // One new login (shared by the requests of this batch that failed with
      // the same stale token), then this request once more.
      if (!logged_in_again) api_.forget_login(*this);
      logged_in_again = true;
      HttpRequest h = to_http(reqs[i]);
      key = h.url + '\n' + config_.user;
      HttpResponse again = send_raw(std::move(h));
      body = cacheable ? again.body : std::string();
      status = again.status;
      out[i] = finish(reqs[i], std::move(again), nullptr);
    }
    // Only answers that carried no error are reused.
    if (cacheable && !out[i].not_found)
      cache[key] = CacheEntry{monotonic_ms(), status, std::move(body)};
  }
  return out;
}

}  // namespace cfdw
