// md5.cpp — MD5 password verifiers and challenge responses (see md5_auth.hpp).
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <stdexcept>

#include "riffq/session/md5_auth.hpp"

namespace riffq::session {
namespace {

std::string md5_hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), digest, &len, EVP_md5(), nullptr);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(hex[digest[i] >> 4]);
    out.push_back(hex[digest[i] & 15]);
  }
  return out;
}

}  // namespace

std::string md5_verifier(std::string_view user, std::string_view password) {
  return "md5" + md5_hex(std::string(password) + std::string(user));
}

std::string md5_salt() {
  std::string salt(4, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(salt.data()), 4) != 1)
    throw std::runtime_error("no random bytes for an MD5 salt");
  return salt;
}

bool is_md5_verifier(std::string_view text) {
  if (text.size() != 35 || text.substr(0, 3) != "md5") return false;
  for (char c : text.substr(3))
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

std::string md5_expected_response(std::string_view verifier, std::string_view salt) {
  return "md5" + md5_hex(std::string(verifier.substr(3)) + std::string(salt));
}

bool md5_response_ok(std::string_view verifier, std::string_view salt, std::string_view response) {
  std::string expected = md5_expected_response(verifier, salt);
  return response.size() == expected.size() &&
         CRYPTO_memcmp(response.data(), expected.data(), expected.size()) == 0;
}

}  // namespace riffq::session
