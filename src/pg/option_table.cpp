// commerce_fdw PostgreSQL glue: the option table — the common options' rows,
// the lookup that adds the APIs' own, and the check of a value by its kind.
#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <set>

#include "engine/wire/url.h"
#include "engine/http/ratelimit.h"
#include "pg/options.h"

namespace cfdw::pg {

namespace {

constexpr long long kIntMax = 100000000;

OptionDef row(const char* name, OptionKind kind, unsigned places, void (*to_config)(Config&, const std::string&)) {
  OptionDef o;
  o.name = name;
  o.kind = kind;
  o.places = places;
  o.to_config = to_config;
  return o;
}
OptionDef server_only(OptionDef o) {
  o.server_only = true;
  return o;
}
// A whole number from `min` up to 100,000,000.
OptionDef whole(const char* name, long long min, unsigned places, void (*to_config)(Config&, const std::string&)) {
  OptionDef o = row(name, OptionKind::Int, places, to_config);
  o.min = min;
  o.max = kIntMax;
  return o;
}

constexpr unsigned kBoth = kOnServer | kOnTable;

std::vector<OptionDef> make_common() {
  // Requests in flight at once for one scan or write: 1 up to 16.
  OptionDef concurrency = whole("max_concurrency", 1, kBoth,
                                [](Config& c, const std::string& v) { c.max_concurrency = std::atoi(v.c_str()); });
  concurrency.max = 16;
  OptionDef bytes = row("max_response_bytes", OptionKind::Bytes, kBoth, [](Config& c, const std::string& v) {
    c.http.max_response_bytes = std::strtoll(v.c_str(), nullptr, 10);
  });
  bytes.min = 1;
  bytes.max = 1LL << 40;  // bytes after decompression: 1 up to 1 TB
  return {
      server_only(row("api", OptionKind::ApiName, kOnServer, nullptr)),
      server_only(row("base_url", OptionKind::Url, kOnServer, [](Config& c, const std::string& v) { c.base_url = v; })),
      whole("page_size", 1, kBoth, [](Config& c, const std::string& v) { c.page_size = std::atoi(v.c_str()); }),
      whole("batch_size", 1, kBoth, [](Config& c, const std::string& v) { c.batch_size = std::atoi(v.c_str()); }),
      whole("rate_limit_per_minute", 0, kOnServer,
            [](Config& c, const std::string& v) {
              c.rate_limit_per_minute = combined_per_minute(std::atof(v.c_str()), c.rate_limit_per_hour);
            }),
      whole("rate_limit_per_hour", 0, kOnServer,
            [](Config& c, const std::string& v) {
              c.rate_limit_per_hour = std::atof(v.c_str());
              c.rate_limit_per_minute = combined_per_minute(c.rate_limit_per_minute, c.rate_limit_per_hour);
            }),
      concurrency,
      whole("max_retries", 0, kBoth, [](Config& c, const std::string& v) { c.http.max_retries = std::atoi(v.c_str()); }),
      whole("timeout_ms", 1, kBoth, [](Config& c, const std::string& v) { c.http.timeout_ms = std::atol(v.c_str()); }),
      whole("connect_timeout_ms", 1, kBoth,
            [](Config& c, const std::string& v) { c.http.connect_timeout_ms = std::atol(v.c_str()); }),
      whole("max_requests", 1, kBoth, [](Config& c, const std::string& v) { c.max_requests = std::atol(v.c_str()); }),
      whole("cache_ttl_ms", 0, kBoth, [](Config& c, const std::string& v) { c.cache_ttl_ms = std::atol(v.c_str()); }),
      server_only(row("ca_file", OptionKind::Text, kOnServer, [](Config& c, const std::string& v) { c.http.ca_file = v; })),
      server_only(row("proxy", OptionKind::Text, kOnServer, [](Config& c, const std::string& v) { c.http.proxy = v; })),
      bytes,
      whole("request_cost_ms", 0, kBoth, nullptr),  // read by the planner (plan_cost.cpp)
      row("async_capable", OptionKind::Bool, kBoth, nullptr),  // read by exec.cpp
      row("remote_estimate", OptionKind::Bool, kBoth, nullptr),  // read by the planner (plan_cost.cpp)
      row("resource", OptionKind::Text, kOnTable, nullptr),  // read by describe_relation
      row("constant", OptionKind::Text, kOnColumn, nullptr),  // a column's value in every row
      row(kSecretFileOption, OptionKind::SecretFile, kOnMapping, nullptr),
  };
}

bool whole_number(const std::string& v, size_t max_digits) {
  return !v.empty() && v.size() <= max_digits && v.find_first_not_of("0123456789") == std::string::npos;
}

}  // namespace

const std::vector<OptionDef>& common_options() {
  static const std::vector<OptionDef> rows = make_common();
  return rows;
}

const OptionDef* find_option(const char* name) {
  for (const auto& o : common_options())
    if (o.name == name) return &o;
  for (const Api* a : all_apis())
    for (const auto& o : a->options)
      if (o.name == name) return &o;
  return nullptr;
}

std::string option_names_at(unsigned place) {
  std::set<std::string> own;
  for (const Api* a : all_apis())
    for (const auto& o : a->options)
      if (o.allowed_on(place)) own.insert(o.name);
  std::string out;
  for (const auto& n : own) out += (out.empty() ? "" : ", ") + n;
  for (const auto& o : common_options())
    if (o.allowed_on(place)) out += (out.empty() ? "" : ", ") + o.name;
  return out;
}

std::string secret_names() {
  std::set<std::string> s;
  for (const Api* a : all_apis())
    for (const auto& o : a->options)
      if (o.secret()) s.insert(o.name);
  std::string out;
  for (const auto& n : s) out += (out.empty() ? "" : ", ") + n;
  return out;
}

std::vector<std::string> api_names() {
  std::vector<std::string> out;
  for (const Api* a : all_apis()) out.push_back(a->name);
  return out;
}

size_t control_char_at(std::string_view s) {
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char b = static_cast<unsigned char>(s[i]);
    if (b < 0x20 || b == 0x7F) return i;
  }
  return std::string_view::npos;
}

bool valid_secret_name(const char* name) {
  if (!*name || std::strlen(name) > 200) return false;
  for (const char* p = name; *p; ++p)
    if (!std::isalnum(static_cast<unsigned char>(*p)) && *p != '_' && *p != '-') return false;
  return true;
}

bool check_option_value(const OptionDef& o, const std::string& value, OptionProblem* p) {
  const std::string bad_value = "invalid value for option \"" + o.name + "\": \"" + value + "\"";
  switch (o.kind) {
    case OptionKind::Text:
      return true;
    case OptionKind::Secret:
      if (!value.empty()) return true;
      p->message = "invalid value for option \"" + o.name + "\": it is empty";  // never the value
      p->hint = "Set the credential the API expects.";
      return false;
    case OptionKind::SecretFile:
      if (valid_secret_name(value.c_str())) return true;
      p->message = bad_value;
      p->hint = "A secret file name consists of letters, digits, \"_\" and \"-\" only.";
      return false;
    case OptionKind::ApiName:
      if (find_api(value)) return true;
      p->message = bad_value;
      p->hint = "Valid values are: ";
      for (const auto& n : api_names()) p->hint += (n == api_names().front() ? "" : ", ") + n;
      return false;
    case OptionKind::Url: {
      ParsedUrl u;
      std::string why;
      if (!parse_url(value, &u, &why)) {
        p->message = "invalid value for option \"" + o.name + "\": " + why;
        return false;
      }
      if (u.scheme != "https" && !is_loopback_host(u.host)) {
        p->message = "option \"" + o.name + "\" must use https";
        p->hint = "http:// is accepted only for loopback hosts (localhost, 127.0.0.1, ::1).";
        return false;
      }
      return true;
    }
    case OptionKind::Enum:
      if (std::find(o.values.begin(), o.values.end(), value) != o.values.end()) return true;
      p->message = bad_value;
      p->hint = "Valid values are: ";
      for (size_t k = 0; k < o.values.size(); ++k) p->hint += (k ? ", " : "") + o.values[k];
      p->hint += ".";
      return false;
    case OptionKind::Id:
      if (whole_number(value, 18) && value[0] != '0') return true;
      p->message = bad_value;
      p->hint = "It must be a whole number, 1 or more.";
      return false;
    case OptionKind::Bytes: {
      const long long v = whole_number(value, 13) ? std::strtoll(value.c_str(), nullptr, 10) : -1;
      if (v >= o.min && v <= o.max) return true;
      p->message = bad_value;
      p->hint = "It must be a whole number of bytes, " + std::to_string(o.min) + " or more.";
      return false;
    }
    case OptionKind::Bool: {
      bool b;
      if (parse_bool(value.c_str(), &b)) return true;
      p->message = bad_value;
      p->hint = "It must be a boolean (true or false).";
      return false;
    }
    case OptionKind::Int: {
      char* end = nullptr;
      const long v = std::strtol(value.c_str(), &end, 10);
      if (!value.empty() && !*end && v >= o.min && v <= o.max) return true;
      p->message = bad_value;
      p->hint = o.max < kIntMax ? "It must be a whole number from " + std::to_string(o.min) + " to " +
                                      std::to_string(o.max) + "."
                                : "It must be a whole number, " + std::to_string(o.min) + " or more.";
      return false;
    }
  }
  return true;
}

const char* option_value(List* options, const char* name) {
  ListCell* lc;
  foreach (lc, options) {
    DefElem* d = static_cast<DefElem*>(lfirst(lc));
    if (std::strcmp(d->defname, name) == 0) return strVal(d->arg);
  }
  return nullptr;
}

}  // namespace cfdw::pg
