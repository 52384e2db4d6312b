// extended_query_test.cpp — Parse/Bind/Describe/Execute/Sync, portals, errors, pipelining.
#include <gtest/gtest.h>

#include "session_test_util.hpp"

namespace riffq::session::test {
namespace {

TEST(ExtendedQuery, DescribePortalThenExecuteCallsHandlerOnce) {
  Harness h;
  h.host.responder = [](const HandlerCall&) { return rows({{7, 8}}); };
  auto msgs = h.run(parse("", "SELECT v FROM t WHERE x = $1") + bind("", "", {"5"}) +
                    describe('P', "") + execute("") + sync());
  EXPECT_EQ(types_of(msgs), "12TDDCZ");
  ASSERT_EQ(h.host.calls.size(), 1u);
  EXPECT_FALSE(h.host.calls[0].do_describe);
  EXPECT_TRUE(h.host.calls[0].with_args);
  EXPECT_EQ(h.host.calls[0].sql, "SELECT v FROM t WHERE x = $1");  // unchanged case
  ASSERT_EQ(h.host.calls[0].args.size(), 1u);
  EXPECT_EQ(*h.host.calls[0].args[0].value, "5");
}

TEST(ExtendedQuery, DescribeStatementUsesSchemaOnlyCallAndIsCached) {
  Harness h;
  h.host.responder = [](const HandlerCall&) { return rows({{1}}); };
  auto msgs = h.run(parse("s1", "select v from t where a = $1 and b = $2", {23}) +
                    describe('S', "s1") + sync());
  EXPECT_EQ(types_of(msgs), "1tTZ");
  ASSERT_EQ(h.host.calls.size(), 1u);
  EXPECT_TRUE(h.host.calls[0].do_describe);
  // Two parameters found in the SQL; the undeclared one defaults to text.
  EXPECT_EQ(msgs[1].body, std::string("\0\2\0\0\0\x17\0\0\0\x19", 10));
  for (int i = 0; i < 3; ++i) {
    msgs = h.run(bind("", "s1", {"1", "2"}) + describe('P', "") + execute("") + sync());
    EXPECT_EQ(types_of(msgs), "2TDCZ");
  }
  size_t describe_calls = 0;
  for (auto& c : h.host.calls) describe_calls += c.do_describe;
  EXPECT_EQ(describe_calls, 1u);
}

TEST(ExtendedQuery, UndeclaredParametersTakeTheirCastType) {
  Harness h;
  auto msgs = h.run(parse("", "select $1::int8, $2::date[], $3, $4::int2", {0, 0, 0, 1043}) +
                    describe('S', "") + sync());
  ASSERT_EQ(types_of(msgs).substr(0, 2), "1t");
  // int8, _date, text (no cast), varchar (declared wins over the cast).
  EXPECT_EQ(msgs[1].body, std::string("\0\4\0\0\0\x14\0\0\x04\x9e\0\0\0\x19\0\0\x04\x13", 18));
}

TEST(ExtendedQuery, RowLimitSuspendsPortal) {
  Harness h;
  h.host.responder = [](const HandlerCall&) { return rows({{1, 2, 3}}); };
  h.run(query("begin"));
  auto msgs = h.run(parse("", "select v") + bind("c", "") + execute("c", 2) + execute("c", 0) +
                    execute("c", 0) + sync());
  EXPECT_EQ(types_of(msgs), "12DDsDCCZ");
  EXPECT_EQ(command_tag(msgs[6]), "SELECT 1");  // rows sent by that Execute
  EXPECT_EQ(command_tag(msgs[7]), "SELECT 0");  // exhausted portal
}

TEST(ExtendedQuery, RowLimitSuspendsPortalWithoutPrefetch) {
  Harness h;
  h.host.prefetch = false;
  h.host.responder = [](const HandlerCall&) { return rows({{1, 2}, {3}}); };
  h.run(query("begin"));
  auto msgs = h.run(parse("", "select v") + bind("c", "") + execute("c", 2) + execute("c", 0) +
                    execute("c", 0) + sync());
  EXPECT_EQ(types_of(msgs), "12DDsDCCZ");
  EXPECT_EQ(command_tag(msgs[6]), "SELECT 1");
}

TEST(ExtendedQuery, LargeResultIsPrefetchedThenStreamed) {
  Harness h;
  std::vector<int64_t> big(50000);
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<int64_t>(i);
  h.host.responder = [&](const HandlerCall&) { return rows({big, big}); };
  auto msgs = h.run(query("select v"));
  ASSERT_EQ(msgs.size(), 100000u + 3);
  EXPECT_EQ(command_tag(msgs[msgs.size() - 2]), "SELECT 100000");
  msgs = h.run(parse("", "select v") + bind("c", "") + execute("c", 70000) + sync());
  ASSERT_EQ(msgs.size(), 70000u + 4);
  EXPECT_EQ(msgs[msgs.size() - 2].type, 's');
}

TEST(ExtendedQuery, ErrorSkipsToSync) {
  Harness h;
  auto msgs = h.run(bind("", "missing") + parse("", "select 1") + execute("") + sync() +
                    parse("", "select 2") + sync());
  EXPECT_EQ(types_of(msgs), "EZ1Z");
  EXPECT_EQ(error_code(msgs[0]), "26000");
  EXPECT_TRUE(h.host.calls.empty());
}

TEST(ExtendedQuery, SimpleQueryWhileSkippingGetsNoReadyForQuery) {
  Harness h;
  auto msgs = h.run(execute("nope") + query("select 1") + sync());
  EXPECT_EQ(types_of(msgs), "EZ");
  EXPECT_EQ(error_code(msgs[0]), "34000");
}

TEST(ExtendedQuery, NamedStatementLifetimeAndErrors) {
  Harness h;
  auto msgs = h.run(parse("s", "select 1") + parse("s", "select 2") + sync());
  EXPECT_EQ(types_of(msgs), "1EZ");
  EXPECT_EQ(error_code(msgs[1]), "42P05");
  msgs = h.run(std::string("C\0\0\0\x07Ss\0", 8) + std::string("C\0\0\0\x0aSnope\0", 11) +
               parse("s", "select 3") + sync());
  EXPECT_EQ(types_of(msgs), "331Z");  // Close of a missing name still completes
}

TEST(ExtendedQuery, BindParameterCountMismatch) {
  Harness h;
  auto msgs = h.run(parse("", "select $1") + bind("", "", {}) + sync());
  EXPECT_EQ(types_of(msgs), "1EZ");
  EXPECT_EQ(error_code(msgs[1]), "08P01");
}

TEST(ExtendedQuery, CommandsGetNoDataWithoutAHandlerCall) {
  Harness h;
  h.host.responder = [](const HandlerCall&) { return HandlerReply::make_tag("INSERT 0 1"); };
  auto msgs = h.run(parse("", "insert into t values ($1)") + describe('S', "") + sync());
  EXPECT_EQ(types_of(msgs), "1tnZ");
  EXPECT_TRUE(h.host.calls.empty());
  msgs = h.run(bind("", "", {"1"}) + describe('P', "") + execute("") + sync());
  EXPECT_EQ(types_of(msgs), "2nCZ");
  EXPECT_EQ(h.host.calls.size(), 1u);
}

TEST(ExtendedQuery, BinaryResultFormatIsAdvertisedAndSent) {
  Harness h;
  h.host.responder = [](const HandlerCall&) { return rows({{258}}); };
  auto msgs = h.run(parse("", "select v") + bind("", "", {}, {1}) + describe('P', "") +
                    execute("") + sync());
  ASSERT_EQ(types_of(msgs), "12TDCZ");
  // RowDescription's last Int16 is the format code.
  EXPECT_EQ(msgs[2].body.substr(msgs[2].body.size() - 2), std::string("\0\1", 2));
  // DataRow: 1 field, length 8, big-endian 258.
  EXPECT_EQ(msgs[3].body, std::string("\0\1\0\0\0\x08\0\0\0\0\0\0\x01\x02", 14));
}

}  // namespace
}  // namespace riffq::session::test
