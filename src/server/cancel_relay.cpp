// cancel_relay.cpp — relaying CancelRequests to the worker process that owns the session.
#include "cancel_relay.hpp"

#include <asio/experimental/as_tuple.hpp>
#include <cstdio>

namespace riffq::server {
namespace {
constexpr auto use_tuple = asio::experimental::as_tuple(asio::use_awaitable);

// The relayed message: process id and secret key in network order, as in a CancelRequest.
void put_be32(unsigned char* out, int32_t v) {
  const auto u = static_cast<uint32_t>(v);
  out[0] = static_cast<unsigned char>(u >> 24);
  out[1] = static_cast<unsigned char>(u >> 16);
  out[2] = static_cast<unsigned char>(u >> 8);
  out[3] = static_cast<unsigned char>(u);
}

int32_t get_be32(const unsigned char* in) {
  return static_cast<int32_t>((uint32_t{in[0]} << 24) | (uint32_t{in[1]} << 16) |
                              (uint32_t{in[2]} << 8) | uint32_t{in[3]});
}
}  // namespace

std::string CancelRelay::socket_path(const std::string& dir, uint32_t index) {
  return dir + "/worker-" + std::to_string(index) + ".sock";
}

CancelRelay::CancelRelay(asio::io_context& io, std::string dir, uint32_t index, LocalCancel local)
    : io_(io), dir_(std::move(dir)), path_(socket_path(dir_, index)), local_(std::move(local)) {
  std::remove(path_.c_str());
  acceptor_.emplace(io_, asio::local::stream_protocol::endpoint(path_));
  asio::co_spawn(io_, accept_loop(), asio::detached);
}

CancelRelay::~CancelRelay() {
  close();
}

void CancelRelay::close() {
  if (!acceptor_) return;
  asio::error_code ignore;
  acceptor_->close(ignore);
  acceptor_.reset();
  std::remove(path_.c_str());
}

asio::awaitable<void> CancelRelay::accept_loop() {
  while (acceptor_ && acceptor_->is_open()) {
    auto [ec, socket] = co_await acceptor_->async_accept(use_tuple);
    if (ec) {
      if (ec == asio::error::operation_aborted || !acceptor_ || !acceptor_->is_open()) co_return;
      continue;
    }
    asio::co_spawn(io_, serve(std::move(socket)), asio::detached);
  }
}

asio::awaitable<void> CancelRelay::serve(asio::local::stream_protocol::socket socket) {
  unsigned char msg[8];
  auto [ec, n] = co_await asio::async_read(socket, asio::buffer(msg), use_tuple);
  if (!ec && n == sizeof msg) local_(get_be32(msg), get_be32(msg + 4));
}

void CancelRelay::forward(uint32_t owner, int32_t process_id, int32_t secret_key) {
  asio::co_spawn(io_, send(socket_path(dir_, owner), process_id, secret_key), asio::detached);
}

asio::awaitable<void> CancelRelay::send(std::string path, int32_t process_id, int32_t secret_key) {
  asio::local::stream_protocol::socket socket(io_);
  auto [ec] =
      co_await socket.async_connect(asio::local::stream_protocol::endpoint(path), use_tuple);
  if (ec) co_return;  // the owner is gone (restarting): its sessions are gone too
  unsigned char msg[8];
  put_be32(msg, process_id);
  put_be32(msg + 4, secret_key);
  co_await asio::async_write(socket, asio::buffer(msg), use_tuple);
}

}  // namespace riffq::server
