// commerce_fdw PostgreSQL glue: the option table and option validation.
//
// Every option is one OptionDef row (engine/api.h): the common ones in
// option_table.cpp, an API's own in its declaration (Api::options). The
// validator (options.cpp), its hints and the resolved Config (relation.cpp)
// all read these rows, so a new common option is one row.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/declare/api.h"
#include "pg/pg.h"

namespace cfdw::pg {

// The common options, in the order hints list them.
const std::vector<OptionDef>& common_options();
// The row of `name`: a common option, or one some API declares (secrets
// included); nullptr when there is none.
const OptionDef* find_option(const char* name);
// The names valid at a place (OptionPlace), as hints list them: the APIs'
// own options (sorted), then the common ones. "" when there are none.
std::string option_names_at(unsigned place);
// Every secret any API declares, sorted and comma-separated.
std::string secret_names();
// The registered APIs' names, in registry order.
std::vector<std::string> api_names();

// Why a value is refused: message, hint, detail and SQLSTATE (5 characters).
struct OptionProblem {
  std::string message, hint, detail;
  const char* sqlstate = "HV024";
};
// Checks a value against its row's kind (not the control characters, which
// are refused in every option: see control_char_at). False with *p set when
// the value is refused. C++ only.
bool check_option_value(const OptionDef& o, const std::string& value, OptionProblem* p);

// The offset of the first control character (a byte below 0x20, or 0x7F) in
// s, or npos. Such a byte in a header value would end the header and start
// another one; none has a place in any option.
size_t control_char_at(std::string_view s);
// A secret file name: [A-Za-z0-9_-]+ (no path, no dot files), at most 200 bytes.
bool valid_secret_name(const char* name);
// The user-mapping option naming a file of secrets in commerce_fdw.secret_dir.
constexpr const char* kSecretFileOption = "secret";

// The value of `name` in a DefElem list (the first), or nullptr.
const char* option_value(List* options, const char* name);

// The validator: checks one object's options; raises a PostgreSQL error
// (never inside C++ frames).
void validate_options(List* options, Oid catalog);

}  // namespace cfdw::pg
