// riffq/session/scram.hpp
// SCRAM-SHA-256 and SCRAM-SHA-256-PLUS (RFC 5802, RFC 7677, RFC 5929 tls-server-end-point) as
// PostgreSQL's auth-scram.c speaks them: stored verifiers (no PBKDF2 per login), a mock
// exchange for unknown users, constant-time proof comparison, the GS2 channel-binding flags
// checked as PostgreSQL checks them (a 'y' client over TLS is a downgrade and is refused).
//
// INTERFACE ROUTINES
//   ScramVerifier::from_password(password)   SASLprep + salt + PBKDF2 once, at registration
//   ScramVerifier::parse(text)               "SCRAM-SHA-256$iter:salt$StoredKey:ServerKey"
//   ScramVerifier::verify_plain(password)    a cleartext password against the verifier
//   scram_mechanisms(plus)                   the AuthenticationSASL mechanism list
//   ScramExchange                            one login: mechanism + client-first →
//                                            server-first → client-final → server-final
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "riffq/common/pg_error.hpp"

namespace riffq::session {

struct ScramVerifier {
  int iterations = 4096;
  std::string salt;        // raw bytes
  std::string stored_key;  // 32 bytes
  std::string server_key;  // 32 bytes

  // NB: the password is SASLprep'ed first, as PostgreSQL's pg_be_scram_build_secret does.
  static ScramVerifier from_password(const std::string& password, int iterations = 4096);
  static std::optional<ScramVerifier> parse(const std::string& text);
  std::string to_string() const;  // PostgreSQL's pg_authid.rolpassword format
  // Whether a cleartext password (method "password") matches, as scram_verify_plain_password.
  bool verify_plain(const std::string& password) const;
};

inline constexpr const char* SCRAM_SHA_256 = "SCRAM-SHA-256";
inline constexpr const char* SCRAM_SHA_256_PLUS = "SCRAM-SHA-256-PLUS";

// The body of AuthenticationSASL: NUL-terminated names, best first, then an empty name.
// PLUS is offered only when a channel binding exists (TLS with a hashable certificate).
std::string scram_mechanisms(bool plus);

// user name → verifier; shared read-only by all sessions.
using ScramUsers = std::map<std::string, ScramVerifier>;

class ScramExchange {
 public:
  // `verifier` null: the user is unknown — the exchange runs with a mock salt derived from the
  // user name and always fails, so unknown users cannot be told apart from wrong passwords.
  // `cert_hash`: the tls-server-end-point binding data (RFC 5929) of this TLS connection, empty
  // without TLS; when set, SCRAM-SHA-256-PLUS is offered and a 'y' client is refused.
  ScramExchange(std::string user, const ScramVerifier* verifier, std::string cert_hash = {});

  // The client's chosen mechanism and client-first-message → server-first-message; false (and
  // *error, FATAL with PostgreSQL's SQLSTATE and wording) if refused.
  bool client_first(const std::string& mechanism, const std::string& message,
                    std::string* server_first, PgError* error);
  // client-final-message → server-final-message when the binding and proof are right; false
  // otherwise (*error: malformed 08P01, binding 28000, wrong password 28P01).
  bool client_final(const std::string& message, std::string* server_final, PgError* error);

 private:
  std::string user_;
  ScramVerifier verifier_;
  bool known_;
  std::string cert_hash_;
  bool binding_in_use_ = false;  // SCRAM-SHA-256-PLUS selected
  char cbind_flag_ = 0;          // 'n', 'y' or 'p' from the GS2 header
  std::string client_first_bare_;
  std::string server_first_;
  std::string nonce_;  // client nonce + server nonce
};

std::string base64_encode(const std::string& raw);
std::optional<std::string> base64_decode(const std::string& text);

}  // namespace riffq::session
