// commerce_fdw engine: one API request as the wire module builds it, and the
// HTTP request it becomes. Every request commerce_fdw sends is built in
// src/engine/wire/ (scripts/check_one_wire.sh keeps it so): list pages,
// supplement and detail lookups, counts and conflict lookups (requests.h),
// writes (writes.h) and logins (http_request below).
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/http/http.h"
#include "engine/json/json.h"
#include "engine/wire/url.h"

namespace cfdw {

struct ApiRequest {
  std::string method = "GET";
  std::string path;        // below base_url, values already percent-encoded: "/inventory/7"
  QueryString query;       // never secrets: this is what EXPLAIN and errors show
  std::string body;        // JSON text (empty: none)
  bool idempotent = true;
  bool not_found_is_empty = false;  // a point lookup: 404 means "no row"
  bool expect_data = false;         // a read: an empty or `null` body is an error, not "no rows"
  json::RowLimit row_limit;         // a page: the most rows it may hold (counted while it is read)

  std::string display() const;     // "GET /inventory?page=1&limit=100" (the path as sent)
};

// One row as text values per table column (nullopt: NULL): what a read
// decodes and what a write sends.
using Row = std::vector<std::optional<std::string>>;

// The HTTP request of r below base_url, without authentication (the Session
// adds the API's; a login goes without). Key values are percent-encoded path
// segments already; segments made of dots are encoded too, so that nothing
// resolves them away. An empty segment is an empty key: it throws (the
// message starts with api_name) and nothing is sent.
HttpRequest http_request(const std::string& api_name, const std::string& base_url, const ApiRequest& r);

// A login: POST `path` with a JSON object of string fields (credentials; the
// body is never shown: display() has none). Logging in twice does no harm.
ApiRequest login_request(const std::string& path, const std::vector<std::pair<std::string, std::string>>& fields);

}  // namespace cfdw
