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
