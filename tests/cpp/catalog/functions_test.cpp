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
