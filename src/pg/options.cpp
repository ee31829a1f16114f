// commerce_fdw PostgreSQL glue: options — validation (CREATE/ALTER SERVER,
// USER MAPPING, FOREIGN TABLE) and resolution into the engine's Config.
#include <cstdlib>
#include <set>
#include <string>

#include "apis/apis.h"
#include "engine/url.h"
#include "pg/boundary.h"
#include "pg/glue.h"

namespace cfdw::pg {

namespace {

// Options valid on a server and, where it makes sense, on a table.
struct CommonOption {
  const char* name;
  bool server;
  bool table;
};
const CommonOption kCommon[] = {
    {"api", true, false},
    {"base_url", true, true},
    {"shop_id", true, true},
    {"page_size", true, true},
    {"batch_size", true, true},
    {"rate_limit_per_minute", true, false},
    {"max_concurrency", true, true},
    {"max_retries", true, true},
    {"timeout_ms", true, true},
    {"connect_timeout_ms", true, true},
    {"cache_ttl_ms", true, true},
    {"ca_file", true, false},
    {"max_response_bytes", true, true},
    {"resource", false, true},
    {"async_capable", true, true},
};

bool is_integer_option(const std::string& n) {
  return n == "page_size" || n == "batch_size" || n == "max_concurrency" || n == "max_retries" ||
         n == "timeout_ms" || n == "connect_timeout_ms" || n == "cache_ttl_ms" || n == "rate_limit_per_minute";
}

// A remote id such as shop_id: a whole number, 1 or more, written without
// leading zeros (it also goes into JSON bodies as a number).
bool is_id_option(const std::string& n) { return n == "shop_id"; }

// Every secret any API takes (a user mapping does not know its server's API
// when validated, so it accepts any of them; use checks the API's own).
std::set<std::string> all_secrets() {
  std::set<std::string> s;
  for (const Api* a : all_apis())
    for (const auto& o : a->options)
      if (o.secret) s.insert(o.name);
  return s;
}

std::string lower_ascii(const char* s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

const char* option_value(List* options, const char* name) {
  ListCell* lc;
  foreach (lc, options) {
    DefElem* d = static_cast<DefElem*>(lfirst(lc));
    if (std::strcmp(d->defname, name) == 0) return strVal(d->arg);
  }
  return nullptr;
}

}  // namespace

// Checks one object's options; raises a PostgreSQL error (never inside C++ frames).
void validate_options(List* options, Oid catalog) {
  bool ok = true;
  const bool is_server = catalog == ForeignServerRelationId;
  const bool is_table = catalog == ForeignTableRelationId;
  const bool is_mapping = catalog == UserMappingRelationId;

  ListCell* lc;
  foreach (lc, options) {
    DefElem* def = static_cast<DefElem*>(lfirst(lc));
    const char* name = def->defname;
    const char* value = defGetString(def);
    char* error = nullptr;
    char* hint = nullptr;
    const char* state = "HV00D";
    ok = guarded([&] {
      std::string err, hnt, valid;
      std::set<std::string> secrets = all_secrets();
      bool known = false, here = false;
      for (const auto& c : kCommon) {
        if (std::string(name) == c.name) {
          known = true;
          here = (is_server && c.server) || (is_table && c.table);
        }
        if ((is_server && c.server) || (is_table && c.table)) valid += std::string(valid.empty() ? "" : ", ") + c.name;
      }
      for (const Api* a : all_apis())
        for (const auto& o : a->options)
          if (!o.secret && std::string(name) == o.name) {
            known = true;
            here = is_server || is_table;
          }
      if (is_mapping) {
        valid.clear();
        for (const auto& s : secrets) valid += std::string(valid.empty() ? "" : ", ") + s;
        known = here = secrets.count(name) > 0;
      }
      if (!is_mapping && secrets.count(name)) {
        err = "option \"" + std::string(name) + "\" is a secret and belongs in a user mapping";
        hnt = "Use CREATE USER MAPPING ... OPTIONS (" + std::string(name) + " '...').";
      } else if (!known || !here) {
        err = "invalid option \"" + std::string(name) + "\"";
        hnt = valid.empty() ? "There are no valid options in this context."
                            : "Valid options in this context are: " + valid;
      } else if (std::string(name) == "api") {
        if (!find_api(value)) {
          err = "invalid value for option \"api\": \"" + std::string(value) + "\"";
          hnt = "Valid values are: ";
          for (const Api* a : all_apis()) hnt += a->name + (a == all_apis().back() ? "" : ", ");
          state = "HV024";
        }
      } else if (std::string(name) == "base_url") {
        ParsedUrl u;
        std::string why;
        if (!parse_url(value, &u, &why)) {
          err = "invalid value for option \"base_url\": " + why;
          state = "HV024";
        } else if (u.scheme != "https" && !is_loopback_host(u.host)) {
          err = "option \"base_url\" must use https";
          hnt = "http:// is accepted only for loopback hosts (localhost, 127.0.0.1, ::1).";
          state = "HV024";
        }
      } else if (is_id_option(name)) {
        const std::string v = value;
        if (v.empty() || v.size() > 18 || v.find_first_not_of("0123456789") != std::string::npos || v[0] == '0') {
          err = "invalid value for option \"" + std::string(name) + "\": \"" + v + "\"";
          hnt = "It must be a whole number, 1 or more.";
          state = "HV024";
        }
      } else if (std::string(name) == "max_response_bytes") {
        // Bytes after decompression: 1 up to 1 TB.
        const std::string v = value;
        if (v.empty() || v.size() > 13 || v.find_first_not_of("0123456789") != std::string::npos ||
            std::strtoll(value, nullptr, 10) < 1 || std::strtoll(value, nullptr, 10) > (1LL << 40)) {
          err = "invalid value for option \"max_response_bytes\": \"" + v + "\"";
          hnt = "It must be a whole number of bytes, 1 or more.";
          state = "HV024";
        }
      } else if (std::string(name) == "async_capable") {
        const std::string v = lower_ascii(value);
        if (v != "true" && v != "false" && v != "on" && v != "off" && v != "yes" && v != "no" && v != "1" &&
            v != "0" && v != "t" && v != "f") {
          err = "invalid value for option \"async_capable\": \"" + std::string(value) + "\"";
          hnt = "It must be a boolean: true or false.";
          state = "HV024";
        }
      } else if (is_integer_option(name)) {
        char* end = nullptr;
        long v = std::strtol(value, &end, 10);
        const bool zero_ok = std::string(name) == "rate_limit_per_minute" || std::string(name) == "cache_ttl_ms" ||
                             std::string(name) == "max_retries";
        if (!*value || *end || v < (zero_ok ? 0 : 1) || v > 100000000) {
          err = "invalid value for option \"" + std::string(name) + "\": \"" + value + "\"";
          hnt = zero_ok ? "It must be a whole number, 0 or more." : "It must be a whole number, 1 or more.";
          state = "HV024";
        }
      }
      if (!err.empty()) {
        error = pstrdup_nothrow(err);
        hint = pstrdup_nothrow(hnt);
        if (!error) throw std::bad_alloc();
      }
    });
    if (!ok) raise_captured();
    if (error)
      ereport(ERROR, (errcode(MAKE_SQLSTATE(state[0], state[1], state[2], state[3], state[4])), errmsg("%s", error),
                      hint && *hint ? errhint("%s", hint) : 0));
  }
  if (is_server && !option_value(options, "api"))
    ereport(ERROR, (errcode(ERRCODE_FDW_OPTION_NAME_NOT_FOUND), errmsg("option \"api\" is required"),
                    errhint("Use OPTIONS (api 'glance'), 'gcommerce', 'glocher' or 'extend'.")));
}

RelDesc* describe_relation_oid(Oid relid) {
  ForeignTable* ft = GetForeignTable(relid);
  ForeignServer* server = GetForeignServer(ft->serverid);
  RelDesc* d = static_cast<RelDesc*>(palloc0(sizeof(RelDesc)));
  d->relid = relid;
  d->relname = get_rel_name(relid);
  d->server = server->servername;
  d->options = list_concat(list_copy(server->options), ft->options);  // later (table) entries win
  const char* api_name = option_value(server->options, "api");
  const char* resource = nullptr;
  // The table's value of an option wins over the server's: scan from the end.
  for (int i = list_length(d->options) - 1; i >= 0 && !resource; --i) {
    DefElem* def = static_cast<DefElem*>(list_nth(d->options, i));
    if (std::strcmp(def->defname, "resource") == 0) resource = strVal(def->arg);
  }
  d->api = api_name ? find_api(api_name) : nullptr;
  if (!d->api)
    ereport(ERROR, (errcode(ERRCODE_FDW_INVALID_OPTION_NAME),
                    errmsg("server \"%s\" has no valid \"api\" option", server->servername)));
  std::string prefix = d->api->name + "_";
  char* res = nullptr;
  if (!resource) {
    if (std::strncmp(d->relname, prefix.c_str(), prefix.size()) == 0) res = pstrdup(d->relname + prefix.size());
  } else {
    res = pstrdup(resource);
  }
  d->table = res ? d->api->table(res) : nullptr;
  if (!d->table) {
    StringInfoData names;
    initStringInfo(&names);
    for (const auto& t : d->api->tables) appendStringInfo(&names, "%s%s", names.len ? ", " : "", t.name.c_str());
    ereport(ERROR, (errcode(ERRCODE_FDW_TABLE_NOT_FOUND),
                    errmsg("foreign table \"%s\" names no %s resource", d->relname, d->api->name.c_str()),
                    res ? errdetail("There is no resource \"%s\".", res)
                        : errdetail("The table has no \"resource\" option and its name does not start with \"%s\".",
                                    prefix.c_str()),
                    errhint("Valid resources are: %s", names.data)));
  }
  return d;
}

RelDesc* describe_relation(Relation rel) {
  RelDesc* d = describe_relation_oid(RelationGetRelid(rel));
  TupleDesc td = RelationGetDescr(rel);
  d->natts = td->natts;
  d->column_of = static_cast<int*>(palloc(sizeof(int) * std::max(1, td->natts)));
  for (int i = 0; i < td->natts; ++i) {
    Form_pg_attribute att = TupleDescAttr(td, i);
    d->column_of[i] = -1;
    if (att->attisdropped) continue;
    const char* attname = NameStr(att->attname);
    const int idx = d->table->column_index(attname);
    if (idx < 0) {
      StringInfoData names;
      initStringInfo(&names);
      for (const auto& c : d->table->columns) appendStringInfo(&names, "%s%s", names.len ? ", " : "", c.name.c_str());
      ereport(ERROR, (errcode(ERRCODE_FDW_COLUMN_NAME_NOT_FOUND),
                      errmsg("column \"%s\" of foreign table \"%s\" is not a column of %s resource \"%s\"", attname,
                             d->relname, d->api->name.c_str(), d->table->name.c_str()),
                      errhint("Its columns are: %s", names.data)));
    }
    d->column_of[i] = idx;
  }
  return d;
}

List* user_mapping_options(const RelDesc* d, Oid userid) {
  ForeignTable* ft = GetForeignTable(d->relid);
  UserMapping* um = GetUserMapping(userid, ft->serverid);
  // Required secrets of this API.
  for (const auto& o : d->api->options) {
    if (!o.secret || !o.required) continue;
    if (!option_value(um->options, o.name.c_str()))
      ereport(ERROR, (errcode(ERRCODE_FDW_OPTION_NAME_NOT_FOUND),
                      errmsg("user mapping for server \"%s\" lacks option \"%s\"", d->server, o.name.c_str()),
                      errhint("ALTER USER MAPPING FOR CURRENT_USER SERVER %s OPTIONS (ADD %s '...');", d->server,
                              o.name.c_str())));
  }
  return um->options;
}

Config make_config(const RelDesc* d, List* user_options, Oid userid) {
  Config c;
  c.server = d->server;
  c.api = d->api->name;
  c.relname = d->relname;
  c.base_url = d->api->default_base_url;
  c.rate_limit_per_minute = d->api->default_rate_per_minute;
  c.max_concurrency = d->api->default_concurrency;
  c.user = std::to_string(userid);
  ListCell* lc;
  foreach (lc, d->options) {
    DefElem* def = static_cast<DefElem*>(lfirst(lc));
    const std::string n = def->defname;
    const char* v = strVal(def->arg);
    if (n == "base_url") c.base_url = v;
    else if (n == "shop_id") c.shop_id = v;
    else if (n == "page_size") c.page_size = std::atoi(v);
    else if (n == "batch_size") c.batch_size = std::atoi(v);
    else if (n == "rate_limit_per_minute") c.rate_limit_per_minute = std::atof(v);
    else if (n == "max_concurrency") c.max_concurrency = std::atoi(v);
    else if (n == "max_retries") c.http.max_retries = std::atoi(v);
    else if (n == "timeout_ms") c.http.timeout_ms = std::atol(v);
    else if (n == "connect_timeout_ms") c.http.connect_timeout_ms = std::atol(v);
    else if (n == "cache_ttl_ms") c.cache_ttl_ms = std::atol(v);
    else if (n == "ca_file") c.http.ca_file = v;
    else if (n == "max_response_bytes") c.http.max_response_bytes = std::strtoll(v, nullptr, 10);
  }
  foreach (lc, user_options) {
    DefElem* def = static_cast<DefElem*>(lfirst(lc));
    c.secrets[def->defname] = strVal(def->arg);
  }
  if (c.base_url.empty())
    throw Error(sqlstate::kFdwOptionNameNotFound,
                "server \"" + c.server + "\" needs option \"base_url\" (the " + c.api + " API has no default)",
                "", "For example: ALTER SERVER " + c.server + " OPTIONS (ADD base_url 'https://host/path');");
  for (const auto& o : d->api->options)
    if (!o.secret && o.required && o.name == "shop_id" && c.shop_id.empty())
      throw Error(sqlstate::kFdwOptionNameNotFound,
                  "foreign table \"" + c.relname + "\" needs option \"shop_id\" on its server or itself", "",
                  "ALTER SERVER " + c.server + " OPTIONS (ADD shop_id '...');");
  return c;
}

char* pstrdup_nothrow(const std::string& s) {
  char* p = static_cast<char*>(palloc_extended(s.size() + 1, MCXT_ALLOC_NO_OOM));
  if (p) std::memcpy(p, s.c_str(), s.size() + 1);
  return p;
}

}  // namespace cfdw::pg
