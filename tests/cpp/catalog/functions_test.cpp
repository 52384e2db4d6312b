// Functions and expressions catalog queries use, with PostgreSQL 15's answers: whole-row
// arguments (information_schema's _pg_truetypid(a.*, t.*)), row comparisons, transaction ids,
// partitions, updatability, and rows of set-returning functions dumped from PostgreSQL.
#include "engine_fixture.hpp"

namespace riffq::catalog::testing {
namespace {

using Functions = CatalogFixture;

TEST_F(Functions, InformationSchemaColumnsUsesWholeRowArguments) {
  EXPECT_EQ(rows("SELECT column_name, data_type, character_maximum_length, numeric_precision, "
                 "numeric_scale, is_nullable FROM information_schema.columns WHERE table_name = "
                 "'users' ORDER BY ordinal_position"),
            (Rows{"id|integer|NULL|32|0|NO", "name|character varying|40|NULL|NULL|YES",
                  "score|numeric|NULL|12|2|YES", "tags|ARRAY|NULL|NULL|NULL|YES"}));
}

TEST_F(Functions, RowComparisons) {
  EXPECT_EQ(one("SELECT (1, 'a') = (1, 'a'), (1, 2) = (1, 3), (1, 2) <> (1, 3)"), "t|f|t");
  // IntelliJ joins pg_attrdef ON (C.attrelid, C.attnum) = (D.adrelid, D.adnum).
  EXPECT_EQ(rows("SELECT a.attname, d.adnum FROM pg_attribute a LEFT JOIN pg_attrdef d ON "
                 "(a.attrelid, a.attnum) = (d.adrelid, d.adnum) WHERE a.attrelid = "
                 "'users'::regclass AND a.attnum > 0 ORDER BY a.attnum"),
            (Rows{"id|NULL", "name|NULL", "score|3", "tags|NULL"}));
}

TEST_F(Functions, AgeOfFrozenXidsIsIntMax) {
  EXPECT_EQ(one("SELECT age(xmin) FROM pg_namespace WHERE nspname = 'pg_toast'"), "2147483647");
  EXPECT_EQ(one("SELECT age(xmin) > 0 AND age(xmin) < 1000 FROM pg_namespace WHERE nspname = "
                "'public'"),
            "t");
}

TEST_F(Functions, ServerStateFunctions) {
  EXPECT_EQ(one("SELECT count(*) FROM pg_partition_ancestors('users')"), "0");
  EXPECT_EQ(one("SELECT pg_relation_is_updatable('users'::regclass, false), "
                "pg_relation_is_updatable('pg_tables'::regclass, false)"),
            "28|0");
  EXPECT_EQ(one("SELECT count(*) FROM pg_locks"), "0");
  EXPECT_EQ(one("SELECT pg_stat_get_tuples_returned('users'::regclass)"), "0");
}

TEST_F(Functions, DumpedSetReturningFunctions) {
  EXPECT_EQ(one("SELECT count(*) > 1000 FROM pg_timezone_names"), "t");
  EXPECT_EQ(one("SELECT name, default_version FROM pg_available_extension_versions() v JOIN "
                "pg_available_extensions e USING (name) WHERE name = 'plpgsql'"),
            "plpgsql|1.0");
}

}  // namespace
}  // namespace riffq::catalog::testing

namespace riffq::catalog::testing {
namespace {

using Describe = CatalogFixture;

TEST_F(Describe, PrettyIndexDefinitionNamesVisibleTablesUnqualified) {
  // psql's \d: pg_get_indexdef(indexrelid, 0, true).
  EXPECT_EQ(one("SELECT pg_get_indexdef('users_pkey'::regclass, 0, true)"),
            "CREATE UNIQUE INDEX users_pkey ON users USING btree (id)");
  EXPECT_EQ(one("SELECT pg_get_indexdef('users_pkey'::regclass)"),
            "CREATE UNIQUE INDEX users_pkey ON public.users USING btree (id)");
  EXPECT_EQ(one("SELECT pg_get_indexdef('pg_am_oid_index'::regclass, 0, true), "
                "pg_get_indexdef('pg_am_oid_index'::regclass, 1, false)"),
            "CREATE UNIQUE INDEX pg_am_oid_index ON pg_am USING btree (oid)|oid");
}

TEST_F(Describe, IndexesHaveAttributes) {
  // psql's \d users_pkey reads the index's own pg_attribute rows.
  EXPECT_EQ(rows("SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute WHERE "
                 "attrelid = 'users_pkey'::regclass"),
            Rows{"id|integer"});
}

TEST_F(Describe, RecordFieldsThroughSubqueries) {
  // information_schema.key_column_usage selects (ss.x).n from _pg_expandarray's record.
  EXPECT_EQ(rows("SELECT table_name, column_name, ordinal_position, position_in_unique_constraint "
                 "FROM information_schema.key_column_usage WHERE table_schema = 'public' ORDER BY "
                 "1, 2"),
            (Rows{"orders|order_id|1|NULL", "orders|user_id|1|1", "users|id|1|NULL"}));
}

TEST_F(Describe, OperatorsAndTimestamps) {
  EXPECT_EQ(one("SELECT 6 & 3, 6 | 1, 1 << 4, pg_typeof(5::int8 & 1)"), "2|7|16|bigint");
  EXPECT_EQ(one("SELECT extract(epoch from '2020-01-01 00:00:01.5+01'::timestamptz) = "
                "1577833201.5"),
            "t");
  EXPECT_EQ(columns("SELECT round(extract(epoch from now() at time zone 'UTC')) AS t"),
            Cols{"t:1700"});
  EXPECT_EQ(one("SELECT round(2.5::numeric), round(2.5::float8), pg_typeof(round(1))"),
            "3|2|double precision");
}

}  // namespace
}  // namespace riffq::catalog::testing

namespace riffq::catalog::testing {
namespace {

using Session = CatalogFixture;

TEST_F(Session, DescribeObject) {
  EXPECT_EQ(one("SELECT pg_describe_object('pg_class'::regclass, 'users'::regclass, 0), "
                "pg_describe_object('pg_class'::regclass, 'users'::regclass, 2), "
                "pg_describe_object('pg_type'::regclass, 23, 0), "
                "pg_describe_object('pg_class'::regclass, 'users_pkey'::regclass, 0)"),
            "table users|column name of table users|type integer|index users_pkey");
  EXPECT_EQ(rows("SELECT pg_describe_object(classid, objid, 0) FROM pg_depend WHERE refobjid = "
                 "(SELECT oid FROM pg_extension WHERE extname = 'plpgsql') ORDER BY 1"),
            (Rows{"function plpgsql_call_handler()", "function plpgsql_inline_handler(internal)",
                  "function plpgsql_validator(oid)", "language plpgsql"}));
}

TEST_F(Session, PgSettingsShowsWhatTheSessionSet) {
  session.setting = [](std::string_view name) -> std::optional<std::string> {
    if (name == "application_name") return std::string("psql");
    return std::nullopt;
  };
  EXPECT_EQ(one("SELECT setting, source FROM pg_settings WHERE name = 'application_name'"),
            "psql|session");
  EXPECT_EQ(one("SELECT source FROM pg_settings WHERE name = 'work_mem'"), "default");
}

}  // namespace
}  // namespace riffq::catalog::testing

namespace riffq::catalog::testing {
namespace {

using Drivers = CatalogFixture;

TEST_F(Drivers, GenerateSeriesKeepsItsArgumentType) {
  // pgjdbc's getImportedKeys: generate_series(1, 32) pos(n) … pos.n AS KEY_SEQ is int4.
  EXPECT_EQ(columns("SELECT g FROM generate_series(1, 32) g"), Cols{"g:23"});
  EXPECT_EQ(columns("SELECT g FROM generate_series(1, 3::int8) g"), Cols{"g:20"});
}

TEST_F(Drivers, SqlAlchemyColumnReflectionFunctions) {
  EXPECT_EQ(one("SELECT pg_get_serial_sequence('users', 'id') IS NULL"), "t");
  EXPECT_EQ(one("SELECT json_build_object('always', true, 'start', 1::int8, 'name', 'a\"b', 'x', "
                "NULL::int4)"),
            "{\"always\" : true, \"start\" : 1, \"name\" : \"a\\\"b\", \"x\" : null}");
  EXPECT_EQ(columns("SELECT json_build_object('a', 1) AS j"), Cols{"j:114"});
}

}  // namespace
}  // namespace riffq::catalog::testing

namespace riffq::catalog::testing {
namespace {

using Arrays = CatalogFixture;

TEST_F(Arrays, VectorsCastToArraysKeepTheirZeroLowerBound) {
  // pgcli: COALESCE(proallargtypes::regtype[], proargtypes::regtype[]) prints [0:n]={…}.
  EXPECT_EQ(one("SELECT proargtypes::regtype[], (proargtypes::oid[])[0], "
                "array_lower(proargtypes::oid[], 1), (proargtypes::oid[])[0:1] FROM pg_proc WHERE "
                "proname = 'array_to_string' ORDER BY oid LIMIT 1"),
            "[0:2]={anyarray,text,text}|2277|0|{2277,25}");
  EXPECT_EQ(one("SELECT '{1,2}'::int[], ('{1,2}'::int[])[1]"), "{1,2}|1");
}

}  // namespace
}  // namespace riffq::catalog::testing

namespace riffq::catalog::testing {
namespace {

using InfoSchema = CatalogFixture;

TEST_F(InfoSchema, ArgumentDefaultsAndRowIn) {
  // information_schema.parameters reads pg_get_function_arg_default (PostgreSQL 15's values).
  EXPECT_EQ(rows("SELECT n, pg_get_function_arg_default('pg_catalog.make_interval'::regproc, n) "
                 "FROM generate_series(1, 2) n"),
            (Rows{"1|0", "2|0"}));
  EXPECT_EQ(one("SELECT pg_get_function_arg_default('pg_catalog.quote_ident'::regproc, 1) IS "
                "NULL"),
            "t");
  EXPECT_EQ(one("SELECT (1, 2) IN (SELECT 1, 2), (1, 2) IN (SELECT 1, 3), (1, NULL::int) IN "
                "(SELECT 1, 2), (1, 2) NOT IN (SELECT 1, 3)"),
            "t|f|NULL|t");
}

}  // namespace
}  // namespace riffq::catalog::testing

namespace riffq::catalog::testing {
namespace {

using Sizes = CatalogFixture;

// PostgreSQL 15's sizes for the fixture's (empty) tables: heaps 0, each btree index a metapage,
// users' TOAST index counted in its table size; orders has no TOAST table.
TEST_F(Sizes, RegisteredRelationsHaveTheSizesOfEmptyOnes) {
  EXPECT_EQ(one("SELECT pg_relation_size('users'), pg_table_size('users'), "
                "pg_indexes_size('users'), pg_total_relation_size('users')"),
            "0|8192|8192|16384");
  EXPECT_EQ(one("SELECT pg_relation_size('users_pkey'), pg_table_size('users_pkey'), "
                "pg_relation_size('users', 'fsm')"),
            "8192|8192|0");
  EXPECT_EQ(one("SELECT pg_table_size('orders'), pg_total_relation_size('orders')"), "0|8192");
  EXPECT_EQ(one("SELECT pg_table_size('pg_class')"), "0");  // built-in catalogs: no storage
}

}  // namespace
}  // namespace riffq::catalog::testing
