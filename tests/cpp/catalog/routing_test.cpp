// Routing: which statements the catalog engine answers (reads_catalog, emulation on) and which
// count as a driver's type look-up (is_type_introspection, emulation off).
#include <gtest/gtest.h>

#include "riffq/catalog/engine.hpp"

namespace riffq::catalog {
namespace {

TEST(Routing, CatalogRelationsFunctionsAndRegCasts) {
  EXPECT_TRUE(reads_catalog("SELECT relname FROM pg_class"));
  EXPECT_TRUE(reads_catalog("SELECT * FROM information_schema.tables"));
  EXPECT_TRUE(reads_catalog("SELECT format_type(23, -1)"));
  EXPECT_TRUE(reads_catalog("SELECT 'pg_class'::regclass"));
  EXPECT_TRUE(reads_catalog("SELECT pg_postmaster_start_time()"));
  EXPECT_TRUE(reads_catalog("SELECT txid_current()"));
  EXPECT_FALSE(reads_catalog("SELECT 1"));
  EXPECT_FALSE(reads_catalog("SELECT * FROM orders"));
  EXPECT_FALSE(reads_catalog("INSERT INTO t VALUES (1)"));
}

TEST(Routing, TheHandlersTablesStayWithTheHandler) {
  // The engine holds no rows for registered tables: a statement reading one goes to the handler.
  EXPECT_FALSE(reads_catalog("SELECT o.id, format_type(23, -1) FROM orders o"));
  EXPECT_FALSE(reads_catalog("SELECT * FROM pg_class c JOIN sales.orders o ON true"));
  // A WITH name is not a table.
  EXPECT_TRUE(reads_catalog("WITH x AS (SELECT oid FROM pg_class) SELECT * FROM x"));
}

TEST(Routing, AsyncpgsRecursiveTypeLookUpIsTypeIntrospection) {
  // asyncpg's INTRO_LOOKUP_TYPES (PostgreSQL 13+ form, abridged): a recursive CTE over pg_type
  // joined with pg_range.
  const char* sql =
      "WITH RECURSIVE typeinfo_tree(oid, ns, name, kind, basetype, elemtype, elemdelim, "
      "range_subtype, "
      "attrtypoids, attrnames, depth) AS ( SELECT ti.oid, ti.ns, ti.name, ti.kind, ti.basetype, "
      "ti.elemtype, ti.elemdelim, ti.range_subtype, ti.attrtypoids, ti.attrnames, 0 FROM (SELECT "
      "t.oid, t.typnamespace AS ns, t.typname AS name, t.typtype AS kind, NULL::oid AS basetype, "
      "t.typelem AS elemtype, t.typdelim AS elemdelim, r.rngsubtype AS range_subtype, NULL::oid[] "
      "AS attrtypoids, NULL::text[] AS attrnames FROM pg_catalog.pg_type AS t LEFT JOIN "
      "pg_catalog.pg_range r ON r.rngtypid = t.oid) AS ti WHERE ti.oid = any($1::oid[]) UNION ALL "
      "SELECT ti.oid, ti.ns, ti.name, ti.kind, ti.basetype, ti.elemtype, ti.elemdelim, "
      "ti.range_subtype, ti.attrtypoids, ti.attrnames, tt.depth + 1 FROM (SELECT t.oid, "
      "t.typnamespace AS ns, t.typname AS name, t.typtype AS kind, NULL::oid AS basetype, "
      "t.typelem AS elemtype, t.typdelim AS elemdelim, r.rngsubtype AS range_subtype, NULL::oid[] "
      "AS attrtypoids, NULL::text[] AS attrnames FROM pg_catalog.pg_type AS t LEFT JOIN "
      "pg_catalog.pg_range r ON r.rngtypid = t.oid) ti, typeinfo_tree tt WHERE (tt.elemtype IS "
      "NOT NULL AND ti.oid = tt.elemtype) ) SELECT DISTINCT * FROM typeinfo_tree ORDER BY depth "
      "DESC";
  EXPECT_TRUE(is_type_introspection(sql));
  EXPECT_FALSE(is_type_introspection("SELECT * FROM pg_proc"));
  EXPECT_FALSE(is_type_introspection("SELECT t.oid FROM pg_type t JOIN orders o ON true"));
}

TEST(Routing, AdbcsRowTypeFieldsReadIsTypeIntrospection) {
  // adbc-driver-postgresql's type resolver, when it connects (composite types' fields).
  EXPECT_TRUE(is_type_introspection(
      "SELECT\n    attrelid,\n    attname,\n    atttypid\nFROM\n    pg_catalog.pg_attribute\n"
      "ORDER BY\n    attrelid, attnum"));
  // Reads of one table's columns, other pg_attribute columns, or pg_attribute beside other
  // relations stay the handler's.
  EXPECT_FALSE(is_type_introspection("SELECT attname FROM pg_attribute WHERE attrelid = 16384"));
  EXPECT_FALSE(is_type_introspection(
      "SELECT attname FROM pg_attribute WHERE attrelid = 'orders'::regclass"));
  EXPECT_FALSE(is_type_introspection("SELECT attname, attnotnull FROM pg_attribute"));
  EXPECT_FALSE(is_type_introspection("SELECT * FROM pg_catalog.pg_attribute"));
  EXPECT_FALSE(is_type_introspection(
      "SELECT a.attname FROM pg_attribute a, pg_class c WHERE c.oid = a.attrelid"));
  EXPECT_FALSE(is_type_introspection("SELECT attname FROM pg_attribute LIMIT 5"));
}

}  // namespace
}  // namespace riffq::catalog
