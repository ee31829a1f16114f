// commerce_fdw engine: what an API is — its tables and the few behaviours that
// differ between APIs (authentication, error bodies). One instance per API,
// defined in src/apis/<api>.cpp.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/http/http.h"
#include "engine/json/json.h"
#include "engine/declare/schema.h"

namespace cfdw {

class Session;
struct ApiRequest;

// The effective options of one foreign table: server options, the table's
// overriding them, and the user mapping's secrets.
struct Config {
  std::string server;        // foreign server name (stats and rate budgets are per server)
  unsigned server_id = 0;    // the server's OID; 0 outside PostgreSQL
  unsigned user_mapping_id = 0;  // the user mapping's OID (the account); 0 when none applies
  std::string api;
  std::string base_url;
  // The values of the options the API declares (Api::options, not secrets):
  // name -> value, put into paths, parameters and bodies as {name}
  // (substitute_config).
  std::map<std::string, std::string> options;
  int page_size = 0;         // 0: the endpoint's documented maximum
  int batch_size = 0;        // 0: the write's documented maximum
  double rate_limit_per_minute = 0;  // the pace: the slower of the per-minute and per-hour options
  double rate_limit_per_hour = 0;    // 0: none
  int max_concurrency = 1;
  HttpOptions http;
  long cache_ttl_ms = 0;
  long max_requests = 0;     // most requests one statement may send (0: no bound)
  std::map<std::string, std::string> secrets;  // user mapping options; never shown
  std::string user;          // role the mapping belongs to (token caches are per server and user)
  std::string relname;       // the foreign table's name, for error messages
};

// What an option's value must be; each kind has one check and one hint.
enum class OptionKind {
  Text,        // any text (no control characters, as every option)
  Int,         // a whole number in [min, max]
  Bytes,       // a whole number of bytes in [min, max], digits only
  Id,          // a remote id: a whole number, 1 or more, no leading zeros (also sent as a JSON number)
  Bool,        // true/false (PostgreSQL's boolean spellings)
  Enum,        // one of `values`
  Url,         // an https URL (http only for loopback hosts)
  ApiName,     // the name of a registered API
  Secret,      // a credential: not empty, shown nowhere
  SecretFile,  // a file name in commerce_fdw.secret_dir: [A-Za-z0-9_-]+
};

// Where an option may be set (bit flags).
enum OptionPlace : unsigned {
  kOnServer = 1u << 0,
  kOnTable = 1u << 1,
  kOnColumn = 1u << 2,
  kOnMapping = 1u << 3,
};

// One option: the common ones are a table in src/pg/option_table.cpp, an
// API's own are its `options`. Validation, hints and the resolved Config all
// come from these rows.
struct OptionDef {
  std::string name;
  OptionKind kind = OptionKind::Text;
  unsigned places = kOnServer | kOnTable;
  // Decides where requests and credentials go: only the server's owner sets
  // it; a table naming it is refused with that reason.
  bool server_only = false;
  bool required = false;        // a table (secret: a user mapping) without it fails when used
  long long min = 0, max = 0;   // Int and Bytes bounds
  std::vector<std::string> values = {};  // Enum: the only values accepted
  // Where a common option's value goes in the Config; nullptr: an API's own
  // option, kept in Config::options under its name (secrets: Config::secrets).
  void (*to_config)(Config&, const std::string& value) = nullptr;

  bool secret() const { return kind == OptionKind::Secret; }
  bool allowed_on(unsigned place) const { return (places & place) != 0; }
};

class Api {
 public:
  virtual ~Api() = default;

  std::string name;              // "glance"
  std::string default_base_url;  // empty: base_url is required
  std::vector<OptionDef> options;  // API-specific options: secrets, and ones such as a shop id
  double default_rate_per_minute = 0;
  double default_burst = 1;
  int default_concurrency = 4;
  long default_max_requests = 1000;  // max_requests: about ten minutes of the API's budget
  int login_requests = 0;            // requests a login costs before a statement's first request
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

  // What the API documents for an error status beyond its common meaning
  // (G-Commerce 509: the requests-per-hour limit; 413: too many objects asked).
  struct StatusNote {
    std::string message;   // appended to the error message
    std::string hint;      // the error's HINT (replaces the common one)
    bool refused = false;  // the API refused the request before running it: a write is not applied
  };
  // True with *note set when the API documents `status`; the default: false.
  virtual bool status_note(long status, const ApiRequest& req, const Config& cfg, StatusNote* note) const;
};

// The registered APIs (src/apis/registry.cpp), each resolved once by
// resolve_references when the registry is first used.
const std::vector<const Api*>& all_apis();
const Api* find_api(const std::string& name);

// Resolves every endpoint the API's tables name (Table::detail,
// ConflictCheck::endpoint) to its index, and checks every other name a
// declaration uses: columns in bindings, partitions, supplements, sorts,
// fills, keys, write rules and conflict checks; path placeholders (bound by a
// binding, a column or a declared option); a write rule's option. Returns one
// line per dangling or duplicate name; empty when everything resolves.
std::vector<std::string> resolve_references(Api& api);
// What resolve_references found in the registered APIs: empty, or the
// extension refuses to work (the unit tests check it is empty).
const std::vector<std::string>& declaration_problems();

}  // namespace cfdw
