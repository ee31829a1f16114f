// commerce_fdw engine: the column types a remote value is decoded into.
#pragma once

namespace cfdw {

// The PostgreSQL type of a declared column. The engine produces the canonical
// text input of that type; the glue hands it to the type's input function.
enum class ColType {
  Bool,         // boolean
  Int4,         // integer
  Int8,         // bigint
  Float8,       // double precision
  Numeric,      // numeric
  Text,         // text
  Date,         // date
  Timestamp,    // timestamp without time zone
  TimestampTz,  // timestamp with time zone
  Jsonb,        // jsonb
  Int8Array,    // bigint[]
  TextArray,    // text[]
};

// How a remote value is read before it becomes the column type.
enum class Decode {
  Plain,         // by the type's usual rules (numbers as strings accepted, Y/N and 1/0 flags, ...)
  EpochSeconds,  // a number or string of seconds since 1970 (timestamptz)
  MinusOneNull,  // -1 means "not tracked": NULL (and NULL is written back as -1)
  EmptyNull,     // an empty string means NULL (text)
};

const char* coltype_sql_name(ColType t);  // "bigint", "numeric", ...

}  // namespace cfdw
