// riffq/session/scram.hpp
// SCRAM-SHA-256 (RFC 5802, RFC 7677) as PostgreSQL speaks it: stored verifiers (no PBKDF2 per
// login), a mock exchange for unknown users, constant-time proof comparison. No channel
// binding (-PLUS) yet: clients that require it are refused, as a server without it must.
//
// INTERFACE ROUTINES
//   ScramVerifier::from_password(password)   salt + PBKDF2 once, at registration
//   ScramVerifier::parse(text)               "SCRAM-SHA-256$iter:salt$StoredKey:ServerKey"
//   ScramExchange                            one login: client-first → server-first →
//                                            client-final → server-final or failure
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace riffq::session {

struct ScramVerifier {
  int iterations = 4096;
  std::string salt;        // raw bytes
  std::string stored_key;  // 32 bytes
  std::string server_key;  // 32 bytes

  static ScramVerifier from_password(const std::string& password, int iterations = 4096);
  static std::optional<ScramVerifier> parse(const std::string& text);
  std::string to_string() const;  // PostgreSQL's pg_authid.rolpassword format
};

// user name → verifier; shared read-only by all sessions.
using ScramUsers = std::map<std::string, ScramVerifier>;

class ScramExchange {
 public:
  // `verifier` null: the user is unknown — the exchange runs with a mock salt derived from the
  // user name and always fails, so unknown users cannot be told apart from wrong passwords.
  ScramExchange(std::string user, const ScramVerifier* verifier);

  // client-first-message → server-first-message; false (and *error) if malformed.
  bool client_first(const std::string& message, std::string* server_first, std::string* error);
  // client-final-message → server-final-message when the proof is right; false otherwise
  // (*error says why: malformed, or "password authentication failed").
  bool client_final(const std::string& message, std::string* server_final, std::string* error);

 private:
  std::string user_;
  ScramVerifier verifier_;
  bool known_;
  std::string client_first_bare_;
  std::string server_first_;
  std::string nonce_;  // client nonce + server nonce
  std::string gs2_header_;
};

std::string base64_encode(const std::string& raw);
std::optional<std::string> base64_decode(const std::string& text);

}  // namespace riffq::session
