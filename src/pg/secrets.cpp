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
#include "mb/pg_wchar.h"
#include "storage/fd.h"
}
#pragma GCC diagnostic pop

namespace cfdw::pg {

// The server's operating system user, for hints.
static const char* owner_name() {
  const struct passwd* pw = getpwuid(geteuid());
  return pw ? pw->pw_name : "postgres";
}

// Why a secret file cannot be used. A superuser sees the reason (with the
// path); any other role sees only that the mapping's secret file cannot be
// used — neither the directory nor whether the file exists (the SQLSTATE is
// the same for every reason) — and the reason goes to the server log only.
// Never echoes a line of the file.
[[noreturn]] static void secret_file_error(const char* server, int sqlerrcode, const char* message,
                                           const char* detail = nullptr, const char* hint = nullptr) {
  if (!superuser()) {
    ereport(LOG_SERVER_ONLY, (errcode(sqlerrcode), errmsg_internal("%s", message),
                              detail ? errdetail_internal("%s", detail) : 0));
    ereport(ERROR, (errcode(ERRCODE_CONFIG_FILE_ERROR),
                    errmsg("the secret file of the user mapping for server \"%s\" cannot be used", server),
                    errhint("A superuser finds the reason in the server log.")));
  }
  ereport(ERROR, (errcode(sqlerrcode), errmsg_internal("%s", message), detail ? errdetail_internal("%s", detail) : 0,
                  hint ? errhint("%s", hint) : 0));
  pg_unreachable();
}

// Opens the secret file without following a link or waiting for a writer,
// and checks that it is a regular file of the server's OS user, 0600 or
// less, of at most 64kB. Raises otherwise.
static int open_secret_file(const char* path, const char* server) {
  const int fd = OpenTransientFile(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | PG_BINARY);
  if (fd < 0) {
    const int e = errno;
    secret_file_error(server,
                      e == ENOENT ? ERRCODE_UNDEFINED_FILE
                      : e == EACCES || e == EPERM ? ERRCODE_INSUFFICIENT_PRIVILEGE
                                                  : ERRCODE_CONFIG_FILE_ERROR,
                      psprintf("could not open secret file \"%s\" for server \"%s\": %s", path, server,
                               e == ELOOP ? "it is a symbolic link" : strerror(e)),
                      e == ELOOP ? "Secret files are opened without following links." : nullptr);
  }
  struct stat st;
  if (fstat(fd, &st) != 0) {
    const int e = errno;
    CloseTransientFile(fd);
    secret_file_error(server, ERRCODE_CONFIG_FILE_ERROR,
                      psprintf("could not stat secret file \"%s\": %s", path, strerror(e)));
  }
  if (!S_ISREG(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    CloseTransientFile(fd);
    secret_file_error(
        server, ERRCODE_CONFIG_FILE_ERROR,
        !S_ISREG(st.st_mode) ? psprintf("secret file \"%s\" is not a regular file", path)
        : st.st_uid != geteuid()
            ? psprintf("secret file \"%s\" does not belong to the database server's operating system user", path)
            : psprintf("secret file \"%s\" has group or world access", path),
        !S_ISREG(st.st_mode)
            ? "A secret file must be a regular file: it is read without following a link or waiting for a writer."
            : "A secret file must be owned by the user the server runs as and have permissions u=rw (0600) or less.",
        S_ISREG(st.st_mode) ? psprintf("chown %s %s; chmod 600 %s", owner_name(), path, path) : nullptr);
  }
  if (st.st_size > 65536) {
    CloseTransientFile(fd);
    secret_file_error(server, ERRCODE_CONFIG_FILE_ERROR, psprintf("secret file \"%s\" is too large", path));
  }
  return fd;
}

// The whole file (closed on the way out, also on error).
static StringInfoData read_secret_text(int fd, const char* path, const char* server) {
  StringInfoData text;
  initStringInfo(&text);
  char buf[4096];
  for (;;) {
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0) {
      const int e = errno;
      CloseTransientFile(fd);
      secret_file_error(server, ERRCODE_CONFIG_FILE_ERROR,
                        psprintf("could not read secret file \"%s\": %s", path, strerror(e)));
    }
    if (n == 0) break;
    appendBinaryStringInfo(&text, buf, int(n));
    if (text.len > 65536) {
      CloseTransientFile(fd);
      secret_file_error(server, ERRCODE_CONFIG_FILE_ERROR, psprintf("secret file \"%s\" is too large", path));
    }
  }
  CloseTransientFile(fd);
  return text;
}

// NUL bytes and invalid UTF-8 anywhere are refused (a NUL would cut a value
// short without a word), named by line only.
static void check_secret_text(const StringInfoData& text, const char* path, const char* server) {
  int lineno = 1;
  const char* start = text.data;
  for (int i = 0; i <= text.len; ++i) {
    if (i < text.len && text.data[i] != '\n' && text.data[i] != '\0') continue;
    if (i < text.len && text.data[i] == '\0')
      secret_file_error(server, ERRCODE_CONFIG_FILE_ERROR,
                        psprintf("line %d of secret file \"%s\" contains a NUL byte", lineno, path));
    const char* end = text.data + i;
    if (!pg_verify_mbstr(PG_UTF8, start, int(end - start), true))  // PostgreSQL's own UTF-8 check
      secret_file_error(server, ERRCODE_CONFIG_FILE_ERROR,
                        psprintf("line %d of secret file \"%s\" is not valid UTF-8", lineno, path));
    ++lineno;
    start = end + 1;
  }
}

// The key=value lines ('#' comments and blank lines skipped), each a known
// secret option given once with a printable value.
static List* parse_secret_lines(StringInfoData text, const char* path, const char* server) {
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
      secret_file_error(server, ERRCODE_CONFIG_FILE_ERROR,
                        psprintf("line %d of secret file \"%s\" is not key=value", lineno, path));
    char* key_end = eq;
    while (key_end > line && (key_end[-1] == ' ' || key_end[-1] == '\t')) --key_end;
    *key_end = '\0';
    const char* value = eq + 1;
    bool known = false;
    for (const Api* a : all_apis())
      for (const auto& o : a->options) known |= o.secret() && o.name == line;
    if (!known) {
      // The text before "=" is not echoed: it may be a secret with "=" in it.
      char* valid = nullptr;
      guarded_or_raise([&] {
        valid = pstrdup_nothrow(secret_names());
        if (!valid) throw std::bad_alloc();
      });
      secret_file_error(server, ERRCODE_FDW_INVALID_OPTION_NAME,
                        psprintf("line %d of secret file \"%s\" names no valid option", lineno, path), nullptr,
                        psprintf("Valid options in a secret file are: %s", valid));
    }
    if (option_value(options, line))
      secret_file_error(server, ERRCODE_FDW_INVALID_OPTION_NAME,
                        psprintf("option \"%s\" appears twice in secret file \"%s\"", line, path));
    const bool control = control_char_at(value) != std::string_view::npos;
    if (!*value || control)
      secret_file_error(server, ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE,
                        psprintf("option \"%s\" on line %d of secret file \"%s\" is %s", line, lineno, path,
                                 *value ? "not printable text" : "empty"));
    options = lappend(options, makeDefElem(pstrdup(line), reinterpret_cast<Node*>(makeString(pstrdup(value))), -1));
    line = next;
  }
  return options;
}

// The secret options of a mapping with OPTIONS (secret 'name'): read from
// <commerce_fdw.secret_dir>/<name>, one key=value a line ('#' comments and
// blank lines skipped). The file must be a regular file of the server's OS
// user, unreadable to group and others (as PostgreSQL wants of its SSL key);
// it is opened without following a link and without blocking, so a FIFO, a
// device or a directory is refused at once. Errors never show a line of the
// file, only its number and a known key.
static List* read_secret_file(const char* name, const char* server) {
  const char* dir = secret_dir();
  if (!*dir)
    ereport(ERROR, (errcode(ERRCODE_CONFIG_FILE_ERROR),
                    errmsg("the user mapping for server \"%s\" names secret file \"%s\", but "
                           "commerce_fdw.secret_dir is not set", server, name),
                    errhint("Set commerce_fdw.secret_dir in postgresql.conf to the directory of the secret files, "
                            "then reload the configuration.")));
  if (!valid_secret_name(name))
    secret_file_error(server, ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE,
                      psprintf("invalid secret file name \"%s\" in the user mapping for server \"%s\"", name, server));
  char* path = psprintf("%s/%s", dir, name);
  const int fd = open_secret_file(path, server);
  StringInfoData text = read_secret_text(fd, path, server);
  check_secret_text(text, path, server);
  return parse_secret_lines(text, path, server);
}

List* user_mapping_options(const RelDesc* d, Oid userid, Oid* umid) {
  ForeignTable* ft = GetForeignTable(d->relid);
  UserMapping* um = GetUserMapping(userid, ft->serverid);
  if (umid) *umid = um->umid;
  if (const char* file = option_value(um->options, kSecretFileOption)) {
    // Only a superuser sets "secret" (the validator); and only a server a
    // superuser owns sends a file's secrets anywhere: the owner of a server
    // decides its base_url. This also stops a mapping stored before 1.2, when
    // any role could name a file, on a server its own role owns.
    if (!superuser_arg(GetForeignServer(ft->serverid)->owner))
      ereport(ERROR, (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
                      errmsg("the user mapping for server \"%s\" names a secret file, but the server's owner is "
                             "not a superuser", d->server),
                      errdetail("A secret file's secrets go only to servers owned by a superuser, who alone decides "
                                "their base_url."),
                      errhint("A superuser can take the server over (ALTER SERVER %s OWNER TO ...) or give the "
                              "secrets inline.", quote_identifier(d->server))));
    um->options = read_secret_file(file, d->server);
  }
  // Required secrets of this API.
  for (const auto& o : d->api->options) {
    if (!o.secret() || !o.required) continue;
    if (!option_value(um->options, o.name.c_str()))
      ereport(ERROR, (errcode(ERRCODE_FDW_OPTION_NAME_NOT_FOUND),
                      errmsg("user mapping for server \"%s\" lacks option \"%s\"", d->server, o.name.c_str()),
                      errhint("ALTER USER MAPPING FOR CURRENT_USER SERVER %s OPTIONS (ADD %s '...');",
                              quote_identifier(d->server), quote_identifier(o.name.c_str()))));
  }
  return um->options;
}

}  // namespace cfdw::pg
