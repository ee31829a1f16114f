// commerce_fdw engine: sending API requests (see session.h).
#include "engine/run/session.h"

#include <chrono>
#include <unordered_map>

#include "engine/error.h"
#include "engine/run/remote_text.h"

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

Session::Session(const Api& api, Config config, HttpClient& client, RateLimiter* limiter,
                 ServerStats* stats, HttpHooks hooks)
    : api_(api), config_(std::move(config)), client_(client), limiter_(limiter), stats_(stats),
      hooks_(std::move(hooks)) {}

std::string& Session::login_state() { return login_states()[config_.server + '\n' + config_.user]; }

std::vector<std::string> Session::known_secrets() {
  std::vector<std::string> out;
  for (const auto& kv : config_.secrets) out.push_back(kv.second);
  // A login state may hold what the token was issued for before it
  // ("<base_url>\n<email>\n<token>"): the token is its last line.
  const std::string& state = login_state();
  if (!state.empty()) out.push_back(state);
  if (const size_t nl = state.rfind('\n'); nl != std::string::npos) out.push_back(state.substr(nl + 1));
  return out;
}

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
  // What the API answered is untrusted: it may echo the credentials it was
  // sent, carry control characters, or run on without end.
  const std::vector<std::string> secrets = known_secrets();
  if (!remote_message.empty()) msg += ": " + untrusted_text(remote_message, secrets);
  Api::StatusNote note;
  const bool noted = api_.status_note(status, req, config_, &note);
  if (noted && !note.message.empty()) msg += "; " + note.message;
  if (retries > 0) msg += " (after " + std::to_string(retries) + (retries == 1 ? " retry)" : " retries)");
  const long kind = classify_as ? classify_as : status;
  std::string hint;
  if (kind == 401) hint = "Check the credentials in the user mapping for server \"" + config_.server + "\".";
  if (kind == 429) hint = "The API's rate limit was exceeded; lower rate_limit_per_minute on the server.";
  if (noted && !note.hint.empty()) hint = note.hint;
  // A refusal (4xx, or an API's failure envelope in a 2xx answer, or a status
  // the API documents as a refusal) left the remote as it was; a 5xx, 1xx or
  // 3xx answer does not say what it did. A failure envelope in a 2xx that
  // names a 5xx is a server error: unknown.
  const bool refused = (status >= 400 && status < 500) || (status >= 200 && status < 300 && kind < 500) ||
                       (noted && note.refused);
  throw Error(sqlstate_for_status(kind), msg,
              detail.empty() ? detail : untrusted_text(detail, secrets, 2000, /*keep_newlines=*/true), hint)
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
  const bool parsed = !blank && r.doc.parse(resp.body, &why, req.row_limit.max_rows >= 0 ? &req.row_limit : nullptr);
  if (r.doc.over_limit())  // reading stopped at the first row too many
    throw Error(sqlstate::kFdwError,
                api_.name + " " + req.display() + ": HTTP " + std::to_string(resp.status) + ": the page holds " + why +
                    ", more than a page may hold",
                "The remote paging cannot be trusted; the listing was stopped instead of reading an unbounded page.");
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
    if (req.expect_data && (blank || r.doc.root().kind() == json::Kind::Null))
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
  std::vector<uint64_t> tickets;  // per todo: the cache's ticket to store its answer (0: none)
  bool writes = false;            // a request that is no GET is among todo
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

CacheKey Session::cache_key(const std::string& url) const {
  CacheKey k;
  k.server_id = config_.server_id;
  k.user_mapping_id = config_.user_mapping_id;
  k.account = account_fingerprint(config_.secrets);
  k.url = url;
  return k;
}

void Session::writes_done(const Prepared& p) noexcept {
  if (p.writes) response_cache().drop_server(config_.server_id);
}

void Session::prepare(const std::vector<ApiRequest>& reqs, Prepared* p) {
  p->out.resize(reqs.size());
  const double now = monotonic_ms();
  AnswerCache& cache = response_cache();
  for (size_t i = 0; i < reqs.size(); ++i) {
    HttpRequest h = to_http(reqs[i]);
    uint64_t ticket = 0;
    if (h.method != "GET") {
      // Every write drops the server's cached answers before it goes (and
      // again once it is answered: writes_done), for every backend sharing them.
      if (!p->writes) cache.drop_server(config_.server_id);
      p->writes = true;
    } else if (config_.cache_ttl_ms > 0) {
      HttpResponse cached;
      if (cache.find(cache_key(h.url), config_.server, now, double(config_.cache_ttl_ms), &cached.status,
                     &cached.body, &ticket)) {
        p->out[i] = finish(reqs[i], std::move(cached));
        continue;
      }
    }
    p->todo.push_back(std::move(h));
    p->todo_index.push_back(i);
    p->tickets.push_back(ticket);
  }
  if (budget_ && budget_max_ > 0 && !p->todo.empty()) {
    if (budget_->used + int64_t(p->todo.size()) > budget_max_)
      throw Error(sqlstate::kProgramLimitExceeded, budget_message_, budget_detail_, budget_hint_);
    budget_->used += int64_t(p->todo.size());
  }
}

void Session::set_budget(RequestBudget* budget, long max, std::string message, std::string detail,
                         std::string hint) {
  budget_ = budget;
  budget_max_ = max;
  budget_message_ = std::move(message);
  budget_detail_ = std::move(detail);
  budget_hint_ = std::move(hint);
}

std::vector<ApiResult> Session::call_many(const std::vector<ApiRequest>& reqs) {
  Prepared p;
  try {
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
  } catch (...) {
    writes_done(p);  // a failed write may have been applied
    throw;
  }
  writes_done(p);
  return std::move(p.out);
}

std::shared_ptr<Session::Pending> Session::start_many(const std::vector<ApiRequest>& reqs) {
  auto p = std::make_shared<Pending>();
  p->reqs = reqs;
  try {
    prepare(p->reqs, &p->prepared);
    if (p->prepared.todo.empty()) {
      p->ready = true;
      return p;
    }
    try {
      p->http = client_.start(p->prepared.todo, std::max(1, config_.max_concurrency), config_.http, limiter_,
                              hooks_, &stats_->http);
    } catch (const Error& e) {
      throw named(e);
    }
  } catch (...) {
    writes_done(p->prepared);
    throw;
  }
  return p;
}

bool Session::poll(Pending& p) {
  if (p.ready) return true;
  try {
    p.ready = client_.progress(*p.http);
  } catch (const Error& e) {
    writes_done(p.prepared);
    throw named(e);
  } catch (...) {
    writes_done(p.prepared);
    throw;
  }
  return p.ready;
}

std::vector<ApiResult> Session::finish_many(Pending& p) {
  try {
    if (p.http) complete(p.reqs, &p.prepared, client_.take(*p.http));
  } catch (...) {
    p.http.reset();
    writes_done(p.prepared);
    throw;
  }
  p.http.reset();
  writes_done(p.prepared);
  return std::move(p.prepared.out);
}

void Session::complete(const std::vector<ApiRequest>& reqs, Prepared* p, std::vector<HttpResponse> resps) {
  std::vector<ApiResult>& out = p->out;
  const std::vector<HttpRequest>& todo = p->todo;
  const std::vector<size_t>& todo_index = p->todo_index;
  AnswerCache& cache = response_cache();
  bool logged_in_again = false;
  for (size_t k = 0; k < resps.size(); ++k) {
    const size_t i = todo_index[k];
    HttpResponse& resp = resps[k];
    const bool cacheable = config_.cache_ttl_ms > 0 && todo[k].method == "GET" && p->tickets[k] != 0;
    std::string body = cacheable ? resp.body : std::string();
    long status = resp.status;
    std::string url = todo[k].url;
    bool expired = false;
    out[i] = finish(reqs[i], std::move(resp), &expired);
    if (expired) {
      // One new login (shared by the requests of this batch that failed with
      // the same stale token), then this request once more.
      if (!logged_in_again) api_.forget_login(*this);
      logged_in_again = true;
      HttpRequest h = to_http(reqs[i]);
      url = h.url;
      HttpResponse again = send_raw(std::move(h));
      body = cacheable ? again.body : std::string();
      status = again.status;
      out[i] = finish(reqs[i], std::move(again), nullptr);
    }
    // Only answers that carried no error are reused.
    if (cacheable && !out[i].not_found)
      cache.put(cache_key(url), config_.server, p->tickets[k], monotonic_ms(), double(config_.cache_ttl_ms), status,
                body);
  }
}

}  // namespace cfdw
