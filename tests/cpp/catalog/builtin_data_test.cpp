// Tests of the embedded PostgreSQL 15 catalog data and its reader.
#include "riffq/catalog/builtin_data.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace riffq::catalog {
namespace {

const BuiltinCatalog& cat() {
  return builtin_catalog();
}

const BuiltinTable& table(std::string_view schema, std::string_view name) {
  const BuiltinTable* t = cat().table(schema, name);
  if (t == nullptr) throw std::runtime_error("missing table " + std::string(name));
  return *t;
}

// The value of `column` in the first row whose `key_column` equals `key`.
BuiltinValue lookup(const BuiltinTable& t, std::string_view key_column, std::string_view key,
                    std::string_view column) {
  const int k = t.column_index(key_column);
  const int c = t.column_index(column);
  if (k < 0 || c < 0) throw std::runtime_error("missing column in " + t.name);
  for (const BuiltinRow& row : t.rows) {
    if (row[k] == key) return row[c];
  }
  throw std::runtime_error("no row " + std::string(key) + " in " + t.name);
}

TEST(BuiltinCatalogData, EmbeddedTextIsTheDataFile) {
  const std::string_view text = builtin_catalog_text();
  EXPECT_GT(text.size(), 1'000'000u);
  EXPECT_TRUE(text.starts_with("# PostgreSQL 15 built-in catalog"));
  EXPECT_TRUE(text.ends_with("\n"));
  EXPECT_EQ(text.data()[text.size()], '\0');  // the blob adds a NUL after the file
}

TEST(BuiltinCatalogData, PgTypeHasInt4) {
  const BuiltinTable& pg_type = table("pg_catalog", "pg_type");
  EXPECT_EQ(pg_type.oid, 1247u);
  ASSERT_EQ(pg_type.column_index("oid"), 0);  // oid is an ordinary column in PostgreSQL 12+
  EXPECT_EQ(pg_type.columns[0].type_oid, 26u);
  EXPECT_TRUE(pg_type.columns[0].not_null);
  EXPECT_EQ(lookup(pg_type, "oid", "23", "typname"), "int4");
  EXPECT_EQ(lookup(pg_type, "oid", "23", "typlen"), "4");
  EXPECT_EQ(lookup(pg_type, "oid", "23", "typarray"), "1007");
  EXPECT_EQ(lookup(pg_type, "typname", "_int4", "typelem"), "23");
  EXPECT_EQ(lookup(pg_type, "oid", "23", "typacl"), std::nullopt);
  EXPECT_EQ(pg_type.columns[static_cast<size_t>(pg_type.column_index("typname"))].type_oid, 19u);
}

TEST(BuiltinCatalogData, PgClassDescribesItself) {
  const BuiltinTable& pg_class = table("pg_catalog", "pg_class");
  EXPECT_EQ(pg_class.oid, 1259u);
  EXPECT_EQ(pg_class.rowtype_oid, 83u);
  EXPECT_EQ(lookup(pg_class, "oid", "1259", "relname"), "pg_class");
  EXPECT_EQ(lookup(pg_class, "oid", "1259", "relkind"), "r");
  EXPECT_EQ(lookup(pg_class, "oid", "1259", "relnamespace"), "11");
  EXPECT_EQ(lookup(pg_class, "oid", "1259", "reltype"), "83");
  // Every dumped table and view has its pg_class row with the same oid and row type.
  const int oid = pg_class.column_index("oid");
  const int relname = pg_class.column_index("relname");
  const int reltype = pg_class.column_index("reltype");
  auto check = [&](uint32_t want_oid, uint32_t want_type, const std::string& name) {
    for (const BuiltinRow& row : pg_class.rows) {
      if (row[oid] == std::to_string(want_oid)) {
        EXPECT_EQ(row[relname], name);
        EXPECT_EQ(row[reltype], std::to_string(want_type));
        return;
      }
    }
    ADD_FAILURE() << "no pg_class row for " << name;
  };
  for (const BuiltinTable& t : cat().tables) check(t.oid, t.rowtype_oid, t.name);
  for (const BuiltinView& v : cat().views) check(v.oid, v.rowtype_oid, v.name);
}

TEST(BuiltinCatalogData, PgProcIsComplete) {
  const BuiltinTable& pg_proc = table("pg_catalog", "pg_proc");
  EXPECT_GT(pg_proc.rows.size(), 2500u);
  EXPECT_EQ(lookup(pg_proc, "oid", "1686", "proname"), "pg_get_keywords");
  EXPECT_EQ(lookup(pg_proc, "oid", "1215", "prosrc"), "");  // an SQL-standard body
  // pg_proc columns of unusual types keep PostgreSQL's text forms.
  EXPECT_EQ(lookup(pg_proc, "oid", "879", "proargtypes"), "25 23");  // oidvector
  EXPECT_EQ(lookup(pg_proc, "oid", "879", "prorettype"), "25");
}

TEST(BuiltinCatalogData, ExcludedTablesAreAbsent) {
  EXPECT_EQ(cat().table("pg_catalog", "pg_statistic"), nullptr);
  EXPECT_EQ(cat().table("pg_catalog", "pg_largeobject"), nullptr);
  EXPECT_EQ(cat().table("pg_catalog", "pg_largeobject_metadata"), nullptr);
  EXPECT_NE(cat().table("pg_catalog", "pg_attribute"), nullptr);
  EXPECT_EQ(cat().table("information_schema", "pg_class"), nullptr);
  EXPECT_GT(cat().tables.size(), 60u);
  EXPECT_GT(cat().views.size(), 130u);
}

TEST(BuiltinCatalogData, InformationSchemaTablesView) {
  const BuiltinView* v = cat().view("information_schema", "tables");
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(cat().view("pg_catalog", "tables"), nullptr);
  const std::vector<std::string> expected = {"table_catalog",
                                             "table_schema",
                                             "table_name",
                                             "table_type",
                                             "self_referencing_column_name",
                                             "reference_generation",
                                             "user_defined_type_catalog",
                                             "user_defined_type_schema",
                                             "user_defined_type_name",
                                             "is_insertable_into",
                                             "is_typed",
                                             "commit_action"};
  std::vector<std::string> names;
  for (const BuiltinColumn& c : v->columns) names.push_back(c.name);
  EXPECT_EQ(names, expected);

  // Columns are typed by information_schema's domains, as pg_attribute reports them.
  const BuiltinTable& pg_type = table("pg_catalog", "pg_type");
  auto domain_oid = [&](std::string_view name) {
    const int oid = pg_type.column_index("oid");
    const int typname = pg_type.column_index("typname");
    const int typtype = pg_type.column_index("typtype");
    for (const BuiltinRow& row : pg_type.rows) {
      if (row[typname] == name && row[typtype] == "d")
        return static_cast<uint32_t>(std::stoul(*row[oid]));
    }
    return 0u;
  };
  EXPECT_NE(domain_oid("sql_identifier"), 0u);
  EXPECT_EQ(v->columns[0].type_oid, domain_oid("sql_identifier"));
  EXPECT_EQ(v->columns[3].type_oid, domain_oid("character_data"));
  EXPECT_EQ(v->columns[9].type_oid, domain_oid("yes_or_no"));
  EXPECT_EQ(lookup(pg_type, "typname", "sql_identifier", "typbasetype"), "19");

  EXPECT_TRUE(v->definition.starts_with(
      " SELECT (current_database())::information_schema.sql_identifier AS table_catalog,\n"))
      << v->definition.substr(0, 100);
  EXPECT_NE(v->definition.find("FROM ((pg_namespace nc"), std::string::npos);
}

TEST(BuiltinCatalogData, SystemViews) {
  const BuiltinView* v = cat().view("pg_catalog", "pg_tables");
  ASSERT_NE(v, nullptr);
  ASSERT_EQ(v->columns.size(), 8u);
  EXPECT_EQ(v->columns[0].name, "schemaname");
  EXPECT_EQ(v->columns[0].type_oid, 19u);
  ASSERT_NE(cat().view("pg_catalog", "pg_settings"), nullptr);
  EXPECT_EQ(cat().view("pg_catalog", "pg_settings")->oid, cat().settings.oid);
}

TEST(BuiltinCatalogData, SettingsPseudoTable) {
  const BuiltinTable& s = cat().settings;
  EXPECT_EQ(s.name, "pg_settings");
  ASSERT_EQ(s.column_index("name"), 0);
  EXPECT_EQ(s.columns[static_cast<size_t>(s.column_index("enumvals"))].type_oid, 1009u);
  const BuiltinValue version = lookup(s, "name", "server_version", "setting");
  ASSERT_TRUE(version.has_value());
  EXPECT_TRUE(version->starts_with("15.")) << *version;
  EXPECT_EQ(cat().server_version, *version);
  const int num = std::stoi(*lookup(s, "name", "server_version_num", "setting"));
  EXPECT_GE(num, 150000);
  EXPECT_LT(num, 160000);
  EXPECT_EQ(lookup(s, "name", "DateStyle", "setting"), "ISO, MDY");
  EXPECT_EQ(lookup(s, "name", "port", "setting"), "5432");
  EXPECT_EQ(lookup(s, "name", "integer_datetimes", "setting"), "on");
  EXPECT_EQ(lookup(s, "name", "search_path", "setting"), "\"$user\", public");
  EXPECT_EQ(lookup(s, "name", "search_path", "unit"), std::nullopt);
  EXPECT_EQ(lookup(s, "name", "IntervalStyle", "enumvals"),
            "{postgres,postgres_verbose,sql_standard,iso_8601}");
}

TEST(BuiltinCatalogData, KeywordsAndExtensions) {
  const BuiltinTable& k = cat().keywords;
  EXPECT_GT(k.rows.size(), 400u);
  EXPECT_EQ(k.columns[1].name, "catcode");
  EXPECT_EQ(k.columns[1].type_oid, 18u);
  EXPECT_EQ(lookup(k, "word", "select", "catcode"), "R");
  EXPECT_EQ(lookup(k, "word", "abort", "catdesc"), "unreserved");
  const BuiltinTable& e = cat().available_extensions;
  EXPECT_EQ(lookup(e, "name", "plpgsql", "installed_version"), "1.0");
}

TEST(BuiltinCatalogData, SqlStandardBodies) {
  const BuiltinSqlBody* lpad = cat().sql_body(879);
  ASSERT_NE(lpad, nullptr);
  EXPECT_EQ(lpad->body, "RETURN lpad($1, $2, ' '::text)");
  const BuiltinTable& pg_proc = table("pg_catalog", "pg_proc");
  const uint32_t index_position =
      static_cast<uint32_t>(std::stoul(*lookup(pg_proc, "proname", "_pg_index_position", "oid")));
  const BuiltinSqlBody* body = cat().sql_body(index_position);
  ASSERT_NE(body, nullptr);
  EXPECT_TRUE(body->body.starts_with("BEGIN ATOMIC\n SELECT (ss.a).n AS n\n")) << body->body;
  EXPECT_TRUE(body->body.ends_with(";\nEND")) << body->body;
  EXPECT_EQ(cat().sql_body(23), nullptr);
  EXPECT_GT(cat().sql_bodies.size(), 50u);
}

TEST(BuiltinCatalogData, InformationSchemaSqlFeatures) {
  const BuiltinTable& f = table("information_schema", "sql_features");
  EXPECT_GT(f.rows.size(), 700u);
  ASSERT_EQ(f.columns.size(), 7u);
  EXPECT_EQ(f.columns[0].name, "feature_id");
  EXPECT_EQ(lookup(f, "feature_id", "E011", "feature_name"), "Numeric data types");
  EXPECT_NE(cat().table("information_schema", "sql_parts"), nullptr);
  EXPECT_NE(cat().table("information_schema", "sql_sizing"), nullptr);
}

TEST(BuiltinCatalogData, EscapesInRealDataAreUndone) {
  // COPY printed `"\\'"`; the value is `"\'"`.
  EXPECT_EQ(lookup(cat().settings, "name", "backslash_quote", "short_desc"),
            "Sets whether \"\\'\" is allowed in string literals.");
  const BuiltinView* triggers = cat().view("information_schema", "triggers");
  ASSERT_NE(triggers, nullptr);
  EXPECT_NE(triggers->definition.find("WHEN \\((.+)\\) EXECUTE FUNCTION"), std::string::npos);
  EXPECT_NE(triggers->definition.find('\n'), std::string::npos);
  // SQL-language functions keep their multi-line source in prosrc.
  const BuiltinValue src =
      lookup(table("pg_catalog", "pg_proc"), "proname", "_pg_expandarray", "prosrc");
  ASSERT_TRUE(src.has_value());
  EXPECT_NE(src->find("generate_series"), std::string::npos);
  EXPECT_NE(src->find('\n'), std::string::npos);
}

TEST(BuiltinCatalogParse, UnescapesCopyText) {
  EXPECT_EQ(copy_text_unescape("plain"), "plain");
  EXPECT_EQ(copy_text_unescape("a\\tb\\nc\\\\d"), "a\tb\nc\\d");
  EXPECT_EQ(copy_text_unescape("\\r\\b\\f\\v"), "\r\b\f\v");
  EXPECT_EQ(copy_text_unescape("\\101\\0\\1x"), std::string("A\0\1x", 4));
  EXPECT_EQ(copy_text_unescape("\\x41\\x4g\\xz"), "A\x04gxz");
  EXPECT_EQ(copy_text_unescape("\\N\\."), "N.");  // \N inside a longer value is just N
  EXPECT_EQ(copy_text_unescape("end\\"), "end");  // a trailing lone backslash is dropped
  EXPECT_EQ(copy_text_unescape(""), "");
}

constexpr std::string_view kSmall =
    "# comment\n"
    "# another\n"
    "T\tpg_catalog\tt\t1\t2\t3\t3\n"
    "C\toid\t26\t-1\tt\n"
    "C\tval\t25\t-1\tf\n"
    "C\tarr\t1009\t-1\tf\n"
    "1\ttab\\there\t{a,b}\n"
    "2\t\\N\t\n"
    "3\tback\\\\slash \\\\N\t\\N\n"
    "V\tinformation_schema\tv\t4\t5\t1\n"
    "C\tx\t23\t-1\tf\n"
    "D\t SELECT 1 AS x\\n  FROM t;\n"
    "P\tsettings\tpg_catalog\tpg_settings\t6\t7\t2\t1\n"
    "C\tname\t25\t-1\tf\n"
    "C\tsetting\t25\t-1\tf\n"
    "server_version\t15.99\n"
    "B\t10\tRETURN 1\n"
    "B\t11\tBEGIN ATOMIC\\n SELECT 1;\\nEND\n"
    "END\t5\n";

TEST(BuiltinCatalogParse, SmallFile) {
  const BuiltinCatalog c = parse_builtin_catalog(kSmall);
  ASSERT_EQ(c.tables.size(), 1u);
  const BuiltinTable& t = c.tables[0];
  EXPECT_EQ(t.oid, 1u);
  EXPECT_EQ(t.rowtype_oid, 2u);
  ASSERT_EQ(t.columns.size(), 3u);
  EXPECT_TRUE(t.columns[0].not_null);
  EXPECT_EQ(t.columns[2].type_oid, 1009u);
  EXPECT_EQ(t.columns[2].typmod, -1);
  ASSERT_EQ(t.rows.size(), 3u);
  EXPECT_EQ(t.rows[0], (BuiltinRow{"1", "tab\there", "{a,b}"}));
  EXPECT_EQ(t.rows[1], (BuiltinRow{"2", std::nullopt, ""}));
  EXPECT_EQ(t.rows[2], (BuiltinRow{"3", "back\\slash \\N", std::nullopt}));
  ASSERT_EQ(c.views.size(), 1u);
  EXPECT_EQ(c.views[0].schema, "information_schema");
  EXPECT_EQ(c.views[0].definition, " SELECT 1 AS x\n  FROM t;");
  EXPECT_EQ(c.view("information_schema", "v"), &c.views[0]);
  EXPECT_EQ(c.table("pg_catalog", "t"), &c.tables[0]);
  EXPECT_EQ(c.server_version, "15.99");
  ASSERT_EQ(c.sql_bodies.size(), 2u);
  EXPECT_EQ(c.sql_body(11)->body, "BEGIN ATOMIC\n SELECT 1;\nEND");
  EXPECT_EQ(c.sql_body(12), nullptr);
  EXPECT_TRUE(c.keywords.rows.empty());
}

TEST(BuiltinCatalogParse, RejectsMalformedData) {
  const std::string good(kSmall);
  auto replaced = [&](std::string_view from, std::string_view to) {
    std::string s = good;
    s.replace(s.find(from), from.size(), to);
    return s;
  };
  EXPECT_THROW(parse_builtin_catalog(good.substr(0, good.size() - 6)), std::runtime_error);
  EXPECT_THROW(parse_builtin_catalog(good.substr(0, good.size() - 1)), std::runtime_error);
  EXPECT_THROW(parse_builtin_catalog(good + "T\n"), std::runtime_error);
  EXPECT_THROW(parse_builtin_catalog(replaced("2\t\\N\t\n", "2\t\\N\n")), std::runtime_error);
  EXPECT_THROW(parse_builtin_catalog(replaced("END\t5", "END\t4")), std::runtime_error);
  EXPECT_THROW(parse_builtin_catalog(replaced("\t3\t3\n", "\t3\t4\n")), std::runtime_error);
  EXPECT_THROW(parse_builtin_catalog(replaced("C\tval\t25", "C\tval\tx25")), std::runtime_error);
  EXPECT_THROW(parse_builtin_catalog(replaced("P\tsettings", "P\tbogus")), std::runtime_error);
  EXPECT_THROW(parse_builtin_catalog(replaced("D\t", "X\t")), std::runtime_error);
  EXPECT_THROW(parse_builtin_catalog(replaced("B\t11", "B\t9")), std::runtime_error);
  EXPECT_THROW(parse_builtin_catalog(""), std::runtime_error);
  try {
    parse_builtin_catalog(replaced("C\tval\t25", "C\tval\tx25"));
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("line 5"), std::string::npos) << e.what();
  }
}

TEST(BuiltinCatalogParse, WholeFileParsesQuickly) {
  const auto start = std::chrono::steady_clock::now();
  const BuiltinCatalog c = parse_builtin_catalog(builtin_catalog_text());
  const auto ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start);
  std::printf("parsed %zu bytes in %.1f ms\n", builtin_catalog_text().size(), ms.count());
  EXPECT_EQ(c.tables.size(), cat().tables.size());
  EXPECT_LT(ms.count(), 2000.0);  // ~tens of ms optimised; generous for sanitizer builds
}

TEST(BuiltinCatalogParse, FirstUseIsThreadSafe) {
  std::vector<const BuiltinCatalog*> seen(8, nullptr);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < seen.size(); ++i) {
    threads.emplace_back([&seen, i] { seen[i] = &builtin_catalog(); });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(std::set<const BuiltinCatalog*>(seen.begin(), seen.end()).size(), 1u);
}

}  // namespace
}  // namespace riffq::catalog

namespace riffq::catalog {
namespace {

// A table's X record (its rows' xmin, run-length coded) and a set-returning function's rows.
TEST(BuiltinCatalogParse, XminRunsAndFunctionRows) {
  const char* text =
      "T\tpg_catalog\tt\t1\t2\t1\t3\n"
      "C\tid\t23\t-1\tt\n"
      "1\n2\n3\n"
      "X\t1*2 517*1\n"
      "P\tsrf\tpg_catalog\tf\t9\t0\t1\t1\n"
      "C\tname\t25\t-1\tf\n"
      "a\n"
      "P\tsettings\tpg_catalog\tpg_settings\t6\t7\t2\t1\n"
      "C\tname\t25\t-1\tf\n"
      "C\tsetting\t25\t-1\tf\n"
      "server_version\t15.99\n"
      "END\t3\n";
  const BuiltinCatalog c = parse_builtin_catalog(text);
  ASSERT_EQ(c.tables.size(), 1u);
  EXPECT_EQ(c.tables[0].xmins, (std::vector<uint32_t>{1, 1, 517}));
  ASSERT_EQ(c.function_rows.size(), 1u);
  EXPECT_EQ(c.function_rows[0].name, "f");
  EXPECT_THROW(
      parse_builtin_catalog(std::string(text).replace(std::string(text).find("517*1"), 5, "517*2")),
      std::runtime_error);
}

TEST(BuiltinCatalog, EmbeddedTablesCarryXmins) {
  const BuiltinCatalog& c = builtin_catalog();
  const BuiltinTable* ns = c.table("pg_catalog", "pg_namespace");
  ASSERT_NE(ns, nullptr);
  EXPECT_EQ(ns->xmins.size(), ns->rows.size());
}

}  // namespace
}  // namespace riffq::catalog
