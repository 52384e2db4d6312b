// Statements run by the catalog engine over the built-in PostgreSQL 15 rows and registered
// objects. Expected values are PostgreSQL 15's own answers to the same statements.
#include "engine_fixture.hpp"

namespace riffq::catalog::testing {
namespace {

// The fixture's helpers over a catalog of one table (registered with the short type name int).
class EngineTest : public CatalogFixture {
 protected:
  void SetUp() override {
    UserCatalog cat;
    UserDatabase db;
    db.name = "postgres";
    UserSchema pub;
    pub.name = "public";
    UserRelation users;
    users.name = "users";
    users.columns = {{"id", "int", 0, -1, false, std::nullopt, std::string("user id")},
                     {"name", "varchar(40)", 0, -1, true, std::nullopt, std::nullopt},
                     {"score", "numeric(12,2)", 0, -1, true, std::string("0"), std::nullopt},
                     {"tags", "text[]", 0, -1, true, std::nullopt, std::nullopt}};
    users.primary_key = {"id"};
    users.comment = "the users";
    pub.relations.push_back(users);
    db.schemas.push_back(pub);
    cat.databases.push_back(db);
    engine.set_objects(cat);
  }

  std::vector<ResultColumn> result_columns(const std::string& sql) {
    return engine.prepare(sql, {}, session).columns;
  }
};

TEST_F(EngineTest, SelectsBuiltinRows) {
  EXPECT_EQ(rows("SELECT typname, typlen FROM pg_catalog.pg_type WHERE oid = 23"),
            std::vector<std::string>{"int4|4"});
  EXPECT_EQ(rows("select count(*) > 500 from pg_type"), std::vector<std::string>{"t"});
}

TEST_F(EngineTest, ResultColumnTypesAreThoseOfPostgres) {
  auto cols = result_columns("SELECT oid, typname, typtype, typinput FROM pg_type LIMIT 1");
  ASSERT_EQ(cols.size(), 4u);
  EXPECT_EQ(cols[0].type.oid, 26u);
  EXPECT_EQ(cols[1].type.oid, 19u);
  EXPECT_EQ(cols[2].type.oid, 18u);
  EXPECT_EQ(cols[3].type.oid, 24u);
}

TEST_F(EngineTest, RegclassAndFormatType) {
  EXPECT_EQ(rows("SELECT 'pg_class'::regclass::oid, 'users'::regclass, format_type(1043, 44), "
                 "23::regtype"),
            std::vector<std::string>{"1259|users|character varying(40)|integer"});
}

TEST_F(EngineTest, JoinsRegisteredTables) {
  EXPECT_EQ(rows("SELECT n.nspname, c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON "
                 "n.oid = c.relnamespace "
                 "WHERE c.relname = 'users'"),
            std::vector<std::string>{"public|users|r"});
  EXPECT_EQ(rows("SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull FROM "
                 "pg_attribute a "
                 "WHERE a.attrelid = 'users'::regclass AND a.attnum > 0 ORDER BY a.attnum"),
            (std::vector<std::string>{"id|integer|t", "name|character varying(40)|f",
                                      "score|numeric(12,2)|f", "tags|text[]|f"}));
}

TEST_F(EngineTest, UnknownRelationIs42P01) {
  try {
    rows("SELECT * FROM pg_catalog.pg_nothing");
    FAIL();
  } catch (const CatalogError& e) {
    EXPECT_EQ(e.error.sqlstate, "42P01");
  }
}

}  // namespace
}  // namespace riffq::catalog::testing
