// cancel_relay.hpp — CancelRequests between the processes of one multi-process server.
//
// With SO_REUSEPORT the kernel spreads new connections over the worker processes, so a
// CancelRequest (a new connection of its own) usually lands on a process that does not own
// the session it names. Backend pids carry their owner's index (pid % worker_count); the
// process that receives a request for another owner hands the (pid, secret) pair over the
// owner's Unix socket in the shared directory. Best effort, as PostgreSQL's cancel is: a
// relay that fails is dropped silently. Private to the server layer.
#pragma once

#include <asio.hpp>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace riffq::server {

class CancelRelay {
 public:
  using LocalCancel = std::function<void(int32_t process_id, int32_t secret_key)>;

  // Listens on dir/worker-<index>.sock (a stale file from an earlier run is replaced);
  // throws std::system_error when it cannot.
  CancelRelay(asio::io_context& io, std::string dir, uint32_t index, LocalCancel local);
  ~CancelRelay();

  // Sends the request to the owner's socket (fire and forget).
  void forward(uint32_t owner, int32_t process_id, int32_t secret_key);
  void close();

  static std::string socket_path(const std::string& dir, uint32_t index);

 private:
  asio::awaitable<void> accept_loop();
  asio::awaitable<void> serve(asio::local::stream_protocol::socket socket);
  asio::awaitable<void> send(std::string path, int32_t process_id, int32_t secret_key);

  asio::io_context& io_;
  std::string dir_;
  std::string path_;
  LocalCancel local_;
  std::optional<asio::local::stream_protocol::acceptor> acceptor_;
};

}  // namespace riffq::server
