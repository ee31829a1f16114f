// commerce_fdw engine: sending API requests (see session.h).
#include "engine/run/session.h"

#include <chrono>
#include <unordered_map>

#include "engine/error.h"

namespace cfdw {

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
  // Network trouble, 5xx, and answers that are no final answer at all: 1xx
  // and 3xx (redirects are never followed).
  if (status >= 500 || status == 429 || status < 200 || (status >= 300 && status < 400))
    return sqlstate::kFdwUnableToEstablishConnection;
  return sqlstate::kFdwError;
}

namespace {

std::unordered_map<std::string, std::string>& login_states() {
  static std::unordered_map<std::string, std::string> states;
  return states;
}

}  // namespace

ResponseCache& response_cache() {
  static ResponseCache cache;
  return cache;
}

void ResponseCache::erase(Map::iterator it) {
  bytes_ -= it->first.size() + it->second.entry.body.size();
  order_.erase(it->second.order);
  entries_.erase(it);
}

void ResponseCache::sweep(double now_ms) {
  if (now_ms < next_sweep_ms_) return;
  next_sweep_ms_ = now_ms + 1000;
  for (auto it = entries_.begin(); it != entries_.end();) {
    auto next = std::next(it);
    if (it->second.entry.expires_ms < now_ms) erase(it);
    it = next;
  }
}

const ResponseCache::Entry* ResponseCache::find(const std::string& key, double now_ms, double ttl_ms) {
  auto it = entries_.find(key);
  if (it == entries_.end()) return nullptr;
  const Entry& e = it->second.entry;
  if (e.expires_ms < now_ms) {
    erase(it);
    return nullptr;
  }
  return now_ms - e.at_ms <= ttl_ms ? &e : nullptr;
}

void ResponseCache::put(const std::string& key, double now_ms, double ttl_ms, long status, std::string body) {
  sweep(now_ms);
  if (auto it = entries_.find(key); it != entries_.end()) erase(it);
  const size_t size = key.size() + body.size();
  if (size > max_bytes_ || max_entries_ == 0) return;
  while (!order_.empty() && (entries_.size() + 1 > max_entries_ || bytes_ + size > max_bytes_))
    erase(entries_.find(order_.front()));
  order_.push_back(key);
  Slot& slot = entries_[key];
  slot.entry = Entry{now_ms, now_ms + ttl_ms, status, std::move(body)};
  slot.order = std::prev(order_.end());
  bytes_ += size;
}

void ResponseCache::clear() {
  entries_.clear();
  order_.clear();
  bytes_ = 0;
}

Session::Session(const Api& api, Config config, HttpClient& client, RateLimiter* limiter,
                 ServerStats* stats, HttpHooks hooks)
    : api_(api), config_(std::move(config)), client_(client), limiter_(limiter), stats_(stats),
      hooks_(std::move(hooks)) {}

std::string& Session::login_state() { return login_states()[config_.server + '\n' + config_.user]; }

HttpRequest Session::to_http(const ApiRequest& req) {
  HttpRequest h = http_request(api_.name, config_.base_url, req);
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

void Session::fail(const ApiRequest& req, long status, const std::string& remote_message, long classify_as,
                   int retries, const std::string& detail) {
  std::string msg = api_.name + " " + req.display() + ": HTTP " + std::to_string(status);
  if (status >= 300 && status < 400) msg += " (redirects are not followed)";
  if (status >= 100 && status < 200) msg += " (not a final answer)";
  if (!remote_message.empty()) msg += ": " + remote_message;
  if (retries > 0) msg += " (after " + std::to_string(retries) + (retries == 1 ? " retry)" : " retries)");
  const long kind = classify_as ? classify_as : status;
  std::string hint;
  if (kind == 401) hint = "Check the credentials in the user mapping for server \"" + config_.server + "\".";
  if (kind == 429) hint = "The API's rate limit was exceeded; lower rate_limit_per_minute on the server.";
  // A refusal (4xx, or an API's failure envelope in a 2xx answer) left the
  // remote as it was; a 5xx, 1xx or 3xx answer does not say what it did.
  // A failure envelope in a 2xx that names a 5xx is a server error: unknown.
  const bool refused = (status >= 400 && status < 500) || (status >= 200 && status < 300 && kind < 500);
  throw Error(sqlstate_for_status(kind), msg, detail, hint)
      .set_effect(refused ? RequestEffect::NotApplied : RequestEffect::Unknown);
}

ApiResult Session::finish(const ApiRequest& req, HttpResponse resp, bool* expired_login) {
  ApiResult r;
  r.status = resp.status;
  // Only a 2xx is a success; 1xx and 3xx (redirects are not followed) are errors.
  const bool http_ok = resp.status >= 200 && resp.status < 300;
  const bool blank = resp.body.find_first_not_of(" \t\r\n") == std::string::npos;
  std::string message;
  std::string why;
  const bool parsed = !blank && r.doc.parse(resp.body, &why);
  // A failure envelope is an error whatever the HTTP status it came with.
  const bool app_error = parsed && api_.application_error(r.doc.root(), &message);
  const long envelope_status = app_error ? api_.application_error_status(r.doc.root()) : 0;
  if (http_ok && !app_error) {
    const std::string where = api_.name + " " + req.display() + ": HTTP " + std::to_string(resp.status);
    if (!blank && !parsed)
      throw Error(sqlstate::kFdwUnableToEstablishConnection,
                  where + ": the response is not valid JSON (" + why + ")")
          .set_effect(RequestEffect::Unknown);
    // A request that needs the answer (a read, a write whose created object
    // is read back) gets nothing from an empty or null body. A write may
    // still have been applied.
    if (req.expect_data && (blank || json::kind(r.doc.root()) == json::Kind::Null))
      throw Error(sqlstate::kFdwUnableToEstablishConnection,
                  where + (blank ? ": the response is empty" : ": the response is null") + " where data was expected")
          .set_effect(RequestEffect::Unknown);
    return r;
  }
  if (!app_error) message = api_.error_message(resp);
  // An envelope that names its status is classified by it when the HTTP
  // status says nothing (2xx); otherwise by the HTTP status.
  const long named = envelope_status >= 400 && envelope_status <= 599 ? envelope_status : 0;
  const long effective = http_ok && named ? named : resp.status;
  if (req.not_found_is_empty && api_.is_not_found(effective, message)) {
    r.not_found = true;
    r.doc = json::Doc();
    return r;
  }
  // An expired login is reported whether the API says so with a status or
  // inside a successful response; the caller logs in again and retries once.
  const bool login = api_.is_expired_login(effective, message);
  if (login && expired_login) {
    *expired_login = true;
    return r;
  }
  // An error inside an HTTP 2xx answer is reported with that status, and
  // classified as the status its envelope names, else as a rejected request
  // (or a refused login).
  try {
    fail(req, resp.status, message, login ? 401 : http_ok ? (named ? named : 400) : 0, resp.retries,
         parsed ? api_.error_detail(r.doc.root()) : std::string());
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

struct Session::Prepared {
  std::vector<ApiResult> out;
  std::vector<HttpRequest> todo;  // what goes to the server
  std::vector<size_t> todo_index; // the request each is for
};

class Session::Pending {
 public:
  std::vector<ApiRequest> reqs;
  Prepared prepared;
  std::shared_ptr<HttpClient::Async> http;  // null: every answer came from the cache
  bool ready = false;
};

Error Session::named(const Error& e) const {
  // Transport failures: name the API too.
  return e.with_message(api_.name + " " + e.what());
}

void Session::prepare(const std::vector<ApiRequest>& reqs, Prepared* p) {
  p->out.resize(reqs.size());
  const double now = monotonic_ms();
  auto& cache = response_cache();
  for (size_t i = 0; i < reqs.size(); ++i) {
    HttpRequest h = to_http(reqs[i]);
    if (config_.cache_ttl_ms > 0 && h.method == "GET") {
      if (const ResponseCache::Entry* e = cache.find(h.url + '\n' + config_.user, now, double(config_.cache_ttl_ms))) {
        HttpResponse cached;
        cached.status = e->status;
        cached.body = e->body;
        p->out[i] = finish(reqs[i], std::move(cached));
        continue;
      }
    }
    p->todo.push_back(std::move(h));
    p->todo_index.push_back(i);
  }
}

std::vector<ApiResult> Session::call_many(const std::vector<ApiRequest>& reqs) {
  Prepared p;
  prepare(reqs, &p);
  if (p.todo.empty()) return std::move(p.out);
  std::vector<HttpResponse> resps;
  try {
    resps = client_.perform(p.todo, std::max(1, config_.max_concurrency), config_.http, limiter_, hooks_,
                            &stats_->http);
  } catch (const Error& e) {
    throw named(e);
  }
  complete(reqs, &p, std::move(resps));
  return std::move(p.out);
}

std::shared_ptr<Session::Pending> Session::start_many(const std::vector<ApiRequest>& reqs) {
  auto p = std::make_shared<Pending>();
  p->reqs = reqs;
  prepare(p->reqs, &p->prepared);
  if (p->prepared.todo.empty()) {
    p->ready = true;
    return p;
  }
  try {
    p->http = client_.start(p->prepared.todo, std::max(1, config_.max_concurrency), config_.http, limiter_, hooks_,
                            &stats_->http);
  } catch (const Error& e) {
    throw named(e);
  }
  return p;
}

bool Session::poll(Pending& p) {
  if (p.ready) return true;
  try {
    p.ready = client_.progress(*p.http);
  } catch (const Error& e) {
    throw named(e);
  }
  return p.ready;
}

std::vector<ApiResult> Session::finish_many(Pending& p) {
  if (p.http) complete(p.reqs, &p.prepared, client_.take(*p.http));
  p.http.reset();
  return std::move(p.prepared.out);
}

void Session::complete(const std::vector<ApiRequest>& reqs, Prepared* p, std::vector<HttpResponse> resps) {
  std::vector<ApiResult>& out = p->out;
  const std::vector<HttpRequest>& todo = p->todo;
  const std::vector<size_t>& todo_index = p->todo_index;
  auto& cache = response_cache();
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
      cache.put(key, monotonic_ms(), double(config_.cache_ttl_ms), status, std::move(body));
  }
}

}  // namespace cfdw
