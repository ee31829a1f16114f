// commerce_fdw PostgreSQL glue: a foreign table's description (its API,
// declaration and column mapping) and its resolved Config, from the option
// table's rows (options.h).
#include <algorithm>
#include <cstring>
#include <string>
#include <string_view>

#include "engine/run/remote_text.h"
#include "pg/boundary.h"
#include "pg/glue.h"
#include "pg/options.h"

namespace cfdw::pg {

namespace {

// Whether the API declares an option of this name.
bool declares(const Api& api, const std::string& name) {
  for (const auto& o : api.options)
    if (o.name == name) return true;
  return false;
}

}  // namespace

RelDesc* describe_relation_oid(Oid relid) {
  // The declarations resolve (the unit tests check it); a build where they do
  // not serves no table.
  if (!declaration_problems().empty())
    ereport(ERROR, (errcode(ERRCODE_INTERNAL_ERROR),
                    errmsg("commerce_fdw's API declarations do not resolve: %s", declaration_problems().front().c_str())));
  ForeignTable* ft = GetForeignTable(relid);
  ForeignServer* server = GetForeignServer(ft->serverid);
  RelDesc* d = static_cast<RelDesc*>(palloc0(sizeof(RelDesc)));
  d->relid = relid;
  d->relname = get_rel_name(relid);
  d->server = server->servername;
  d->serverid = server->serverid;
  // A table created before server-only options were refused on tables may
  // still carry one: it is not used, and the table fails until it is dropped.
  {
    ListCell* lc;
    foreach (lc, ft->options) {
      DefElem* def = static_cast<DefElem*>(lfirst(lc));
      const OptionDef* o = find_option(def->defname);
      if (o && o->server_only)
        ereport(ERROR, (errcode(ERRCODE_FDW_INVALID_OPTION_NAME),
                        errmsg("foreign table \"%s\" has option \"%s\", which only a server may have",
                               get_rel_name(relid), def->defname),
                        errhint("ALTER FOREIGN TABLE %s OPTIONS (DROP %s);",
                                quote_identifier(get_rel_name(relid)), def->defname)));
    }
  }
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
  // palloc'd, as everything alive across the ereport below.
  const char* prefix = psprintf("%s_", d->api->name.c_str());
  const size_t prefix_len = std::strlen(prefix);
  char* res = nullptr;
  if (!resource) {
    if (std::strncmp(d->relname, prefix, prefix_len) == 0) res = pstrdup(d->relname + prefix_len);
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
                                    prefix),
                    errhint("Valid resources are: %s", names.data)));
  }
  return d;
}

RelDesc* describe_relation(Relation rel) {
  RelDesc* d = describe_relation_oid(RelationGetRelid(rel));
  TupleDesc td = RelationGetDescr(rel);
  d->natts = td->natts;
  d->column_of = static_cast<int*>(palloc(sizeof(int) * std::max(1, td->natts)));
  d->constant_of = static_cast<const char**>(palloc0(sizeof(char*) * std::max(1, td->natts)));
  for (int i = 0; i < td->natts; ++i) {
    Form_pg_attribute att = TupleDescAttr(td, i);
    d->column_of[i] = -1;
    if (att->attisdropped) continue;
    const char* attname = NameStr(att->attname);
    // A column with OPTIONS (constant '...') is no remote column: every row
    // holds that value (which account a row came from, in a partitioned table).
    if (const char* k = option_value(GetForeignColumnOptions(d->relid, AttrNumber(i + 1)), "constant")) {
      d->constant_of[i] = k;
      continue;
    }
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

Config make_config(const RelDesc* d, List* user_options, Oid userid, Oid umid) {
  Config c;
  c.server = d->server;
  c.server_id = d->serverid;
  c.user_mapping_id = umid;
  c.api = d->api->name;
  c.relname = d->relname;
  c.base_url = d->api->default_base_url;
  c.rate_limit_per_minute = d->api->default_rate_per_minute;
  c.max_concurrency = d->api->default_concurrency;
  c.max_requests = d->api->default_max_requests;
  c.user = std::to_string(userid);
  // A wait the API imposes that would outlast the statement fails at once.
  c.http.statement_timeout_ms = StatementTimeout;
  c.http.max_retry_after_ms = StatementTimeout > 0 ? double(StatementTimeout) : 300000.0;
  // Each option of the server, then of the table (the table's win): a common
  // one to its Config field, one the API declares to Config::options.
  ListCell* lc;
  foreach (lc, d->options) {
    DefElem* def = static_cast<DefElem*>(lfirst(lc));
    const OptionDef* o = find_option(def->defname);
    if (!o || o->secret()) continue;
    if (o->to_config)
      o->to_config(c, strVal(def->arg));
    else if (declares(*d->api, o->name))
      c.options[o->name] = strVal(def->arg);
  }
  foreach (lc, user_options) {
    DefElem* def = static_cast<DefElem*>(lfirst(lc));
    c.secrets[def->defname] = strVal(def->arg);
  }
  // Values stored before control characters were refused are not sent either.
  foreach (lc, d->options) {
    DefElem* def = static_cast<DefElem*>(lfirst(lc));
    if (control_char_at(strVal(def->arg)) != std::string_view::npos)
      throw Error(sqlstate::kFdwInvalidAttributeValue,
                  "option \"" + std::string(def->defname) + "\" of foreign table \"" + c.relname +
                      "\" or its server contains a control character");
  }
  for (const auto& [name, value] : c.secrets)
    if (control_char_at(value) != std::string_view::npos)
      throw Error(sqlstate::kFdwInvalidAttributeValue, "option \"" + name + "\" of the user mapping for server \"" +
                                                           c.server + "\" contains a control character");
  if (c.base_url.empty())
    throw Error(sqlstate::kFdwOptionNameNotFound,
                "server \"" + c.server + "\" needs option \"base_url\" (the " + c.api + " API has no default)",
                "", "For example: ALTER SERVER " + cfdw::quote_ident(c.server) + " OPTIONS (ADD base_url 'https://host/path');");
  for (const auto& o : d->api->options)
    if (!o.secret() && o.required && c.options.count(o.name) == 0)
      throw Error(sqlstate::kFdwOptionNameNotFound,
                  "foreign table \"" + c.relname + "\" needs option \"" + o.name + "\" on its server or itself", "",
                  "ALTER SERVER " + cfdw::quote_ident(c.server) + " OPTIONS (ADD " + cfdw::quote_ident(o.name) + " '...');");
  return c;
}

char* pstrdup_nothrow(const std::string& s) {
  char* p = static_cast<char*>(palloc_extended(s.size() + 1, MCXT_ALLOC_NO_OOM));
  if (p) std::memcpy(p, s.c_str(), s.size() + 1);
  return p;
}

}  // namespace cfdw::pg
