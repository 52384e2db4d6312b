// server.cpp — listening, accepting, the I/O thread pool and graceful shutdown.
#include "riffq/server/server.hpp"

#include <asio/experimental/as_tuple.hpp>
#include <csignal>
#include <stdexcept>
#include <thread>

#include <sched.h>

#include "cancel_relay.hpp"
#include "connection.hpp"
#include "riffq/server/tls.hpp"
#include "riffq/wire/backend_messages.hpp"

namespace riffq::server {
namespace {
constexpr auto use_tuple = asio::experimental::as_tuple(asio::use_awaitable);
}

void parse_listen_address(const std::string& address, std::string& host, uint16_t& port) {
  std::string port_text;
  if (!address.empty() && address[0] == '[') {
    size_t close = address.find(']');
    if (close == std::string::npos || close + 1 >= address.size() || address[close + 1] != ':')
      throw std::invalid_argument("invalid listen address: " + address);
    host = address.substr(1, close - 1);
    port_text = address.substr(close + 2);
  } else {
    size_t colon = address.rfind(':');
    if (colon == std::string::npos || address.find(':') != colon)
      throw std::invalid_argument("invalid listen address (expected host:port): " + address);
    host = address.substr(0, colon);
    port_text = address.substr(colon + 1);
  }
  if (host.empty() || port_text.empty() || port_text.size() > 5 ||
      port_text.find_first_not_of("0123456789") != std::string::npos)
    throw std::invalid_argument("invalid listen address: " + address);
  unsigned long p = std::stoul(port_text);
  if (p > 65535) throw std::invalid_argument("invalid port in listen address: " + address);
  port = static_cast<uint16_t>(p);
}

struct Server::Impl {
  std::shared_ptr<ServerShared> shared;
  // One io_context per I/O thread (ios[0] also accepts and watches for shutdown): a
  // connection's handlers then run on the thread that polls its socket, and replies posted by
  // workers wake that thread only, never a second thread taking turns on a shared queue.
  // Destruction order matters: the worker pool is joined before the io_contexts go away.
  std::vector<std::unique_ptr<asio::io_context>> ios;
  size_t next_io = 0;
  std::unique_ptr<WorkerPool> pool;
  std::optional<asio::ip::tcp::acceptor> acceptor;
  std::optional<asio::steady_timer> stop_timer;
  std::atomic<bool> stop_requested{false};
  bool stopping = false;
  std::chrono::steady_clock::time_point stop_deadline;

  asio::awaitable<void> accept_loop();
  asio::awaitable<void> shutdown_watch();
  bool all_gone() {
    std::lock_guard lock(shared->mu);
    return shared->connections.empty();
  }
  void begin_stop();
};

asio::awaitable<void> Server::Impl::accept_loop() {
  while (acceptor && acceptor->is_open()) {
    asio::io_context& home = *ios[next_io++ % ios.size()];
    auto [ec, socket] = co_await acceptor->async_accept(home, use_tuple);
    if (ec) {
      if (ec == asio::error::operation_aborted || !acceptor->is_open()) break;
      continue;  // e.g. EMFILE: keep serving the others
    }
    uint64_t id = shared->next_id.fetch_add(1);
    bool over_limit = shared->active.load() >= shared->config.max_connections;
    shared->active.fetch_add(1);
    auto conn = std::make_shared<Connection>(shared, home, std::move(socket), id, over_limit);
    {
      std::lock_guard lock(shared->mu);
      shared->connections[id] = conn;
      shared->by_pid[conn->pid()] = conn;
    }
    conn->start();
  }
}

void Server::Impl::begin_stop() {
  if (stopping) return;
  stopping = true;
  asio::error_code ignore;
  if (acceptor) acceptor->close(ignore);
  std::vector<std::weak_ptr<Connection>> conns;
  {
    std::lock_guard lock(shared->mu);
    for (auto& [id, w] : shared->connections) conns.push_back(w);
  }
  for (auto& w : conns) {
    shared->post_to(w, [w] {
      if (auto c = w.lock()) c->begin_shutdown();
    });
  }
  stop_deadline = std::chrono::steady_clock::now() + shared->config.shutdown_grace;
}

// Polls until every connection is gone or the grace period ends, then stops the loop.
asio::awaitable<void> Server::Impl::shutdown_watch() {
  auto& timer = *stop_timer;
  while (true) {
    timer.expires_after(std::chrono::milliseconds(50));
    co_await timer.async_wait(use_tuple);
    if (!stop_requested.load()) continue;
    begin_stop();
    if (all_gone()) break;
    if (std::chrono::steady_clock::now() >= stop_deadline) {
      std::vector<std::weak_ptr<Connection>> conns;
      {
        std::lock_guard lock(shared->mu);
        for (auto& [id, w] : shared->connections) conns.push_back(w);
      }
      // Grace is over: statements still running end with 57P01 between two messages (the
      // pump stops at a chunk boundary), then whatever is left is closed.
      for (auto& w : conns)
        shared->post_to(w, [w] {
          if (auto c = w.lock()) c->terminate_running();
        });
      for (int i = 0; i < 20 && !all_gone(); ++i) {
        timer.expires_after(std::chrono::milliseconds(50));
        co_await timer.async_wait(use_tuple);
      }
      for (auto& w : conns)
        shared->post_to(w, [w] {
          if (auto c = w.lock()) c->force_close();
        });
      timer.expires_after(std::chrono::milliseconds(200));
      co_await timer.async_wait(use_tuple);
      break;
    }
  }
  for (auto& io : ios) io->stop();
}

Server::Server(ServerConfig config, std::shared_ptr<Application> app)
    : impl_(std::make_unique<Impl>()) {
  impl_->shared = std::make_shared<ServerShared>();
  impl_->shared->config = std::move(config);
  impl_->shared->app = std::move(app);
}

Server::~Server() {
  stop();
}

void Server::bind() {
  auto& cfg = impl_->shared->config;
  if (!cfg.tls_cert_path.empty() || !cfg.tls_key_path.empty())
    impl_->shared->tls = make_tls_context(cfg.tls_cert_path, cfg.tls_key_path);
  std::string host;
  uint16_t port = 0;
  parse_listen_address(cfg.listen_address, host, port);
  impl_->ios.clear();
  for (size_t i = 0; i < std::max<size_t>(1, cfg.io_threads); ++i)
    impl_->ios.push_back(std::make_unique<asio::io_context>(1));
  asio::ip::tcp::resolver resolver(*impl_->ios[0]);
  asio::error_code ec;
  auto results = resolver.resolve(
      host, std::to_string(port),
      asio::ip::resolver_base::passive | asio::ip::resolver_base::numeric_service, ec);
  if (ec) throw std::system_error(ec, "cannot resolve listen address " + cfg.listen_address);
  asio::error_code last = asio::error::host_not_found;
  for (const auto& entry : results) {
    asio::ip::tcp::acceptor acc(*impl_->ios[0]);
    asio::error_code e;
    acc.open(entry.endpoint().protocol(), e);
    if (!e) acc.set_option(asio::ip::tcp::acceptor::reuse_address(true), e);
    if (!e && cfg.reuse_port)  // worker processes share the port; the kernel spreads clients
      acc.set_option(asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>(true), e);
    if (!e) acc.bind(entry.endpoint(), e);
    if (!e) acc.listen(1024, e);
    if (!e) {
      impl_->acceptor.emplace(std::move(acc));
      start_cancel_relay();
      return;
    }
    last = e;
  }
  throw std::system_error(last, "could not bind " + cfg.listen_address);
}

void Server::start_cancel_relay() {
  auto& cfg = impl_->shared->config;
  if (cfg.worker_count <= 1 || cfg.cancel_dir.empty()) return;
  std::weak_ptr<ServerShared> weak = impl_->shared;
  impl_->shared->relay = std::make_unique<CancelRelay>(
      *impl_->ios[0], cfg.cancel_dir, cfg.worker_index, [weak](int32_t pid, int32_t secret) {
        if (auto shared = weak.lock()) shared->cancel(pid, secret);
      });
}

uint16_t Server::port() const {
  if (!impl_->acceptor) return 0;
  asio::error_code ec;
  auto ep = impl_->acceptor->local_endpoint(ec);
  return ec ? 0 : ep.port();
}

namespace {

// Runs an I/O thread's io_context. With busy_poll, after handling events the thread keeps
// polling (yielding to runnable threads) before it sleeps in epoll: a worker's reply, or the
// client's next statement, then needs no wake-up of a sleeping thread.
void run_io(asio::io_context& ctx, std::chrono::microseconds busy_poll) {
  if (busy_poll.count() <= 0) {
    ctx.run();
    return;
  }
  while (!ctx.stopped()) {
    if (ctx.poll() == 0) {
      ctx.run_one();  // nothing ready: sleep until something is
      continue;
    }
    auto deadline = std::chrono::steady_clock::now() + busy_poll;
    while (!ctx.stopped() && std::chrono::steady_clock::now() < deadline) {
      if (ctx.poll() > 0)
        deadline = std::chrono::steady_clock::now() + busy_poll;
      else
        sched_yield();
    }
  }
}

}  // namespace

void Server::run() {
  if (!impl_->acceptor) bind();
  auto& io = *impl_->ios[0];
  auto app = impl_->shared->app;
  const ServerConfig& cfg = impl_->shared->config;
  WorkerPool::Options pool;
  pool.busy_poll = cfg.busy_poll;
  pool.concurrency = cfg.query_concurrency > 0
                         ? cfg.query_concurrency
                         : std::max<size_t>(2, std::thread::hardware_concurrency());
  impl_->pool = std::make_unique<WorkerPool>(
      pool, WorkerPool::ThreadHooks{[app] { app->worker_thread_started(); },
                                    [app] { app->worker_thread_exiting(); }});
  impl_->shared->pool = impl_->pool.get();
  impl_->stop_timer.emplace(io);
  asio::co_spawn(io, impl_->accept_loop(), asio::detached);
  asio::co_spawn(io, impl_->shutdown_watch(), asio::detached);
  std::optional<asio::signal_set> signals;
  if (impl_->shared->config.handle_signals) {
    signals.emplace(io, SIGINT, SIGTERM);
    signals->async_wait([this](asio::error_code ec, int) {
      if (!ec) stop();
    });
  }
  const auto busy_poll = impl_->shared->config.busy_poll;
  std::vector<std::thread> threads;
  for (size_t i = 1; i < impl_->ios.size(); ++i)
    threads.emplace_back([ctx = impl_->ios[i].get(), busy_poll] {
      auto guard = asio::make_work_guard(*ctx);  // idle until a connection arrives
      run_io(*ctx, busy_poll);
    });
  run_io(io, busy_poll);
  for (auto& t : threads) t.join();
  if (signals) {
    asio::error_code ignore;
    signals->cancel(ignore);
    signals.reset();  // before the io_context it belongs to is destroyed below
  }
  std::vector<std::shared_ptr<Connection>> remaining;
  {
    std::lock_guard lock(impl_->shared->mu);
    impl_->shared->open = false;  // late replies from application threads are dropped now
    for (auto& [id, w] : impl_->shared->connections)
      if (auto c = w.lock()) remaining.push_back(c);
  }
  // The loop has stopped: unblock workers still streaming into connections that never closed.
  for (auto& c : remaining) c->abandon();
  remaining.clear();
  impl_->pool->shutdown();
  {
    std::lock_guard lock(impl_->shared->mu);
    impl_->shared->relay.reset();
  }
  impl_->acceptor.reset();
  impl_->stop_timer.reset();
  impl_->ios.clear();
}

void Server::stop() {
  impl_->stop_requested.store(true);
}

void Server::notify(const std::string& channel, const std::string& payload) {
  auto& shared = impl_->shared;
  std::vector<std::weak_ptr<Connection>> conns;
  {
    std::lock_guard lock(shared->mu);
    for (auto& [id, w] : shared->connections) conns.push_back(w);
  }
  for (auto& w : conns)
    shared->post_to(w, [w, channel, payload] {
      if (auto c = w.lock()) c->notify(channel, payload);
    });
}

StatsSnapshot Server::stats() const {
  return impl_->shared->stats.snapshot(impl_->shared->active.load());
}

}  // namespace riffq::server
