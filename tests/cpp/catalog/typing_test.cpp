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
