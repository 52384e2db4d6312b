// Built-in PostgreSQL 15 catalog data: the base tables, views and function-backed pseudo tables
// of pg_catalog and information_schema of a fresh cluster, dumped by
// scripts/dump_pg15_catalog.py into data/catalog/pg15_catalog.txt and embedded in the library
// at build time (src/catalog/builtin_data_blob.S, .incbin).
//
// File format (UTF-8, one record per line, '\n' line ends). Fields are separated by tabs and
// escaped as PostgreSQL's COPY ... TO STDOUT (text format) escapes them: `\\`, `\n`, `\r`, `\t`,
// `\b`, `\f`, `\v`; a field that is exactly `\N` is NULL. The reader also accepts COPY's octal
// (`\ooo`) and hex (`\xhh`) escapes.
//
//   # ...                                             comment, only before the first record
//   T <schema> <name> <oid> <rowtype oid> <ncols> <nrows>
//                                                     base table (pg_class.relkind 'r'),
//                                                     followed by ncols column lines and nrows
//                                                     row lines
//   C <attname> <atttypid> <atttypmod> <t|f>          column, in attnum order (t = attnotnull)
//   <row>                                             one row exactly as COPY prints it
//   X <xmin>*<count> ...                              optional, after a T table's rows: the
//                                                     rows' xmin in row order, run-length coded
//   V <schema> <name> <oid> <rowtype oid> <ncols>     view (relkind 'v'), followed by ncols
//                                                     column lines and one D line
//   D <definition>                                    pg_get_viewdef(oid, false)
//   P <key> <schema> <name> <oid> <rowtype oid> <ncols> <nrows>
//                                                     pseudo table, laid out as T: the rows of
//                                                     a view or set-returning function that
//                                                     PostgreSQL computes in C (key: settings =
//                                                     pg_settings, keywords = pg_get_keywords(),
//                                                     available_extensions =
//                                                     pg_available_extensions, srf = the
//                                                     rows of the set-returning function
//                                                     <name>()); its oid is the view's (or
//                                                     the function's, rowtype 0)
//   B <proc oid> <body>                               pg_get_function_sqlbody(oid) of a
//                                                     function with an SQL-standard body
//                                                     (BEGIN ATOMIC / RETURN; its prosrc is empty)
//   F <function> <oid> <text>                          result of a pg_get_* function for a
//                                                     built-in object (BuiltinDefinition)
//   END <number of T, V, P, B and F records>          last line
//
// Excluded: pg_statistic, pg_largeobject, pg_largeobject_metadata. Row order: heap (ctid) order,
// as a sequential scan of a fresh cluster returns them. Values are PostgreSQL's text output forms
// (oidvector "23 25", arrays "{a,b}", aclitem[] "{postgres=arwdDxt/postgres}", pg_node_tree
// "({QUERY ...})", bool "t"/"f", ...).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace riffq::catalog {

struct BuiltinColumn {
  std::string name;
  uint32_t type_oid = 0;  // atttypid as PostgreSQL reports it (a domain's oid for domain columns)
  int32_t typmod = -1;
  bool not_null = false;
};

// A row value: the text output form, COPY-unescaped; nullopt is SQL NULL.
using BuiltinValue = std::optional<std::string>;
using BuiltinRow = std::vector<BuiltinValue>;

struct BuiltinTable {
  std::string schema, name;
  uint32_t oid = 0, rowtype_oid = 0;
  std::vector<BuiltinColumn> columns;
  std::vector<BuiltinRow> rows;  // each row has columns.size() values
  std::vector<uint32_t> xmins;   // each row's xmin (T tables; empty when not dumped)

  // Index of the column called `column`, or -1.
  int column_index(std::string_view column) const;
};

struct BuiltinView {
  std::string schema, name;
  uint32_t oid = 0, rowtype_oid = 0;
  std::vector<BuiltinColumn> columns;  // output columns; not_null is always false
  std::string definition;              // pg_get_viewdef(oid, false), a SELECT without ';'
};

struct BuiltinSqlBody {
  uint32_t proc_oid = 0;
  std::string body;  // "RETURN expr" or "BEGIN ATOMIC\n ...;\nEND"
};

// The result of a pg_get_* function for a built-in object (pg_get_constraintdef of a
// constraint, pg_get_indexdef of an index, pg_get_function_arguments of a function, …).
// pg_get_expr results are keyed "pg_get_expr:<node tree>" with oid 0.
struct BuiltinDefinition {
  std::string function;
  uint32_t oid = 0;
  std::string text;
};

struct BuiltinCatalog {
  std::string server_version;  // e.g. "15.18 (Debian 15.18-0+deb12u1)", from the settings
  std::vector<BuiltinTable> tables;
  std::vector<BuiltinView> views;
  std::vector<BuiltinSqlBody> sql_bodies;  // sorted by proc_oid
  std::vector<BuiltinDefinition> definitions;
  // Pseudo tables: rows of `SELECT * FROM pg_settings ORDER BY name`, of pg_get_keywords()
  // (ORDER BY word) and of pg_available_extensions (ORDER BY name).
  BuiltinTable settings;
  BuiltinTable keywords;
  BuiltinTable available_extensions;
  // Rows of set-returning functions computed in C (key "srf"; name = the function):
  // pg_available_extension_versions(), pg_timezone_names(), pg_timezone_abbrevs().
  std::vector<BuiltinTable> function_rows;

  const BuiltinTable* table(std::string_view schema, std::string_view name) const;
  const BuiltinView* view(std::string_view schema, std::string_view name) const;
  const BuiltinSqlBody* sql_body(uint32_t proc_oid) const;
};

// The embedded catalog, parsed on first use (thread-safe).
const BuiltinCatalog& builtin_catalog();

// The embedded data file, as built into the library.
std::string_view builtin_catalog_text();

// Parses text in the format above. Throws std::runtime_error (with the line number) when it is
// malformed; the embedded file is checked by the tests, so builtin_catalog() does not throw.
BuiltinCatalog parse_builtin_catalog(std::string_view text);

// Undoes COPY text escaping of one field (not the `\N` NULL marker, which is the caller's).
std::string copy_text_unescape(std::string_view field);

}  // namespace riffq::catalog
