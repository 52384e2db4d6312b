// described_result_test.cpp — what a client was told is what it gets (SPEC §3): after a
// Describe, an execution whose schema differs is converted where exact or refused with 0A000,
// and never sends DataRows that disagree with the RowDescription.
#include <gtest/gtest.h>

#include "session_test_util.hpp"

namespace riffq::session::test {
namespace {

using riffq::test::field;
using riffq::test::prim;
using riffq::test::strings;

// Describes one column with `describe_as` and executes it as `execute_as`.
struct TwoFaced {
  std::function<HandlerReply()> describe_as, execute_as;
  HandlerReply operator()(const HandlerCall& c) const {
    return c.do_describe ? describe_as() : execute_as();
  }
};

HandlerReply text_col() {
  return table_rows({field("u", {}, "a")}, {strings({"5x"})}, 1);
}
HandlerReply int32_col() {
  return table_rows({field("i", {}, "a")}, {prim<int32_t>({5, std::nullopt, -7})}, 3);
}
HandlerReply int64_col() {
  return table_rows({field("l", {}, "a")}, {prim<int64_t>({5})}, 1);
}
HandlerReply two_cols() {
  return table_rows({field("l", {}, "a"), field("l", {}, "b")},
                    {prim<int64_t>({1}), prim<int64_t>({2})}, 1);
}

// Parse + Describe(statement), then Bind (result format `fmt`) + Execute.
std::vector<Message> describe_then_execute(Harness& h, int16_t fmt) {
  h.run(parse("s", "select $1::text || 'x' as a") + describe('S', "s") + sync());
  return h.run(bind("", "s", {"5"}, {fmt}) + execute("") + sync());
}

TEST(DescribedResult, AnyTypeIsSentAsTheDescribedTextType) {
  for (int16_t fmt : {0, 1}) {  // text's binary form is its text: both formats carry "5"
    Harness h;
    h.host.responder = TwoFaced{text_col, int32_col};
    auto msgs = describe_then_execute(h, fmt);
    ASSERT_EQ(types_of(msgs), "2DDDCZ") << fmt;
    EXPECT_EQ(msgs[1].body, std::string("\0\1\0\0\0\x01"
                                        "5",
                                        7));
    EXPECT_EQ(msgs[2].body, std::string("\0\1\xff\xff\xff\xff", 6));  // NULL stays NULL
    EXPECT_EQ(msgs[3].body, std::string("\0\1\0\0\0\x02-7", 8));
  }
}

TEST(DescribedResult, NarrowerIntegerIsWidenedInBinary) {
  Harness h;
  h.host.responder = TwoFaced{int64_col, int32_col};
  auto msgs = describe_then_execute(h, 1);
  ASSERT_EQ(types_of(msgs), "2DDDCZ");
  EXPECT_EQ(msgs[1].body, std::string("\0\1\0\0\0\x08\0\0\0\0\0\0\0\x05", 14));
  EXPECT_EQ(msgs[3].body, std::string("\0\1\0\0\0\x08\xff\xff\xff\xff\xff\xff\xff\xf9", 14));
}

TEST(DescribedResult, InexactChangeIs0A000WithNoRows) {
  Harness h;
  h.host.responder = TwoFaced{int32_col, text_col};  // described int4, executes as text
  auto msgs = describe_then_execute(h, 1);
  ASSERT_EQ(types_of(msgs), "2EZ");
  EXPECT_EQ(error_code(msgs[1]), "0A000");
  EXPECT_NE(msgs[1].body.find("cached plan must not change result type"), std::string::npos);
}

TEST(DescribedResult, ColumnCountChangeIs0A000) {
  Harness h;
  h.host.responder = TwoFaced{int64_col, two_cols};
  auto msgs = describe_then_execute(h, 0);
  ASSERT_EQ(types_of(msgs), "2EZ");
  EXPECT_EQ(error_code(msgs[1]), "0A000");
}

TEST(DescribedResult, DescribedPortalBindsLaterExecutions) {
  Harness h;
  h.host.responder = TwoFaced{int32_col, text_col};
  // Describe(portal) alone (a schema-only call), then Execute in a later message batch.
  auto msgs = h.run(parse("", "select 1") + bind("", "", {}, {1}) + describe('P', "") + flush());
  ASSERT_EQ(types_of(msgs), "12T");
  msgs = h.run(execute("") + sync());
  ASSERT_EQ(types_of(msgs), "EZ");
  EXPECT_EQ(error_code(msgs[0]), "0A000");
}

TEST(DescribedResult, DescribePortalThenExecuteTakesTheRealSchema) {
  Harness h;
  h.host.responder = TwoFaced{int32_col, text_col};
  // No earlier Describe: the RowDescription comes from the execution itself.
  auto msgs = h.run(parse("", "select 1") + bind("", "", {}, {1}) + describe('P', "") +
                    execute("") + sync());
  EXPECT_EQ(types_of(msgs), "12TDCZ");
}

}  // namespace
}  // namespace riffq::session::test
