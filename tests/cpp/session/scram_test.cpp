// scram_test.cpp — the SCRAM-SHA-256 exchange against a client written here from RFC 5802.
#include "riffq/session/scram.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

namespace riffq::session {
namespace {

std::string hmac(const std::string& key, const std::string& data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len);
  return std::string(reinterpret_cast<char*>(out), len);
}

std::string sha256(const std::string& d) {
  unsigned char out[32];
  SHA256(reinterpret_cast<const unsigned char*>(d.data()), d.size(), out);
  return std::string(reinterpret_cast<char*>(out), 32);
}

// Runs a whole exchange as a client with `password`; returns whether the server accepted it
// and, if so, whether its signature verified.
bool login(const ScramVerifier* verifier, const std::string& password, bool* server_ok) {
  ScramExchange ex("alice", verifier);
  const std::string first_bare = "n=,r=clientnonce123";
  std::string server_first, error, server_final;
  if (!ex.client_first("n,," + first_bare, &server_first, &error)) return false;
  // r=<nonce>,s=<salt>,i=<iterations>
  auto field = [&](char k) {
    size_t at = server_first.find(std::string(1, k) + "=");
    size_t end = server_first.find(',', at);
    return server_first.substr(at + 2, end == std::string::npos ? std::string::npos : end - at - 2);
  };
  std::string nonce = field('r'), salt = *base64_decode(field('s'));
  int iterations = std::stoi(field('i'));
  EXPECT_EQ(nonce.rfind("clientnonce123", 0), 0u);
  unsigned char salted[32];
  PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                    reinterpret_cast<const unsigned char*>(salt.data()), static_cast<int>(salt.size()),
                    iterations, EVP_sha256(), 32, salted);
  std::string salted_password(reinterpret_cast<char*>(salted), 32);
  std::string client_key = hmac(salted_password, "Client Key");
  std::string without_proof = "c=" + base64_encode("n,,") + ",r=" + nonce;
  std::string auth = first_bare + "," + server_first + "," + without_proof;
  std::string signature = hmac(sha256(client_key), auth);
  std::string proof(32, '\0');
  for (int i = 0; i < 32; ++i) proof[i] = static_cast<char>(client_key[i] ^ signature[i]);
  if (!ex.client_final(without_proof + ",p=" + base64_encode(proof), &server_final, &error)) return false;
  std::string expected = "v=" + base64_encode(hmac(hmac(salted_password, "Server Key"), auth));
  *server_ok = server_final == expected;
  return true;
}

TEST(Scram, RightPasswordLogsInAndServerProvesItself) {
  ScramVerifier v = ScramVerifier::from_password("pencil");
  bool server_ok = false;
  EXPECT_TRUE(login(&v, "pencil", &server_ok));
  EXPECT_TRUE(server_ok);
}

TEST(Scram, WrongPasswordAndUnknownUserFail) {
  ScramVerifier v = ScramVerifier::from_password("pencil");
  bool server_ok = false;
  EXPECT_FALSE(login(&v, "crayon", &server_ok));
  EXPECT_FALSE(login(nullptr, "pencil", &server_ok));
}

TEST(Scram, VerifierTextRoundTrips) {
  ScramVerifier v = ScramVerifier::from_password("pw", 1000);
  auto parsed = ScramVerifier::parse(v.to_string());
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->iterations, 1000);
  EXPECT_EQ(parsed->salt, v.salt);
  EXPECT_EQ(parsed->stored_key, v.stored_key);
  EXPECT_FALSE(ScramVerifier::parse("SCRAM-SHA-256$x:y$z:w").has_value());
  EXPECT_FALSE(ScramVerifier::parse("md5abc").has_value());
}

TEST(Scram, MalformedMessagesAreRejected) {
  ScramVerifier v = ScramVerifier::from_password("pencil");
  std::string out, error;
  EXPECT_FALSE(ScramExchange("a", &v).client_first("p=tls-server-end-point,,n=,r=x", &out, &error));
  EXPECT_NE(error.find("channel binding"), std::string::npos);
  EXPECT_FALSE(ScramExchange("a", &v).client_first("n,,garbage", &out, &error));
  ScramExchange ex("a", &v);
  ASSERT_TRUE(ex.client_first("n,,n=,r=abc", &out, &error));
  EXPECT_FALSE(ex.client_final("c=biws,r=wrongnonce,p=AAAA", &out, &error));
}

TEST(Scram, Base64) {
  EXPECT_EQ(base64_encode("n,,"), "biws");
  EXPECT_EQ(*base64_decode("biws"), "n,,");
  EXPECT_EQ(*base64_decode("YQ=="), "a");
  EXPECT_FALSE(base64_decode("abc").has_value());
}

}  // namespace
}  // namespace riffq::session
