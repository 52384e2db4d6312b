// transaction_test.cpp — transaction status, savepoints (25P01, 3B001, ROLLBACK TO out of a
// failed block) and what a failed block lets through Parse and Bind, as PostgreSQL 15 does.
#include <gtest/gtest.h>

#include "session_test_util.hpp"

namespace riffq::session::test {
namespace {

// Answers transaction statements with their tag, "fail" with an error.
HandlerReply engine(const HandlerCall& c) {
  std::string w = c.sql.substr(0, c.sql.find(' '));
  if (c.sql.find("fail") != std::string::npos) {
    HandlerReply r;
    r.kind = HandlerReply::Kind::ERROR;
    r.error = PgError::error("22012", "division by zero");
    return r;
  }
  if (w == "savepoint") return HandlerReply::make_tag("SAVEPOINT");
  if (w == "release") return HandlerReply::make_tag("RELEASE");
  if (w == "begin") return HandlerReply::make_tag("BEGIN");
  if (w == "commit") return HandlerReply::make_tag("COMMIT");
  return HandlerReply::make_tag("ROLLBACK");
}

TEST(Transactions, SavepointOutsideABlockIs25P01AndNeverReachesTheHandler) {
  Harness h;
  h.host.responder = engine;
  for (const char* sql : {"savepoint a", "release a", "rollback to a"}) {
    auto msgs = h.run(query(sql));
    ASSERT_EQ(types_of(msgs), "EZ") << sql;
    EXPECT_EQ(error_code(msgs[0]), "25P01") << sql;
    EXPECT_EQ(msgs[1].body, "I");
  }
  EXPECT_TRUE(h.host.calls.empty());
}

TEST(Transactions, UnknownSavepointIs3B001AndFailsTheBlock) {
  Harness h;
  h.host.responder = engine;
  h.run(query("begin"));
  auto msgs = h.run(query("release nope"));
  ASSERT_EQ(types_of(msgs), "EZ");
  EXPECT_EQ(error_code(msgs[0]), "3B001");
  EXPECT_EQ(msgs[1].body, "E");
  EXPECT_EQ(h.host.calls.size(), 1u);  // only BEGIN
}

TEST(Transactions, RollbackToLeavesTheFailedStateAndKeepsTheSavepoint) {
  Harness h;
  h.host.responder = engine;
  h.run(query("begin"));
  h.run(query("savepoint s1"));
  auto msgs = h.run(query("select fail"));
  EXPECT_EQ(msgs.back().body, "E");
  msgs = h.run(query("rollback to s1"));
  ASSERT_EQ(types_of(msgs), "CZ");
  EXPECT_EQ(msgs[1].body, "T");
  msgs = h.run(query("rollback to s1"));  // still there
  EXPECT_EQ(types_of(msgs), "CZ");
  msgs = h.run(query("release s1"));
  EXPECT_EQ(types_of(msgs), "CZ");
  msgs = h.run(query("release s1"));  // gone
  EXPECT_EQ(error_code(msgs[0]), "3B001");
}

TEST(Transactions, ReleaseDropsLaterSavepointsAndCommitDropsAll) {
  Harness h;
  h.host.responder = engine;
  h.run(query("begin"));
  h.run(query("savepoint a"));
  h.run(query("savepoint b"));
  EXPECT_EQ(types_of(h.run(query("release a"))), "CZ");
  EXPECT_EQ(error_code(h.run(query("rollback to b"))[0]), "3B001");
  h.run(query("rollback"));
  h.run(query("begin"));
  h.run(query("savepoint c"));
  h.run(query("commit"));
  h.run(query("begin"));
  EXPECT_EQ(error_code(h.run(query("release c"))[0]), "3B001");
}

TEST(Transactions, AFailedBlockParsesAndBindsOnlyItsWayOut) {
  Harness h;
  h.host.responder = engine;
  h.run(query("begin"));
  h.run(query("select fail"));
  auto msgs = h.run(parse("", "select 1") + sync());
  ASSERT_EQ(types_of(msgs), "EZ");
  EXPECT_EQ(error_code(msgs[0]), "25P02");
  msgs = h.run(parse("", "") + bind("", "") + sync());  // empty: parses, cannot bind
  ASSERT_EQ(types_of(msgs), "1EZ");
  EXPECT_EQ(error_code(msgs[1]), "25P02");
  msgs = h.run(parse("", "rollback") + bind("", "") + execute("") + sync());
  EXPECT_EQ(types_of(msgs), "12CZ");
  EXPECT_EQ(msgs.back().body, "I");
}

TEST(Transactions, EmptyExtendedQueryAnswersEmptyQueryResponseWithoutTheHandler) {
  Harness h;
  h.host.responder = engine;
  auto msgs =
      h.run(parse("", "  -- nothing") + bind("", "") + describe('P', "") + execute("") + sync());
  EXPECT_EQ(types_of(msgs), "12nIZ");
  msgs = h.run(parse("e", ";") + describe('S', "e") + sync());
  EXPECT_EQ(types_of(msgs), "1tnZ");
  EXPECT_TRUE(h.host.calls.empty());
}

}  // namespace
}  // namespace riffq::session::test
