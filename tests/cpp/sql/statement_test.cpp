// statement_test.cpp — splitting Query strings and recognising session statements.
#include "riffq/sql/statement.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace riffq::sql {
namespace {

std::vector<std::string> split(const std::string& sql) {
  std::vector<std::string> out;
  for (auto r : split_statements(sql)) out.push_back(sql.substr(r.offset, r.length));
  return out;
}

TEST(Split, SemicolonsInsideLiteralsCommentsAndParensDoNotSplit) {
  EXPECT_EQ(split("select 1; select ';'; begin"),
            (std::vector<std::string>{"select 1", "select ';'", "begin"}));
  EXPECT_EQ(split("select $$a;b$$; select \"x;y\" -- c;d\n"),
            (std::vector<std::string>{"select $$a;b$$", "select \"x;y\" -- c;d"}));
  EXPECT_EQ(split("create rule r as on insert to t do (select 1; select 2)").size(), 1u);
  EXPECT_EQ(split("select 1 /* a; b */"), (std::vector<std::string>{"select 1 /* a; b */"}));
}

TEST(Split, OtherDialectsAreNeverDropped) {
  EXPECT_EQ(split("select 1; bad; three"), (std::vector<std::string>{"select 1", "bad", "three"}));
  EXPECT_EQ(split("FROM t SELECT a; PRAGMA x"), (std::vector<std::string>{"FROM t SELECT a", "PRAGMA x"}));
}

TEST(Split, EmptyStatementsAreSkipped) {
  EXPECT_EQ(split(";; select 1 ;;"), (std::vector<std::string>{"select 1"}));
  EXPECT_TRUE(split(" ; -- only a comment").empty());
  EXPECT_TRUE(is_empty_query("  ;/* x */;"));
  EXPECT_FALSE(is_empty_query("select"));
}

TEST(Split, UnterminatedStringGoesWholeToTheHandler) {
  EXPECT_EQ(split("select 'oops; select 2"), (std::vector<std::string>{"select 'oops; select 2"}));
}

TEST(FirstKeyword, SkipsCommentsAndParens) {
  EXPECT_EQ(first_keyword("  -- hi\n/* x /* nested */ */ (SELECT 1)"), "select");
  EXPECT_EQ(first_keyword("SET x = 1"), "set");
  EXPECT_EQ(first_keyword("123"), "");
}

TEST(Analyze, SetVariants) {
  auto s = analyze_statement("SET TimeZone TO 'Europe/Oslo'");
  EXPECT_EQ(s.kind, StatementKind::SET);
  EXPECT_EQ(s.name, "timezone");
  EXPECT_EQ(s.values, (std::vector<std::string>{"Europe/Oslo"}));
  auto tz = analyze_statement("set time zone 'UTC'");
  EXPECT_EQ(tz.kind, StatementKind::SET);
  EXPECT_EQ(tz.name, "timezone");
  auto ds = analyze_statement("SET datestyle = ISO, DMY");
  EXPECT_EQ(ds.values, (std::vector<std::string>{"iso", "dmy"}));  // identifiers fold
  auto n = analyze_statement("set extra_float_digits = 3");
  EXPECT_EQ(n.values, (std::vector<std::string>{"3"}));
  EXPECT_TRUE(analyze_statement("SET search_path TO DEFAULT").set_default);
  EXPECT_EQ(analyze_statement("SET LOCAL x.y = 'z'").is_local, true);
  EXPECT_EQ(analyze_statement("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE").kind,
            StatementKind::SET_MULTI);
  EXPECT_EQ(analyze_statement("RESET ALL").kind, StatementKind::RESET_ALL);
  EXPECT_EQ(analyze_statement("reset timezone").kind, StatementKind::RESET);
}

TEST(Analyze, ShowAndTransactions) {
  auto s = analyze_statement("SHOW TRANSACTION ISOLATION LEVEL");
  EXPECT_EQ(s.kind, StatementKind::SHOW);
  EXPECT_EQ(s.name, "transaction_isolation");
  EXPECT_EQ(analyze_statement("show all").kind, StatementKind::SHOW_ALL);
  EXPECT_EQ(analyze_statement("BEGIN ISOLATION LEVEL READ COMMITTED").kind, StatementKind::BEGIN);
  EXPECT_EQ(analyze_statement("start transaction").kind, StatementKind::BEGIN);
  EXPECT_EQ(analyze_statement("end").kind, StatementKind::COMMIT);
  EXPECT_EQ(analyze_statement("abort").kind, StatementKind::ROLLBACK);
  EXPECT_EQ(analyze_statement("rollback to savepoint a").kind, StatementKind::SAVEPOINT);
  EXPECT_EQ(analyze_statement("DISCARD ALL").kind, StatementKind::DISCARD_ALL);
  auto d = analyze_statement("deallocate prepare s1");
  EXPECT_EQ(d.kind, StatementKind::DEALLOCATE);
  EXPECT_EQ(d.name, "s1");
  EXPECT_EQ(analyze_statement("listen ch").kind, StatementKind::LISTEN);
}

TEST(Analyze, RowsOrNot) {
  EXPECT_EQ(analyze_statement("select 1").kind, StatementKind::QUERY);
  EXPECT_EQ(analyze_statement("values (1)").kind, StatementKind::QUERY);
  EXPECT_EQ(analyze_statement("insert into t values (1) returning id").kind, StatementKind::QUERY);
  EXPECT_EQ(analyze_statement("insert into t values (1)").kind, StatementKind::COMMAND);
  EXPECT_EQ(analyze_statement("create table t (a int)").kind, StatementKind::COMMAND);
  EXPECT_EQ(analyze_statement("select 1 into t2").kind, StatementKind::COMMAND);
  EXPECT_EQ(analyze_statement("FROM t SELECT a").kind, StatementKind::UNPARSEABLE);
}

TEST(Analyze, ParameterCasts) {
  auto a = analyze_statement(
      "select $1::int, cast($2 as timestamp with time zone), $3::text[], $4 + 1, "
      "(select $5::varchar(10) from t where x = any($6::int8[]))");
  ASSERT_EQ(a.param_casts.size(), 6u);  // five casts, then $4 inferred from `+ 1`
  EXPECT_EQ(a.param_casts[0].param, 1);
  EXPECT_EQ(a.param_casts[0].type_name, "int4");
  EXPECT_EQ(a.param_casts[1].type_name, "timestamptz");
  EXPECT_TRUE(a.param_casts[2].is_array);
  EXPECT_EQ(a.param_casts[2].type_name, "text");
  EXPECT_EQ(a.param_casts[3].param, 5);
  EXPECT_EQ(a.param_casts[3].type_name, "varchar");
  EXPECT_EQ(a.param_casts[4].param, 6);
  EXPECT_EQ(a.param_casts[5].param, 4);
  EXPECT_EQ(a.param_casts[5].type_name, "int4");
  EXPECT_EQ(a.max_param, 6);
  EXPECT_TRUE(analyze_statement("select $1").param_casts.empty());
}

// "param:type" of the first entry per parameter (the one that counts), in parameter order.
std::string inferred(const std::string& sql) {
  auto a = analyze_statement(sql);
  std::map<int, std::string> first;
  for (const auto& c : a.param_casts)
    first.emplace(c.param, c.type_name + (c.is_array ? "[]" : ""));
  std::string out;
  for (const auto& [p, t] : first) out += (out.empty() ? "" : " ") + std::to_string(p) + ":" + t;
  return out;
}

TEST(Analyze, ParameterTypesFromContext) {
  EXPECT_EQ(inferred("select * from t limit $1 offset $2"), "1:int8 2:int8");
  EXPECT_EQ(inferred("select * from t where a = $1 and $2 > 2.5 and b <> true and $3 = false"),
            "2:numeric 3:bool");  // a's type needs the catalog
  EXPECT_EQ(inferred("select $1 = 10, 5000000000 < $2, $3 + 1, $4 = 'x'"),
            "1:int4 2:int8 3:int4");  // a string literal is of unknown type
  EXPECT_EQ(inferred("select 1 where 3::int8 = any($1) and $2 = any('{1}'::int2[])"),
            "1:int8[] 2:int2");
  EXPECT_EQ(inferred("select 1 where 2::int2 in ($1, $2) and $3 between 1 and 10"),
            "1:int2 2:int2 3:int4");
  EXPECT_EQ(inferred("select $1 is distinct from 1.5, nullif($2, 3)"), "1:numeric 2:int4");
  // An explicit cast wins over context; LIKE leaves text (the default).
  EXPECT_EQ(inferred("select * from t where $1::text = 5 and name like $2 limit $3::int4"),
            "1:text 3:int4");
  EXPECT_EQ(inferred("select (select 1 limit $1) from t where x in (select y from u limit $2)"),
            "1:int8 2:int8");
}

TEST(Analyze, SessionSelectFilterIsCheap) {
  // The filter runs before every simple-query SELECT: ordinary queries must not be parsed.
  EXPECT_FALSE(may_be_session_select("select * from users where version = 2"));
  EXPECT_FALSE(may_be_session_select("insert into t values (current_date)"));
  EXPECT_TRUE(may_be_session_select("SELECT version()"));
  EXPECT_TRUE(may_be_session_select("select current_setting('TimeZone')"));
  EXPECT_EQ(analyze_statement("select version(), current_user").kind, StatementKind::SESSION_SELECT);
  EXPECT_EQ(analyze_statement("select version() + 1").kind, StatementKind::QUERY);
}

TEST(Analyze, MaxParameter) {
  EXPECT_EQ(analyze_statement("select $1, $3 where '$9' = $2").max_param, 3);
  EXPECT_EQ(analyze_statement("select 1").max_param, 0);
}

}  // namespace
}  // namespace riffq::sql
