// commerce_fdw engine: column types (see types.h).
#include "engine/json/types.h"

namespace cfdw {

const char* coltype_sql_name(ColType t) {
  switch (t) {
    case ColType::Bool: return "boolean";
    case ColType::Int4: return "integer";
    case ColType::Int8: return "bigint";
    case ColType::Float8: return "double precision";
    case ColType::Numeric: return "numeric";
    case ColType::Text: return "text";
    case ColType::Date: return "date";
    case ColType::Timestamp: return "timestamp without time zone";
    case ColType::TimestampTz: return "timestamp with time zone";
    case ColType::Jsonb: return "jsonb";
    case ColType::Int8Array: return "bigint[]";
    case ColType::TextArray: return "text[]";
  }
  return "unknown";
}

}  // namespace cfdw
