// engine_fixture.hpp — a catalog engine holding a small registered schema, and helpers that run
// statements and print results as PostgreSQL's text forms (the expected values in the tests are
// PostgreSQL 15's answers for the same objects, made by tests/python/catalog/corpus_diff.py's DDL).
#pragma once

#include <gtest/gtest.h>

#include "riffq/catalog/engine.hpp"

namespace riffq::catalog::testing {

class CatalogFixture : public ::testing::Test {
 protected:
  CatalogEngine engine;
  SessionInfo session;

  void SetUp() override {
    UserCatalog cat;
    UserDatabase db;
    db.name = "postgres";
    db.oid = 5;
    UserSchema pub;
    pub.name = "public";
    pub.oid = 2200;
    UserRelation users;
    users.name = "users";
    users.columns = {{"id", "int4", 0, -1, false, std::nullopt, std::string("user id")},
                     {"name", "varchar(40)", 0, -1, true, std::nullopt, std::nullopt},
                     {"score", "numeric(12,2)", 0, -1, true, std::string("0"), std::nullopt},
                     {"tags", "text[]", 0, -1, true, std::nullopt, std::nullopt}};
    users.primary_key = {"id"};
    users.comment = "the users";
    UserRelation orders;
    orders.name = "orders";
    orders.columns = {{"order_id", "int8", 0, -1, false, std::nullopt, std::nullopt},
                      {"user_id", "int4", 0, -1, false, std::nullopt, std::nullopt}};
    orders.primary_key = {"order_id"};
    orders.foreign_keys = {{"", {"user_id"}, "", "users", {"id"}}};
    pub.relations = {users, orders};
    UserSchema sales;
    sales.name = "sales";
    sales.comment = "sales data";
    db.schemas = {pub, sales};
    cat.databases.push_back(db);
    engine.set_objects(cat);
  }

  // Runs sql; rows as text ("NULL" for NULL), cells joined by '|'.
  std::vector<std::string> rows(const std::string& sql,
                                std::vector<std::optional<std::string>> params = {}) {
    PreparedCatalogQuery p = engine.prepare(sql, {}, session);
    CatalogResult r = engine.execute(p, params, session);
    std::vector<std::string> out;
    for (const Row& row : r.rows) {
      std::string line;
      for (size_t i = 0; i < row.size(); ++i) {
        if (i) line += "|";
        line += row[i].is_null() ? "NULL" : engine.text(p, row[i], r.columns[i].type, session);
      }
      out.push_back(line);
    }
    return out;
  }
  std::string one(const std::string& sql) {
    auto r = rows(sql);
    return r.size() == 1 ? r[0] : "<" + std::to_string(r.size()) + " rows>";
  }
  // "name:typeoid" of each result column.
  std::vector<std::string> columns(const std::string& sql) {
    std::vector<std::string> out;
    for (const auto& c : engine.prepare(sql, {}, session).columns)
      out.push_back(c.name + ":" + std::to_string(c.type.oid));
    return out;
  }
  std::string sqlstate(const std::string& sql) {
    try {
      rows(sql);
    } catch (const CatalogError& e) {
      return e.error.sqlstate;
    }
    return "ok";
  }
};

using Rows = std::vector<std::string>;
using Cols = std::vector<std::string>;

}  // namespace riffq::catalog::testing
