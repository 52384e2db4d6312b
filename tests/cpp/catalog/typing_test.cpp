// Result types as PostgreSQL 15 gives them (select_common_type: first known type, replaced only
// by one it coerces to implicitly but not back; CASE weighs its ELSE first).
#include "engine_fixture.hpp"

namespace riffq::catalog::testing {
namespace {

using Typing = CatalogFixture;

TEST_F(Typing, CaseTakesTheElseTypeFirst) {
  // IntelliJ: case when A.aggfinalfn::oid = 0 then 0 else P.prorettype end → oid.
  EXPECT_EQ(columns("SELECT CASE WHEN true THEN 0 ELSE oid END AS t FROM pg_type LIMIT 1"),
            Cols{"t:26"});
  EXPECT_EQ(columns("SELECT CASE WHEN true THEN 'a'::varchar ELSE 'b'::text END AS t"),
            Cols{"t:25"});
}

TEST_F(Typing, CoalesceKeepsTheFirstUnlessItCoercesOneWay) {
  EXPECT_EQ(columns("SELECT coalesce('a'::name, 'b'::text) AS a, coalesce('a'::text, 'b'::name) AS "
                    "b, coalesce(1, 2::oid) AS c, coalesce(1::int8, 2::oid) AS d, "
                    "coalesce(1::int2, 1.5) AS e, coalesce(1.5, 1::float4) AS f"),
            (Cols{"a:19", "b:25", "c:26", "d:26", "e:1700", "f:700"}));
}

}  // namespace
}  // namespace riffq::catalog::testing

namespace riffq::catalog::testing {
namespace {

using Typing2 = CatalogFixture;

TEST_F(Typing2, BpcharPrintsAsCharacterUnlessATypmodWasGiven) {
  EXPECT_EQ(one("SELECT 'bpchar'::regtype, format_type(1042, NULL), format_type(1042, -1)"),
            "character|character|bpchar");
}

TEST_F(Typing2, UsingColumnsComeFirstInStar) {
  EXPECT_EQ(columns("SELECT * FROM (SELECT 1 AS a, 2 AS b, 3 AS c) x NATURAL JOIN (SELECT 3 AS c, "
                    "4 AS d, 1 AS a) y"),
            (Cols{"a:23", "c:23", "b:23", "d:23"}));
  EXPECT_EQ(columns("SELECT * FROM (SELECT 1 AS a, 2 AS b) x JOIN (SELECT 1 AS a, 5 AS e) y USING "
                    "(a) JOIN (SELECT 2 AS b, 7 AS f) z USING (b)"),
            (Cols{"b:23", "a:23", "e:23", "f:23"}));
}

}  // namespace
}  // namespace riffq::catalog::testing
