// riffq/session/md5_auth.hpp
// MD5 password authentication as PostgreSQL does it (AuthenticationMD5Password): stored
// verifiers "md5" + hex(md5(password + user)) — the pg_authid form — and the challenge
// "md5" + hex(md5(hex(md5(password + user)) + salt)). Off unless users are configured for it;
// MD5 is weak and kept for old clients only.
//
// INTERFACE ROUTINES
//   md5_verifier(user, password)         the "md5…" verifier PostgreSQL stores
//   is_md5_verifier(text)                "md5" + 32 lowercase hex digits
//   md5_response_ok(verifier, salt, r)   constant-time check of a PasswordMessage body
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace riffq::session {

// user name → "md5…" verifier; shared read-only by all sessions.
using Md5Users = std::map<std::string, std::string>;

std::string md5_verifier(std::string_view user, std::string_view password);
// A fresh random 4-byte salt for one login.
std::string md5_salt();
bool is_md5_verifier(std::string_view text);
// What a client answers to the 4-byte salt for this verifier ("md5" + 32 hex digits).
std::string md5_expected_response(std::string_view verifier, std::string_view salt);
// True when `response` (the PasswordMessage text) is the right answer; constant time.
bool md5_response_ok(std::string_view verifier, std::string_view salt, std::string_view response);

}  // namespace riffq::session
