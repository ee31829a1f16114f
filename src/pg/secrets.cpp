// commerce_fdw PostgreSQL glue: a user mapping's secrets — inline, or read
// from a file in commerce_fdw.secret_dir — and the check for the required ones.
#include <cstring>
#include <string>

#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pg/boundary.h"
#include "pg/glue.h"
#include "pg/ops.h"
#include "pg/options.h"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
extern "C" {
#include "storage/fd.h"
}
#pragma GCC diagnostic pop

namespace cfdw::pg {

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
      for (const auto& o : a->options) known |= o.secret() && o.name == line;
    if (!known) {
      char* valid = nullptr;
      if (!guarded([&] {
            valid = pstrdup_nothrow(secret_names());
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

List* user_mapping_options(const RelDesc* d, Oid userid, Oid* umid) {
  ForeignTable* ft = GetForeignTable(d->relid);
  UserMapping* um = GetUserMapping(userid, ft->serverid);
  if (umid) *umid = um->umid;
  if (const char* file = option_value(um->options, kSecretFileOption)) um->options = read_secret_file(file, d->server);
  // Required secrets of this API.
  for (const auto& o : d->api->options) {
    if (!o.secret() || !o.required) continue;
    if (!option_value(um->options, o.name.c_str()))
      ereport(ERROR, (errcode(ERRCODE_FDW_OPTION_NAME_NOT_FOUND),
                      errmsg("user mapping for server \"%s\" lacks option \"%s\"", d->server, o.name.c_str()),
                      errhint("ALTER USER MAPPING FOR CURRENT_USER SERVER %s OPTIONS (ADD %s '...');", d->server,
                              o.name.c_str())));
  }
  return um->options;
}

}  // namespace cfdw::pg
