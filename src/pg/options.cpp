// commerce_fdw PostgreSQL glue: options — validation (CREATE/ALTER SERVER,
// USER MAPPING, FOREIGN TABLE) and resolution into the engine's Config.
#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <set>

#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>
#include <string>
#include <string_view>

#include "apis/apis.h"
#include "engine/url.h"
#include "pg/boundary.h"
#include "pg/glue.h"
#include "pg/ops.h"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
extern "C" {
#include "storage/fd.h"
}
#pragma GCC diagnostic pop

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
    {"base_url", true, false},
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
};

bool is_integer_option(const std::string& n) {
  return n == "page_size" || n == "batch_size" || n == "max_concurrency" || n == "max_retries" ||
         n == "timeout_ms" || n == "connect_timeout_ms" || n == "cache_ttl_ms" || n == "rate_limit_per_minute";
}

// Options that decide where a request and its credentials go: only the
// server's owner sets them (a table's owner is not the server's owner, and a
// table option would send the server's shared credentials anywhere).
bool is_server_only(const std::string& n) { return n == "api" || n == "base_url" || n == "ca_file"; }

// The offset of the first control character (a byte below 0x20, or 0x7F) in
// s, or npos. Such a byte in a header value would end the header and start
// another one; none has a place in any option.
size_t control_char_at(std::string_view s) {
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char b = static_cast<unsigned char>(s[i]);
    if (b < 0x20 || b == 0x7F) return i;
  }
  return std::string_view::npos;
}

// A remote id such as shop_id: a whole number, 1 or more, written without
// leading zeros (it also goes into JSON bodies as a number).
bool is_id_option(const std::string& n) { return n == "shop_id"; }

// The user-mapping option naming a file of secrets in commerce_fdw.secret_dir.
constexpr const char* kSecretFileOption = "secret";

// A secret file name: [A-Za-z0-9_-]+ (no path, no dot files).
bool valid_secret_name(const char* name) {
  if (!*name || std::strlen(name) > 200) return false;
  for (const char* p = name; *p; ++p)
    if (!std::isalnum(static_cast<unsigned char>(*p)) && *p != '_' && *p != '-') return false;
  return true;
}

// Every secret any API takes (a user mapping does not know its server's API
// when validated, so it accepts any of them; use checks the API's own).
std::set<std::string> all_secrets() {
  std::set<std::string> s;
  for (const Api* a : all_apis())
    for (const auto& o : a->options)
      if (o.secret) s.insert(o.name);
  return s;
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
    char* errdetail_text = nullptr;
    const char* state = "HV00D";
    ok = guarded([&] {
      std::string err, hnt, valid, detail;
      std::set<std::string> secrets = all_secrets();
      bool known = false, here = false;
      for (const auto& c : kCommon) {
        if (std::string(name) == c.name) {
          known = true;
          here = (is_server && c.server) || (is_table && c.table);
        }
        if ((is_server && c.server) || (is_table && c.table)) valid += std::string(valid.empty() ? "" : ", ") + c.name;
      }
      const std::vector<std::string>* allowed = nullptr;
      for (const Api* a : all_apis())
        for (const auto& o : a->options)
          if (!o.secret && std::string(name) == o.name) {
            known = true;
            here = is_server || is_table;
            if (!o.values.empty()) allowed = &o.values;
          }
      if (is_mapping) {
        valid.clear();
        for (const auto& s : secrets) valid += std::string(valid.empty() ? "" : ", ") + s;
        valid += ", " + std::string(kSecretFileOption);
        known = here = secrets.count(name) > 0 || std::strcmp(name, kSecretFileOption) == 0;
      }
      const bool secret = secrets.count(name) > 0;
      const bool secret_file = std::strcmp(name, kSecretFileOption) == 0;
      size_t bad_byte = std::string_view::npos;
      if (!is_mapping && (secret || secret_file)) {
        err = "option \"" + std::string(name) + "\" is a secret and belongs in a user mapping";
        hnt = "Use CREATE USER MAPPING ... OPTIONS (" + std::string(name) + " '...').";
      } else if (is_table && is_server_only(name)) {
        err = "invalid option \"" + std::string(name) + "\"";
        hnt = "\"" + std::string(name) +
              "\" is a server option: it decides where requests and credentials go, so only the server's "
              "owner sets it (ALTER SERVER ... OPTIONS).";
      } else if (!known || !here) {
        err = "invalid option \"" + std::string(name) + "\"";
        hnt = valid.empty() ? "There are no valid options in this context."
                            : "Valid options in this context are: " + valid;
      } else if ((bad_byte = control_char_at(value)) != std::string_view::npos) {
        // Never echo the value: it may be a secret.
        err = "invalid value for option \"" + std::string(name) + "\": it contains a control character";
        if (!secret) {
          const unsigned char byte = static_cast<unsigned char>(value[bad_byte]);
          const char* hex = "0123456789ABCDEF";
          detail = std::string("Byte 0x") + hex[byte >> 4] + hex[byte & 15] + " at offset " +
                   std::to_string(bad_byte) + ".";
        }
        hnt = "Control characters (bytes 0x00-0x1F and 0x7F) are refused in every option value.";
        state = "HV024";
      } else if (secret && !*value) {
        err = "invalid value for option \"" + std::string(name) + "\": it is empty";
        hnt = "Set the credential the API expects.";
        state = "HV024";
      } else if (secret_file) {
        if (!valid_secret_name(value)) {
          err = "invalid value for option \"secret\": \"" + std::string(value) + "\"";
          hnt = "A secret file name consists of letters, digits, \"_\" and \"-\" only.";
          state = "HV024";
        }
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
      } else if (allowed && std::find(allowed->begin(), allowed->end(), std::string(value)) == allowed->end()) {
        err = "invalid value for option \"" + std::string(name) + "\": \"" + std::string(value) + "\"";
        hnt = "Valid values are: ";
        for (size_t k = 0; k < allowed->size(); ++k) hnt += (k ? ", " : "") + (*allowed)[k];
        hnt += ".";
        state = "HV024";
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
        errdetail_text = pstrdup_nothrow(detail);
        if (!error) throw std::bad_alloc();
      }
    });
    if (!ok) raise_captured();
    if (error)
      ereport(ERROR, (errcode(MAKE_SQLSTATE(state[0], state[1], state[2], state[3], state[4])), errmsg("%s", error),
                      errdetail_text && *errdetail_text ? errdetail("%s", errdetail_text) : 0,
                      hint && *hint ? errhint("%s", hint) : 0));
  }
  // A mapping takes its secrets from a file or inline, not both: which one
  // wins would be a surprise either way.
  if (is_mapping && option_value(options, kSecretFileOption) && list_length(options) > 1)
    ereport(ERROR, (errcode(ERRCODE_FDW_INVALID_OPTION_NAME),
                    errmsg("a user mapping with option \"secret\" takes no other options"),
                    errhint("Put every secret option in the secret file, one key=value a line, or give them inline "
                            "without \"secret\".")));
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
  // A table created before server-only options were refused on tables may
  // still carry one: it is not used, and the table fails until it is dropped.
  {
    ListCell* lc;
    foreach (lc, ft->options) {
      DefElem* def = static_cast<DefElem*>(lfirst(lc));
      if (is_server_only(def->defname))
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

// The server's operating system user, for hints.
static const char* owner_name() {
  const struct passwd* pw = getpwuid(geteuid());
  return pw ? pw->pw_name : "postgres";
}

// The secret options of a mapping with OPTIONS (secret 'name'): read from
// <commerce_fdw.secret_dir>/<name>, one key=value a line ('#' comments and
// blank lines skipped). The file must be a regular file of the server's OS
// user, unreadable to group and others (as PostgreSQL wants of its SSL key).
// Errors never show a value from the file.
static List* read_secret_file(const char* name, const char* server) {
  const char* dir = secret_dir();
  if (!*dir)
    ereport(ERROR, (errcode(ERRCODE_CONFIG_FILE_ERROR),
                    errmsg("the user mapping for server \"%s\" names secret file \"%s\", but "
                           "commerce_fdw.secret_dir is not set", server, name),
                    errhint("Set commerce_fdw.secret_dir in postgresql.conf to the directory of the secret files, "
                            "then reload the configuration.")));
  if (!valid_secret_name(name))
    ereport(ERROR, (errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
                    errmsg("invalid secret file name \"%s\" in the user mapping for server \"%s\"", name, server)));
  char* path = psprintf("%s/%s", dir, name);
  const int fd = OpenTransientFile(path, O_RDONLY | PG_BINARY);
  if (fd < 0)
    ereport(ERROR, (errcode_for_file_access(),
                    errmsg("could not open secret file \"%s\" for server \"%s\": %m", path, server)));
  struct stat st;
  if (fstat(fd, &st) != 0) {
    const int e = errno;
    CloseTransientFile(fd);
    errno = e;
    ereport(ERROR, (errcode_for_file_access(), errmsg("could not stat secret file \"%s\": %m", path)));
  }
  if (!S_ISREG(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    CloseTransientFile(fd);
    ereport(ERROR, (errcode(ERRCODE_CONFIG_FILE_ERROR),
                    !S_ISREG(st.st_mode) ? errmsg("secret file \"%s\" is not a regular file", path)
                    : st.st_uid != geteuid()
                        ? errmsg("secret file \"%s\" does not belong to the database server's operating system user", path)
                        : errmsg("secret file \"%s\" has group or world access", path),
                    errdetail("A secret file must be owned by the user the server runs as and have permissions "
                              "u=rw (0600) or less."),
                    errhint("chown %s %s; chmod 600 %s", owner_name(), path, path)));
  }
  StringInfoData text;
  initStringInfo(&text);
  char buf[4096];
  for (;;) {
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0) {
      const int e = errno;
      CloseTransientFile(fd);
      errno = e;
      ereport(ERROR, (errcode_for_file_access(), errmsg("could not read secret file \"%s\": %m", path)));
    }
    if (n == 0) break;
    appendBinaryStringInfo(&text, buf, int(n));
    if (text.len > 65536) {
      CloseTransientFile(fd);
      ereport(ERROR, (errcode(ERRCODE_CONFIG_FILE_ERROR), errmsg("secret file \"%s\" is too large", path)));
    }
  }
  CloseTransientFile(fd);

  List* options = NIL;
  int lineno = 0;
  for (char* line = text.data; line && *line;) {
    char* next = std::strchr(line, '\n');
    if (next) *next++ = '\0';
    ++lineno;
    size_t len = std::strlen(line);
    if (len > 0 && line[len - 1] == '\r') line[--len] = '\0';
    while (*line == ' ' || *line == '\t') ++line;
    if (*line == '\0' || *line == '#') {
      line = next;
      continue;
    }
    char* eq = std::strchr(line, '=');
    if (!eq)
      ereport(ERROR, (errcode(ERRCODE_CONFIG_FILE_ERROR),
                      errmsg("line %d of secret file \"%s\" is not key=value", lineno, path)));
    char* key_end = eq;
    while (key_end > line && (key_end[-1] == ' ' || key_end[-1] == '\t')) --key_end;
    *key_end = '\0';
    const char* value = eq + 1;
    bool known = false;
    for (const Api* a : all_apis())
      for (const auto& o : a->options) known |= o.secret && o.name == line;
    if (!known) {
      char* valid = nullptr;
      if (!guarded([&] {
            std::string v;
            for (const auto& s : all_secrets()) v += (v.empty() ? "" : ", ") + s;
            valid = pstrdup_nothrow(v);
            if (!valid) throw std::bad_alloc();
          }))
        raise_captured();
      ereport(ERROR, (errcode(ERRCODE_FDW_INVALID_OPTION_NAME),
                      errmsg("invalid option \"%s\" on line %d of secret file \"%s\"", line, lineno, path),
                      errhint("Valid options in a secret file are: %s", valid)));
    }
    if (option_value(options, line))
      ereport(ERROR, (errcode(ERRCODE_FDW_INVALID_OPTION_NAME),
                      errmsg("option \"%s\" appears twice in secret file \"%s\"", line, path)));
    bool control = false;
    for (const char* p = value; *p; ++p) control |= static_cast<unsigned char>(*p) < 0x20 || *p == 0x7f;
    if (!*value || control)
      ereport(ERROR, (errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
                      errmsg("option \"%s\" on line %d of secret file \"%s\" is %s", line, lineno, path,
                             *value ? "not printable text" : "empty")));
    options = lappend(options, makeDefElem(pstrdup(line), reinterpret_cast<Node*>(makeString(pstrdup(value))), -1));
    line = next;
  }
  return options;
}

List* user_mapping_options(const RelDesc* d, Oid userid) {
  ForeignTable* ft = GetForeignTable(d->relid);
  UserMapping* um = GetUserMapping(userid, ft->serverid);
  if (const char* file = option_value(um->options, kSecretFileOption)) um->options = read_secret_file(file, d->server);
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
