// Unit tests: the column codec — decoding remote values into PostgreSQL input
// text, encoding column values into request bodies.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/error.h"
#include "engine/json/codec.h"
#include "engine/json/json.h"
#include "engine/json/pgtext.h"
#include "engine/json/types.h"

namespace cfdw {
namespace json {
namespace {

Doc parsed(const std::string& text) {
  Doc d;
  std::string error;
  EXPECT_TRUE(d.parse(text, &error)) << text << ": " << error;
  return d;
}

// decode() of one JSON value: the canonical text, "NULL", or "BAD: why".
std::string dec(const std::string& json, ColType type, Format how = Format::Plain) {
  Doc d = parsed(json);
  std::string out, why;
  switch (decode(&d.root(), type, how, &out, &why)) {
    case DecodeResult::Null: return "NULL";
    case DecodeResult::Ok: return out;
    case DecodeResult::Bad: return "BAD: " + why;
    case DecodeResult::Nul: return "NUL";
  }
  return "?";
}

// ---------------------------------------------------------------------------
// Decoding

TEST(JsonDecode, MissingAndNull) {
  std::string out, why;
  EXPECT_EQ(decode(nullptr, ColType::Text, Format::Plain, &out, &why), DecodeResult::Null);
  EXPECT_EQ(dec("null", ColType::Int4), "NULL");
  EXPECT_EQ(dec("null", ColType::Jsonb), "NULL");
}

TEST(JsonDecode, Bool) {
  EXPECT_EQ(dec("true", ColType::Bool), "t");
  EXPECT_EQ(dec("false", ColType::Bool), "f");
  for (const char* s : {"Y", "y", "1", "true", "t"}) EXPECT_EQ(dec(std::string("\"") + s + "\"", ColType::Bool), "t");
  for (const char* s : {"N", "n", "0", "false", "f"}) EXPECT_EQ(dec(std::string("\"") + s + "\"", ColType::Bool), "f");
  EXPECT_EQ(dec("1", ColType::Bool), "t");
  EXPECT_EQ(dec("0", ColType::Bool), "f");
  EXPECT_EQ(dec("\"\"", ColType::Bool), "NULL");
  EXPECT_EQ(dec("2", ColType::Bool), "BAD: not a boolean");
  EXPECT_EQ(dec("-1", ColType::Bool), "BAD: not a boolean");
  EXPECT_EQ(dec("\"yes\"", ColType::Bool), "BAD: not a boolean");
  EXPECT_EQ(dec("{}", ColType::Bool), "BAD: not a boolean");
}

TEST(JsonDecode, Integers) {
  EXPECT_EQ(dec("42", ColType::Int4), "42");
  EXPECT_EQ(dec("-42", ColType::Int4), "-42");
  EXPECT_EQ(dec("\"42\"", ColType::Int4), "42");
  EXPECT_EQ(dec("\"+42\"", ColType::Int4), "42");
  EXPECT_EQ(dec("\"007\"", ColType::Int4), "7");
  EXPECT_EQ(dec("\"-0\"", ColType::Int4), "0");
  EXPECT_EQ(dec("144.000", ColType::Int4), "144");
  EXPECT_EQ(dec("\"144.000\"", ColType::Int8), "144");
  EXPECT_EQ(dec("\"\"", ColType::Int4), "NULL");
  EXPECT_EQ(dec("144.5", ColType::Int4), "BAD: not an integer");
  EXPECT_EQ(dec("\"144.\"", ColType::Int4), "BAD: not an integer");
  EXPECT_EQ(dec("1e3", ColType::Int4), "BAD: not an integer");
  EXPECT_EQ(dec("\" 42\"", ColType::Int4), "BAD: not an integer");
  EXPECT_EQ(dec("\"42 \"", ColType::Int4), "BAD: not an integer");
  EXPECT_EQ(dec("\"-\"", ColType::Int4), "BAD: not an integer");
  EXPECT_EQ(dec("\"abc\"", ColType::Int8), "BAD: not an integer");
  EXPECT_EQ(dec("true", ColType::Int8), "BAD: not an integer");
  EXPECT_EQ(dec("[1]", ColType::Int8), "BAD: not an integer");
}

TEST(JsonDecode, IntegerRanges) {
  EXPECT_EQ(dec("2147483647", ColType::Int4), "2147483647");
  EXPECT_EQ(dec("-2147483648", ColType::Int4), "-2147483648");
  EXPECT_EQ(dec("2147483648", ColType::Int4), "BAD: out of range for integer");
  EXPECT_EQ(dec("-2147483649", ColType::Int4), "BAD: out of range for integer");
  EXPECT_EQ(dec("2147483648", ColType::Int8), "2147483648");
  EXPECT_EQ(dec("9223372036854775807", ColType::Int8), "9223372036854775807");
  EXPECT_EQ(dec("-9223372036854775808", ColType::Int8), "-9223372036854775808");
  EXPECT_EQ(dec("9223372036854775808", ColType::Int8), "BAD: out of range for bigint");
  EXPECT_EQ(dec("-9223372036854775809", ColType::Int8), "BAD: out of range for bigint");
  EXPECT_EQ(dec("12345678901234567890", ColType::Int8), "BAD: out of range for bigint");
  EXPECT_EQ(dec("123456789012345678901234567890", ColType::Int8), "BAD: out of range for bigint");
  EXPECT_EQ(dec("\"00000000000000000000000000001\"", ColType::Int4), "1");
}

TEST(JsonDecode, NumericAndFloat) {
  EXPECT_EQ(dec("10.000000", ColType::Numeric), "10.000000");
  EXPECT_EQ(dec("12345678901234567890.123", ColType::Numeric), "12345678901234567890.123");
  EXPECT_EQ(dec("1e400", ColType::Numeric), "1e400");
  EXPECT_EQ(dec("-1.5E-3", ColType::Float8), "-1.5E-3");
  EXPECT_EQ(dec("\"19.90\"", ColType::Numeric), "19.90");
  EXPECT_EQ(dec("\"+5\"", ColType::Numeric), "+5");
  EXPECT_EQ(dec("\".5\"", ColType::Float8), ".5");
  EXPECT_EQ(dec("\"5.\"", ColType::Float8), "5.");
  EXPECT_EQ(dec("\"2e10\"", ColType::Float8), "2e10");
  EXPECT_EQ(dec("\"\"", ColType::Numeric), "NULL");
  EXPECT_EQ(dec("\"NaN\"", ColType::Numeric), "BAD: not a number");
  EXPECT_EQ(dec("\"1,5\"", ColType::Numeric), "BAD: not a number");
  EXPECT_EQ(dec("\".\"", ColType::Numeric), "BAD: not a number");
  EXPECT_EQ(dec("\"1e\"", ColType::Numeric), "BAD: not a number");
  EXPECT_EQ(dec("\" 1\"", ColType::Numeric), "BAD: not a number");
  EXPECT_EQ(dec("true", ColType::Float8), "BAD: not a number");
}

TEST(JsonDecode, Text) {
  EXPECT_EQ(dec("\"héllo\"", ColType::Text), "héllo");
  EXPECT_EQ(dec("10.50", ColType::Text), "10.50");
  EXPECT_EQ(dec("true", ColType::Text), "true");
  EXPECT_EQ(dec("false", ColType::Text), "false");
  EXPECT_EQ(dec(R"({"a": [1, "x"]})", ColType::Text), R"({"a":[1,"x"]})");
  EXPECT_EQ(dec("\"\"", ColType::Text), "");
  EXPECT_EQ(dec("\"\"", ColType::Text, Format::EmptyNull), "NULL");
  EXPECT_EQ(dec("\"x\"", ColType::Text, Format::EmptyNull), "x");
}

TEST(JsonDecode, Date) {
  EXPECT_EQ(dec("\"2026-03-01\"", ColType::Date), "2026-03-01");
  EXPECT_EQ(dec("\"2026-03-01T10:00:00.000Z\"", ColType::Date), "2026-03-01");
  EXPECT_EQ(dec("\"2026-03-01 10:00:00\"", ColType::Date), "2026-03-01");
  EXPECT_EQ(dec("\"2024-02-29\"", ColType::Date), "2024-02-29");
  EXPECT_EQ(dec("\"2000-02-29\"", ColType::Date), "2000-02-29");
  EXPECT_EQ(dec("\"12026-03-01\"", ColType::Date), "12026-03-01");
  EXPECT_EQ(dec("\"0044-03-15 BC\"", ColType::Date), "0044-03-15 BC");
  EXPECT_EQ(dec("\"0000-00-00\"", ColType::Date), "NULL");
  EXPECT_EQ(dec("\"0000-00-00 00:00:00\"", ColType::Date), "NULL");
  EXPECT_EQ(dec("\"\"", ColType::Date), "NULL");
  EXPECT_EQ(dec("\"2023-02-29\"", ColType::Date), "BAD: not a date");
  EXPECT_EQ(dec("\"1900-02-29\"", ColType::Date), "BAD: not a date");
  EXPECT_EQ(dec("\"2026-13-01\"", ColType::Date), "BAD: not a date");
  EXPECT_EQ(dec("\"0000-01-01\"", ColType::Date), "BAD: not a date");  // no year 0
  EXPECT_EQ(dec("\"2026-04-31\"", ColType::Date), "BAD: not a date");
  EXPECT_EQ(dec("\"2026-00-10\"", ColType::Date), "BAD: not a date");
  EXPECT_EQ(dec("\"2026-3-1\"", ColType::Date), "BAD: not a date");
  EXPECT_EQ(dec("\"2026-03-01x\"", ColType::Date), "BAD: not a date");
  EXPECT_EQ(dec("\"01.03.2026\"", ColType::Date), "BAD: not a date");
  EXPECT_EQ(dec("20260301", ColType::Date), "BAD: not a date");
}

TEST(JsonDecode, Timestamp) {
  EXPECT_EQ(dec("\"2026-03-01 10:20:30\"", ColType::Timestamp), "2026-03-01 10:20:30");
  EXPECT_EQ(dec("\"2026-03-01T10:20:30\"", ColType::Timestamp), "2026-03-01 10:20:30");
  EXPECT_EQ(dec("\"2026-03-01T10:20:30.125\"", ColType::Timestamp), "2026-03-01 10:20:30.125");
  EXPECT_EQ(dec("\"2026-03-01T10:20\"", ColType::Timestamp), "2026-03-01 10:20:00");
  EXPECT_EQ(dec("\"2026-03-01\"", ColType::Timestamp), "2026-03-01 00:00:00");
  // Like PostgreSQL's timestamp input, a zone is ignored.
  EXPECT_EQ(dec("\"2026-03-01T10:20:30+02:00\"", ColType::Timestamp), "2026-03-01 10:20:30");
  EXPECT_EQ(dec("\"0000-00-00 00:00:00\"", ColType::Timestamp), "NULL");
  EXPECT_EQ(dec("\"2026-03-01T24:00:00\"", ColType::Timestamp), "BAD: not a timestamp");
  EXPECT_EQ(dec("\"2026-03-01T10:60:00\"", ColType::Timestamp), "BAD: not a timestamp");
  EXPECT_EQ(dec("\"2026-03-01T10:20:30.\"", ColType::Timestamp), "BAD: not a timestamp");
  EXPECT_EQ(dec("\"2026-03-01T10\"", ColType::Timestamp), "BAD: not a timestamp");
  EXPECT_EQ(dec("true", ColType::Timestamp), "BAD: not a timestamp");
  EXPECT_EQ(dec("1612975405", ColType::Timestamp), "2021-02-10 16:43:25");
}

TEST(JsonDecode, TimestampTzIso) {
  EXPECT_EQ(dec("\"2026-03-01T10:00:00.000Z\"", ColType::TimestampTz), "2026-03-01 10:00:00.000+00");
  EXPECT_EQ(dec("\"2026-03-01T10:00:00z\"", ColType::TimestampTz), "2026-03-01 10:00:00+00");
  EXPECT_EQ(dec("\"2026-03-01T10:00:00+02:00\"", ColType::TimestampTz), "2026-03-01 10:00:00+02:00");
  EXPECT_EQ(dec("\"2026-03-01T10:00:00-0530\"", ColType::TimestampTz), "2026-03-01 10:00:00-05:30");
  EXPECT_EQ(dec("\"2026-03-01 10:00:00+02\"", ColType::TimestampTz), "2026-03-01 10:00:00+02");
  EXPECT_EQ(dec("\"2026-03-01T10:00:00\"", ColType::TimestampTz), "2026-03-01 10:00:00+00");
  EXPECT_EQ(dec("\"2026-03-01\"", ColType::TimestampTz), "2026-03-01 00:00:00+00");
  EXPECT_EQ(dec("\"0000-00-00 00:00:00\"", ColType::TimestampTz), "NULL");
  EXPECT_EQ(dec("\"\"", ColType::TimestampTz), "NULL");
  EXPECT_EQ(dec("\"2026-03-01T10:00:00+2\"", ColType::TimestampTz), "BAD: not a timestamp");
  EXPECT_EQ(dec("\"2026-03-01T10:00:00+16:00\"", ColType::TimestampTz), "BAD: not a timestamp");
  EXPECT_EQ(dec("\"2026-03-01T10:00:00 UTC\"", ColType::TimestampTz), "BAD: not a timestamp");
  EXPECT_EQ(dec("\"yesterday\"", ColType::TimestampTz), "BAD: not a timestamp");
}

TEST(JsonDecode, TimestampTzEpoch) {
  EXPECT_EQ(dec("0", ColType::TimestampTz), "1970-01-01 00:00:00+00");
  EXPECT_EQ(dec("\"0\"", ColType::TimestampTz), "1970-01-01 00:00:00+00");
  EXPECT_EQ(dec("1612975405", ColType::TimestampTz), "2021-02-10 16:43:25+00");
  EXPECT_EQ(dec("\"1612975405\"", ColType::TimestampTz), "2021-02-10 16:43:25+00");
  EXPECT_EQ(dec("1612975405", ColType::TimestampTz, Format::EpochSeconds), "2021-02-10 16:43:25+00");
  EXPECT_EQ(dec("951782400", ColType::TimestampTz), "2000-02-29 00:00:00+00");
  EXPECT_EQ(dec("-1", ColType::TimestampTz), "1969-12-31 23:59:59+00");
  EXPECT_EQ(dec("\"-86401\"", ColType::TimestampTz, Format::EpochSeconds), "1969-12-30 23:59:59+00");
  EXPECT_EQ(dec("-2208988800", ColType::TimestampTz), "1900-01-01 00:00:00+00");
  EXPECT_EQ(dec("253402300799", ColType::TimestampTz), "9999-12-31 23:59:59+00");
  EXPECT_EQ(dec("-62135596800", ColType::TimestampTz), "0001-01-01 00:00:00+00");
  EXPECT_EQ(dec("-62135596801", ColType::TimestampTz), "0001-12-31 23:59:59+00 BC");
  EXPECT_EQ(dec("1612975405.000", ColType::TimestampTz), "2021-02-10 16:43:25+00");
  // An ISO string still reads as such when epoch seconds are expected.
  EXPECT_EQ(dec("\"2021-02-10T16:43:25Z\"", ColType::TimestampTz, Format::EpochSeconds), "2021-02-10 16:43:25+00");
  EXPECT_EQ(dec("1612975405.5", ColType::TimestampTz), "BAD: not a timestamp");
  EXPECT_EQ(dec("\"-5\"", ColType::TimestampTz), "BAD: not a timestamp");  // a sign needs EpochSeconds
  EXPECT_EQ(dec("99999999999999999", ColType::TimestampTz), "BAD: out of range for timestamp with time zone");
  EXPECT_EQ(dec("-999999999999999999999", ColType::TimestampTz),
            "BAD: out of range for timestamp with time zone");
}

TEST(JsonDecode, MinusOneNull) {
  EXPECT_EQ(dec("-1", ColType::Int4, Format::MinusOneNull), "NULL");
  EXPECT_EQ(dec("\"-1\"", ColType::Int4, Format::MinusOneNull), "NULL");
  EXPECT_EQ(dec("-1.00", ColType::Numeric, Format::MinusOneNull), "NULL");
  EXPECT_EQ(dec("-1", ColType::TimestampTz, Format::MinusOneNull), "NULL");
  EXPECT_EQ(dec("-2", ColType::Int4, Format::MinusOneNull), "-2");
  EXPECT_EQ(dec("0", ColType::Int4, Format::MinusOneNull), "0");
  EXPECT_EQ(dec("-1", ColType::Int4), "-1");
}

TEST(JsonDecode, Jsonb) {
  EXPECT_EQ(dec(R"( { "a" : 1.50 , "b" : [true, null] } )", ColType::Jsonb), R"({"a":1.50,"b":[true,null]})");
  EXPECT_EQ(dec("\"x\"", ColType::Jsonb), "\"x\"");
  EXPECT_EQ(dec("\"\"", ColType::Jsonb), "\"\"");
  EXPECT_EQ(dec("12345678901234567890", ColType::Jsonb), "12345678901234567890");
  EXPECT_EQ(dec("false", ColType::Jsonb), "false");
}

TEST(JsonDecode, Int8Array) {
  EXPECT_EQ(dec("[1,2,3]", ColType::Int8Array), "{1,2,3}");
  EXPECT_EQ(dec(R"(["1","-2","3.0"])", ColType::Int8Array), "{1,-2,3}");
  EXPECT_EQ(dec("[1,null]", ColType::Int8Array), "{1,NULL}");
  EXPECT_EQ(dec("[]", ColType::Int8Array), "{}");
  EXPECT_EQ(dec("\"1,2,3\"", ColType::Int8Array), "{1,2,3}");
  EXPECT_EQ(dec("\"1, 2 ,3\"", ColType::Int8Array), "{1,2,3}");
  EXPECT_EQ(dec("\"7\"", ColType::Int8Array), "{7}");
  EXPECT_EQ(dec("7", ColType::Int8Array), "{7}");
  EXPECT_EQ(dec("\"\"", ColType::Int8Array), "NULL");
  EXPECT_EQ(dec("[1,\"x\"]", ColType::Int8Array), "BAD: not an array of integers");
  EXPECT_EQ(dec("[1.5]", ColType::Int8Array), "BAD: not an array of integers");
  EXPECT_EQ(dec("[[1]]", ColType::Int8Array), "BAD: not an array of integers");
  EXPECT_EQ(dec("\"1,,2\"", ColType::Int8Array), "BAD: not an array of integers");
  EXPECT_EQ(dec("{}", ColType::Int8Array), "BAD: not an array of integers");
  EXPECT_EQ(dec("[9223372036854775808]", ColType::Int8Array), "BAD: out of range for bigint");
}

TEST(JsonDecode, TextArray) {
  EXPECT_EQ(dec(R"(["a b","c\"d","e\\f"])", ColType::TextArray), R"({"a b","c\"d","e\\f"})");
  EXPECT_EQ(dec(R"([1.50,true,null,"",{"k":1}])", ColType::TextArray), R"({"1.50","true",NULL,"","{\"k\":1}"})");
  EXPECT_EQ(dec(R"(["NULL"])", ColType::TextArray), R"({"NULL"})");
  EXPECT_EQ(dec("[]", ColType::TextArray), "{}");
  EXPECT_EQ(dec("\"a\"", ColType::TextArray), "BAD: not an array");
  EXPECT_EQ(dec("\"\"", ColType::TextArray), "NULL");
}

TEST(JsonDecode, DecodedArraysParseBack) {
  std::vector<std::string> items;
  std::vector<bool> nulls;
  ASSERT_TRUE(pgtext::parse_pg_array(dec(R"(["a b","c\"d",null,"e\\f"])", ColType::TextArray), &items, &nulls));
  EXPECT_EQ(items, (std::vector<std::string>{"a b", "c\"d", "", "e\\f"}));
  EXPECT_EQ(nulls, (std::vector<bool>{false, false, true, false}));
}

// ---------------------------------------------------------------------------
// Encoding

std::string built(ColType type, const char* pg_text, Format fmt = Format::Plain) {
  Builder b;
  encode(&b, "v", type, pg_text, fmt, "col");
  const std::string s = b.str();
  return s.substr(5, s.size() - 6);  // the value of {"v":...}
}

TEST(JsonEncode, Bool) {
  EXPECT_EQ(built(ColType::Bool, "t"), "true");
  EXPECT_EQ(built(ColType::Bool, "f"), "false");
  EXPECT_EQ(built(ColType::Bool, "t", Format::BoolYN), "\"Y\"");
  EXPECT_EQ(built(ColType::Bool, "f", Format::BoolYN), "\"N\"");
  EXPECT_EQ(built(ColType::Bool, "t", Format::Bool10), "1");
  EXPECT_EQ(built(ColType::Bool, "f", Format::Bool10), "0");
  EXPECT_EQ(built(ColType::Bool, "t", Format::String), "\"true\"");
  EXPECT_EQ(built(ColType::Bool, "f", Format::String), "\"false\"");
  EXPECT_THROW(built(ColType::Bool, "x"), Error);
}

TEST(JsonEncode, Numbers) {
  EXPECT_EQ(built(ColType::Int4, "42"), "42");
  EXPECT_EQ(built(ColType::Int8, "-9223372036854775808"), "-9223372036854775808");
  EXPECT_EQ(built(ColType::Numeric, "10.000000"), "10.000000");
  EXPECT_EQ(built(ColType::Float8, "1e+100"), "1e+100");
  EXPECT_EQ(built(ColType::Numeric, "19.90", Format::String), "\"19.90\"");
  EXPECT_EQ(built(ColType::Int4, "5", Format::MinusOneNull), "5");
  try {
    built(ColType::Numeric, "NaN");
    FAIL() << "NaN was written as a number";
  } catch (const Error& e) {
    EXPECT_EQ(e.sqlstate(), sqlstate::kInvalidParameterValue);
    EXPECT_NE(std::string(e.what()).find("\"col\""), std::string::npos) << e.what();
  }
  EXPECT_THROW(built(ColType::Float8, "Infinity"), Error);
}

TEST(JsonEncode, Null) {
  EXPECT_EQ(built(ColType::Text, nullptr), "null");
  EXPECT_EQ(built(ColType::Int4, nullptr), "null");
  EXPECT_EQ(built(ColType::Int4, nullptr, Format::MinusOneNull), "-1");
  EXPECT_EQ(built(ColType::Numeric, nullptr, Format::String), "null");
}

TEST(JsonEncode, TextAndTimes) {
  EXPECT_EQ(built(ColType::Text, "a \"b\""), R"("a \"b\"")");
  EXPECT_EQ(built(ColType::Text, "42"), "\"42\"");
  EXPECT_EQ(built(ColType::Date, "2026-03-01"), "\"2026-03-01\"");
  EXPECT_EQ(built(ColType::Timestamp, "2026-03-01 10:00:00"), "\"2026-03-01 10:00:00\"");
  EXPECT_EQ(built(ColType::TimestampTz, "2021-02-10 16:43:25+00"), "\"2021-02-10 16:43:25+00\"");
  EXPECT_EQ(built(ColType::TimestampTz, "2021-02-10 16:43:25+00", Format::String),
            "\"2021-02-10 16:43:25+00\"");
}

TEST(JsonEncode, EpochSeconds) {
  const Format e = Format::EpochSeconds;
  EXPECT_EQ(built(ColType::TimestampTz, "2021-02-10 16:43:25+00", e), "1612975405");
  EXPECT_EQ(built(ColType::TimestampTz, "2021-02-10 17:43:25.987+01", e), "1612975405");
  EXPECT_EQ(built(ColType::TimestampTz, "2021-02-10 11:13:25-05:30", e), "1612975405");
  EXPECT_EQ(built(ColType::TimestampTz, "1970-01-01 00:00:00+00", e), "0");
  EXPECT_EQ(built(ColType::TimestampTz, "1969-12-31 23:59:59+00", e), "-1");
  EXPECT_EQ(built(ColType::TimestampTz, "0001-12-31 23:59:59+00 BC", e), "-62135596801");
  EXPECT_EQ(built(ColType::Timestamp, "2021-02-10 16:43:25", e), "1612975405");
  EXPECT_EQ(built(ColType::Date, "2021-02-10", e), "1612915200");
  EXPECT_THROW(built(ColType::TimestampTz, "infinity", e), Error);
  EXPECT_THROW(built(ColType::TimestampTz, "10/02/2021", e), Error);
}

TEST(JsonEncode, Jsonb) {
  EXPECT_EQ(built(ColType::Jsonb, R"({"a": 1.50, "b": [null]})"), R"({"a":1.50,"b":[null]})");
  EXPECT_EQ(built(ColType::Jsonb, R"({"a": 1})", Format::String), R"("{\"a\": 1}")");
  try {
    built(ColType::Jsonb, "{\"a\":");
    FAIL() << "invalid JSON was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.sqlstate(), sqlstate::kInvalidParameterValue);
    EXPECT_NE(std::string(e.what()).find("column \"col\""), std::string::npos) << e.what();
  }
}

TEST(JsonEncode, Arrays) {
  EXPECT_EQ(built(ColType::Int8Array, "{1,2,-3}"), "[1,2,-3]");
  EXPECT_EQ(built(ColType::Int8Array, "{1,NULL}"), "[1,null]");
  EXPECT_EQ(built(ColType::Int8Array, "{}"), "[]");
  EXPECT_EQ(built(ColType::Int8Array, "{1,2}", Format::String), R"(["1","2"])");
  EXPECT_EQ(built(ColType::TextArray, R"({a,"b c","d\"e",NULL,"NULL"})"), R"(["a","b c","d\"e",null,"NULL"])");
  EXPECT_THROW(built(ColType::Int8Array, "{a}"), Error);
  EXPECT_THROW(built(ColType::TextArray, "a,b"), Error);
}

TEST(ColTypeName, SqlNames) {
  EXPECT_STREQ(coltype_sql_name(ColType::Bool), "boolean");
  EXPECT_STREQ(coltype_sql_name(ColType::Int4), "integer");
  EXPECT_STREQ(coltype_sql_name(ColType::Int8), "bigint");
  EXPECT_STREQ(coltype_sql_name(ColType::Float8), "double precision");
  EXPECT_STREQ(coltype_sql_name(ColType::Numeric), "numeric");
  EXPECT_STREQ(coltype_sql_name(ColType::Text), "text");
  EXPECT_STREQ(coltype_sql_name(ColType::Date), "date");
  EXPECT_STREQ(coltype_sql_name(ColType::Timestamp), "timestamp without time zone");
  EXPECT_STREQ(coltype_sql_name(ColType::TimestampTz), "timestamp with time zone");
  EXPECT_STREQ(coltype_sql_name(ColType::Jsonb), "jsonb");
  EXPECT_STREQ(coltype_sql_name(ColType::Int8Array), "bigint[]");
  EXPECT_STREQ(coltype_sql_name(ColType::TextArray), "text[]");
}

}  // namespace
}  // namespace json
}  // namespace cfdw
