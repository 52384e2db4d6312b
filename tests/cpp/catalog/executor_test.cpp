// Join strategies give the same rows as PostgreSQL whichever side is looked up by index: a
// small side probes the other through a hash index on its join column (inner and left joins),
// keeping a hash join's row order.
#include "engine_fixture.hpp"

namespace riffq::catalog::testing {
namespace {

using Executor = CatalogFixture;

TEST_F(Executor, LeftJoinLooksUpTheInnerSideAndKeepsUnmatchedRows) {
  EXPECT_EQ(rows("SELECT c.relname, i.indexrelid::regclass FROM pg_class c LEFT JOIN pg_index i "
                 "ON i.indrelid = c.oid WHERE c.relname IN ('orders', 'pg_am', 'pg_tables') "
                 "ORDER BY 1, 2"),
            (Rows{"orders|orders_pkey", "pg_am|pg_am_name_index", "pg_am|pg_am_oid_index",
                  "pg_tables|NULL"}));
}

TEST_F(Executor, BigLeftSideProbedFromASmallRightSideKeepsRelationOrder) {
  // pg_attribute is scanned through its attrelid index; rows come in attnum order as stored.
  EXPECT_EQ(rows("SELECT a.attname FROM pg_attribute a JOIN pg_class c ON a.attrelid = c.oid "
                 "WHERE c.relname = 'pg_am' AND a.attnum > 0"),
            (Rows{"oid", "amname", "amhandler", "amtype"}));
  EXPECT_EQ(one("SELECT (SELECT array_agg(a.attname ORDER BY a.attnum) FROM pg_attribute a JOIN "
                "pg_class c ON a.attrelid = c.oid WHERE a.attnum > 0 AND c.reltype = t.oid) FROM "
                "pg_type t WHERE t.typname = 'users'"),
            "{id,name,score,tags}");
}

}  // namespace
}  // namespace riffq::catalog::testing

namespace riffq::catalog::testing {
namespace {

using PushDown = CatalogFixture;

TEST_F(PushDown, FiltersOnViewOutputsRunInsideTheView) {
  EXPECT_EQ(rows("SELECT table_name, data_type FROM information_schema.columns WHERE table_name = "
                 "'users' AND column_name = 'score'"),
            Rows{"users|numeric"});
}

TEST_F(PushDown, NotPastLimitsOrAggregates) {
  EXPECT_EQ(rows("SELECT x FROM (SELECT oid AS x FROM pg_am ORDER BY oid LIMIT 2) s WHERE x > 2"),
            Rows{"403"});
  EXPECT_EQ(rows("SELECT relkind FROM (SELECT relkind, count(*) AS n FROM pg_class GROUP BY "
                 "relkind) s WHERE relkind = 'v' AND n > 100"),
            Rows{"v"});
  EXPECT_EQ(rows("SELECT t FROM (SELECT amname || '!' AS t FROM pg_am) s WHERE t LIKE 'b%'"),
            (Rows{"btree!", "brin!"}));
}

}  // namespace
}  // namespace riffq::catalog::testing

namespace riffq::catalog::testing {
namespace {

using Probe = CatalogFixture;

TEST_F(Probe, SmallSideProbesTheScanDrivingAJoinTree) {
  // (pg_attribute ⟕ pg_attrdef) ⋈ pg_class: the one pg_class row restricts pg_attribute.
  EXPECT_EQ(rows("SELECT a.attname, d.adnum, c.relname FROM pg_attribute a LEFT JOIN pg_attrdef d "
                 "ON d.adrelid = a.attrelid AND d.adnum = a.attnum JOIN pg_class c ON c.oid = "
                 "a.attrelid WHERE c.relname = 'users' AND a.attnum > 0 ORDER BY a.attnum"),
            (Rows{"id|NULL|users", "name|NULL|users", "score|3|users", "tags|NULL|users"}));
  // pg_class ⋈ (pg_type ⋈ pg_namespace): each class row probes the type subtree by its key.
  EXPECT_EQ(rows("SELECT c.relname, t.typname, n.nspname FROM pg_class c JOIN (pg_type t JOIN "
                 "pg_namespace n ON n.oid = t.typnamespace) ON t.oid = c.reltype WHERE c.relname "
                 "IN ('users', 'pg_am') ORDER BY 1"),
            (Rows{"pg_am|pg_am|pg_catalog", "users|users|public"}));
}

}  // namespace
}  // namespace riffq::catalog::testing

namespace riffq::catalog::testing {
namespace {

using JoinOrder = CatalogFixture;

TEST_F(JoinOrder, CommaJoinsAreReorderedWithoutChangingTheAnswer) {
  // pgjdbc's getImportedKeys, shortened: nine FROM items joined through the WHERE clause,
  // generate_series included (it reads no other item, so it may move).
  EXPECT_EQ(rows("SELECT fkc.relname, fka.attname, pkc.relname, pka.attname, pos.n FROM "
                 "pg_catalog.pg_namespace pkn, pg_catalog.pg_class pkc, pg_catalog.pg_attribute "
                 "pka, pg_catalog.pg_namespace fkn, pg_catalog.pg_class fkc, "
                 "pg_catalog.pg_attribute fka, pg_catalog.pg_constraint con, "
                 "pg_catalog.generate_series(1, 32) pos(n) WHERE pkn.oid = pkc.relnamespace AND "
                 "pkc.oid = pka.attrelid AND pka.attnum = con.confkey[pos.n] AND con.confrelid = "
                 "pkc.oid AND fkn.oid = fkc.relnamespace AND fkc.oid = fka.attrelid AND "
                 "fka.attnum = con.conkey[pos.n] AND con.conrelid = fkc.oid AND con.contype = 'f' "
                 "AND fkn.nspname = 'public' AND fkc.relname = 'orders'"),
            Rows{"orders|user_id|users|id|1"});
  // An item reading another (a function of its columns) still follows it.
  EXPECT_EQ(rows("SELECT c.relname, k FROM pg_class c, pg_namespace n, unnest(ARRAY[c.relnatts]) "
                 "k WHERE n.oid = c.relnamespace AND c.relname = 'pg_am' AND n.nspname = "
                 "'pg_catalog'"),
            Rows{"pg_am|4"});
}

}  // namespace
}  // namespace riffq::catalog::testing

namespace riffq::catalog::testing {
namespace {

using Folding = CatalogFixture;

TEST_F(Folding, ConstantCaseConditionsKeepOneBranch) {
  // Grafana: the ELSE branch (a sublink) is dropped, so the filter can run inside the view.
  EXPECT_EQ(rows("SELECT column_name FROM information_schema.columns WHERE CASE WHEN "
                 "array_length(parse_ident('public.users'), 1) = 2 THEN quote_ident(table_schema) "
                 "= (parse_ident('public.users'))[1] AND quote_ident(table_name) = "
                 "(parse_ident('public.users'))[2] ELSE table_name IN (SELECT 'x') END ORDER BY "
                 "ordinal_position"),
            (Rows{"id", "name", "score", "tags"}));
  EXPECT_EQ(one("SELECT CASE WHEN 1 = 2 THEN 'a' WHEN 2 = 2 THEN 'b' ELSE 'c' END, CASE WHEN 1 = "
                "2 THEN 'a' END IS NULL"),
            "b|t");
  EXPECT_EQ(columns("SELECT CASE WHEN 1 = 1 THEN 1 ELSE 2.5 END AS x"), Cols{"x:1700"});
}

}  // namespace
}  // namespace riffq::catalog::testing

namespace riffq::catalog::testing {
namespace {

using Refusals = CatalogFixture;

TEST_F(Refusals, WhatIsNotComputedIsRefusedWith0A000) {
  EXPECT_EQ(sqlstate("SELECT sum(relnatts) OVER (ORDER BY oid ROWS BETWEEN 1 PRECEDING AND CURRENT "
                     "ROW) FROM pg_class"),
            "0A000");
  EXPECT_EQ(sqlstate("SELECT ARRAY[ARRAY[1, 2], ARRAY[3, 4]]"), "0A000");
  EXPECT_EQ(sqlstate("SELECT relkind, count(*) FROM pg_class GROUP BY ROLLUP (relkind)"), "0A000");
  // Frames that do not change the answer are computed.
  EXPECT_EQ(one("SELECT row_number() OVER (ORDER BY oid ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) "
                "FROM pg_am ORDER BY 1 LIMIT 1"),
            "1");
  EXPECT_EQ(columns("SELECT ARRAY[indkey] AS k FROM pg_index LIMIT 1"), Cols{"k:1006"});
}

}  // namespace
}  // namespace riffq::catalog::testing

namespace riffq::catalog::testing {
namespace {

using ConstantWhere = CatalogFixture;

TEST_F(ConstantWhere, FalseReadsNothingButAggregatesStillAnswer) {
  EXPECT_EQ(rows("SELECT 1 FROM information_schema.columns WHERE false"), Rows{});
  EXPECT_EQ(one("SELECT count(*) FROM pg_class WHERE 1 = 0"), "0");
  EXPECT_EQ(rows("SELECT 1 WHERE false"), Rows{});
  EXPECT_EQ(one("SELECT count(*) > 0 FROM pg_class WHERE true"), "t");
}

}  // namespace
}  // namespace riffq::catalog::testing

namespace riffq::catalog::testing {
namespace {

using EmptySide = CatalogFixture;

TEST_F(EmptySide, JoinsWithAnEmptyLeftSideAreEmpty) {
  EXPECT_EQ(rows("SELECT a.attname, col.column_name FROM pg_attribute a LEFT JOIN "
                 "information_schema.columns col ON col.column_name = a.attname WHERE a.attrelid "
                 "= 50010"),
            Rows{});
  EXPECT_EQ(one("SELECT count(*) FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = "
                "a.attrelid WHERE a.attrelid = 'users'::regclass AND a.attnum > 0"),
            "4");
}

}  // namespace
}  // namespace riffq::catalog::testing

namespace riffq::catalog::testing {
namespace {

using OrJoin = CatalogFixture;

// ON a = x OR b = x probes a hash per disjunct; a row matching both disjuncts appears once and
// left joins keep unmatched rows (PostgreSQL 15's answers for the fixture's objects).
TEST_F(OrJoin, EachMatchingPairOnceInNestedLoopOrder) {
  EXPECT_EQ(rows("SELECT t.typname, d.objsubid, d.description FROM pg_description d JOIN pg_type t "
                 "ON t.oid = d.objoid OR t.typrelid = d.objoid WHERE t.typnamespace = 2200 "
                 "ORDER BY 1, 2"),
            (Rows{"users|0|the users", "users|1|user id"}));
  EXPECT_EQ(rows("SELECT c.relname, t.typname FROM pg_class c LEFT JOIN pg_type t ON t.oid = "
                 "c.reltype OR t.typrelid = c.oid WHERE c.relnamespace = 2200 ORDER BY 1"),
            (Rows{"orders|orders", "orders_pkey|NULL", "users|users", "users_pkey|NULL"}));
}

}  // namespace
}  // namespace riffq::catalog::testing
