// CatalogEngine::snapshot_of, the snapshot of a lazy source's answer: the same answer (the same
// pointer, or equal objects) reuses the last snapshot of that database; changed objects are
// built again.
#include "engine_fixture.hpp"

namespace riffq::catalog::testing {
namespace {

std::shared_ptr<const UserCatalog> answer(const std::string& database,
                                          const std::vector<std::string>& tables) {
  UserCatalog cat;
  UserDatabase db;
  db.name = database;
  db.oid = 30000;
  UserSchema sales;
  sales.name = "sales";
  sales.oid = 30001;
  Oid oid = 30010;
  for (const std::string& t : tables) {
    UserRelation rel;
    rel.name = t;
    rel.oid = oid++;
    rel.rowtype_oid = oid++;
    rel.columns = {{"id", "", 20, -1, false, std::nullopt, std::nullopt}};
    sales.relations.push_back(rel);
  }
  db.schemas.push_back(sales);
  cat.databases.push_back(db);
  return std::make_shared<const UserCatalog>(std::move(cat));
}

class LazySnapshotTest : public CatalogFixture {
 protected:
  // The relation names of schema sales in `snap`, ordered.
  Rows relations(std::shared_ptr<const CatalogSnapshot> snap, const std::string& database) {
    SessionInfo s = session;
    s.database = database;
    PreparedCatalogQuery p = engine.prepare(
        "SELECT relname FROM pg_class WHERE relnamespace = 30001 ORDER BY 1", {}, s, snap);
    Rows out;
    for (const Row& row : engine.execute(p, {}, s).rows)
      out.push_back(engine.text(p, row[0], TypeRef{19, -1}, s));
    return out;
  }
};

TEST_F(LazySnapshotTest, TheSameAnswerReusesTheSnapshot) {
  auto objects = answer("lazydb", {"orders"});
  auto first = engine.snapshot_of(objects, "lazydb");
  EXPECT_EQ(engine.snapshot_of(objects, "lazydb"), first);                       // same pointer
  EXPECT_EQ(engine.snapshot_of(answer("lazydb", {"orders"}), "lazydb"), first);  // equal objects
  EXPECT_EQ(relations(first, "lazydb"), Rows{"orders"});
}

TEST_F(LazySnapshotTest, ChangedObjectsAreBuiltAgain) {
  auto first = engine.snapshot_of(answer("lazydb", {"orders"}), "lazydb");
  auto second = engine.snapshot_of(answer("lazydb", {"orders", "refunds"}), "lazydb");
  EXPECT_NE(second, first);
  EXPECT_EQ(relations(second, "lazydb"), (Rows{"orders", "refunds"}));
  EXPECT_EQ(relations(first, "lazydb"), Rows{"orders"});  // a running statement keeps its own
}

TEST_F(LazySnapshotTest, EachDatabaseHasItsOwnSnapshot) {
  auto a = answer("a", {"orders"});
  auto b = answer("b", {"customers"});
  auto snap_a = engine.snapshot_of(a, "a");
  auto snap_b = engine.snapshot_of(b, "b");
  EXPECT_EQ(engine.snapshot_of(a, "a"), snap_a);
  EXPECT_EQ(relations(engine.snapshot_of(b, "b"), "b"), Rows{"customers"});
  EXPECT_EQ(relations(snap_a, "a"), Rows{"orders"});
}

}  // namespace
}  // namespace riffq::catalog::testing
