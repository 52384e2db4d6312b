// CHECK constraints of registered tables: default names, conkey columns, and the pretty text.
// Expected values: PostgreSQL 15's pg_get_constraintdef(oid) and (oid, true) for the same
// CREATE TABLE ... CHECK (...).
#include <gtest/gtest.h>

#include "check_exprs.hpp"  // src/catalog (internal)

namespace riffq::catalog {
namespace {

UserRelation orders() {
  UserRelation r;
  r.name = "orders";
  for (const char* c : {"order_id", "user_id", "amount", "note", "placed_on"}) {
    UserColumn col;
    col.name = c;
    r.columns.push_back(col);
  }
  return r;
}

TEST(CheckExprs, PrettyDropsTheParenthesesPostgresDrops) {
  EXPECT_EQ(pretty_check_expr("(amount >= (0)::numeric)"), "amount >= 0::numeric");
  EXPECT_EQ(pretty_check_expr("((share > (0)::numeric) AND (share <= (100)::numeric))"),
            "share > 0::numeric AND share <= 100::numeric");
  EXPECT_EQ(pretty_check_expr("((note IS NULL) OR (length(note) < 200))"),
            "note IS NULL OR length(note) < 200");
  EXPECT_EQ(pretty_check_expr("(since > '2000-01-01'::date)"), "since > '2000-01-01'::date");
  // An OR inside an AND keeps its parentheses; an AND inside an OR does not.
  EXPECT_EQ(pretty_check_expr("((a > 0) AND ((b > 0) OR (c > 0)))"), "a > 0 AND (b > 0 OR c > 0)");
  EXPECT_EQ(pretty_check_expr("((a > 0) OR ((b > 0) AND (c > 0)))"), "a > 0 OR b > 0 AND c > 0");
  // Strings and ANY (…) keep what is inside them.
  EXPECT_EQ(pretty_check_expr("(code = ANY (ARRAY['(a)'::text, 'b'::text]))"),
            "code = ANY (ARRAY['(a)'::text, 'b'::text])");
}

TEST(CheckExprs, NamesAndColumnsFollowPostgres) {
  UserRelation r = orders();
  EXPECT_EQ(check_attnums(r, "((note IS NULL) OR (length(note) < 200))"),
            (std::vector<int64_t>{4}));
  EXPECT_EQ(check_attnums(r, "((placed_on IS NOT NULL) OR (user_id > 0))"),
            (std::vector<int64_t>{5, 2}));
  // A type after :: and a string are not columns.
  EXPECT_EQ(check_attnums(r, "(note <> 'amount'::text)"), (std::vector<int64_t>{4}));
  EXPECT_EQ(check_name(r, UserCheck{"", "(amount >= (0)::numeric)"}), "orders_amount_check");
  EXPECT_EQ(check_name(r, UserCheck{"", "((placed_on IS NOT NULL) OR (user_id > 0))"}),
            "orders_check");
  EXPECT_EQ(check_name(r, UserCheck{"mine", "(amount > (0)::numeric)"}), "mine");
}

}  // namespace
}  // namespace riffq::catalog
