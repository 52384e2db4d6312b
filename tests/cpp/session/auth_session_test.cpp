// auth_session_test.cpp — a session's authentication choice: host-based rules (no entry,
// reject, trust, password against stored secrets, md5 → SCRAM) and SCRAM-SHA-256-PLUS
// offered only once the server handed over a TLS channel binding.
#include <gtest/gtest.h>

#include "riffq/session/session.hpp"
#include "session_test_util.hpp"

namespace riffq::session::test {
namespace {

std::string error_message(const Message& m) {
  for (size_t i = 0; i < m.body.size() && m.body[i] != '\0';) {
    size_t end = m.body.find('\0', i + 1);
    if (end == std::string::npos) break;
    if (m.body[i] == 'M') return m.body.substr(i + 1, end - i - 1);
    i = end + 1;
  }
  return "";
}

struct AuthSetup {
  std::string hba;  // pg_hba.conf text; empty: no rules
  std::string address;
  std::string cert_hash;  // non-empty: the connection is TLS
  bool password_required;
};

AuthSetup setup(std::string hba, std::string cert_hash = {}, bool password_required = false) {
  return AuthSetup{std::move(hba), "127.0.0.1", std::move(cert_hash), password_required};
}

std::vector<Message> start(Harness& h, const AuthSetup& s, const std::string& user,
                           const std::string& database = "db") {
  SessionConfig cfg;
  cfg.password_required = s.password_required;
  auto scram = std::make_shared<ScramUsers>();
  (*scram)["sam"] = ScramVerifier::from_password("scram-pw", 1000);
  cfg.scram_users = scram;
  auto md5 = std::make_shared<Md5Users>();
  (*md5)["mo"] = md5_verifier("mo", "md5-pw");
  cfg.md5_users = md5;
  if (!s.hba.empty()) cfg.hba = std::make_shared<HbaRules>(HbaRules::parse(s.hba));
  cfg.client_address = s.address;
  h.session = std::make_unique<Session>(cfg, h.host, 1, 1, 1234);
  h.host.session = h.session.get();
  if (!s.cert_hash.empty()) h.session->tls_established(s.cert_hash);
  return h.run(startup_packet({{"user", user}, {"database", database}}));
}

int32_t auth_code(const Message& m) {
  if (m.type != 'R' || m.body.size() < 4) return -1;
  return static_cast<int32_t>(
      static_cast<uint8_t>(m.body[0]) << 24 | static_cast<uint8_t>(m.body[1]) << 16 |
      static_cast<uint8_t>(m.body[2]) << 8 | static_cast<uint8_t>(m.body[3]));
}

TEST(HbaSession, NoMatchingRuleIs28000WithPostgresqlsMessage) {
  Harness h(false, false);
  auto msgs = start(h, setup("host all all ::1/128 trust\n"), "sam", "sales");
  ASSERT_EQ(types_of(msgs), "E");
  EXPECT_EQ(error_code(msgs[0]), "28000");
  EXPECT_EQ(error_message(msgs[0]),
            "no pg_hba.conf entry for host \"127.0.0.1\", user \"sam\", database \"sales\", "
            "no encryption");
  EXPECT_TRUE(h.host.closed);
  EXPECT_TRUE(h.host.admissions.empty());
}

TEST(HbaSession, RejectIs28000AndNamesTheEncryption) {
  Harness h(false, false);
  auto msgs = start(h, setup("hostssl all all all reject\n", std::string(32, 'h')), "sam");
  ASSERT_EQ(types_of(msgs), "E");
  EXPECT_EQ(error_code(msgs[0]), "28000");
  EXPECT_EQ(error_message(msgs[0]),
            "pg_hba.conf rejects connection for host \"127.0.0.1\", user \"sam\", database \"db\", "
            "SSL encryption");
}

TEST(HbaSession, HostsslDoesNotMatchPlaintext) {
  Harness h(false, false);
  auto msgs = start(h, setup("hostssl all all all trust\n"), "sam");
  ASSERT_EQ(types_of(msgs), "E");
  EXPECT_EQ(error_code(msgs[0]), "28000");
}

TEST(HbaSession, TrustAsksNoPasswordEvenWhenTheApplicationChecksThem) {
  Harness h(false, false);
  auto msgs = start(h, setup("host all all 127.0.0.0/8 trust\n", "", true), "sam");
  EXPECT_EQ(types_of(msgs).back(), 'Z');
  ASSERT_EQ(h.host.admissions.size(), 1u);
  EXPECT_FALSE(h.host.admissions[0].password.has_value());
}

TEST(HbaSession, PasswordMethodChecksTheStoredScramSecret) {
  for (auto [pw, ok] : {std::pair{"scram-pw", true}, std::pair{"wrong", false}}) {
    Harness h(false, false);
    auto msgs = start(h, setup("host all all all password\n"), "sam");
    ASSERT_EQ(types_of(msgs), "R");
    EXPECT_EQ(auth_code(msgs[0]), 3);  // AuthenticationCleartextPassword
    msgs = h.run(password(pw));
    if (ok) {
      EXPECT_EQ(types_of(msgs).back(), 'Z');
    } else {
      ASSERT_EQ(types_of(msgs), "E");
      EXPECT_EQ(error_code(msgs[0]), "28P01");
    }
  }
}

TEST(HbaSession, PasswordMethodChecksTheStoredMd5Secret) {
  Harness h(false, false);
  start(h, setup("host all all all password\n"), "mo");
  EXPECT_EQ(types_of(h.run(password("md5-pw"))).back(), 'Z');
}

TEST(HbaSession, PasswordMethodWithoutStoredSecretAsksTheApplication) {
  Harness h(false, false);
  start(h, setup("host all all all password\n", "", true), "app-user");
  h.run(password("secret"));
  ASSERT_EQ(h.host.admissions.size(), 1u);
  EXPECT_EQ(h.host.admissions[0].password, std::optional<std::string>("secret"));
}

TEST(HbaSession, Md5MethodUsesScramForScramUsersAndMd5ForMd5Users) {
  Harness a(false, false);
  auto msgs = start(a, setup("host all all all md5\n"), "sam");
  ASSERT_EQ(types_of(msgs), "R");
  EXPECT_EQ(auth_code(msgs[0]), 10);  // AuthenticationSASL
  Harness b(false, false);
  msgs = start(b, setup("host all all all md5\n"), "mo");
  EXPECT_EQ(auth_code(msgs[0]), 5);  // AuthenticationMD5Password
  Harness c(false, false);
  msgs = start(c, setup("host all all all scram-sha-256\n"), "mo");
  EXPECT_EQ(auth_code(msgs[0]), 10);  // an MD5 user under scram-sha-256: SCRAM, which fails
}

TEST(ScramPlusSession, PlusIsOfferedOnlyOverTls) {
  Harness plain(false, false);
  auto msgs = start(plain, setup(""), "sam");
  ASSERT_EQ(auth_code(msgs[0]), 10);
  EXPECT_EQ(msgs[0].body.substr(4), std::string("SCRAM-SHA-256\0\0", 15));
  Harness tls(false, false);
  msgs = start(tls, setup("", std::string(32, 'h')), "sam");
  ASSERT_EQ(auth_code(msgs[0]), 10);
  EXPECT_EQ(msgs[0].body.substr(4), std::string("SCRAM-SHA-256-PLUS\0SCRAM-SHA-256\0\0", 34));
}

}  // namespace
}  // namespace riffq::session::test
