// frame_decoder_test.cpp — framing: partial input, several messages per buffer, limits.
#include "riffq/wire/frame_decoder.hpp"

#include <gtest/gtest.h>

#include <random>

#include "riffq/wire/protocol.hpp"
#include "wire_test_util.hpp"

namespace riffq::wire {
namespace {

using test::be32;
using test::typed;

FrameDecoder decoder() { return FrameDecoder(FrameLimits{1 << 20}); }

TEST(FrameDecoder, NeedsMoreDataUntilTheLastByte) {
  std::string msg = typed(msg::QUERY, test::cstr("select 1"));
  auto d = decoder();
  Frame f;
  PgError e;
  for (size_t n = 0; n < msg.size(); ++n)
    EXPECT_EQ(d.next(std::string_view(msg).substr(0, n), f, e), FrameStatus::NEED_MORE) << n;
  ASSERT_EQ(d.next(msg, f, e), FrameStatus::READY);
  EXPECT_EQ(f.type, msg::QUERY);
  EXPECT_EQ(f.total, msg.size());
  EXPECT_EQ(f.body, test::cstr("select 1"));
}

TEST(FrameDecoder, TwoMessagesInOneBuffer) {
  std::string buf = typed(msg::SYNC, "") + typed(msg::QUERY, test::cstr("x"));
  auto d = decoder();
  Frame f;
  PgError e;
  ASSERT_EQ(d.next(buf, f, e), FrameStatus::READY);
  EXPECT_EQ(f.type, msg::SYNC);
  ASSERT_EQ(d.next(std::string_view(buf).substr(f.total), f, e), FrameStatus::READY);
  EXPECT_EQ(f.type, msg::QUERY);
}

TEST(FrameDecoder, UnknownTypeIsRejectedBeforeTheLength) {
  auto d = decoder();
  Frame f;
  PgError e;
  EXPECT_EQ(d.next("\x01", f, e), FrameStatus::ERROR);
  EXPECT_EQ(e.sqlstate, sqlstate::PROTOCOL_VIOLATION);
  EXPECT_TRUE(e.is_fatal());
}

TEST(FrameDecoder, LengthBelowFourIsInvalid) {
  auto d = decoder();
  Frame f;
  PgError e;
  std::string m = std::string(1, msg::QUERY) + be32(3);
  EXPECT_EQ(d.next(m, f, e), FrameStatus::ERROR);
  EXPECT_EQ(e.message, "invalid message length");
}

TEST(FrameDecoder, SmallMessagesHaveASmallLimit) {
  auto d = decoder();
  Frame f;
  PgError e;
  // A Sync must be exactly 4 bytes long; a huge Describe is refused before buffering.
  EXPECT_EQ(d.next(std::string(1, msg::SYNC) + be32(8), f, e), FrameStatus::ERROR);
  EXPECT_EQ(d.next(std::string(1, msg::DESCRIBE) + be32(SMALL_MESSAGE_LIMIT + 1), f, e),
            FrameStatus::ERROR);
}

TEST(FrameDecoder, LargeMessagesHaveTheConfiguredLimit) {
  FrameDecoder d(FrameLimits{1000});
  Frame f;
  PgError e;
  EXPECT_EQ(d.next(std::string(1, msg::QUERY) + be32(1000), f, e), FrameStatus::NEED_MORE);
  EXPECT_EQ(d.next(std::string(1, msg::QUERY) + be32(1001), f, e), FrameStatus::ERROR);
  EXPECT_EQ(e.sqlstate, sqlstate::PROGRAM_LIMIT_EXCEEDED);
  // A negative int32 length is a malformed frame, not a large message.
  EXPECT_EQ(d.next(std::string(1, msg::QUERY) + be32(-5), f, e), FrameStatus::ERROR);
  EXPECT_EQ(e.sqlstate, sqlstate::PROTOCOL_VIOLATION);
}

TEST(FrameDecoder, StartupPacketLimits) {
  auto d = decoder();
  Frame f;
  PgError e;
  EXPECT_EQ(d.next_startup(be32(7), f, e), FrameStatus::ERROR);
  EXPECT_EQ(d.next_startup(be32(MAX_STARTUP_PACKET_LENGTH + 1), f, e), FrameStatus::ERROR);
  EXPECT_EQ(d.next_startup(be32(8), f, e), FrameStatus::NEED_MORE);
  std::string ssl = be32(8) + be32(SSL_REQUEST_CODE);
  ASSERT_EQ(d.next_startup(ssl, f, e), FrameStatus::READY);
  EXPECT_EQ(f.body.size(), 4u);
}

TEST(FrameDecoder, RandomBuffersNeverOverread) {
  std::mt19937 gen(42);
  auto d = decoder();
  for (int i = 0; i < 10000; ++i) {
    std::string buf(gen() % 64, '\0');
    for (auto& c : buf) c = static_cast<char>(gen());
    Frame f;
    PgError e;
    auto st = (i % 2) ? d.next(buf, f, e) : d.next_startup(buf, f, e);
    if (st == FrameStatus::READY) {
      ASSERT_LE(f.total, buf.size());
      ASSERT_LE(f.body.size() + (i % 2 ? 5 : 4), f.total);
    }
  }
}

}  // namespace
}  // namespace riffq::wire
