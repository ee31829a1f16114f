// commerce_fdw PostgreSQL glue: the validator — checks the options of CREATE/
// ALTER SERVER, USER MAPPING, FOREIGN TABLE and a column against the option
// table (options.h).
#include <string>
#include <string_view>

#include "pg/boundary.h"
#include "pg/glue.h"
#include "pg/options.h"

namespace cfdw::pg {

namespace {

unsigned place_of(Oid catalog) {
  if (catalog == ForeignServerRelationId) return kOnServer;
  if (catalog == ForeignTableRelationId) return kOnTable;
  if (catalog == UserMappingRelationId) return kOnMapping;
  if (catalog == AttributeRelationId) return kOnColumn;
  return 0;
}

// Why `value` of option `name` is refused at `place`, or false. C++ only.
bool refuse(const char* name, const char* value, unsigned place, OptionProblem* p) {
  const OptionDef* o = find_option(name);
  const bool secret = o && (o->kind == OptionKind::Secret || o->kind == OptionKind::SecretFile);
  if (secret && place != kOnMapping) {
    p->message = "option \"" + std::string(name) + "\" is a secret and belongs in a user mapping";
    p->hint = "Use CREATE USER MAPPING ... OPTIONS (" + std::string(name) + " '...').";
    p->sqlstate = "HV00D";
    return true;
  }
  if (o && o->server_only && place == kOnTable) {
    p->message = "invalid option \"" + std::string(name) + "\"";
    p->hint = "\"" + std::string(name) +
              "\" is a server option: it decides where requests and credentials go, so only the server's "
              "owner sets it (ALTER SERVER ... OPTIONS).";
    p->sqlstate = "HV00D";
    return true;
  }
  if (!o || !o->allowed_on(place)) {
    const std::string valid = option_names_at(place);
    p->message = "invalid option \"" + std::string(name) + "\"";
    p->hint = valid.empty() ? "There are no valid options in this context."
                            : "Valid options in this context are: " + valid;
    p->sqlstate = "HV00D";
    return true;
  }
  if (const size_t at = control_char_at(value); at != std::string_view::npos) {
    // Never echo the value: it may be a secret.
    p->message = "invalid value for option \"" + std::string(name) + "\": it contains a control character";
    if (!o->secret()) {
      const unsigned char byte = static_cast<unsigned char>(value[at]);
      const char* hex = "0123456789ABCDEF";
      p->detail = std::string("Byte 0x") + hex[byte >> 4] + hex[byte & 15] + " at offset " + std::to_string(at) + ".";
    }
    p->hint = "Control characters (bytes 0x00-0x1F and 0x7F) are refused in every option value.";
    return true;
  }
  return !check_option_value(*o, value, p);
}

}  // namespace

void validate_options(List* options, Oid catalog) {
  const unsigned place = place_of(catalog);
  // Only a superuser names a secret file: the file is read by the server's
  // operating system user, so whoever names it would use whatever secrets
  // any file in commerce_fdw.secret_dir holds (as postgres_fdw keeps
  // password_required to superusers). Checked again at use (secrets.cpp).
  if (place == kOnMapping && option_value(options, kSecretFileOption) && !superuser())
    ereport(ERROR, (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
                    errmsg("only a superuser may set option \"%s\" of a user mapping", kSecretFileOption),
                    errdetail("A secret file is read by the database server's operating system user."),
                    errhint("Ask a superuser to create the user mapping, or give the secrets inline.")));
  ListCell* lc;
  foreach (lc, options) {
    DefElem* def = static_cast<DefElem*>(lfirst(lc));
    const char* name = def->defname;
    const char* value = defGetString(def);
    // The texts are built in C++ and copied to palloc'd memory; every C++
    // object is gone before ereport.
    char* message = nullptr;
    char* hint = nullptr;
    char* detail = nullptr;
    char state[6] = "HV024";
    guarded_or_raise([&] {
      OptionProblem p;
      if (!refuse(name, value, place, &p)) return;
      message = pstrdup_nothrow(p.message);
      hint = pstrdup_nothrow(p.hint);
      detail = pstrdup_nothrow(p.detail);
      if (!message || !hint || !detail) throw std::bad_alloc();
      std::memcpy(state, p.sqlstate, 5);
    });
    if (message)
      ereport(ERROR, (errcode(MAKE_SQLSTATE(state[0], state[1], state[2], state[3], state[4])), errmsg("%s", message),
                      *detail ? errdetail("%s", detail) : 0, *hint ? errhint("%s", hint) : 0));
  }
  // A mapping takes its secrets from a file or inline, not both: which one
  // wins would be a surprise either way.
  if (place == kOnMapping && option_value(options, kSecretFileOption) && list_length(options) > 1)
    ereport(ERROR, (errcode(ERRCODE_FDW_INVALID_OPTION_NAME),
                    errmsg("a user mapping with option \"secret\" takes no other options"),
                    errhint("Put every secret option in the secret file, one key=value a line, or give them inline "
                            "without \"secret\".")));
  if (place == kOnServer && !option_value(options, "api")) {
    // "Use OPTIONS (api '...') with one of: glance, extend, gcommerce, glocher."
    char* hint = nullptr;
    guarded_or_raise([&] {
      const std::vector<std::string> names = api_names();
      std::string h = "Use OPTIONS (api '...') with one of: ";
      for (size_t i = 0; i < names.size(); ++i) h += (i ? ", " : "") + names[i];
      hint = pstrdup_nothrow(h + ".");
      if (!hint) throw std::bad_alloc();
    });
    ereport(ERROR, (errcode(ERRCODE_FDW_OPTION_NAME_NOT_FOUND), errmsg("option \"api\" is required"),
                    errhint("%s", hint)));
  }
}

}  // namespace cfdw::pg
