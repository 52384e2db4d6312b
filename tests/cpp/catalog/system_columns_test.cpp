// System columns of catalog tables (xmin, tableoid, ctid, …): IntelliJ reads xmin as a state
// number and age(xmin) to find changes. Expected values: PostgreSQL 15 on a fresh cluster.
#include "engine_fixture.hpp"

namespace riffq::catalog::testing {
namespace {

using SystemColumns = CatalogFixture;

TEST_F(SystemColumns, XminOfBuiltinRowsIsPostgresOwn) {
  // Bootstrap rows have xmin 1; rows initdb adds later carry its transaction ids.
  EXPECT_EQ(one("SELECT xmin FROM pg_namespace WHERE nspname = 'pg_toast'"), "1");
  EXPECT_EQ(one("SELECT xmin FROM pg_namespace WHERE nspname = 'pg_catalog'"), "517");
  EXPECT_EQ(one("SELECT n.xmin::text::int > 1 FROM pg_namespace n WHERE nspname = 'public'"), "t");
  EXPECT_EQ(columns("SELECT xmin, cmin, tableoid, ctid FROM pg_class LIMIT 1"),
            (Cols{"xmin:28", "cmin:29", "tableoid:26", "ctid:27"}));
}

TEST_F(SystemColumns, RegisteredRowsAreNewerThanBuiltinOnes) {
  EXPECT_EQ(one("SELECT (SELECT max(xmin::text::int8) FROM pg_class WHERE oid < 16384) < "
                "(SELECT xmin::text::int8 FROM pg_class WHERE relname = 'users')"),
            "t");
}

TEST_F(SystemColumns, TableoidNamesTheCatalog) {
  EXPECT_EQ(one("SELECT tableoid::regclass FROM pg_class WHERE relname = 'users'"), "pg_class");
}

TEST_F(SystemColumns, NotPartOfStar) {
  EXPECT_EQ(columns("SELECT * FROM pg_namespace LIMIT 1"),
            (Cols{"oid:26", "nspname:19", "nspowner:26", "nspacl:1034"}));
  EXPECT_EQ(columns("SELECT n.* FROM pg_namespace n NATURAL JOIN pg_namespace m LIMIT 1"),
            (Cols{"oid:26", "nspname:19", "nspowner:26", "nspacl:1034"}));
}

}  // namespace
}  // namespace riffq::catalog::testing
