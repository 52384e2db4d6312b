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

// How the test client behaves: the mechanism it picks, its GS2 header, and the c= data it
// sends (default: the GS2 header, plus the certificate hash with -PLUS).
struct Client {
  std::string mechanism = SCRAM_SHA_256;
  std::string gs2 = "n,,";
  std::string cert_hash;  // what the client saw as the server certificate's hash
};

// Runs a whole exchange as a client with `password` against a server whose connection has
// `server_cert_hash`; returns whether the server accepted it and, if so, whether its
// signature verified. *error: the server's refusal.
bool login(const ScramVerifier* verifier, const std::string& password, bool* server_ok,
           const Client& client = {}, const std::string& server_cert_hash = {},
           PgError* error_out = nullptr) {
  PgError local;
  PgError& error = error_out ? *error_out : local;
  ScramExchange ex("alice", verifier, server_cert_hash);
  const std::string first_bare = "n=,r=clientnonce123";
  std::string server_first, server_final;
  if (!ex.client_first(client.mechanism, client.gs2 + first_bare, &server_first, &error))
    return false;
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
                    reinterpret_cast<const unsigned char*>(salt.data()),
                    static_cast<int>(salt.size()), iterations, EVP_sha256(), 32, salted);
  std::string salted_password(reinterpret_cast<char*>(salted), 32);
  std::string client_key = hmac(salted_password, "Client Key");
  std::string without_proof = "c=" + base64_encode(client.gs2 + client.cert_hash) + ",r=" + nonce;
  std::string auth = first_bare + "," + server_first + "," + without_proof;
  std::string signature = hmac(sha256(client_key), auth);
  std::string proof(32, '\0');
  for (int i = 0; i < 32; ++i) proof[i] = static_cast<char>(client_key[i] ^ signature[i]);
  if (!ex.client_final(without_proof + ",p=" + base64_encode(proof), &server_final, &error))
    return false;
  std::string expected = "v=" + base64_encode(hmac(hmac(salted_password, "Server Key"), auth));
  *server_ok = server_final == expected;
  return true;
}

const std::string CERT_HASH(32, '\x5a');
const Client PLUS_CLIENT{SCRAM_SHA_256_PLUS, "p=tls-server-end-point,,", CERT_HASH};

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
  std::string out;
  PgError error;
  // 'p' without TLS (-PLUS not offered): refused, as PostgreSQL refuses it.
  EXPECT_FALSE(ScramExchange("a", &v).client_first(SCRAM_SHA_256, "p=tls-server-end-point,,n=,r=x",
                                                   &out, &error));
  EXPECT_EQ(error.sqlstate, "08P01");
  EXPECT_NE(error.detail.find("includes channel binding data"), std::string::npos);
  EXPECT_FALSE(ScramExchange("a", &v).client_first(SCRAM_SHA_256, "n,,garbage", &out, &error));
  EXPECT_EQ(error.message, "malformed SCRAM message");
  EXPECT_FALSE(ScramExchange("a", &v).client_first(SCRAM_SHA_256, "n", &out, &error));
  EXPECT_FALSE(ScramExchange("a", &v).client_first(SCRAM_SHA_256, "", &out, &error));
  EXPECT_FALSE(ScramExchange("a", &v).client_first(SCRAM_SHA_256, "n,a=x,n=,r=x", &out, &error));
  EXPECT_EQ(error.sqlstate, "0A000");
  EXPECT_FALSE(ScramExchange("a", &v).client_first(SCRAM_SHA_256, "n,,m=ext,n=,r=x", &out, &error));
  EXPECT_EQ(error.message, "client requires an unsupported SCRAM extension");
  ScramExchange ex("a", &v);
  ASSERT_TRUE(ex.client_first(SCRAM_SHA_256, "n,,n=,r=abc", &out, &error));
  EXPECT_FALSE(ex.client_final("c=biws,r=wrongnonce,p=AAAA", &out, &error));
  ScramExchange ex2("a", &v);
  ASSERT_TRUE(ex2.client_first(SCRAM_SHA_256, "n,,n=,r=abc", &out, &error));
  EXPECT_FALSE(ex2.client_final("c=eSws,r=abc,p=AAAA", &out, &error));  // "y,," after 'n'
  EXPECT_EQ(error.message, "unexpected SCRAM channel-binding attribute in client-final-message");
}

TEST(ScramPlus, PlusIsOfferedOnlyWithAChannelBinding) {
  EXPECT_EQ(scram_mechanisms(false), std::string("SCRAM-SHA-256\0\0", 15));
  EXPECT_EQ(scram_mechanisms(true), std::string("SCRAM-SHA-256-PLUS\0SCRAM-SHA-256\0\0", 34));
}

TEST(ScramPlus, RightBindingLogsIn) {
  ScramVerifier v = ScramVerifier::from_password("pencil");
  bool server_ok = false;
  EXPECT_TRUE(login(&v, "pencil", &server_ok, PLUS_CLIENT, CERT_HASH));
  EXPECT_TRUE(server_ok);
  // Over TLS a client may still choose plain SCRAM-SHA-256 with 'n' (channel_binding=disable).
  EXPECT_TRUE(login(&v, "pencil", &server_ok, Client{}, CERT_HASH));
}

TEST(ScramPlus, WrongCertificateHashFails28000) {
  ScramVerifier v = ScramVerifier::from_password("pencil");
  bool server_ok = false;
  PgError error;
  Client relayed = PLUS_CLIENT;
  relayed.cert_hash = std::string(32, '\x11');  // a man in the middle's certificate
  EXPECT_FALSE(login(&v, "pencil", &server_ok, relayed, CERT_HASH, &error));
  EXPECT_EQ(error.sqlstate, "28000");
  EXPECT_EQ(error.message, "SCRAM channel binding check failed");
}

TEST(ScramPlus, DowngradeFlagYOverTlsFails28000) {
  ScramVerifier v = ScramVerifier::from_password("pencil");
  bool server_ok = false;
  PgError error;
  Client downgraded{SCRAM_SHA_256, "y,,", ""};
  EXPECT_FALSE(login(&v, "pencil", &server_ok, downgraded, CERT_HASH, &error));
  EXPECT_EQ(error.sqlstate, "28000");
  EXPECT_EQ(error.message, "SCRAM channel binding negotiation error");
  // Without TLS, 'y' is honest: the server really cannot bind.
  EXPECT_TRUE(login(&v, "pencil", &server_ok, downgraded, ""));
}

TEST(ScramPlus, PlusWithoutBindingDataOrWithoutTlsIsRefused) {
  ScramVerifier v = ScramVerifier::from_password("pencil");
  bool server_ok = false;
  PgError error;
  EXPECT_FALSE(
      login(&v, "pencil", &server_ok, Client{SCRAM_SHA_256_PLUS, "n,,", ""}, CERT_HASH, &error));
  EXPECT_EQ(error.message, "malformed SCRAM message");
  // -PLUS chosen although it was not offered (no TLS).
  EXPECT_FALSE(login(&v, "pencil", &server_ok, PLUS_CLIENT, "", &error));
  EXPECT_EQ(error.message, "client selected an invalid SASL authentication mechanism");
  Client other_type = PLUS_CLIENT;
  other_type.gs2 = "p=tls-unique,,";
  EXPECT_FALSE(login(&v, "pencil", &server_ok, other_type, CERT_HASH, &error));
  EXPECT_EQ(error.message, "unsupported SCRAM channel-binding type \"tls-unique\"");
}

TEST(Scram, PasswordsAreSaslPrepped) {
  // U+2168 ROMAN NUMERAL NINE is "IX" under NFKC; U+00AD SOFT HYPHEN maps to nothing.
  ScramVerifier v = ScramVerifier::from_password("\xe2\x85\xa8");
  bool server_ok = false;
  EXPECT_TRUE(login(&v, "IX", &server_ok));
  ScramVerifier hyphen = ScramVerifier::from_password("pass\xc2\xadword");
  EXPECT_TRUE(login(&hyphen, "password", &server_ok));
  EXPECT_TRUE(hyphen.verify_plain("pass\xc2\xadword"));
  EXPECT_TRUE(hyphen.verify_plain("password"));
  EXPECT_FALSE(hyphen.verify_plain("passw0rd"));
}

TEST(Scram, Base64) {
  EXPECT_EQ(base64_encode("n,,"), "biws");
  EXPECT_EQ(*base64_decode("biws"), "n,,");
  EXPECT_EQ(*base64_decode("YQ=="), "a");
  EXPECT_FALSE(base64_decode("abc").has_value());
}

}  // namespace
}  // namespace riffq::session
