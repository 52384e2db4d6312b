// session_auth.cpp — how a session authenticates once its startup packet named the user and
// database: the host-based rule that applies (if rules are set), then trust, a cleartext
// password, MD5 or SCRAM-SHA-256(-PLUS), as PostgreSQL's ClientAuthentication chooses.
#include <openssl/crypto.h>

#include "riffq/session/session.hpp"
#include "riffq/wire/backend_messages.hpp"
#include "riffq/wire/message_reader.hpp"
#include "riffq/wire/message_writer.hpp"

namespace riffq::session {
namespace {

PgError wrong_password(const std::string& user) {
  return PgError::fatal(sqlstate::INVALID_PASSWORD,
                        "password authentication failed for user \"" + user + "\"");
}

}  // namespace

void Session::begin_authentication() {
  const ScramVerifier* scram = nullptr;
  if (config_.scram_users)
    if (auto it = config_.scram_users->find(user_); it != config_.scram_users->end())
      scram = &it->second;
  const std::string* md5 = nullptr;
  if (config_.md5_users)
    if (auto it = config_.md5_users->find(user_); it != config_.md5_users->end()) md5 = &it->second;

  if (!config_.hba) {
    // No rules: MD5 users, then SCRAM (for everyone once SCRAM users are set), then the
    // application's cleartext check, else no password at all.
    if (md5) return start_md5(*md5);
    if (config_.scram_users) return start_scram(scram);
    if (config_.password_required) return start_cleartext(false);
    return request_admission(std::nullopt);
  }
  HbaClient client;
  client.tls = tls_negotiated_;
  client.address = config_.client_address;
  client.user = user_;
  client.database = database_;
  const HbaRule* rule = config_.hba->match(client);
  if (rule == nullptr) return fatal(hba_no_entry_error(client));
  switch (rule->method) {
    case HbaMethod::REJECT:
      return fatal(hba_reject_error(client));
    case HbaMethod::TRUST:
      return request_admission(std::nullopt);
    case HbaMethod::PASSWORD:
      return start_cleartext(true);
    case HbaMethod::MD5:
      // As PostgreSQL: a user whose stored secret is SCRAM does SCRAM under "md5"; an unknown
      // user gets a mock SCRAM exchange that fails like a wrong password.
      if (md5) return start_md5(*md5);
      return start_scram(scram);
    case HbaMethod::SCRAM_SHA_256:
      return start_scram(scram);  // MD5-only users fail, as in PostgreSQL
  }
}

void Session::start_md5(const std::string& verifier) {
  md5_verifier_ = verifier;
  md5_salt_ = md5_salt();
  std::string auth;
  wire::write_authentication(auth, wire::auth::MD5_PASSWORD, md5_salt_);
  host_.send(std::move(auth));
  phase_ = Phase::AWAIT_PASSWORD;
}

void Session::start_scram(const ScramVerifier* verifier) {
  scram_ = std::make_unique<ScramExchange>(user_, verifier, cert_hash_);
  std::string auth;
  wire::write_authentication(auth, wire::auth::SASL, scram_mechanisms(!cert_hash_.empty()));
  host_.send(std::move(auth));
  phase_ = Phase::AWAIT_PASSWORD;
}

void Session::start_cleartext(bool check_stored) {
  check_stored_password_ = check_stored;
  std::string auth;
  wire::write_authentication(auth, wire::auth::CLEARTEXT_PASSWORD);
  host_.send(std::move(auth));
  phase_ = Phase::AWAIT_PASSWORD;
}

// SASLInitialResponse, then SASLResponse (both arrive as 'p' messages).
void Session::handle_sasl(const wire::PasswordMessage& m) {
  std::string reply;
  PgError error;
  if (!scram_first_done_) {
    wire::MessageReader r(m.body);
    std::string mechanism(r.get_cstring());
    int32_t len = r.get_int32();
    std::string data;
    if (len >= 0) data = std::string(r.get_bytes(static_cast<size_t>(len)));
    if (!r.at_end()) {
      fatal(PgError::fatal(sqlstate::PROTOCOL_VIOLATION, "malformed SASLInitialResponse message"));
      return;
    }
    if (!scram_->client_first(mechanism, data, &reply, &error)) {
      fatal(error);
      return;
    }
    scram_first_done_ = true;
    std::string out;
    wire::write_authentication(out, wire::auth::SASL_CONTINUE, reply);
    host_.send(std::move(out));
    return;
  }
  if (!scram_->client_final(m.body, &reply, &error)) {
    fatal(error);
    return;
  }
  scram_.reset();
  std::string out;
  wire::write_authentication(out, wire::auth::SASL_FINAL, reply);
  host_.send(std::move(out));
  request_admission(std::nullopt);
}

void Session::handle_password(const wire::PasswordMessage& m) {
  if (scram_) {
    handle_sasl(m);
    return;
  }
  size_t nul = m.body.find('\0');
  if (nul == std::string::npos || nul + 1 != m.body.size()) {
    fatal(PgError::fatal(sqlstate::PROTOCOL_VIOLATION, "invalid password packet size"));
    return;
  }
  const std::string password = m.body.substr(0, nul);
  if (md5_verifier_) {
    bool ok = md5_response_ok(*md5_verifier_, md5_salt_, password);
    md5_verifier_.reset();
    if (!ok) return fatal(wrong_password(user_));
    return request_admission(std::nullopt);
  }
  if (check_stored_password_) {
    // Method "password" of a rule: the stored secret decides when there is one (as
    // PostgreSQL's CheckPasswordAuth), else the application's on_authentication.
    if (config_.scram_users)
      if (auto it = config_.scram_users->find(user_); it != config_.scram_users->end())
        return it->second.verify_plain(password) ? request_admission(std::nullopt)
                                                 : fatal(wrong_password(user_));
    if (config_.md5_users)
      if (auto it = config_.md5_users->find(user_); it != config_.md5_users->end()) {
        const std::string computed = md5_verifier(user_, password);
        bool ok = computed.size() == it->second.size() &&
                  CRYPTO_memcmp(computed.data(), it->second.data(), computed.size()) == 0;
        return ok ? request_admission(std::nullopt) : fatal(wrong_password(user_));
      }
    if (!config_.password_required) return fatal(wrong_password(user_));
  }
  request_admission(password);
}

}  // namespace riffq::session
