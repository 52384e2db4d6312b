// simple_query_test.cpp — simple query protocol: statements, results, errors, transactions.
#include <gtest/gtest.h>

#include "session_test_util.hpp"

namespace riffq::session::test {
namespace {

TEST(SimpleQuery, RowsAreStreamedWithDescriptionAndTag) {
  Harness h;
  h.host.responder = [](const HandlerCall&) { return rows({{1, 2}, {3}}); };
  auto msgs = h.run(query("select v from t"));
  EXPECT_EQ(types_of(msgs), "TDDDCZ");
  EXPECT_EQ(command_tag(msgs[4]), "SELECT 3");
  ASSERT_EQ(h.host.calls.size(), 1u);
  EXPECT_EQ(h.host.calls[0].sql, "select v from t");
  EXPECT_FALSE(h.host.calls[0].do_describe);
  EXPECT_FALSE(h.host.calls[0].with_args);
}

TEST(SimpleQuery, RowsAreStreamedWithoutPrefetch) {
  Harness h;
  h.host.prefetch = false;
  h.host.responder = [](const HandlerCall&) { return rows({{1, 2}, {3}}); };
  auto msgs = h.run(query("select v from t"));
  EXPECT_EQ(types_of(msgs), "TDDDCZ");
  EXPECT_EQ(command_tag(msgs[4]), "SELECT 3");
}

TEST(SimpleQuery, EmptyResultStillHasRowDescription) {
  Harness h;
  h.host.responder = [](const HandlerCall&) { return rows({}); };
  auto msgs = h.run(query("select v from t where false"));
  EXPECT_EQ(types_of(msgs), "TCZ");
  EXPECT_EQ(command_tag(msgs[1]), "SELECT 0");
}

TEST(SimpleQuery, EmptyQuery) {
  Harness h;
  EXPECT_EQ(types_of(h.run(query(" ; -- nothing\n"))), "IZ");
  EXPECT_TRUE(h.host.calls.empty());
}

TEST(SimpleQuery, MultipleStatementsStopAtTheFirstError) {
  Harness h;
  h.host.responder = [](const HandlerCall& c) {
    if (c.sql == "bad") return HandlerReply::make_error(PgError::error("42601", "nope"));
    return HandlerReply::make_tag("DONE");
  };
  auto msgs = h.run(query("one; bad; three"));
  EXPECT_EQ(types_of(msgs), "CEZ");
  ASSERT_EQ(h.host.calls.size(), 2u);
  EXPECT_EQ(h.host.calls[1].sql, "bad");
}

TEST(SimpleQuery, TransactionStatusFollowsBeginErrorRollback) {
  Harness h;
  h.host.responder = [](const HandlerCall& c) {
    if (c.sql == "select fail") return HandlerReply::make_error(PgError::error("22012", "div"));
    return HandlerReply::make_tag(c.sql == "begin" ? "BEGIN" : "ROLLBACK");
  };
  auto msgs = h.run(query("begin"));
  EXPECT_EQ(msgs.back().body, "T");
  msgs = h.run(query("select fail"));
  EXPECT_EQ(msgs.back().body, "E");
  msgs = h.run(query("select 1"));
  ASSERT_EQ(types_of(msgs), "EZ");
  EXPECT_EQ(error_code(msgs[0]), "25P02");
  msgs = h.run(query("rollback"));
  EXPECT_EQ(msgs.back().body, "I");
  EXPECT_EQ(h.host.calls.size(), 3u);  // the 25P02 statement never reached the handler
}

TEST(SimpleQuery, SetAndShowAreAnsweredBySession) {
  Harness h;
  auto msgs = h.run(query("set TimeZone = 'Europe/Oslo'"));
  EXPECT_EQ(types_of(msgs), "CSZ");  // CommandComplete, ParameterStatus, ReadyForQuery
  EXPECT_EQ(command_tag(msgs[0]), "SET");
  msgs = h.run(query("show timezone"));
  EXPECT_EQ(types_of(msgs), "TDCZ");
  EXPECT_NE(msgs[1].body.find("Europe/Oslo"), std::string::npos);
  EXPECT_TRUE(h.host.calls.empty());
  msgs = h.run(query("set DateStyle = 'nonsense'"));
  ASSERT_EQ(types_of(msgs), "EZ");
  EXPECT_EQ(error_code(msgs[0]), "22023");
}

TEST(SimpleQuery, SessionFunctionsAreAnsweredBySession) {
  Harness h;
  auto msgs = h.run(query("select version(), current_setting('DateStyle') as ds, current_user, "
                          "pg_catalog.current_schemas(false)"));
  ASSERT_EQ(types_of(msgs), "TDCZ");
  EXPECT_NE(msgs[1].body.find("PostgreSQL 15.8 on "), std::string::npos);
  EXPECT_NE(msgs[1].body.find("ISO, MDY"), std::string::npos);
  EXPECT_NE(msgs[1].body.find("alice"), std::string::npos);
  EXPECT_NE(msgs[1].body.find("{public}"), std::string::npos);
  EXPECT_EQ(command_tag(msgs[2]), "SELECT 1");
  EXPECT_TRUE(h.host.calls.empty());
  msgs = h.run(query("select current_setting('no_such_thing')"));
  ASSERT_EQ(types_of(msgs), "EZ");
  EXPECT_EQ(error_code(msgs[0]), "42704");
  msgs = h.run(query("select set_config('TimeZone', 'Asia/Tokyo', false)"));
  EXPECT_EQ(types_of(msgs), "TDCSZ");  // ParameterStatus for the changed TimeZone
  // With a FROM clause it is the handler's query.
  h.run(query("select version() from t"));
  EXPECT_EQ(h.host.calls.size(), 1u);
}

TEST(SimpleQuery, CopyToStdoutText) {
  Harness h;
  h.host.responder = [](const HandlerCall& c) {
    EXPECT_EQ(c.sql, "select v from t");
    return rows({{1, 2}, {3}});
  };
  auto msgs = h.run(query("copy (select v from t) to stdout"));
  ASSERT_EQ(types_of(msgs), "HdddcCZ");
  EXPECT_EQ(msgs[0].body, std::string("\0\0\1\0\0", 5));  // text, 1 column, text
  EXPECT_EQ(msgs[1].body, "1\n");
  EXPECT_EQ(command_tag(msgs[5]), "COPY 3");
}

TEST(SimpleQuery, CopyToStdoutBinaryCarriesHeaderWithFirstRow) {
  for (bool prefetch : {true, false}) {
    Harness h;
    h.host.prefetch = prefetch;
    h.host.responder = [](const HandlerCall&) { return rows({{7}}); };
    auto msgs = h.run(query("copy (select v from t) to stdout (format binary)"));
    ASSERT_EQ(types_of(msgs), "HddcCZ");
    const std::string sig("PGCOPY\n\xff\r\n\0", 11);
    EXPECT_EQ(msgs[1].body.substr(0, 11), sig);
    // header (11 + 8) then the tuple: 1 field, length 8, value 7.
    EXPECT_EQ(msgs[1].body.substr(19), std::string("\0\1\0\0\0\x08\0\0\0\0\0\0\0\x07", 14));
    EXPECT_EQ(msgs[2].body, std::string("\xff\xff", 2));  // trailer
  }
}

TEST(SimpleQuery, CopyOfAnEmptyResultStillHasTheBinaryHeader) {
  Harness h;
  h.host.responder = [](const HandlerCall&) { return rows({}); };
  auto msgs = h.run(query("copy (select v from t) to stdout with (format binary)"));
  ASSERT_EQ(types_of(msgs), "HdcCZ");
  EXPECT_EQ(msgs[1].body.size(), 11u + 8u + 2u);
  EXPECT_EQ(command_tag(msgs[3]), "COPY 0");
}

TEST(SimpleQuery, FatalHandlerErrorClosesConnection) {
  Harness h;
  h.host.responder = [](const HandlerCall&) {
    return HandlerReply::make_error(PgError::fatal("57P01", "bye"));
  };
  auto msgs = h.run(query("select 1"));
  EXPECT_EQ(types_of(msgs), "E");
  EXPECT_TRUE(h.host.closed);
}

TEST(SimpleQuery, CancelWhileHandlerPendingAnswers57014) {
  Harness h;
  h.host.answer_handlers = false;
  h.feed(query("select slow"));
  EXPECT_TRUE(h.session->busy());
  h.session->cancel();
  auto msgs = h.host.take_messages();
  ASSERT_EQ(types_of(msgs), "EZ");
  EXPECT_EQ(error_code(msgs[0]), "57014");
  EXPECT_FALSE(h.session->busy());
}

TEST(SimpleQuery, InvalidUtf8QueryIs22021AndNeverReachesTheHandler) {
  Harness h;
  auto msgs = h.run(query("select '\xff\xfe'"));
  ASSERT_EQ(types_of(msgs), "EZ");
  EXPECT_EQ(error_code(msgs[0]), "22021");
  EXPECT_TRUE(h.host.calls.empty());
  msgs = h.run(query("select 1"));  // the session goes on
  EXPECT_EQ(types_of(msgs), "CZ");
  EXPECT_EQ(h.host.calls.size(), 1u);
}

TEST(SimpleQuery, StreamErrorMidwayIsReported) {
  Harness h;
  h.host.responder = [](const HandlerCall&) {
    HandlerReply r = rows({{1}});
    r.stream.st.get_next = [](ArrowArrayStream*, ArrowArray*) { return 5; };
    return r;
  };
  auto msgs = h.run(query("select v"));
  ASSERT_EQ(types_of(msgs), "TEZ");
  EXPECT_EQ(error_code(msgs[1]), "XX000");
}

}  // namespace
}  // namespace riffq::session::test
