// copy_in_session_test.cpp — COPY FROM STDIN through the session: CopyInResponse, CopyData to
// the application's reader, CopyDone / CopyFail, errors mid-copy, the extended protocol's Sync
// handling, backpressure, and COPY TO STDOUT in an extended Execute.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "riffq/wire/message_reader.hpp"
#include "session_test_util.hpp"

namespace riffq::session::test {
namespace {

SessionConfig copy_config() {
  SessionConfig cfg;
  cfg.copy_in_enabled = true;
  return cfg;
}

// The application: reads the whole upload on its own thread, as a copy-in hook does.
struct App {
  std::thread thread;
  std::atomic<int64_t> rows{0};
  std::atomic<bool> done{false};
  std::string error;
  void start(const HandlerCall& call) {
    auto channel = call.copy_in;
    thread = std::thread([this, channel] {
      ArrowArrayStream s{};
      channel->export_stream(&s);
      while (true) {
        ArrowArray a{};
        if (s.get_next(&s, &a) != 0) {
          error = s.get_last_error(&s);
          break;
        }
        if (a.release == nullptr) break;
        rows += a.length;
        a.release(&a);
      }
      s.release(&s);
      done = true;
    });
  }
  void join() {
    if (thread.joinable()) thread.join();
  }
  ~App() { join(); }
};

void answer(Harness& h, const HandlerCall& call, HandlerReply reply) {
  reply.sequence = call.sequence;
  h.session->on_handler_reply(std::move(reply));
  h.host.settle();
}

TEST(CopyIn, SimpleQueryUploadEndsWithCopyTag) {
  Harness h(copy_config());
  auto msgs = h.run(query("copy t (a, b) from stdin"));
  ASSERT_EQ(types_of(msgs), "G");
  wire::MessageReader r(msgs[0].body);
  EXPECT_EQ(r.get_int8(), 0);   // text
  EXPECT_EQ(r.get_int16(), 2);  // two columns
  ASSERT_EQ(h.host.copy_calls.size(), 1u);
  EXPECT_EQ(h.host.copy_calls[0].sql, "copy t (a, b) from stdin");
  App app;
  app.start(h.host.copy_calls[0]);
  EXPECT_TRUE(h.run(copy_data("1\tx\n2\t") + copy_data("y\n") + copy_done()).empty());
  app.join();
  EXPECT_EQ(app.rows, 2);
  answer(h, h.host.copy_calls[0], HandlerReply::make_tag(""));
  msgs = h.host.take_messages();
  ASSERT_EQ(types_of(msgs), "CZ");
  EXPECT_EQ(command_tag(msgs[0]), "COPY 2");
}

TEST(CopyIn, RefusedWithoutAHookBeforeAnyData) {
  Harness h;  // copy_in_enabled false
  auto msgs = h.run(query("copy t from stdin"));
  ASSERT_EQ(types_of(msgs), "EZ");
  EXPECT_EQ(error_code(msgs[0]), "0A000");
  // Stray copy messages afterwards are ignored; the session goes on.
  EXPECT_TRUE(h.run(copy_data("1\n") + copy_done()).empty());
  EXPECT_EQ(types_of(h.run(query("select 1"))), "CZ");
}

TEST(CopyIn, BadOptionsAreRefusedAsPostgresDoes) {
  Harness h(copy_config());
  auto msgs = h.run(query("copy t from stdin (format binary, delimiter ',')"));
  ASSERT_EQ(types_of(msgs), "EZ");
  EXPECT_EQ(error_code(msgs[0]), "42601");
  msgs = h.run(query("copy t from stdin (format xml)"));
  EXPECT_EQ(error_code(msgs[0]), "22023");
  EXPECT_TRUE(h.host.copy_calls.empty());
}

TEST(CopyIn, CopyFailAbortsWith57014AndTheReaderFails) {
  Harness h(copy_config());
  h.run(query("copy t from stdin"));
  App app;
  app.start(h.host.copy_calls[0]);
  auto msgs = h.run(copy_data("1\tx\n") + copy_fail("client gave up"));
  app.join();
  ASSERT_EQ(types_of(msgs), "EZ");
  EXPECT_EQ(error_code(msgs[0]), "57014");
  EXPECT_NE(msgs[0].body.find("COPY from stdin failed: client gave up"), std::string::npos);
  EXPECT_EQ(app.error, "COPY from stdin failed: client gave up");
  // The application's late answer is stale; the session is usable.
  answer(h, h.host.copy_calls[0], HandlerReply::make_tag(""));
  EXPECT_TRUE(h.host.take_messages().empty());
  EXPECT_EQ(types_of(h.run(query("select 1"))), "CZ");
}

TEST(CopyIn, BadDataIsReportedWithContextAndTheRestDrained) {
  Harness h(copy_config());
  h.run(query("copy t from stdin; select 2"));
  App app;
  app.start(h.host.copy_calls[0]);
  h.run(copy_data("x\ty\tz\n1\t2\n"));  // untyped: the first row makes three text columns
  app.join();
  EXPECT_NE(app.error.find("missing data for column \"column3\""), std::string::npos);
  // The application reports the reader's failure; the client gets PostgreSQL's error.
  answer(h, h.host.copy_calls[0],
         HandlerReply::make_error(PgError::error("XX000", "reader failed")));
  auto msgs = h.host.take_messages();
  ASSERT_EQ(types_of(msgs), "EZ");  // the rest of the Query string is skipped
  EXPECT_EQ(error_code(msgs[0]), "22P04");
  EXPECT_NE(msgs[0].body.find(std::string("WCOPY t, line 2: \"1\t2\"") + '\0'), std::string::npos);
  EXPECT_TRUE(h.run(copy_data("more\n") + copy_done()).empty());  // dropped
  EXPECT_EQ(types_of(h.run(query("select 1"))), "CZ");
}

TEST(CopyIn, ApplicationErrorBeforeCopyDoneIsSentAtOnce) {
  Harness h(copy_config());
  h.run(query("copy t from stdin"));
  answer(h, h.host.copy_calls[0], HandlerReply::make_error(PgError::error("42P01", "no table t")));
  auto msgs = h.host.take_messages();
  ASSERT_EQ(types_of(msgs), "EZ");
  EXPECT_EQ(error_code(msgs[0]), "42P01");
  EXPECT_TRUE(h.run(copy_data("1\n") + copy_data("2\n") + copy_done()).empty());
}

TEST(CopyIn, AnswerBeforeCopyDoneDrainsTheRestThenCompletes) {
  SessionConfig cfg = copy_config();
  cfg.copy_in_queue_bytes = 16;  // the queue fills at once: only the answer can unblock it
  Harness h(cfg);
  h.run(query("copy t from stdin"));
  h.run(copy_data("1\tx\n2\ty\n3\tz\n") + copy_data("4\tw\n"));
  answer(h, h.host.copy_calls[0], HandlerReply::make_tag(""));  // never read: nothing more
  EXPECT_TRUE(h.host.take_messages().empty());                  // still copying
  auto msgs = h.run(copy_data("5\tv\n") + copy_done());
  ASSERT_EQ(types_of(msgs), "CZ");
  EXPECT_EQ(command_tag(msgs[0]), "COPY 0");
  EXPECT_EQ(types_of(h.run(query("select 1"))), "CZ");
}

TEST(CopyIn, CancelRequestEndsTheCopy) {
  Harness h(copy_config());
  h.run(query("copy t from stdin"));
  EXPECT_TRUE(h.session->cancel());
  auto msgs = h.host.take_messages();
  ASSERT_EQ(types_of(msgs), "EZ");
  EXPECT_EQ(error_code(msgs[0]), "57014");
  EXPECT_TRUE(h.run(copy_data("1\n") + copy_done()).empty());  // dropped
}

TEST(CopyIn, ExtendedProtocolIgnoresSyncDuringCopyThenWaitsForIt) {
  Harness h(copy_config());
  auto msgs = h.run(parse("", "copy t from stdin (format csv)") + bind("", "") + describe('P', "") +
                    execute("") + sync());
  ASSERT_EQ(types_of(msgs), "12nG");  // the Sync sent with the Execute is ignored
  App app;
  app.start(h.host.copy_calls[0]);
  EXPECT_TRUE(h.run(copy_data("1,a\n") + flush() + copy_done()).empty());
  app.join();
  answer(h, h.host.copy_calls[0], HandlerReply::make_tag("COPY 1"));
  msgs = h.host.take_messages();
  ASSERT_EQ(types_of(msgs), "C");  // no ReadyForQuery until the client's next Sync
  EXPECT_EQ(command_tag(msgs[0]), "COPY 1");
  EXPECT_EQ(types_of(h.run(sync())), "Z");
}

TEST(CopyIn, ExtendedErrorSkipsToSync) {
  Harness h(copy_config());
  h.run(parse("", "copy t from stdin") + bind("", "") + execute(""));
  auto msgs = h.run(copy_fail("stop") + parse("", "select 1") + sync());
  ASSERT_EQ(types_of(msgs), "EZ");
  EXPECT_EQ(error_code(msgs[0]), "57014");
}

TEST(CopyIn, UnexpectedMessageDuringCopyIsAProtocolError) {
  Harness h(copy_config());
  h.run(query("copy t from stdin"));
  auto msgs = h.run(query("select 1"));
  ASSERT_GE(msgs.size(), 2u);
  EXPECT_EQ(error_code(msgs[0]), "08P01");
  EXPECT_NE(msgs[0].body.find("unexpected message type 0x51 during COPY from stdin"),
            std::string::npos);
  EXPECT_EQ(types_of(msgs), "EZ");
}

TEST(CopyIn, FullQueueStopsInputUntilTheReaderMakesRoom) {
  SessionConfig cfg = copy_config();
  cfg.copy_in_queue_bytes = 64;
  cfg.max_queued_input = 256;
  Harness h(cfg);
  h.run(query("copy t from stdin"));
  std::string chunk = copy_data(std::string(40, 'x') + "\n");
  std::string all;
  for (int i = 0; i < 20; ++i) all += chunk;
  h.run(all);
  EXPECT_FALSE(h.session->wants_input());  // nobody reads: the upload waits
  App app;
  app.start(h.host.copy_calls[0]);
  // The test is the session's thread: resume it whenever the reader made room.
  for (int i = 0; i < 2000 && !h.session->wants_input(); ++i) {
    h.session->copy_in_room();
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_TRUE(h.session->wants_input());
  h.run(copy_done());
  for (int i = 0; i < 2000 && !app.done; ++i) {
    h.session->copy_in_room();
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  app.join();
  EXPECT_EQ(app.rows, 20);
}

TEST(CopyOut, ExtendedExecuteSendsCopyOutResponse) {
  Harness h;
  h.host.responder = [](const HandlerCall& c) {
    EXPECT_EQ(c.sql, "select v from t");
    return rows({{1, 2}});
  };
  auto msgs = h.run(parse("", "copy (select v from t) to stdout") + bind("", "") +
                    describe('P', "") + execute("") + sync());
  ASSERT_EQ(types_of(msgs), "12nHddcCZ");
  EXPECT_EQ(msgs[4].body, "1\n");
  EXPECT_EQ(command_tag(msgs[7]), "COPY 2");
}

}  // namespace
}  // namespace riffq::session::test
