// text_input_test.cpp — types::text_to_binary: the binary form of text input equals what
// PostgreSQL 15's input + send functions give for the same text (differential), and invalid
// input fails with PostgreSQL's SQLSTATE and message.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "riffq/types/text_input.hpp"
#include "support/pg_cluster.hpp"

namespace riffq::types {
namespace {

struct Case {
  const char* type;  // as PostgreSQL spells it in a cast
  uint32_t oid;
  int32_t typmod;
  const char* text;
};

std::string sql_literal(const std::string& s) {
  std::string q = "'";
  for (char c : s) {
    if (c == '\'') q.push_back('\'');
    q.push_back(c);
  }
  return q + "'";
}

class TextInputDiff : public riffq::test::PgClusterTest {};

TEST_F(TextInputDiff, BinaryFormsMatchPostgres) {
  pg().query_text("SET TimeZone = 'America/New_York'; SET DateStyle = 'ISO, MDY'");
  const std::vector<Case> cases = {
      {"int2", 21, -1, "-32768"},
      {"int2", 21, -1, " 12 "},
      {"int4", 23, -1, "2147483647"},
      {"int4", 23, -1, "-0042"},
      {"int8", 20, -1, "-9223372036854775808"},
      {"float4", 700, -1, "1.5"},
      {"float4", 700, -1, "-Infinity"},
      {"float8", 701, -1, "1e300"},
      {"float8", 701, -1, "NaN"},
      {"float8", 701, -1, "0.1"},
      {"oid", 26, -1, "4294967295"},
      {"numeric", 1700, -1, "0"},
      {"numeric", 1700, -1, "-12.3400"},
      {"numeric", 1700, -1, "1e20"},
      {"numeric", 1700, -1, "0.000012"},
      {"numeric", 1700, -1, "123456789.987654321"},
      {"numeric", 1700, -1, "NaN"},
      {"numeric", 1700, -1, "-Infinity"},
      {"numeric(10,2)", 1700, (10 << 16 | 2) + 4, "12.345"},
      {"numeric(10,2)", 1700, (10 << 16 | 2) + 4, "-0.005"},
      {"numeric(5,0)", 1700, (5 << 16) + 4, "99999.4"},
      {"bool", 16, -1, "yes"},
      {"bool", 16, -1, " OFF"},
      {"bool", 16, -1, "t"},
      {"bytea", 17, -1, "\\x0aff10"},
      {"bytea", 17, -1, "ab\\\\c\\001"},
      {"uuid", 2950, -1, "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11"},
      {"uuid", 2950, -1, "{a0eebc999c0b4ef8bb6d6bb9bd380a11}"},
      {"inet", 869, -1, "192.168.1.5/24"},
      {"inet", 869, -1, "::1"},
      {"cidr", 650, -1, "10.0.0.0/8"},
      {"money", 790, -1, "$1,234.56"},
      {"money", 790, -1, "-12.345"},
      {"date", 1082, -1, "2024-02-29"},
      {"date", 1082, -1, "0045-03-15 BC"},
      {"date", 1082, -1, "01/02/2024"},
      {"date", 1082, -1, "20240102"},
      {"date", 1082, -1, "infinity"},
      {"date", 1082, -1, "epoch"},
      {"time", 1083, -1, "23:59:59.9999995"},
      {"time", 1083, -1, "24:00:00"},
      {"time(2)", 1083, 2, "10:00:00.125"},
      {"timestamp", 1114, -1, "2024-01-02 03:04:05.678"},
      {"timestamp", 1114, -1, "2024-01-02T03:04:05"},
      {"timestamp", 1114, -1, "1999-12-31"},
      {"timestamp", 1114, -1, "0001-01-01 00:00:00 BC"},
      {"timestamp", 1114, -1, "-infinity"},
      {"timestamp(0)", 1114, 0, "2024-01-02 03:04:05.5"},
      {"timestamptz", 1184, -1, "2024-07-01 12:00:00+02"},
      {"timestamptz", 1184, -1, "2024-07-01 12:00:00"},
      {"timestamptz", 1184, -1, "2024-01-01 12:00:00"},
      {"timestamptz", 1184, -1, "2024-07-01 12:00:00-05:30"},
      {"timestamptz", 1184, -1, "2024-07-01T12:00:00Z"},
      {"timestamptz", 1184, -1, "2024-07-01 12:00:00 UTC"},
      {"interval", 1186, -1, "1 year 2 mons 3 days 04:05:06.5"},
      {"interval", 1186, -1, "-1 day +02:00:00"},
      {"interval", 1186, -1, "1.5 days"},
      {"interval", 1186, -1, "@ 3 hours ago"},
      {"interval", 1186, -1, "P1Y2M3DT4H5M6S"},
      {"interval", 1186, -1, "10"},
      {"interval", 1186, -1, "90 minutes"},
      {"varchar(3)", 1043, 7, "ab "},
      {"char(4)", 1042, 8, "ab"},
      {"text", 25, -1, "h\xc3\xa9llo"},
      {"jsonb", 3802, -1, "{\"a\": 1}"},
      {"int4[]", 1007, -1, "{1,NULL,3}"},
      {"text[]", 1009, -1, "{\"a b\",c}"},
      {"int8[]", 1016, -1, "{{1,2},{3,4}}"},
      {"numeric[]", 1231, -1, "{1.5,-2}"},
      {"date[]", 1182, -1, "{2024-01-01,infinity}"},
  };
  TextInputContext ctx(DateOrder::MDY, "America/New_York");
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.type) + " " + c.text);
    auto rows = pg().query_binary("SELECT " + sql_literal(c.text) + "::" + c.type);
    ASSERT_EQ(rows.size(), 1u);
    ASSERT_TRUE(rows[0][0].has_value());
    std::string out;
    PgError e;
    ASSERT_TRUE(text_to_binary(c.oid, c.typmod, c.text, ctx, &out, &e)) << e.message;
    EXPECT_EQ(out, *rows[0][0]);
  }
}

struct Bad {
  uint32_t oid;
  int32_t typmod;
  const char* text;
  const char* sqlstate;
  const char* message;
};

TEST(TextInput, InvalidInputFailsAsPostgresDoes) {
  const std::vector<Bad> cases = {
      {23, -1, "abc", "22P02", "invalid input syntax for type integer: \"abc\""},
      {23, -1, "", "22P02", "invalid input syntax for type integer: \"\""},
      {21, -1, "40000", "22003", "value \"40000\" is out of range for type smallint"},
      {20, -1, "9223372036854775808", "22003",
       "value \"9223372036854775808\" is out of range for type bigint"},
      {701, -1, "1.2.3", "22P02", "invalid input syntax for type double precision: \"1.2.3\""},
      {700, -1, "1e60", "22003", "\"1e60\" is out of range for type real"},
      {1700, -1, "12a", "22P02", "invalid input syntax for type numeric: \"12a\""},
      {1700, (5 << 16 | 2) + 4, "1000", "22003", "numeric field overflow"},
      {16, -1, "maybe", "22P02", "invalid input syntax for type boolean: \"maybe\""},
      {1082, -1, "2024-02-30", "22008", "date/time field value out of range: \"2024-02-30\""},
      {1082, -1, "tomorrowish", "22007", "invalid input syntax for type date: \"tomorrowish\""},
      {1114, -1, "2024-01-01 25:00", "22008",
       "date/time field value out of range: \"2024-01-01 25:00\""},
      {1186, -1, "3 fortnights", "22007",
       "invalid input syntax for type interval: \"3 fortnights\""},
      {2950, -1, "xyz", "22P02", "invalid input syntax for type uuid: \"xyz\""},
      {17, -1, "\\xzz", "22023", "invalid hexadecimal digit: \"z\""},
      {1043, 7, "abcd", "22001", "value too long for type character varying(3)"},
      {869, -1, "300.1.1.1", "22P02", "invalid input syntax for type inet: \"300.1.1.1\""},
      {25, -1, "\xff", "22021", "invalid byte sequence for encoding \"UTF8\": 0xff"},
      {1007, -1, "{1,x}", "22P02", "invalid input syntax for type integer: \"x\""},
      {1007, -1, "1,2", "22P02", "malformed array literal: \"1,2\""},
  };
  TextInputContext ctx(DateOrder::MDY, "UTC");
  for (const Bad& b : cases) {
    SCOPED_TRACE(b.text);
    std::string out;
    PgError e;
    EXPECT_FALSE(text_to_binary(b.oid, b.typmod, b.text, ctx, &out, &e));
    EXPECT_EQ(e.sqlstate, b.sqlstate);
    EXPECT_EQ(e.message, b.message);
  }
}

TEST(TextInput, NumericOverflowNamesThePrecision) {
  TextInputContext ctx(DateOrder::MDY, "UTC");
  std::string out;
  PgError e;
  ASSERT_FALSE(text_to_binary(1700, (5 << 16 | 2) + 4, "999.999", ctx, &out, &e));
  EXPECT_EQ(e.detail,
            "A field with precision 5, scale 2 must round to an absolute value less than 10^3.");
}

}  // namespace
}  // namespace riffq::types
