// Registration one object at a time (CatalogEngine::add_*): the same OIDs and rows as
// registering everything at once, CREATE TABLE's checks with PostgreSQL's SQLSTATEs, and a
// refused object leaving the catalog as it was.
#include "engine_fixture.hpp"

namespace riffq::catalog::testing {
namespace {

UserColumn col(const std::string& name, const std::string& type, bool nullable = true) {
  return UserColumn{name, type, 0, -1, nullable, std::nullopt, std::nullopt};
}

class Registration : public CatalogFixture {
 protected:
  void SetUp() override {}  // starts empty: the objects come one at a time

  std::string refused(const std::string& schema, UserRelation rel) {
    try {
      engine.add_relation("postgres", schema, std::move(rel));
    } catch (const CatalogError& e) {
      return e.error.sqlstate + " " + e.error.message;
    }
    return "accepted";
  }
};

TEST_F(Registration, OneAtATimeGivesTheOidsOfTheSameDdl) {
  // CREATE TABLE users (id int4 primary key, name varchar(40), …) then orders, as the fixture.
  UserRelation users;
  users.name = "users";
  users.columns = {col("id", "int4", false), col("name", "varchar(40)"),
                   col("score", "numeric(12,2)"), col("tags", "text[]")};
  users.columns[2].default_expr = "0";
  users.primary_key = {"id"};
  UserRelation orders;
  orders.name = "orders";
  orders.columns = {col("order_id", "int8", false), col("user_id", "int4", false)};
  orders.primary_key = {"order_id"};
  orders.foreign_keys = {{"", {"user_id"}, "", "users", {"id"}}};
  engine.add_relation("postgres", "public", users);
  engine.add_relation("postgres", "public", orders);
  engine.add_schema("postgres", "sales");
  EXPECT_EQ(rows("SELECT oid, relname, relkind FROM pg_class WHERE oid >= 16384 ORDER BY oid"),
            (Rows{"16384|users|r", "16388|pg_toast_16384|t", "16389|pg_toast_16384_index|i",
                  "16390|users_pkey|i", "16392|orders|r", "16395|orders_pkey|i"}));
  EXPECT_EQ(one("SELECT oid, nspname FROM pg_namespace WHERE oid >= 16384"), "16402|sales");
  EXPECT_EQ(one("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE contype = 'f'"),
            "FOREIGN KEY (user_id) REFERENCES users(id)");
}

TEST_F(Registration, TheNextStatementSeesANewObject) {
  UserRelation a;
  a.name = "a";
  a.columns = {col("x", "int4")};
  engine.add_relation("postgres", "public", a);
  auto before = engine.snapshot("postgres");
  UserRelation b = a;
  b.name = "b";
  engine.add_relation("postgres", "public", b);
  EXPECT_NE(before, engine.snapshot("postgres"));  // rebuilt for the next statement
  EXPECT_EQ(rows("SELECT relname FROM pg_class WHERE oid >= 16384 AND relkind = 'r' ORDER BY 1"),
            (Rows{"a", "b"}));
  // Registering a name again replaces the definition and keeps its OID.
  UserRelation a2 = a;
  a2.columns = {col("x", "int4"), col("y", "text")};
  engine.add_relation("postgres", "public", a2);
  EXPECT_EQ(one("SELECT oid, relnatts FROM pg_class WHERE relname = 'a'"), "16384|2");
}

TEST_F(Registration, RefusedObjectsChangeNothing) {
  UserRelation ok;
  ok.name = "ok";
  ok.columns = {col("id", "int4"), col("id2", "int4")};
  ok.primary_key = {"id"};
  engine.add_relation("postgres", "public", ok);

  UserRelation dup = ok;
  dup.name = "dup";
  dup.columns.push_back(col("id", "text"));
  EXPECT_EQ(refused("public", dup), "42701 column \"id\" specified more than once");
  UserRelation badtype = ok;
  badtype.name = "badtype";
  badtype.columns[1].type_name = "no_such_type";
  EXPECT_EQ(refused("public", badtype).substr(0, 6), "42704 ");
  UserRelation badkey = ok;
  badkey.name = "badkey";
  badkey.primary_key = {"nope"};
  EXPECT_EQ(refused("public", badkey), "42703 column \"nope\" named in key does not exist");
  UserRelation badindex = ok;
  badindex.name = "badindex";
  badindex.indexes = {{"badindex_ix", {"nope"}, false}};
  EXPECT_EQ(refused("public", badindex), "42703 column \"nope\" does not exist");
  UserRelation fk_table = ok;
  fk_table.name = "fk_table";
  fk_table.foreign_keys = {{"", {"id"}, "", "missing", {"id"}}};
  EXPECT_EQ(refused("public", fk_table),
            "42P01 relation \"public.missing\" referenced by a foreign key does not exist");
  UserRelation fk_column = ok;
  fk_column.name = "fk_column";
  fk_column.foreign_keys = {{"", {"id"}, "", "ok", {"nope"}}};
  EXPECT_EQ(refused("public", fk_column),
            "42703 column \"nope\" referenced in foreign key constraint does not exist");
  UserRelation fk_count = ok;
  fk_count.name = "fk_count";
  fk_count.foreign_keys = {{"", {"id", "id2"}, "", "ok", {"id"}}};
  EXPECT_EQ(refused("public", fk_count),
            "42830 number of referencing and referenced columns for foreign key disagree");
  UserRelation self = ok;
  self.name = "self";
  self.foreign_keys = {{"", {"id2"}, "", "self", {"id"}}};  // a table may reference itself
  EXPECT_EQ(refused("public", self), "accepted");

  EXPECT_EQ(rows("SELECT relname FROM pg_class WHERE oid >= 16384 AND relkind = 'r' ORDER BY 1"),
            (Rows{"ok", "self"}));
}

}  // namespace
}  // namespace riffq::catalog::testing
