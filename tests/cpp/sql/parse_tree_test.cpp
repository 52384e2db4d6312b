// parse_tree_test.cpp — the memoized libpg_query parse.
#include "riffq/sql/parse_tree.hpp"

#include <gtest/gtest.h>
#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>

#include <string>
#include <thread>
#include <vector>

namespace riffq::sql {
namespace {

TEST(ParseTree, RepeatedTextSharesOneTree) {
  auto a = parse_tree("SELECT typname FROM pg_type WHERE oid = 23");
  auto b = parse_tree("SELECT typname FROM pg_type WHERE oid = 23");
  ASSERT_NE(a->tree, nullptr);
  EXPECT_EQ(a.get(), b.get());  // parsed once
  EXPECT_EQ(a->tree->n_stmts, 1u);
  EXPECT_EQ(a->tree->stmts[0]->stmt->node_case, PG_QUERY__NODE__NODE_SELECT_STMT);
}

TEST(ParseTree, DifferentTextsDifferentTrees) {
  auto a = parse_tree("select 1");
  auto b = parse_tree("select 2");
  EXPECT_NE(a.get(), b.get());
  const auto* v = b->tree->stmts[0]->stmt->select_stmt->target_list[0]->res_target->val;
  EXPECT_EQ(v->a_const->ival->ival, 2);
}

TEST(ParseTree, SyntaxErrorHasMessageAndPosition) {
  auto p = parse_tree("select from from");
  EXPECT_EQ(p->tree, nullptr);
  ASSERT_TRUE(p->error.has_value());
  EXPECT_NE(p->error->message.find("syntax error"), std::string::npos);
  EXPECT_EQ(p->error->cursorpos, 13);
}

TEST(ParseTree, LongTextsAreParsedButNotKept) {
  std::string sql = "select '" + std::string(20000, 'x') + "'";
  auto a = parse_tree(sql);
  auto b = parse_tree(sql);
  ASSERT_NE(a->tree, nullptr);
  EXPECT_NE(a.get(), b.get());
}

// Older entries leave once the cache is full; what is returned stays valid.
TEST(ParseTree, EvictedTreesStayValidForTheirHolders) {
  auto first = parse_tree("select 'first'");
  for (int i = 0; i < 1000; ++i) parse_tree("select " + std::to_string(i));
  auto again = parse_tree("select 'first'");
  EXPECT_NE(first.get(), again.get());  // evicted and parsed again
  EXPECT_EQ(first->tree->n_stmts, 1u);  // the old holder's tree is still there
}

TEST(ParseTree, ParallelParsesAgree) {
  std::vector<std::thread> threads;
  std::vector<int> ok(4, 0);
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([t, &ok] {
      for (int i = 0; i < 500; ++i) {
        auto p = parse_tree("select " + std::to_string(i % 50) + " as c");
        const auto* v = p->tree->stmts[0]->stmt->select_stmt->target_list[0]->res_target->val;
        ok[t] += v->a_const->ival->ival == i % 50;
      }
    });
  for (auto& th : threads) th.join();
  for (int n : ok) EXPECT_EQ(n, 500);
}

}  // namespace
}  // namespace riffq::sql
