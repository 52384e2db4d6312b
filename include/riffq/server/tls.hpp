// riffq/server/tls.hpp
// TLS configuration for the server: a PEM certificate chain and private key (PKCS#8, PKCS#1
// or SEC1), TLS 1.2+, ALPN "postgresql" (required by PostgreSQL 17's direct TLS).
#pragma once

#include <memory>
#include <string>

namespace asio::ssl {
class context;
}

namespace riffq::server {

// Builds a server context; throws std::runtime_error with OpenSSL's reason on failure.
std::shared_ptr<asio::ssl::context> make_tls_context(const std::string& cert_path,
                                                     const std::string& key_path);

}  // namespace riffq::server
