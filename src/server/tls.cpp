// tls.cpp — the OpenSSL server context: certificate, key, protocol floor, ALPN.
#include "riffq/server/tls.hpp"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <asio/ssl.hpp>
#include <cstring>
#include <stdexcept>

namespace riffq::server {
namespace {

constexpr unsigned char ALPN_POSTGRESQL[] = "postgresql";

std::string openssl_reason() {
  unsigned long e = ERR_get_error();
  if (e == 0) return "unknown error";
  char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  ERR_clear_error();
  return buf;
}

// Selects "postgresql" when the client offers it; a client offering only other protocols is
// refused (no_application_protocol), as PostgreSQL 17 does. No ALPN at all is accepted here;
// direct TLS connections check for it after the handshake.
int select_alpn(SSL*, const unsigned char** out, unsigned char* outlen, const unsigned char* in,
                unsigned int inlen, void*) {
  for (unsigned int i = 0; i < inlen;) {
    unsigned int len = in[i];
    if (i + 1 + len > inlen) break;
    if (len == sizeof(ALPN_POSTGRESQL) - 1 && std::memcmp(in + i + 1, ALPN_POSTGRESQL, len) == 0) {
      *out = in + i + 1;
      *outlen = static_cast<unsigned char>(len);
      return SSL_TLSEXT_ERR_OK;
    }
    i += 1 + len;
  }
  return SSL_TLSEXT_ERR_ALERT_FATAL;
}

}  // namespace

std::shared_ptr<asio::ssl::context> make_tls_context(const std::string& cert_path,
                                                     const std::string& key_path) {
  auto ctx = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_server);
  SSL_CTX* native = ctx->native_handle();
  SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
  SSL_CTX_set_options(native, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  if (SSL_CTX_use_certificate_chain_file(native, cert_path.c_str()) != 1)
    throw std::runtime_error("could not load TLS certificate " + cert_path + ": " +
                             openssl_reason());
  if (SSL_CTX_use_PrivateKey_file(native, key_path.c_str(), SSL_FILETYPE_PEM) != 1)
    throw std::runtime_error("could not load TLS private key " + key_path + ": " +
                             openssl_reason());
  if (SSL_CTX_check_private_key(native) != 1)
    throw std::runtime_error("TLS private key does not match the certificate: " + openssl_reason());
  SSL_CTX_set_alpn_select_cb(native, select_alpn, nullptr);
  return ctx;
}

std::string tls_server_end_point(SSL* ssl) {
  X509* cert = SSL_get_certificate(ssl);
  if (cert == nullptr) return {};
  int digest_nid = NID_undef;
  // X509_get_signature_info also understands RSA-PSS signatures (OpenSSL 1.1.1+).
  if (X509_get_signature_info(cert, &digest_nid, nullptr, nullptr, nullptr) != 1) return {};
  const EVP_MD* md = digest_nid == NID_md5 || digest_nid == NID_sha1
                         ? EVP_sha256()
                         : EVP_get_digestbynid(digest_nid);
  if (md == nullptr) return {};
  unsigned char hash[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (X509_digest(cert, md, hash, &len) != 1) return {};
  return std::string(reinterpret_cast<char*>(hash), len);
}

}  // namespace riffq::server
