// hba_test.cpp — pg_hba.conf parsing (tokens, errors with line numbers) and rule matching
// (connection type, database, user, CIDR), without sockets.
#include "riffq/session/hba.hpp"

#include <gtest/gtest.h>

namespace riffq::session {
namespace {

HbaClient client(std::string address, std::string user, std::string database, bool tls = false) {
  HbaClient c;
  c.address = std::move(address);
  c.user = std::move(user);
  c.database = std::move(database);
  c.tls = tls;
  return c;
}

// Line number of the rule that matches, 0 for none.
int matched(const HbaRules& rules, const HbaClient& c) {
  const HbaRule* r = rules.match(c);
  return r ? r->line_number : 0;
}

std::string parse_error(const std::string& text) {
  try {
    HbaRules::parse(text);
  } catch (const HbaParseError& e) {
    return e.what();
  }
  return "";
}

TEST(HbaParse, FieldsListsQuotesCommentsAndContinuations) {
  auto rules = HbaRules::parse(
      "# TYPE DATABASE USER ADDRESS METHOD\n"
      "\n"
      "host    db1,db2  alice, bob   127.0.0.1/32   scram-sha-256  # trailing comment\n"
      "hostssl \"all\"  all  ::1/128  md5\n"
      "local   all  all  trust\n"
      "host all all \\\n"
      "     127.0.0.0 255.0.0.0 reject\n");
  ASSERT_EQ(rules.rules().size(), 4u);
  const HbaRule& r = rules.rules()[0];
  EXPECT_EQ(r.line_number, 3);
  EXPECT_EQ(r.type, HbaConnectionType::HOST);
  ASSERT_EQ(r.databases.size(), 2u);
  EXPECT_EQ(r.databases[1].text, "db2");
  ASSERT_EQ(r.users.size(), 2u);
  EXPECT_EQ(r.users[1].text, "bob");
  EXPECT_EQ(r.method, HbaMethod::SCRAM_SHA_256);
  EXPECT_TRUE(rules.rules()[1].databases[0].quoted);
  EXPECT_EQ(rules.rules()[1].network.family, 6);
  EXPECT_EQ(rules.rules()[2].type, HbaConnectionType::LOCAL);
  EXPECT_EQ(rules.rules()[3].line_number, 6);
  EXPECT_EQ(rules.rules()[3].network.prefix, 8);
  EXPECT_EQ(rules.rules()[3].method, HbaMethod::REJECT);
}

TEST(HbaParse, ErrorsNameTheLine) {
  EXPECT_EQ(parse_error("host all all 127.0.0.1/32 trust\nhots all all all trust\n"),
            "line 2: invalid connection type \"hots\"");
  EXPECT_EQ(parse_error("host all all 127.0.0.1/32 scram\n"),
            "line 1: invalid authentication method \"scram\"");
  EXPECT_EQ(parse_error("host all\n"), "line 1: end-of-line before role specification");
  EXPECT_EQ(parse_error("host\n"), "line 1: end-of-line before database specification");
  EXPECT_EQ(parse_error("host all all\n"), "line 1: end-of-line before IP address specification");
  EXPECT_EQ(parse_error("host all all all\n"), "line 1: end-of-line before authentication method");
  EXPECT_EQ(parse_error("\n\nhost all all 127.0.0.1/33 trust\n"),
            "line 3: invalid CIDR mask in address \"127.0.0.1/33\"");
  EXPECT_EQ(parse_error("host all all 127.0.0.1 trust\n"), "line 1: invalid IP mask \"trust\"");
  EXPECT_EQ(parse_error("host all all 127.0.0.1 255.0.255.0 trust\n"),
            "line 1: invalid IP mask \"255.0.255.0\"");
  EXPECT_NE(parse_error("host all all example.com trust\n").find("line 1: invalid IP address"),
            std::string::npos);
  EXPECT_EQ(parse_error("host all all all peer\n"),
            "line 1: authentication method \"peer\" is not supported by riffq");
  EXPECT_EQ(parse_error("host all all all md5 clientcert=verify-ca\n"),
            "line 1: authentication option \"clientcert\" is not supported by riffq");
  EXPECT_EQ(parse_error("host \"all all all md5\n"), "line 1: unterminated quoted string");
  EXPECT_EQ(parse_error("host all +admins all md5\n"),
            "line 1: role groups (\"+admins\") are not supported");
}

TEST(HbaMatch, FirstMatchingRuleDecides) {
  auto rules = HbaRules::parse(
      "host all mallory all reject\n"
      "host sales alice 127.0.0.2/32 trust\n"
      "host all all 127.0.0.0/8 scram-sha-256\n");
  EXPECT_EQ(matched(rules, client("127.0.0.1", "mallory", "d")), 1);
  EXPECT_EQ(matched(rules, client("127.0.0.2", "alice", "sales")), 2);
  EXPECT_EQ(matched(rules, client("127.0.0.1", "alice", "sales")), 3);
  EXPECT_EQ(matched(rules, client("127.0.0.2", "alice", "hr")), 3);
  EXPECT_EQ(matched(rules, client("::1", "alice", "sales")), 0);  // no IPv6 rule
}

TEST(HbaMatch, ConnectionTypes) {
  auto rules = HbaRules::parse(
      "local all all trust\n"
      "hostgssenc all all all trust\n"
      "hostssl all tls_only all md5\n"
      "hostnossl all plain_only all md5\n"
      "hostnogssenc all all all password\n");
  EXPECT_EQ(matched(rules, client("127.0.0.1", "tls_only", "d", true)), 3);
  EXPECT_EQ(matched(rules, client("127.0.0.1", "tls_only", "d", false)), 5);
  EXPECT_EQ(matched(rules, client("127.0.0.1", "plain_only", "d", false)), 4);
  EXPECT_EQ(matched(rules, client("127.0.0.1", "plain_only", "d", true)), 5);
  HbaClient local = client("", "u", "d");
  local.local = true;
  EXPECT_EQ(matched(rules, local), 1);
}

TEST(HbaMatch, DatabaseKeywordsAndQuotedNames) {
  auto rules = HbaRules::parse(
      "host sameuser all all trust\n"
      "host \"all\" all all md5\n"
      "host replication all all reject\n"
      "host all bob all password\n");
  EXPECT_EQ(matched(rules, client("127.0.0.1", "carol", "carol")), 1);
  EXPECT_EQ(matched(rules, client("127.0.0.1", "carol", "all")), 2);  // quoted: a name
  EXPECT_EQ(matched(rules, client("127.0.0.1", "carol", "other")), 0);
  EXPECT_EQ(matched(rules, client("127.0.0.1", "bob", "replication")), 4);  // keyword ≠ name
}

TEST(HbaMatch, CidrAndNetmasks) {
  auto rules = HbaRules::parse(
      "host all a 127.0.0.0/24 trust\n"
      "host all a 127.1.0.0 255.255.0.0 md5\n"
      "host all a ::1/128 password\n"
      "host all a ::/0 reject\n"
      "host all a 0.0.0.0/0 scram-sha-256\n");
  EXPECT_EQ(matched(rules, client("127.0.0.200", "a", "d")), 1);
  EXPECT_EQ(matched(rules, client("127.0.1.1", "a", "d")), 5);
  EXPECT_EQ(matched(rules, client("127.1.9.9", "a", "d")), 2);
  EXPECT_EQ(matched(rules, client("::1", "a", "d")), 3);
  EXPECT_EQ(matched(rules, client("::2", "a", "d")), 4);
  auto odd = HbaNetwork::parse("127.0.0.1/7");
  ASSERT_TRUE(odd.has_value());
  EXPECT_TRUE(odd->contains(*HbaNetwork::parse("126.255.0.1")));
  EXPECT_FALSE(odd->contains(*HbaNetwork::parse("128.0.0.1")));
}

TEST(HbaMatch, SameHostAndSameNetUseTheInterfaces) {
  auto rules = HbaRules::parse("host all all samehost trust\nhost all all samenet md5\n");
  EXPECT_EQ(matched(rules, client("127.0.0.1", "u", "d")), 1);  // lo is 127.0.0.1/8
  EXPECT_EQ(matched(rules, client("127.0.0.9", "u", "d")), 2);
}

TEST(HbaErrors, PostgresqlWording28000) {
  HbaClient c = client("127.0.0.1", "u", "d");
  PgError none = hba_no_entry_error(c);
  EXPECT_EQ(none.sqlstate, "28000");
  EXPECT_EQ(none.severity, Severity::FATAL);
  EXPECT_EQ(
      none.message,
      "no pg_hba.conf entry for host \"127.0.0.1\", user \"u\", database \"d\", no encryption");
  c.tls = true;
  PgError reject = hba_reject_error(c);
  EXPECT_EQ(reject.sqlstate, "28000");
  EXPECT_EQ(reject.message,
            "pg_hba.conf rejects connection for host \"127.0.0.1\", user \"u\", database \"d\", "
            "SSL encryption");
}

}  // namespace
}  // namespace riffq::session
