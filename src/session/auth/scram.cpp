// scram.cpp — SCRAM-SHA-256(-PLUS) server side with OpenSSL's HMAC, SHA-256 and PBKDF2; the
// message checks and their wording follow PostgreSQL's src/backend/libpq/auth-scram.c.
#include "riffq/session/scram.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <cstdio>
#include <cstring>
#include <vector>

#include "riffq/session/saslprep.hpp"

namespace riffq::session {
namespace {

constexpr size_t KEY_LEN = 32;  // SHA-256
constexpr size_t NONCE_LEN = 18;

std::string hmac(const std::string& key, const std::string& data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len);
  return std::string(reinterpret_cast<char*>(out), len);
}

std::string sha256(const std::string& data) {
  unsigned char out[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), out);
  return std::string(reinterpret_cast<char*>(out), sizeof out);
}

std::string random_bytes(size_t n) {
  std::string s(n, '\0');
  RAND_bytes(reinterpret_cast<unsigned char*>(s.data()), static_cast<int>(n));
  return s;
}

// A secret that makes mock salts unpredictable, fixed for the process lifetime.
const std::string& mock_secret() {
  static const std::string secret = random_bytes(32);
  return secret;
}

// The salted password of RFC 5802 (Hi()) for a SASLprep'ed password.
std::string salted_password(const std::string& password, const std::string& salt, int iterations) {
  const std::string prepared = saslprep(password);
  unsigned char salted[KEY_LEN];
  PKCS5_PBKDF2_HMAC(prepared.data(), static_cast<int>(prepared.size()),
                    reinterpret_cast<const unsigned char*>(salt.data()),
                    static_cast<int>(salt.size()), iterations, EVP_sha256(), KEY_LEN, salted);
  std::string out(reinterpret_cast<char*>(salted), KEY_LEN);
  OPENSSL_cleanse(salted, sizeof salted);
  return out;
}

PgError malformed(std::string detail) {
  PgError e = PgError::fatal(sqlstate::PROTOCOL_VIOLATION, "malformed SCRAM message");
  e.detail = std::move(detail);
  return e;
}

// A printable rendering of one byte for error details (PostgreSQL's sanitize_char).
std::string sanitize_char(char c) {
  if (c >= 0x21 && c <= 0x7e) return std::string(1, c);
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02x", static_cast<unsigned char>(c));
  return buf;
}

// A cursor over one SCRAM message: "a=value,b=value,…" (PostgreSQL's read_attr_value and
// read_any_attr). Every read fails with PostgreSQL's detail rather than reading past the end.
class AttrReader {
 public:
  explicit AttrReader(const std::string& text) : s_(text) {}
  bool at_end() const { return pos_ >= s_.size(); }
  char peek() const { return at_end() ? '\0' : s_[pos_]; }
  size_t pos() const { return pos_; }
  void skip() { ++pos_; }

  // `attr`=value up to the next comma (consumed).
  bool value_of(char attr, std::string* value, PgError* error) {
    if (peek() != attr) {
      *error = malformed("Expected attribute \"" + std::string(1, attr) + "\" but found \"" +
                         sanitize_char(peek()) + "\".");
      return false;
    }
    return rest_of_attr(value, error);
  }
  // Any attribute (a letter) and its value.
  bool any(char* attr, std::string* value, PgError* error) {
    char c = peek();
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) {
      *error = malformed("Attribute expected, but found invalid character \"" + sanitize_char(c) +
                         "\".");
      return false;
    }
    *attr = c;
    return rest_of_attr(value, error);
  }

 private:
  bool rest_of_attr(std::string* value, PgError* error) {
    char attr = s_[pos_++];
    if (peek() != '=') {
      *error =
          malformed("Expected character \"=\" for attribute \"" + std::string(1, attr) + "\".");
      return false;
    }
    ++pos_;
    size_t comma = s_.find(',', pos_);
    size_t end = comma == std::string::npos ? s_.size() : comma;
    *value = s_.substr(pos_, end - pos_);
    pos_ = comma == std::string::npos ? s_.size() : comma + 1;
    return true;
  }
  const std::string& s_;
  size_t pos_ = 0;
};

}  // namespace

std::string base64_encode(const std::string& raw) {
  std::string out(4 * ((raw.size() + 2) / 3), '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(raw.data()),
                          static_cast<int>(raw.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::optional<std::string> base64_decode(const std::string& text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out(3 * text.size() / 4, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(text.data()),
                          static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  size_t pad = 0;  // EVP_DecodeBlock counts padding as zero bytes
  if (!text.empty() && text.back() == '=')
    pad = text.size() >= 2 && text[text.size() - 2] == '=' ? 2 : 1;
  out.resize(static_cast<size_t>(n) - pad);
  return out;
}

ScramVerifier ScramVerifier::from_password(const std::string& password, int iterations) {
  ScramVerifier v;
  v.iterations = iterations;
  v.salt = random_bytes(16);
  std::string salted = salted_password(password, v.salt, iterations);
  v.stored_key = sha256(hmac(salted, "Client Key"));
  v.server_key = hmac(salted, "Server Key");
  OPENSSL_cleanse(salted.data(), salted.size());
  return v;
}

std::optional<ScramVerifier> ScramVerifier::parse(const std::string& text) {
  // SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>
  const std::string prefix = "SCRAM-SHA-256$";
  if (text.rfind(prefix, 0) != 0) return std::nullopt;
  size_t colon1 = text.find(':', prefix.size());
  size_t dollar = text.find('$', prefix.size());
  size_t colon2 = dollar == std::string::npos ? std::string::npos : text.find(':', dollar);
  if (colon1 == std::string::npos || dollar == std::string::npos || colon2 == std::string::npos ||
      colon1 > dollar)
    return std::nullopt;
  ScramVerifier v;
  try {
    v.iterations = std::stoi(text.substr(prefix.size(), colon1 - prefix.size()));
  } catch (...) {
    return std::nullopt;
  }
  auto salt = base64_decode(text.substr(colon1 + 1, dollar - colon1 - 1));
  auto stored = base64_decode(text.substr(dollar + 1, colon2 - dollar - 1));
  auto server = base64_decode(text.substr(colon2 + 1));
  if (!salt || !stored || !server || stored->size() != KEY_LEN || server->size() != KEY_LEN ||
      v.iterations <= 0)
    return std::nullopt;
  v.salt = *salt;
  v.stored_key = *stored;
  v.server_key = *server;
  return v;
}

std::string ScramVerifier::to_string() const {
  return "SCRAM-SHA-256$" + std::to_string(iterations) + ":" + base64_encode(salt) + "$" +
         base64_encode(stored_key) + ":" + base64_encode(server_key);
}

bool ScramVerifier::verify_plain(const std::string& password) const {
  std::string salted = salted_password(password, salt, iterations);
  std::string computed = hmac(salted, "Server Key");
  OPENSSL_cleanse(salted.data(), salted.size());
  return computed.size() == server_key.size() &&
         CRYPTO_memcmp(computed.data(), server_key.data(), computed.size()) == 0;
}

std::string scram_mechanisms(bool plus) {
  std::string out;
  if (plus) out.append(SCRAM_SHA_256_PLUS).push_back('\0');
  out.append(SCRAM_SHA_256).push_back('\0');
  out.push_back('\0');
  return out;
}

ScramExchange::ScramExchange(std::string user, const ScramVerifier* verifier, std::string cert_hash)
    : user_(std::move(user)), known_(verifier != nullptr), cert_hash_(std::move(cert_hash)) {
  if (verifier) {
    verifier_ = *verifier;
  } else {
    verifier_.salt = hmac(mock_secret(), "salt:" + user_).substr(0, 16);
    verifier_.stored_key = hmac(mock_secret(), "stored:" + user_);
    verifier_.server_key = hmac(mock_secret(), "server:" + user_);
  }
}

bool ScramExchange::client_first(const std::string& mechanism, const std::string& message,
                                 std::string* server_first, PgError* error) {
  const bool plus_offered = !cert_hash_.empty();
  if (mechanism == SCRAM_SHA_256_PLUS && plus_offered) {
    binding_in_use_ = true;
  } else if (mechanism != SCRAM_SHA_256) {
    *error = PgError::fatal(sqlstate::PROTOCOL_VIOLATION,
                            "client selected an invalid SASL authentication mechanism");
    return false;
  }
  AttrReader in(message);
  cbind_flag_ = in.peek();
  switch (cbind_flag_) {
    case 'n':
    case 'y':
      // 'n': the client cannot or will not bind. 'y': it could, but thinks we cannot — over
      // TLS, where PLUS was offered, someone in the middle removed it (RFC 5802 §6).
      if (binding_in_use_) {
        *error = malformed(
            "The client selected SCRAM-SHA-256-PLUS, but the SCRAM message does not include "
            "channel binding data.");
        return false;
      }
      if (cbind_flag_ == 'y' && plus_offered) {
        *error = PgError::fatal(sqlstate::INVALID_AUTHORIZATION,
                                "SCRAM channel binding negotiation error");
        error->detail =
            "The client supports SCRAM channel binding but thinks the server does not.  However, "
            "this server does support channel binding.";
        return false;
      }
      in.skip();
      if (in.peek() != ',') {
        *error =
            malformed("Comma expected, but found character \"" + sanitize_char(in.peek()) + "\".");
        return false;
      }
      in.skip();
      break;
    case 'p': {
      if (!binding_in_use_) {
        *error = malformed(
            "The client selected SCRAM-SHA-256 without channel binding, but the SCRAM message "
            "includes channel binding data.");
        return false;
      }
      std::string type;
      if (!in.value_of('p', &type, error)) return false;
      if (type != "tls-server-end-point") {
        *error = PgError::fatal(sqlstate::PROTOCOL_VIOLATION,
                                "unsupported SCRAM channel-binding type \"" + type + "\"");
        return false;
      }
      break;
    }
    default:
      *error = malformed("Unexpected channel-binding flag \"" + sanitize_char(in.peek()) + "\".");
      return false;
  }
  if (in.peek() == 'a') {
    *error = PgError::fatal(sqlstate::FEATURE_NOT_SUPPORTED,
                            "client uses authorization identity, but it is not supported");
    return false;
  }
  if (in.peek() != ',') {
    *error = malformed("Unexpected attribute \"" + sanitize_char(in.peek()) +
                       "\" in client-first-message.");
    return false;
  }
  in.skip();
  client_first_bare_ = message.substr(in.pos());
  if (in.peek() == 'm') {
    *error = PgError::fatal(sqlstate::FEATURE_NOT_SUPPORTED,
                            "client requires an unsupported SCRAM extension");
    return false;
  }
  // PostgreSQL ignores the SCRAM user name (the startup packet's user counts).
  std::string ignored_user, client_nonce;
  if (!in.value_of('n', &ignored_user, error) || !in.value_of('r', &client_nonce, error))
    return false;
  for (char c : client_nonce)
    if (c < 0x21 || c > 0x7e || c == ',') {
      *error = malformed("Non-printable characters in client nonce.");
      return false;
    }
  while (!in.at_end()) {  // optional extensions: ignored, as PostgreSQL does
    char attr;
    std::string ignored;
    if (!in.any(&attr, &ignored, error)) return false;
  }
  nonce_ = client_nonce + base64_encode(random_bytes(NONCE_LEN));
  server_first_ = "r=" + nonce_ + ",s=" + base64_encode(verifier_.salt) +
                  ",i=" + std::to_string(verifier_.iterations);
  *server_first = server_first_;
  return true;
}

bool ScramExchange::client_final(const std::string& message, std::string* server_final,
                                 PgError* error) {
  AttrReader in(message);
  std::string binding, nonce;
  if (!in.value_of('c', &binding, error)) return false;
  if (binding_in_use_) {
    // c= must be base64("p=tls-server-end-point,," + hash of our certificate) (RFC 5929 §4).
    if (binding != base64_encode("p=tls-server-end-point,," + cert_hash_)) {
      *error =
          PgError::fatal(sqlstate::INVALID_AUTHORIZATION, "SCRAM channel binding check failed");
      return false;
    }
  } else if (!(binding == "biws" && cbind_flag_ == 'n') &&
             !(binding == "eSws" && cbind_flag_ == 'y')) {
    // Without binding, c= repeats the GS2 header: "n,," or "y,," base64-encoded.
    *error = PgError::fatal(sqlstate::PROTOCOL_VIOLATION,
                            "unexpected SCRAM channel-binding attribute in client-final-message");
    return false;
  }
  if (!in.value_of('r', &nonce, error)) return false;
  size_t proof_at = 0;
  char attr = 0;
  std::string value;
  do {  // extensions before the proof are ignored
    proof_at = in.pos();
    if (!in.any(&attr, &value, error)) return false;
  } while (attr != 'p');
  auto proof = base64_decode(value);
  if (!proof || proof->size() != KEY_LEN) {
    *error = malformed("Malformed proof in client-final-message.");
    return false;
  }
  if (message.find(',', proof_at) != std::string::npos) {
    *error = malformed("Garbage found at the end of client-final-message.");
    return false;
  }
  if (nonce != nonce_) {
    *error = malformed("Nonce does not match.");
    return false;
  }
  const std::string without_proof = message.substr(0, proof_at - 1);
  const std::string auth_message = client_first_bare_ + "," + server_first_ + "," + without_proof;
  std::string client_signature = hmac(verifier_.stored_key, auth_message);
  std::string client_key(KEY_LEN, '\0');
  for (size_t i = 0; i < KEY_LEN; ++i)
    client_key[i] = static_cast<char>((*proof)[i] ^ client_signature[i]);
  std::string computed = sha256(client_key);
  bool match = CRYPTO_memcmp(computed.data(), verifier_.stored_key.data(), KEY_LEN) == 0;
  if (!match || !known_) {
    *error = PgError::fatal(sqlstate::INVALID_PASSWORD,
                            "password authentication failed for user \"" + user_ + "\"");
    return false;
  }
  *server_final = "v=" + base64_encode(hmac(verifier_.server_key, auth_message));
  return true;
}

}  // namespace riffq::session
