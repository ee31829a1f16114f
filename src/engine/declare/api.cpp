// commerce_fdw engine: API base behaviour and table lookups (see api.h, schema.h).
#include "engine/declare/api.h"

#include "engine/run/session.h"

namespace cfdw {

const char* kind_sql(WriteKind k) {
  switch (k) {
    case WriteKind::Insert: return "INSERT";
    case WriteKind::Update: return "UPDATE";
    case WriteKind::Delete: return "DELETE";
  }
  return "?";
}

const char* op_sql(Op op) {
  switch (op) {
    case kEq: return "=";
    case kIn: return "IN";
    case kLt: return "<";
    case kLe: return "<=";
    case kGt: return ">";
    case kGe: return ">=";
    case kLike: return "LIKE";
    case kILike: return "ILIKE";
    case kContains: return "@>";
  }
  return "?";
}

int Table::column_index(const std::string& col) const {
  for (size_t i = 0; i < columns.size(); ++i)
    if (columns[i].name == col) return int(i);
  return -1;
}

const Column* Table::column(const std::string& col) const {
  const int i = column_index(col);
  return i < 0 ? nullptr : &columns[i];
}

const Table* Api::table(const std::string& resource) const {
  for (const auto& t : tables)
    if (t.name == resource) return &t;
  return nullptr;
}

void Api::authenticate(Session&, HttpRequest&) const {}

std::string Api::error_message(const HttpResponse& resp) const {
  // Common shapes: {"message"}, {"error":"..."}, {"error":{"message"}}, {"Message"}.
  json::Doc doc;
  std::string why;
  if (resp.body.empty() || !doc.parse(resp.body, &why)) return std::string();
  const json::Value& root = doc.root();
  for (const char* path : {"error.message", "message", "Message", "error"}) {
    const json::Value* v = root.get(path);
    if (v && v->kind() == json::Kind::String) return json::text(*v);
  }
  return std::string();
}

bool Api::application_error(const json::Value&, std::string*) const { return false; }

long Api::application_error_status(const json::Value&) const { return 0; }

std::string Api::error_detail(const json::Value&) const { return std::string(); }

bool Api::is_expired_login(long, const std::string&) const { return false; }

bool Api::is_not_found(long status, const std::string&) const { return status == 404; }

void Api::forget_login(Session& session) const { session.login_state().clear(); }

bool Api::status_note(long, const ApiRequest&, const Config&, StatusNote*) const { return false; }

}  // namespace cfdw
