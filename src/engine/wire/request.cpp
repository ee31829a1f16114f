// commerce_fdw engine: an API request and its HTTP form (see request.h).
#include "engine/wire/request.h"

#include "engine/error.h"
#include "engine/json/json.h"

namespace cfdw {

std::string ApiRequest::display() const {
  std::string s = method + " " + encode_dot_segments(path);
  if (!query.empty()) s += "?" + query.str();
  return s;
}

HttpRequest http_request(const std::string& api_name, const std::string& base_url, const ApiRequest& r) {
  HttpRequest h;
  h.method = r.method;
  const std::string path = encode_dot_segments(r.path);
  if (has_empty_segment(path))
    throw Error(sqlstate::kInvalidParameterValue,
                api_name + " " + r.display() + ": a key value in the URL path is empty; the request was not sent");
  h.url = join_url(base_url, path);
  if (!r.query.empty()) h.url += "?" + r.query.str();
  h.body = r.body;
  if (!r.body.empty()) h.headers.push_back("Content-Type: application/json");
  h.headers.push_back("Accept: application/json");
  h.idempotent = r.idempotent;
  h.display = r.display();
  return h;
}

ApiRequest login_request(const std::string& path, const std::vector<std::pair<std::string, std::string>>& fields) {
  ApiRequest r;
  r.method = "POST";
  r.path = path;
  json::Builder body;
  for (const auto& [key, value] : fields) body.set_string(key, value);
  r.body = body.str();
  r.idempotent = true;
  return r;
}

}  // namespace cfdw
