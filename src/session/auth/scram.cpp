// scram.cpp — SCRAM-SHA-256 server side with OpenSSL's HMAC, SHA-256 and PBKDF2.
#include "riffq/session/scram.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <cstring>
#include <vector>

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

// Splits "a=1,b=2,…" attributes; returns the value of `key` at position `index`.
bool attribute(const std::vector<std::string>& parts, size_t index, char key, std::string* value) {
  if (index >= parts.size() || parts[index].size() < 2 || parts[index][0] != key ||
      parts[index][1] != '=')
    return false;
  *value = parts[index].substr(2);
  return true;
}

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t comma = s.find(',', start);
    out.push_back(s.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

}  // namespace

std::string base64_encode(const std::string& raw) {
  std::string out(4 * ((raw.size() + 2) / 3), '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(raw.data()), static_cast<int>(raw.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::optional<std::string> base64_decode(const std::string& text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out(3 * text.size() / 4, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  size_t pad = 0;  // EVP_DecodeBlock counts padding as zero bytes
  if (!text.empty() && text.back() == '=') pad = text.size() >= 2 && text[text.size() - 2] == '=' ? 2 : 1;
  out.resize(static_cast<size_t>(n) - pad);
  return out;
}

ScramVerifier ScramVerifier::from_password(const std::string& password, int iterations) {
  ScramVerifier v;
  v.iterations = iterations;
  v.salt = random_bytes(16);
  unsigned char salted[KEY_LEN];
  PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                    reinterpret_cast<const unsigned char*>(v.salt.data()), static_cast<int>(v.salt.size()),
                    iterations, EVP_sha256(), KEY_LEN, salted);
  std::string salted_password(reinterpret_cast<char*>(salted), KEY_LEN);
  v.stored_key = sha256(hmac(salted_password, "Client Key"));
  v.server_key = hmac(salted_password, "Server Key");
  OPENSSL_cleanse(salted, sizeof salted);
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

ScramExchange::ScramExchange(std::string user, const ScramVerifier* verifier)
    : user_(std::move(user)), known_(verifier != nullptr) {
  if (verifier) {
    verifier_ = *verifier;
  } else {
    verifier_.salt = hmac(mock_secret(), "salt:" + user_).substr(0, 16);
    verifier_.stored_key = hmac(mock_secret(), "stored:" + user_);
    verifier_.server_key = hmac(mock_secret(), "server:" + user_);
  }
}

bool ScramExchange::client_first(const std::string& message, std::string* server_first,
                                 std::string* error) {
  // gs2-header: "n,," (no binding) or "y,," (client could bind, thinks we cannot); "p=…"
  // (binding required) is refused since -PLUS is not offered.
  if (message.size() < 3 || (message[0] != 'n' && message[0] != 'y') || message[1] != ',') {
    *error = message.rfind("p=", 0) == 0 ? "channel binding is not supported"
                                          : "malformed SCRAM message (bad GS2 header)";
    return false;
  }
  size_t second = message.find(',', 2);
  if (second == std::string::npos) {
    *error = "malformed SCRAM message";
    return false;
  }
  gs2_header_ = message.substr(0, second + 1);
  client_first_bare_ = message.substr(second + 1);
  auto parts = split(client_first_bare_);
  std::string ignored_user, client_nonce;
  // PostgreSQL ignores the SCRAM user name (the startup packet's user counts).
  if (!attribute(parts, 0, 'n', &ignored_user) || !attribute(parts, 1, 'r', &client_nonce) ||
      client_nonce.empty()) {
    *error = "malformed SCRAM message (expected n= and r= attributes)";
    return false;
  }
  nonce_ = client_nonce + base64_encode(random_bytes(NONCE_LEN));
  server_first_ = "r=" + nonce_ + ",s=" + base64_encode(verifier_.salt) +
                  ",i=" + std::to_string(verifier_.iterations);
  *server_first = server_first_;
  return true;
}

bool ScramExchange::client_final(const std::string& message, std::string* server_final,
                                 std::string* error) {
  size_t proof_at = message.rfind(",p=");
  if (proof_at == std::string::npos) {
    *error = "malformed SCRAM message (no proof)";
    return false;
  }
  std::string without_proof = message.substr(0, proof_at);
  auto parts = split(without_proof);
  std::string binding, nonce;
  if (!attribute(parts, 0, 'c', &binding) || !attribute(parts, 1, 'r', &nonce)) {
    *error = "malformed SCRAM message (expected c= and r= attributes)";
    return false;
  }
  auto decoded_binding = base64_decode(binding);
  if (!decoded_binding || *decoded_binding != gs2_header_) {
    *error = "SCRAM channel binding check failed";
    return false;
  }
  if (nonce != nonce_) {
    *error = "SCRAM nonce mismatch";
    return false;
  }
  auto proof = base64_decode(message.substr(proof_at + 3));
  if (!proof || proof->size() != KEY_LEN) {
    *error = "malformed SCRAM proof";
    return false;
  }
  const std::string auth_message = client_first_bare_ + "," + server_first_ + "," + without_proof;
  std::string client_signature = hmac(verifier_.stored_key, auth_message);
  std::string client_key(KEY_LEN, '\0');
  for (size_t i = 0; i < KEY_LEN; ++i) client_key[i] = static_cast<char>((*proof)[i] ^ client_signature[i]);
  std::string computed = sha256(client_key);
  bool match = CRYPTO_memcmp(computed.data(), verifier_.stored_key.data(), KEY_LEN) == 0;
  if (!match || !known_) {
    *error = "password authentication failed for user \"" + user_ + "\"";
    return false;
  }
  *server_final = "v=" + base64_encode(hmac(verifier_.server_key, auth_message));
  return true;
}

}  // namespace riffq::session
