// commerce_fdw engine: what an API is — its tables and the few behaviours that
// differ between APIs (authentication, error bodies). One instance per API,
// defined in src/apis/<api>.cpp.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/http.h"
#include "engine/json.h"
#include "engine/schema.h"

namespace cfdw {

class Session;

// The effective options of one foreign table: server options, the table's
// overriding them, and the user mapping's secrets.
struct Config {
  std::string server;        // foreign server name (stats and rate budgets are per server)
  std::string api;
  std::string base_url;
  std::string shop_id;
  int page_size = 0;         // 0: the endpoint's documented maximum
  int batch_size = 0;        // 0: the write's documented maximum
  double rate_limit_per_minute = 0;
  int max_concurrency = 1;
  HttpOptions http;
  long cache_ttl_ms = 0;
  std::map<std::string, std::string> secrets;  // user mapping options; never shown
  std::string user;          // role the mapping belongs to (token caches are per server and user)
  std::string relname;       // the foreign table's name, for error messages
};

// An option an API accepts beyond the common ones.
struct OptionDef {
  std::string name;
  bool secret;        // only in a user mapping
  bool required;
  std::vector<std::string> values = {};  // when set, the only values accepted
};

class Api {
 public:
  virtual ~Api() = default;

  std::string name;              // "glance"
  std::string default_base_url;  // empty: base_url is required
  std::vector<OptionDef> options;  // API-specific options (secrets, shop_id, ...)
  double default_rate_per_minute = 0;
  double default_burst = 1;
  int default_concurrency = 4;
  std::vector<Table> tables;

  const Table* table(const std::string& resource) const;

  // Adds authentication to a request about to be sent (headers, a token
  // parameter or body field). May send requests itself through the session
  // (a login). The default does nothing.
  virtual void authenticate(Session& session, HttpRequest& req) const;
  // The remote's message in an error response (HTTP status >= 400), or empty.
  virtual std::string error_message(const HttpResponse& resp) const;
  // An error the API reports inside a successful HTTP response (a status
  // field); true with *message set when the body is one.
  // Such a failure envelope is an error whatever the HTTP status it came with.
  virtual bool application_error(const json::Value& root, std::string* message) const;
  // The HTTP status a failure envelope names (Glance's error.status), used to
  // classify an envelope that came with a 2xx; 0 when it names none.
  virtual long application_error_status(const json::Value& root) const;
  // What an error body says beyond its message — which fields failed and
  // why — for the error's DETAIL; empty when nothing. The default: nothing.
  virtual std::string error_detail(const json::Value& root) const;
  // Whether an error answer (HTTP >= 400 with error_message(), or a 2xx with
  // application_error()) means the credentials (a cached token) expired and
  // one new login and retry may help; the default: never.
  virtual bool is_expired_login(long status, const std::string& message) const;
  // Whether an error answer to a point lookup means "no such object" (zero
  // rows, not an error); the default: HTTP 404.
  virtual bool is_not_found(long status, const std::string& message) const;
  // Forgets cached logins for this session's server and user.
  virtual void forget_login(Session& session) const;
};

const std::vector<const Api*>& all_apis();
const Api* find_api(const std::string& name);

}  // namespace cfdw
