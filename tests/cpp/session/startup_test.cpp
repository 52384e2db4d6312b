// startup_test.cpp — startup, SSL/GSS negotiation, authentication, admission, limits.
#include <gtest/gtest.h>

#include "session_test_util.hpp"

namespace riffq::session::test {
namespace {

TEST(Startup, TrustFlowSendsParameterStatusKeyAndReady) {
  Harness h(false, false);
  auto msgs = h.run(startup_packet({{"user", "alice"}, {"application_name", "psql"}}));
  std::string t = types_of(msgs);
  EXPECT_EQ(t.front(), 'R');
  EXPECT_EQ(t.substr(t.size() - 2), "KZ");
  bool app = false, version = false;
  for (auto& m : msgs) {
    if (m.type != 'S') continue;
    std::string name = m.body.substr(0, m.body.find('\0'));
    std::string value = m.body.substr(name.size() + 1, m.body.size() - name.size() - 2);
    if (name == "application_name") app = value == "psql";
    if (name == "server_version") version = value == "15.8";
  }
  EXPECT_TRUE(app);
  EXPECT_TRUE(version);
  ASSERT_EQ(h.host.admissions.size(), 1u);
  EXPECT_EQ(h.host.admissions[0].user, "alice");
  EXPECT_FALSE(h.host.admissions[0].database.has_value());
  EXPECT_EQ(h.session->database(), "alice");  // defaults to the user name
}

TEST(Startup, SslAndGssRequestsAreRefusedThenStartupContinues) {
  Harness h(false, false);
  h.feed(std::string("\0\0\0\x08\x04\xd2\x16\x2f", 8));  // SSLRequest
  EXPECT_EQ(h.host.output, "N");
  h.host.output.clear();
  h.feed(std::string("\0\0\0\x08\x04\xd2\x16\x30", 8));  // GSSENCRequest
  EXPECT_EQ(h.host.output, "N");
  h.host.output.clear();
  auto msgs = h.run(startup_packet({{"user", "bob"}}));
  EXPECT_EQ(types_of(msgs).back(), 'Z');
}

TEST(Startup, MissingUserIsFatal) {
  Harness h(false, false);
  auto msgs = h.run(startup_packet({{"database", "x"}}));
  ASSERT_EQ(types_of(msgs), "E");
  EXPECT_EQ(error_code(msgs[0]), "28000");
  EXPECT_TRUE(h.host.closed);
}

TEST(Startup, UnknownProtocolOptionGetsNegotiateProtocolVersion) {
  Harness h(false, false);
  auto msgs = h.run(startup_packet({{"user", "u"}, {"_pq_.fancy", "1"}}));
  EXPECT_EQ(types_of(msgs).front(), 'v');
  EXPECT_EQ(types_of(msgs).back(), 'Z');
}

TEST(Startup, PasswordIsAskedAndRejectionIsFatal) {
  Harness h(true, false);
  auto msgs = h.run(startup_packet({{"user", "alice"}, {"database", "db"}}));
  ASSERT_EQ(types_of(msgs), "R");
  EXPECT_EQ(msgs[0].body, std::string("\0\0\0\x03", 4));  // AuthenticationCleartextPassword
  h.host.admitter = [](const AdmissionRequest& r) {
    AdmissionReply reply;
    reply.ok = r.password == "right";
    return reply;
  };
  msgs = h.run(password("wrong"));
  ASSERT_EQ(types_of(msgs), "E");
  EXPECT_EQ(error_code(msgs[0]), "28P01");
  EXPECT_TRUE(h.host.closed);
  ASSERT_EQ(h.host.admissions.size(), 1u);
  EXPECT_EQ(*h.host.admissions[0].password, "wrong");
  EXPECT_EQ(*h.host.admissions[0].database, "db");
}

TEST(Startup, PasswordAccepted) {
  Harness h(true, false);
  h.run(startup_packet({{"user", "alice"}}));
  auto msgs = h.run(password("pw"));
  EXPECT_EQ(types_of(msgs).front(), 'R');
  EXPECT_EQ(types_of(msgs).back(), 'Z');
  EXPECT_TRUE(h.session->admitted());
}

TEST(Startup, QueryBeforePasswordIsAProtocolViolation) {
  Harness h(true, false);
  h.run(startup_packet({{"user", "alice"}}));
  auto msgs = h.run(query("select 1"));
  ASSERT_EQ(types_of(msgs), "E");
  EXPECT_EQ(error_code(msgs[0]), "08P01");
  EXPECT_TRUE(h.host.closed);
}

TEST(Startup, OversizedStartupPacketIsRejected) {
  Harness h(false, false);
  auto msgs = h.run(std::string("\0\x01\0\0", 4));
  ASSERT_EQ(types_of(msgs), "E");
  EXPECT_EQ(error_code(msgs[0]), "08P01");
  EXPECT_TRUE(h.host.closed);
}

TEST(Startup, ByteAtATime) {
  Harness h(false, false);
  std::string packet = startup_packet({{"user", "alice"}}) + query("select 1");
  for (char c : packet) h.feed(std::string(1, c));
  auto msgs = h.host.take_messages();
  EXPECT_EQ(types_of(msgs).substr(types_of(msgs).size() - 3), "ZCZ");
}

}  // namespace
}  // namespace riffq::session::test
