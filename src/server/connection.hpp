// connection.hpp — one client connection: socket I/O coroutines around a Session.
// Private to the server layer.
#pragma once

#include <asio.hpp>
#include <asio/ssl.hpp>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "riffq/server/application.hpp"
#include "riffq/server/server.hpp"
#include "riffq/server/server_stats.hpp"
#include "riffq/server/worker_pool.hpp"
#include "riffq/session/session.hpp"

namespace riffq::server {

class CancelRelay;
class Connection;

// State shared by the server and every connection; outlives the io_context so that replies
// arriving late from application threads are dropped safely.
struct ServerShared {
  ServerConfig config;
  std::shared_ptr<Application> app;
  std::shared_ptr<asio::ssl::context> tls;  // null: TLS not offered
  WorkerPool* pool = nullptr;

  std::mutex mu;     // guards open and connections
  bool open = true;  // false once the io_context is going away: posts are dropped
  std::map<uint64_t, std::weak_ptr<Connection>> connections;  // by key (accept order)
  std::map<int32_t, std::weak_ptr<Connection>> by_pid;        // CancelRequest look-ups
  std::unique_ptr<CancelRelay> relay;                         // multi-process only; on the first io
  std::atomic<uint64_t> next_id{1};         // every accepted socket: registry key, backend pid
  std::atomic<uint64_t> next_client_id{1};  // connections that finished startup: the app's id
  std::atomic<size_t> active{0};
  ServerStats stats;

  // Posts fn to the connection's strand unless the server is shutting down.
  template <typename F>
  void post_to(const std::weak_ptr<Connection>& weak, F&& fn);
  // The BackendKeyData pid of the id-th accepted socket: in a multi-process server it carries
  // the worker's index (pid % worker_count), so any process can tell the owner of a session.
  int32_t backend_pid(uint64_t id) const;
  // A CancelRequest: cancels the session here, or relays it to the process that owns it.
  void cancel(int32_t process_id, int32_t secret_key);
};

class Connection : public session::SessionHost, public std::enable_shared_from_this<Connection> {
 public:
  using Strand = asio::strand<asio::io_context::executor_type>;

  // over_limit: the server is full; the session refuses the startup packet with 53300.
  Connection(std::shared_ptr<ServerShared> shared, asio::io_context& io,
             asio::ip::tcp::socket socket, uint64_t id, bool over_limit);
  ~Connection() override;

  void start();
  // Server shutdown: idle sessions get 57P01 now, busy ones when their statement ends.
  void begin_shutdown();
  // A notification for this session (posted by Server::notify).
  void notify(const std::string& channel, const std::string& payload) {
    session_->notify(channel, payload, 0);
  }
  // End of the shutdown grace: a running statement ends with FATAL 57P01 (whole messages).
  void terminate_running();
  void force_close();
  // After the event loop stopped: wake and fail any worker blocked on this connection.
  void abandon();
  void cancel_from_request(int32_t secret_key);
  Strand& strand() { return strand_; }
  int32_t pid() const { return pid_; }

  // SessionHost
  void send(std::string&& bytes) override;
  void flush() override;
  void start_tls() override { tls_requested_ = true; }
  void admit(session::AdmissionRequest request) override;
  void call_handler(session::HandlerCall call) override;
  void load_catalog(std::string database) override;
  std::function<void()> copy_in_waker() override;
  void run_stream(session::StreamJob job) override;
  void cancel_request(int32_t process_id, int32_t secret_key) override;
  void close() override;

 private:
  class JobSink;
  // Each coroutine takes `self` as a parameter so that its frame owns the connection from the
  // moment it is created, not only once it first runs.
  asio::awaitable<void> reader(std::shared_ptr<Connection> self);
  asio::awaitable<void> writer(std::shared_ptr<Connection> self);
  asio::awaitable<void> startup_deadline(std::shared_ptr<Connection> self);
  asio::awaitable<void> idle_deadline();
  // TLS after an SSLRequest ('S' already queued), or direct TLS (initial = bytes read so far).
  asio::awaitable<bool> handshake(std::string_view initial, bool direct);
  void after_event();
  void statement_finished(bool error, uint64_t rows);
  void on_closed();
  // Starts statement_timeout for the statement now running (no-op when it is off).
  void arm_statement_timeout();
  // Tells the application (on a worker) that the running statement was cancelled.
  void tell_cancelled();
  // (Re)starts or stops the idle-in-transaction wait after every event.
  void watch_idle_in_transaction();
  void wake_writer();
  // Writes what the session queued straight from the strand when the writer is idle (plain
  // TCP): a reply then leaves without waking the writer coroutine. What the socket does not
  // take at once is left to the writer.
  void flush_now();

  std::shared_ptr<ServerShared> shared_;
  asio::ip::tcp::socket socket_;
  Strand strand_;
  uint64_t key_;       // in shared_->connections; probes take one too
  int32_t pid_;        // BackendKeyData process id
  ClientInfo client_;  // connection_id stays 0 until startup completes (admit)
  int32_t secret_key_;
  std::unique_ptr<session::Session> session_;

  asio::steady_timer writer_wake_;
  asio::steady_timer input_wake_;
  asio::steady_timer startup_timer_;
  asio::steady_timer flushed_wake_;
  asio::steady_timer idle_timer_;
  asio::steady_timer statement_timer_;   // statement_timeout of the running statement
  uint64_t statement_seq_ = 0;           // which statement the armed timer belongs to
  asio::steady_timer idle_in_tx_timer_;  // idle_in_transaction_session_timeout
  uint64_t idle_in_tx_seq_ = 0;
  bool idle_in_tx_armed_ = false;
  std::chrono::steady_clock::time_point last_activity_ = std::chrono::steady_clock::now();
  std::optional<asio::ssl::stream<asio::ip::tcp::socket&>> tls_;
  bool tls_requested_ = false;  // session answered 'S': switch once the 'S' is written
  bool plain_flushed_ = false;
  bool handshaking_ = false;
  bool writing_ = false;          // the writer has an async_write in flight
  bool flush_scheduled_ = false;  // a flush_now is posted on the strand
  bool flush_forced_ = false;     // the session asked for a flush: write even while holding
  void schedule_flush();

  std::mutex out_mu_;  // guards the fields below; workers write rows from other threads
  std::condition_variable out_cv_;
  std::vector<std::string> out_q_;
  size_t out_bytes_ = 0;
  bool out_closed_ = false;

  bool close_requested_ = false;
  bool closed_ = false;
  bool draining_ = false;
  bool app_knows_ = false;  // the application was asked to admit this connection
  std::chrono::steady_clock::time_point query_start_;  // of the statement in flight
};

template <typename F>
void ServerShared::post_to(const std::weak_ptr<Connection>& weak, F&& fn) {
  std::lock_guard lock(mu);
  if (!open) return;
  if (auto c = weak.lock()) asio::post(c->strand(), std::forward<F>(fn));
}

}  // namespace riffq::server
