// Unit tests: PostgreSQL's text forms — array literals, the canonical
// timestamps of condition values.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/json/pgtext.h"
#include "engine/wire/values.h"

namespace cfdw {
namespace pgtext {
namespace {

// ---------------------------------------------------------------------------
// PostgreSQL array literals

struct PgArray {
  bool ok;
  std::vector<std::string> items;
  std::vector<bool> nulls;
};

PgArray pg_array(std::string_view literal) {
  PgArray a;
  a.ok = parse_pg_array(literal, &a.items, &a.nulls);
  return a;
}

using Items = std::vector<std::string>;
using Nulls = std::vector<bool>;

TEST(PgArrayLiteral, Elements) {
  PgArray a = pg_array("{1,2,3}");
  ASSERT_TRUE(a.ok);
  EXPECT_EQ(a.items, (Items{"1", "2", "3"}));
  EXPECT_EQ(a.nulls, (Nulls{false, false, false}));

  a = pg_array(R"({"a b","c\"d","e\\f",g\,h,"",NULL,null,"NULL"})");
  ASSERT_TRUE(a.ok);
  EXPECT_EQ(a.items, (Items{"a b", "c\"d", "e\\f", "g,h", "", "", "", "NULL"}));
  EXPECT_EQ(a.nulls, (Nulls{false, false, false, false, false, true, true, false}));

  a = pg_array(" { x , \"y\" ,z\\ } ");
  ASSERT_TRUE(a.ok);
  EXPECT_EQ(a.items, (Items{"x", "y", "z "}));

  a = pg_array("{}");
  ASSERT_TRUE(a.ok);
  EXPECT_TRUE(a.items.empty());

  a = pg_array("[0:1]={5,6}");
  ASSERT_TRUE(a.ok);
  EXPECT_EQ(a.items, (Items{"5", "6"}));
}

TEST(PgArrayLiteral, Rejected) {
  for (const char* s : {"", "1,2", "{1,2", "{1,,2}", "{1,}", "{,1}", "{{1,2},{3,4}}", "{\"a}", "{a\"b\"}",
                        "{1} x", "{a\\", "[0:1]{1}"})
    EXPECT_FALSE(pg_array(s).ok) << s;
}

// The canonical text of condition values, as the glue writes it ("%04d":
// astronomical years, a sign before 1 BC).
TEST(CanonicalEpoch, AstronomicalYears) {
  long long secs = 0;
  EXPECT_TRUE(canonical_to_epoch("2021-02-10 16:43:25+00", &secs));
  EXPECT_EQ(secs, 1612975405);
  EXPECT_TRUE(canonical_to_epoch("2021-02-10 16:43:25.987654+00", &secs));
  EXPECT_EQ(secs, 1612975405);
  EXPECT_TRUE(canonical_to_epoch("2021-02-10", &secs));
  EXPECT_EQ(secs, 1612915200);
  EXPECT_TRUE(canonical_to_epoch("0000-12-31 23:59:59+00", &secs));  // 1 BC
  EXPECT_EQ(secs, -62135596801);
  EXPECT_TRUE(canonical_to_epoch("-043-03-15", &secs));  // 44 BC
  DateTime dt;
  ASSERT_EQ(parse_datetime("0044-03-15 BC", &dt), DateParse::Ok);
  EXPECT_EQ(secs, dt.epoch());
  for (const char* s : {"infinity", "-infinity", "", "2021-02-30", "2021-02-10 25:00:00", "2021-02-10 BC", "x"})
    EXPECT_FALSE(canonical_to_epoch(s, &secs)) << s;
}

}  // namespace
}  // namespace pgtext
}  // namespace cfdw
