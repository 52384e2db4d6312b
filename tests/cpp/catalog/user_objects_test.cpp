// Registered objects seen through the catalog tables clients join (pg_description rows for
// COMMENT ON, …). Expected values: PostgreSQL 15 after the same CREATE / COMMENT statements.
#include "engine_fixture.hpp"

namespace riffq::catalog::testing {
namespace {

using UserObjects = CatalogFixture;

TEST_F(UserObjects, CommentsArePgDescriptionRows) {
  EXPECT_EQ(rows("SELECT n.nspname, d.description FROM pg_namespace n JOIN pg_description d ON "
                 "d.objoid = n.oid AND d.classoid = 'pg_namespace'::regclass WHERE n.oid >= 16384"),
            Rows{"sales|sales data"});
  EXPECT_EQ(rows("SELECT d.objsubid, d.description FROM pg_description d WHERE d.objoid = "
                 "'users'::regclass ORDER BY 1"),
            (Rows{"0|the users", "1|user id"}));
}

}  // namespace
}  // namespace riffq::catalog::testing

namespace riffq::catalog::testing {
namespace {

using UserObjects2 = CatalogFixture;

TEST_F(UserObjects2, ReferentialConstraintsFindTheReferencedKey) {
  // Through pg_depend: the foreign key needs users_pkey's index, which belongs to users_pkey.
  EXPECT_EQ(rows("SELECT constraint_name, unique_constraint_schema, unique_constraint_name, "
                 "match_option, update_rule, delete_rule FROM "
                 "information_schema.referential_constraints"),
            Rows{"orders_user_id_fkey|public|users_pkey|NONE|NO ACTION|NO ACTION"});
}

TEST_F(UserObjects2, SimpleViewsAreUpdatable) {
  UserCatalog cat;
  UserDatabase db;
  db.name = "postgres";
  UserSchema pub;
  pub.name = "public";
  UserRelation t;
  t.name = "t";
  t.columns = {{"a", "int4", 0, -1, true, std::nullopt, std::nullopt}};
  UserRelation v1 = t, v2 = t;
  v1.name = "v_simple";
  v1.kind = 'v';
  v1.view_definition = " SELECT t.a\n   FROM t\n  WHERE (t.a > 0);";
  v2.name = "v_agg";
  v2.kind = 'v';
  v2.view_definition = " SELECT count(*) AS a\n   FROM t;";
  pub.relations = {t, v1, v2};
  db.schemas = {pub};
  cat.databases = {db};
  engine.set_objects(cat);
  EXPECT_EQ(rows("SELECT table_name, is_insertable_into FROM information_schema.tables WHERE "
                 "table_schema = 'public' ORDER BY 1"),
            (Rows{"t|YES", "v_agg|NO", "v_simple|YES"}));
  EXPECT_EQ(one("SELECT pg_relation_is_updatable('pg_tables'::regclass, false), "
                "nameconcatoid('abc', 42)"),
            "0|abc_42");
}

}  // namespace
}  // namespace riffq::catalog::testing
