// riffq/session/hba.hpp
// Host-based rules: an ordered list like PostgreSQL's pg_hba.conf (src/backend/libpq/hba.c),
// parsed from its file syntax; the first rule whose connection type, database, user and
// address match a connection decides how it authenticates. Pure data and text: no sockets.
//
// INTERFACE ROUTINES
//   HbaRules::parse(text)         pg_hba.conf text → rules; HbaParseError names the line
//   HbaRules::match(client)       the first matching rule, or null (no pg_hba.conf entry)
//   hba_no_entry_error(client)    FATAL 28000 "no pg_hba.conf entry for host …"
//   hba_reject_error(client)      FATAL 28000 "pg_hba.conf rejects connection for host …"
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "riffq/common/pg_error.hpp"

namespace riffq::session {

// The connection types of pg_hba.conf. riffq listens on TCP only, so `local` never matches,
// and it has no GSSAPI encryption, so `hostgssenc` never matches either.
enum class HbaConnectionType { LOCAL, HOST, HOSTSSL, HOSTNOSSL, HOSTGSSENC, HOSTNOGSSENC };

enum class HbaMethod { TRUST, REJECT, PASSWORD, MD5, SCRAM_SHA_256 };

// One database or user name of a rule. Keywords (all, sameuser, …) only count unquoted, as in
// PostgreSQL: "all" in double quotes is a database named all.
struct HbaName {
  std::string text;
  bool quoted = false;
  bool is_keyword(const char* word) const { return !quoted && text == word; }
};

// An IP network: family 4 or 6, the address bytes (4 or 16 used) and the prefix length.
struct HbaNetwork {
  int family = 4;
  std::array<uint8_t, 16> bytes{};
  int prefix = 32;
  bool contains(const HbaNetwork& address) const;
  // Parses "a.b.c.d", "a.b.c.d/n", "v6", "v6/n"; nullopt when malformed.
  static std::optional<HbaNetwork> parse(const std::string& text);
};

struct HbaRule {
  enum class AddressKind { ANY, NETWORK, SAMEHOST, SAMENET };
  int line_number = 0;
  std::string line;  // the rule's text, for messages and logs
  HbaConnectionType type = HbaConnectionType::HOST;
  std::vector<HbaName> databases;
  std::vector<HbaName> users;
  AddressKind address_kind = AddressKind::ANY;  // LOCAL rules have no address
  HbaNetwork network;
  HbaMethod method = HbaMethod::REJECT;
};

// What a rule is matched against.
struct HbaClient {
  bool local = false;  // Unix-domain socket (riffq has none)
  bool tls = false;
  std::string address;  // textual IP, IPv4-mapped IPv6 already shown as IPv4
  std::string user;
  std::string database;
  bool replication = false;  // a walsender connection (riffq accepts none)
};

class HbaParseError : public std::invalid_argument {
 public:
  HbaParseError(int line, const std::string& message)
      : std::invalid_argument("line " + std::to_string(line) + ": " + message),
        line_(line),
        message_(message) {}
  int line() const { return line_; }
  const std::string& message() const { return message_; }  // without "line N: "

 private:
  int line_;
  std::string message_;
};

class HbaRules {
 public:
  // Throws HbaParseError (message "line N: …", PostgreSQL's wording) on the first bad line.
  static HbaRules parse(const std::string& text);
  const std::vector<HbaRule>& rules() const { return rules_; }
  void add(HbaRule rule) { rules_.push_back(std::move(rule)); }
  // The first rule that matches, or null.
  const HbaRule* match(const HbaClient& client) const;

 private:
  std::vector<HbaRule> rules_;
};

PgError hba_no_entry_error(const HbaClient& client);
PgError hba_reject_error(const HbaClient& client);

}  // namespace riffq::session
