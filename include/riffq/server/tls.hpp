// riffq/server/tls.hpp
// TLS configuration for the server: a PEM certificate chain and private key (PKCS#8, PKCS#1
// or SEC1), TLS 1.2+, ALPN "postgresql" (required by PostgreSQL 17's direct TLS).
#pragma once

#include <memory>
#include <string>

namespace asio::ssl {
class context;
}
struct ssl_st;  // OpenSSL's SSL

namespace riffq::server {

// Builds a server context; throws std::runtime_error with OpenSSL's reason on failure.
std::shared_ptr<asio::ssl::context> make_tls_context(const std::string& cert_path,
                                                     const std::string& key_path);

// The tls-server-end-point channel binding data of an established connection (RFC 5929 §4.1):
// the hash of our certificate with its signature's hash function, SHA-256 when that is MD5
// or SHA-1 (as PostgreSQL's be_tls_get_certificate_hash). Empty when it has no such hash
// (e.g. an Ed25519 certificate): SCRAM-SHA-256-PLUS is then not offered.
std::string tls_server_end_point(ssl_st* ssl);

}  // namespace riffq::server
