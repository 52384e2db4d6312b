// md5_test.cpp — MD5 password authentication: PostgreSQL's verifier form, the salted
// challenge, and a session login that succeeds, fails with 28P01, or is not offered at all.
#include <gtest/gtest.h>

#include "riffq/session/md5_auth.hpp"
#include "session_test_util.hpp"

namespace riffq::session::test {
namespace {

TEST(Md5, VerifierIsPostgresForm) {
  // SELECT 'md5' || md5('postgres' || 'postgres') in PostgreSQL.
  EXPECT_EQ(md5_verifier("postgres", "postgres"), "md53175bce1d3201d16594cebf9d7eb3f9d");
  EXPECT_TRUE(is_md5_verifier("md53175bce1d3201d16594cebf9d7eb3f9d"));
  EXPECT_FALSE(is_md5_verifier("md53175BCE1d3201d16594cebf9d7eb3f9d"));
  EXPECT_FALSE(is_md5_verifier("md5abc"));
  EXPECT_FALSE(is_md5_verifier("SCRAM-SHA-256$4096:x$y:z"));
  EXPECT_NE(md5_salt(), md5_salt());  // random per login (equal once in 2^32)
}

// Starts a session for `user` with md5 users configured; returns the messages after startup.
std::vector<Message> start(Harness& h, std::shared_ptr<Md5Users> users, const std::string& user) {
  SessionConfig cfg;
  cfg.md5_users = std::move(users);
  h.session = std::make_unique<Session>(cfg, h.host, 1, 1, 1234);
  h.host.session = h.session.get();
  return h.run(startup_packet({{"user", user}, {"database", "db"}}));
}

std::string password_message(const std::string& text) {
  std::string body = text + std::string(1, '\0');
  std::string out = "p";
  uint32_t n = static_cast<uint32_t>(body.size() + 4);
  for (int i = 3; i >= 0; --i) out.push_back(static_cast<char>(n >> (8 * i)));
  return out + body;
}

std::shared_ptr<Md5Users> users() {
  auto u = std::make_shared<Md5Users>();
  (*u)["alice"] = md5_verifier("alice", "wonderland");
  return u;
}

TEST(Md5, RightPasswordLogsIn) {
  Harness h(false, false);
  auto msgs = start(h, users(), "alice");
  ASSERT_EQ(types_of(msgs), "R");
  ASSERT_EQ(msgs[0].body.size(), 8u);  // Int32 5, then the 4-byte salt
  EXPECT_EQ(msgs[0].body.substr(0, 4), std::string("\0\0\0\x05", 4));
  std::string salt = msgs[0].body.substr(4);
  msgs = h.run(password_message(md5_expected_response(md5_verifier("alice", "wonderland"), salt)));
  ASSERT_FALSE(msgs.empty());
  EXPECT_EQ(types_of(msgs).substr(0, 1), "R");  // AuthenticationOk …
  EXPECT_EQ(types_of(msgs).back(), 'Z');
  ASSERT_EQ(h.host.admissions.size(), 1u);
  EXPECT_FALSE(h.host.admissions[0].password.has_value());  // the application gets no password
}

TEST(Md5, WrongPasswordIs28P01) {
  Harness h(false, false);
  auto msgs = start(h, users(), "alice");
  std::string salt = msgs[0].body.substr(4);
  msgs = h.run(password_message(md5_expected_response(md5_verifier("alice", "nope"), salt)));
  ASSERT_EQ(types_of(msgs), "E");
  EXPECT_EQ(error_code(msgs[0]), "28P01");
  EXPECT_TRUE(h.host.closed);
  EXPECT_TRUE(h.host.admissions.empty());
}

TEST(Md5, OtherUsersAreNotAskedForMd5) {
  Harness h(false, false);
  auto msgs = start(h, users(), "bob");  // not an MD5 user, nothing else configured: trust
  EXPECT_EQ(types_of(msgs).back(), 'Z');
}

}  // namespace
}  // namespace riffq::session::test
