// riffq/server/server.hpp
// Server: accepts PostgreSQL clients on one address and runs a Session per connection on a
// pool of Asio I/O threads; blocking work goes to a WorkerPool.
//
// INTERFACE ROUTINES
//   Server(config, app)   nothing starts until bind()
//   bind()                resolve and listen (throws std::system_error on failure)
//   run()                 serve until stop(); returns after a graceful shutdown
//   stop()                thread-safe; idempotent
//   port()                the bound port (useful with port 0)
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "riffq/catalog/engine.hpp"
#include "riffq/server/application.hpp"
#include "riffq/server/server_stats.hpp"
#include "riffq/session/hba.hpp"
#include "riffq/session/md5_auth.hpp"
#include "riffq/session/scram.hpp"

namespace riffq::server {

struct ServerConfig {
  std::string listen_address = "127.0.0.1:5433";  // IP:port, [v6]:port or host:port
  std::string server_version = "15.8";
  size_t io_threads = 2;
  size_t max_connections = 1000;
  uint32_t large_message_limit = 64u * 1024 * 1024;
  std::chrono::seconds startup_timeout{60};
  // Close sessions idle outside a transaction this long (0 = never), as PostgreSQL's
  // idle_session_timeout: FATAL 57P05.
  std::chrono::milliseconds idle_timeout{0};
  std::chrono::milliseconds shutdown_grace{3000};
  size_t output_high_watermark = 4u * 1024 * 1024;  // per connection, bytes
  // After work, I/O and worker threads poll for more this long before they sleep: a small
  // query then costs no thread wake-ups (tens of microseconds each on a VM), for some CPU
  // spent polling while busy. An idle server sleeps. 0 = sleep at once.
  std::chrono::microseconds busy_poll{100};
  // Handler calls and row streams running at once, not counting those running longer than
  // half a millisecond (blocked): more threads than cores only take turns on Python's GIL.
  // 0 = the number of cores (at least 2).
  size_t query_concurrency = 0;
  bool handle_signals = false;  // stop on SIGINT / SIGTERM (the caller restores handlers)
  // TLS: offered when both paths are set (SSLRequest → 'S', and direct TLS with ALPN).
  std::string tls_cert_path;
  std::string tls_key_path;
  bool tls_required = false;  // refuse plaintext sessions (needs the TLS paths)
  // SCRAM-SHA-256 users; when set, clients authenticate with SCRAM instead of a cleartext
  // password.
  std::shared_ptr<const session::ScramUsers> scram_users;
  // MD5 users (off unless set): they get AuthenticationMD5Password, before SCRAM is considered.
  std::shared_ptr<const session::Md5Users> md5_users;
  // Host-based rules (pg_hba.conf); null: every client authenticates as configured above.
  std::shared_ptr<const session::HbaRules> hba;
  // The catalog engine shared by the sessions, and whether it answers every catalog statement
  // (catalog_emulation) or only drivers' type look-ups.
  std::shared_ptr<const catalog::CatalogEngine> catalog;
  bool catalog_emulation = false;
  // Multi-process serving: worker_count processes listen on one port with SO_REUSEPORT. A
  // backend pid names its owner (pid % worker_count), and a CancelRequest that lands on
  // another process is relayed to the owner through cancel_dir/worker-<index>.sock.
  bool reuse_port = false;
  uint32_t worker_index = 0;
  uint32_t worker_count = 1;
  std::string cancel_dir;  // empty: no relay (single process)
};

class Server {
 public:
  Server(ServerConfig config, std::shared_ptr<Application> app);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  void bind();
  void run();
  void stop();
  uint16_t port() const;
  // Counters and latency percentiles so far (thread-safe).
  StatsSnapshot stats() const;
  // NOTIFY from the application: every session LISTENing to `channel` gets a
  // NotificationResponse (sender pid 0) when idle outside a transaction block. Thread-safe.
  void notify(const std::string& channel, const std::string& payload);

  struct Impl;

 private:
  void start_cancel_relay();  // multi-process: listen for relayed CancelRequests
  std::unique_ptr<Impl> impl_;
};

// Splits "host:port" / "[v6]:port"; throws std::invalid_argument on a malformed address.
void parse_listen_address(const std::string& address, std::string& host, uint16_t& port);

}  // namespace riffq::server
