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

// Table OID and attnum of each output column that is a plain reference to a registered table's
// column, copied up through subqueries and CTEs (PostgreSQL's markTargetListOrigins).
using ColumnOrigins = CatalogFixture;  // users and orders
TEST_F(ColumnOrigins, OfRegisteredTables) {
  const std::string users = one("SELECT 'users'::regclass::oid");
  const std::string orders = one("SELECT 'orders'::regclass::oid");
  auto origins = [&](const std::string& sql) {
    std::vector<std::string> out;
    for (const auto& c : engine.prepare(sql, {}, session).columns)
      out.push_back(c.table_oid == 0 ? "0"
                                     : (std::to_string(c.table_oid) == users    ? "users."
                                        : std::to_string(c.table_oid) == orders ? "orders."
                                                                                : "?.") +
                                           std::to_string(c.attnum));
    return out;
  };
  EXPECT_EQ(origins("SELECT u.name AS n, id + 1 AS x, score::text, count(*) OVER () FROM users u"),
            (std::vector<std::string>{"users.2", "0", "0", "0"}));
  EXPECT_EQ(
      origins("SELECT o.user_id, u.tags FROM orders o JOIN public.users u ON u.id = o.user_id"),
      (std::vector<std::string>{"orders.2", "users.4"}));
  EXPECT_EQ(origins("SELECT s.a, s.b FROM (SELECT order_id AS a, 1 AS b FROM orders) s"),
            (std::vector<std::string>{"orders.1", "0"}));
  EXPECT_EQ(origins("WITH w AS (SELECT name FROM users) SELECT name FROM w"),
            (std::vector<std::string>{"users.2"}));
  EXPECT_EQ(origins("WITH users AS (SELECT 1 AS id) SELECT id FROM users"),
            (std::vector<std::string>{"0"}));
  EXPECT_EQ(origins("SELECT id FROM users UNION SELECT user_id FROM orders"),
            (std::vector<std::string>{"0"}));
  EXPECT_EQ(origins("SELECT xmin, id FROM users"),
            (std::vector<std::string>{"users.-2", "users.1"}));
}

}  // namespace
}  // namespace riffq::catalog::testing
