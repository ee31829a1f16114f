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

// How a value is formatted between PostgreSQL and an API — one enum for the
// three places a format applies, each value saying where it means something
// (elsewhere it acts as Plain):
//   value: a condition value rendered into a path or query string
//          (Binding::format, format_value);
//   read:  a remote value decoded into a column (Column::decode, json::decode);
//   write: a column value written into a request body (Column::write_format,
//          BodyField::format, json::encode).
enum class Format {
  Plain,          // all: the usual rules (PostgreSQL's text as is; JSON numbers, booleans and strings;
                  // reading accepts numbers as strings, Y/N and 1/0 flags, ...)
  String,         // write: every scalar as a JSON string (APIs that take numbers as strings)
  BoolTrueFalse,  // value: a boolean as true/false
  BoolYN,         // value, write: a boolean as Y/N
  Bool10,         // write: a boolean as 1/0
  Date,           // value: a date or timestamp as YYYY-MM-DD
  IsoSeconds,     // value: a timestamp(tz) as YYYY-MM-DDTHH:MM:SS (UTC)
  // value: bounds on a date column that the remote compares with date-times in
  // its own time zone: a date widens by a day, to the first second of the day
  // before (lower bound) or the last second of the day after (upper bound), so
  // no zone offset makes the remote return less. Timestamps as IsoSeconds.
  IsoDayBefore,
  IsoDayAfter,
  // value: the same widening for an API that takes dates only (YYYY-MM-DD): a
  // bound on a timestamp column becomes the day before (lower) or after (upper).
  DateDayBefore,
  DateDayAfter,
  EpochSeconds,   // all: a timestamp as integer seconds since 1970 (read: a number or string of them)
  MinusOneNull,   // read, write: -1 means "not tracked": NULL (and NULL is written back as -1)
  EmptyNull,      // read: an empty string means NULL (text)
  LikeCore,       // value: a LIKE/ILIKE pattern reduced to its longest literal run
};

const char* coltype_sql_name(ColType t);  // "bigint", "numeric", ...

}  // namespace cfdw
