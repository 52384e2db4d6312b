// connection.cpp — socket reader/writer coroutines, output backpressure, and the hand-off of
// blocking work (application calls, row streaming) to the worker pool.
#include "connection.hpp"

#include <openssl/rand.h>
#include <asio/experimental/as_tuple.hpp>

#include <array>
#include <memory>
#include <span>
#include <stdexcept>

#include "cancel_relay.hpp"
#include "riffq/server/tls.hpp"
#include "riffq/wire/backend_messages.hpp"

namespace riffq::server {
namespace {

constexpr auto use_tuple = asio::experimental::as_tuple(asio::use_awaitable);

// The secret of a CancelRequest: from the system's CSPRNG, as PostgreSQL's pg_strong_random,
// so that one client's keys say nothing about another's.
int32_t random_key() {
  int32_t key = 0;
  if (RAND_bytes(reinterpret_cast<unsigned char*>(&key), sizeof key) != 1)
    throw std::runtime_error("no random bytes for a cancel key");
  return key;
}

// Fetches the schema of a ROWS reply on the replying thread, so no I/O thread ever calls
// into the producer.
void prepare_reply(session::HandlerReply& r) {
  if (r.kind != session::HandlerReply::Kind::ROWS || r.schema.valid()) return;
  if (!r.stream.valid()) {
    r = session::HandlerReply::make_error(
        PgError::error(sqlstate::INTERNAL_ERROR, "query handler returned an invalid stream"));
    return;
  }
  int rc = r.stream.st.get_schema(&r.stream.st, r.schema.get());
  if (rc != 0 || !r.schema.valid()) {
    const char* msg =
        r.stream.st.get_last_error ? r.stream.st.get_last_error(&r.stream.st) : nullptr;
    r = session::HandlerReply::make_error(PgError::error(
        sqlstate::INTERNAL_ERROR,
        std::string("could not read the result schema: ") + (msg ? msg : std::to_string(rc))));
  }
}

}  // namespace

// Output sink for one stream job: blocks the worker while the client is slow.
class Connection::JobSink : public session::RowSink {
 public:
  JobSink(Connection& c, std::shared_ptr<std::atomic<bool>> cancel)
      : c_(c), cancel_(std::move(cancel)) {}
  bool write(std::string&& bytes) override {
    {
      std::unique_lock lock(c_.out_mu_);
      c_.out_cv_.wait(lock, [&] {
        return c_.out_closed_ || cancel_->load() ||
               c_.out_bytes_ < c_.shared_->config.output_high_watermark;
      });
      if (c_.out_closed_ || cancel_->load()) return false;
      c_.out_bytes_ += bytes.size();
      c_.out_q_.push_back(std::move(bytes));
    }
    std::weak_ptr<Connection> weak = c_.weak_from_this();
    c_.shared_->post_to(weak, [weak] {
      if (auto c = weak.lock()) c->wake_writer();
    });
    return true;
  }

 private:
  Connection& c_;
  std::shared_ptr<std::atomic<bool>> cancel_;
};

Connection::Connection(std::shared_ptr<ServerShared> shared, asio::io_context& io,
                       asio::ip::tcp::socket socket, uint64_t id, bool over_limit)
    : shared_(std::move(shared)),
      socket_(std::move(socket)),
      strand_(asio::make_strand(io)),
      key_(id),
      pid_(shared_->backend_pid(id)),
      secret_key_(random_key()),
      writer_wake_(strand_),
      input_wake_(strand_),
      startup_timer_(strand_),
      flushed_wake_(strand_),
      idle_timer_(strand_),
      statement_timer_(strand_),
      idle_in_tx_timer_(strand_) {
  shared_->stats.connection_opened();
  asio::error_code ec;
  auto ep = socket_.remote_endpoint(ec);
  if (!ec) {
    auto addr = ep.address();
    if (addr.is_v6() && addr.to_v6().is_v4_mapped())
      addr = asio::ip::make_address_v4(asio::ip::v4_mapped, addr.to_v6());
    client_.ip = addr.to_string();
    client_.port = ep.port();
  }
  socket_.set_option(asio::ip::tcp::no_delay(true), ec);
  socket_.non_blocking(true, ec);  // flush_now's write_some must never block the I/O thread
  session::SessionConfig sc;
  sc.server_version = shared_->config.server_version;
  sc.password_required = shared_->app->password_required();
  sc.large_message_limit = shared_->config.large_message_limit;
  sc.tls_available = shared_->tls != nullptr;
  sc.tls_required = shared_->config.tls_required;
  sc.scram_users = shared_->config.scram_users;
  sc.md5_users = shared_->config.md5_users;
  sc.hba = shared_->config.hba;
  sc.client_address = client_.ip;
  sc.catalog = shared_->config.catalog;
  sc.catalog_emulation = shared_->config.catalog_emulation;
  sc.lazy_catalog = sc.catalog && sc.catalog_emulation && shared_->app->has_lazy_catalog();
  sc.copy_in_enabled = shared_->app->accepts_copy_in();
  if (over_limit)
    sc.refuse_startup =
        PgError::fatal(sqlstate::TOO_MANY_CONNECTIONS, "sorry, too many clients already");
  session_ = std::make_unique<session::Session>(sc, *this, id, pid_, secret_key_);
}

Connection::~Connection() = default;

void Connection::start() {
  asio::co_spawn(strand_, reader(shared_from_this()), asio::detached);
  asio::co_spawn(strand_, writer(shared_from_this()), asio::detached);
  asio::co_spawn(strand_, startup_deadline(shared_from_this()), asio::detached);
}

asio::awaitable<void> Connection::reader([[maybe_unused]] std::shared_ptr<Connection> self) {
  // Not zero-filled: an idle connection then keeps only the pages reads actually touched.
  constexpr size_t READ_BUFFER = 64 * 1024;
  auto storage = std::make_unique_for_overwrite<char[]>(READ_BUFFER);
  char* buf = storage.get();
  bool first = true;
  while (!closed_) {
    // A close requested by the session is graceful: the writer flushes what is queued (the
    // FATAL error, say), then closes the socket and finishes the connection.
    if (close_requested_) co_return;
    if (!session_->wants_input()) {
      input_wake_.expires_at(asio::steady_timer::time_point::max());
      co_await input_wake_.async_wait(use_tuple);
      continue;
    }
    auto [ec, n] =
        tls_ ? co_await tls_->async_read_some(asio::buffer(buf, READ_BUFFER), use_tuple)
             : co_await socket_.async_read_some(asio::buffer(buf, READ_BUFFER), use_tuple);
    if (ec) break;
    std::string_view data(buf, n);
    // Direct TLS (PostgreSQL 17 sslnegotiation=direct): a TLS ClientHello instead of a
    // startup packet.
    if (first && shared_->tls && n > 0 && static_cast<unsigned char>(buf[0]) == 0x16) {
      first = false;
      if (!co_await handshake(data, true)) break;
      continue;
    }
    first = false;
    last_activity_ = std::chrono::steady_clock::now();
    session_->receive(data);
    if (tls_requested_ && !tls_) {
      if (!co_await handshake({}, false)) break;
    }
    after_event();
  }
  on_closed();
}

asio::awaitable<bool> Connection::handshake(std::string_view initial, bool direct) {
  // Let the writer put the 'S' on the wire in plaintext first.
  while (!direct && !plain_flushed_ && !closed_) {
    flushed_wake_.expires_at(asio::steady_timer::time_point::max());
    co_await flushed_wake_.async_wait(use_tuple);
  }
  if (closed_) co_return false;
  handshaking_ = true;
  tls_.emplace(socket_, *shared_->tls);
  auto [ec, used] = co_await tls_->async_handshake(
      asio::ssl::stream_base::server, asio::buffer(initial.data(), initial.size()), use_tuple);
  handshaking_ = false;
  if (ec) co_return false;
  SSL* ssl = tls_->native_handle();
  if (direct) {
    const unsigned char* alpn = nullptr;
    unsigned int alpn_len = 0;
    SSL_get0_alpn_selected(ssl, &alpn, &alpn_len);
    if (alpn_len == 0) co_return false;  // direct TLS requires ALPN "postgresql"
  }
  if (const char* sni = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name))
    client_.server_name = std::string(sni);
  // The session has no socket: hand it the channel binding data for SCRAM-SHA-256-PLUS.
  session_->tls_established(tls_server_end_point(ssl));
  wake_writer();
  co_return true;
}

asio::awaitable<void> Connection::writer([[maybe_unused]] std::shared_ptr<Connection> self) {
  std::vector<std::string> batch;
  std::vector<asio::const_buffer> buffers;
  while (true) {
    if (!handshaking_) {  // nothing may be written while TLS is being set up
      std::lock_guard lock(out_mu_);
      batch.swap(out_q_);
    }
    if (batch.empty()) {
      if (close_requested_ || closed_) break;
      writer_wake_.expires_at(asio::steady_timer::time_point::max());
      co_await writer_wake_.async_wait(use_tuple);
      continue;
    }
    buffers.clear();
    size_t total = 0;
    for (auto& b : batch) {
      buffers.emplace_back(asio::buffer(b));
      total += b.size();
    }
    writing_ = true;
    auto [ec, n] = tls_ ? co_await asio::async_write(*tls_, buffers, use_tuple)
                        : co_await asio::async_write(socket_, buffers, use_tuple);
    writing_ = false;
    shared_->stats.bytes(n);
    batch.clear();
    if (tls_requested_ && !tls_ && !ec) {
      plain_flushed_ = true;  // the 'S' is out: the reader may start the handshake
      flushed_wake_.cancel();
    }
    {
      std::lock_guard lock(out_mu_);
      out_bytes_ -= std::min(out_bytes_, total);
    }
    out_cv_.notify_all();
    if (ec) break;
  }
  asio::error_code ignore;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignore);
  socket_.close(ignore);
  on_closed();
}

asio::awaitable<void> Connection::startup_deadline(
    [[maybe_unused]] std::shared_ptr<Connection> self) {
  startup_timer_.expires_after(shared_->config.startup_timeout);
  auto [ec] = co_await startup_timer_.async_wait(use_tuple);
  if (!session_->admitted()) {
    // Like PostgreSQL's authentication_timeout: drop clients that never finish startup.
    if (!ec && !closed_) close();
    co_return;
  }
  if (shared_->config.idle_timeout.count() > 0) co_await idle_deadline();
}

asio::awaitable<void> Connection::idle_deadline() {
  const auto timeout = shared_->config.idle_timeout;
  while (!closed_ && !close_requested_) {
    auto now = std::chrono::steady_clock::now();
    if (now - last_activity_ >= timeout) {
      if (!session_->busy() && session_->transaction_status() == wire::TransactionStatus::IDLE) {
        session_->terminate(
            PgError::fatal("57P05", "terminating connection due to idle-session timeout"));
        co_return;
      }
      last_activity_ = now;  // busy or in a transaction: not idle
      continue;
    }
    idle_timer_.expires_at(last_activity_ + timeout);
    co_await idle_timer_.async_wait(use_tuple);
  }
}

void Connection::send(std::string&& bytes) {
  if (bytes.empty()) return;
  {
    std::lock_guard lock(out_mu_);
    if (out_closed_) return;
    out_bytes_ += bytes.size();
    out_q_.push_back(std::move(bytes));
  }
  schedule_flush();
}

void Connection::flush() {
  flush_forced_ = true;
  schedule_flush();
}

void Connection::schedule_flush() {
  // The session sends several messages per event: flush them together once it is done, unless
  // they may wait for the handler's answer (Session::holding_output).
  if (flush_scheduled_) return;
  flush_scheduled_ = true;
  asio::post(strand_, [self = shared_from_this()] {
    self->flush_scheduled_ = false;
    if (!self->flush_forced_ && self->session_->holding_output()) return;
    self->flush_forced_ = false;
    self->flush_now();
  });
}

void Connection::flush_now() {
  if (tls_ || tls_requested_ || handshaking_ || writing_ || close_requested_ || closed_) {
    wake_writer();
    return;
  }
  constexpr size_t MAX_BUFFERS = 64;
  std::array<asio::const_buffer, MAX_BUFFERS> buffers;
  size_t count = 0, written = 0;
  {
    std::lock_guard lock(out_mu_);
    if (out_q_.empty()) return;
    for (; count < out_q_.size() && count < MAX_BUFFERS; ++count)
      buffers[count] = asio::buffer(out_q_[count]);
    asio::error_code ec;
    written = socket_.write_some(std::span(buffers.data(), count), ec);
    if (ec && ec != asio::error::would_block && ec != asio::error::try_again) written = 0;
    // Drop what left; a message cut short keeps its tail for the writer.
    size_t left = written, whole = 0;
    while (whole < out_q_.size() && left >= out_q_[whole].size()) left -= out_q_[whole++].size();
    out_q_.erase(out_q_.begin(), out_q_.begin() + static_cast<ptrdiff_t>(whole));
    if (left > 0) out_q_.front().erase(0, left);
    out_bytes_ -= std::min(out_bytes_, written);
    if (!out_q_.empty()) wake_writer();  // the rest (or the error) is the writer's
  }
  if (written > 0) {
    shared_->stats.bytes(written);
    out_cv_.notify_all();
  }
}

void Connection::wake_writer() {
  writer_wake_.cancel();
}

void Connection::after_event() {
  if (!session_->holding_output()) {  // a hold just ended: what waited goes out now
    bool queued;
    {
      std::lock_guard lock(out_mu_);
      queued = !out_q_.empty();
    }
    if (queued) schedule_flush();
  }
  if (session_->admitted()) startup_timer_.cancel();
  if (session_->wants_input()) input_wake_.cancel();
  watch_idle_in_transaction();
  if (draining_ && !session_->busy() && !session_->closed()) {
    session_->terminate(PgError::fatal(sqlstate::ADMIN_SHUTDOWN,
                                       "terminating connection due to administrator command"));
  }
}

void Connection::close() {
  close_requested_ = true;
  wake_writer();
  input_wake_.cancel();
}

void Connection::on_closed() {
  if (closed_) return;
  closed_ = true;
  close_requested_ = true;
  {
    std::lock_guard lock(out_mu_);
    out_closed_ = true;
  }
  out_cv_.notify_all();
  const bool mid_statement = session_->busy() && session_->admitted();
  session_->transport_closed();
  asio::error_code ignore;
  socket_.cancel(ignore);
  wake_writer();
  input_wake_.cancel();
  startup_timer_.cancel();
  flushed_wake_.cancel();
  idle_timer_.cancel();
  statement_timer_.cancel();
  idle_in_tx_timer_.cancel();
  {
    std::lock_guard lock(shared_->mu);
    shared_->connections.erase(key_);
    auto it = shared_->by_pid.find(pid_);
    if (it != shared_->by_pid.end() && it->second.lock().get() == this) shared_->by_pid.erase(it);
  }
  shared_->active.fetch_sub(1);
  if (app_knows_) {
    auto app = shared_->app;
    ClientInfo client = client_;
    // One task, in this order: the application hears of the cancelled statement while it
    // still knows the connection.
    shared_->pool->post([app, client, mid_statement] {
      if (mid_statement) app->statement_cancelled(client);
      app->disconnected(client);
    });
  }
}

void Connection::begin_shutdown() {
  draining_ = true;
  after_event();
  if (!session_->admitted() && !closed_) close();
}

void Connection::terminate_running() {
  const PgError e = PgError::fatal(sqlstate::ADMIN_SHUTDOWN,
                                   "terminating connection due to administrator command");
  if (session_->cancel(e)) {
    tell_cancelled();
    out_cv_.notify_all();
  } else if (!session_->closed()) {
    session_->terminate(e);
  }
  after_event();
}

void Connection::force_close() {
  session_->transport_closed();
  out_cv_.notify_all();
  close();
  asio::error_code ignore;
  socket_.close(ignore);
}

void Connection::abandon() {
  {
    std::lock_guard lock(out_mu_);
    out_closed_ = true;
  }
  session_->transport_closed();
  out_cv_.notify_all();
}

void Connection::cancel_from_request(int32_t secret_key) {
  if (secret_key != secret_key_) return;
  if (session_->cancel()) tell_cancelled();
  out_cv_.notify_all();
  after_event();
}

void Connection::tell_cancelled() {
  auto app = shared_->app;
  ClientInfo client = client_;
  shared_->pool->post([app, client] { app->statement_cancelled(client); });
}

void Connection::admit(session::AdmissionRequest request) {
  // Ids count the connections the application hears of, from 1 per server: port probes and
  // sockets that never finish startup take none.
  client_.connection_id = shared_->next_client_id.fetch_add(1);
  app_knows_ = true;
  std::weak_ptr<Connection> weak = weak_from_this();
  auto shared = shared_;
  ClientInfo client = client_;
  shared_->pool->post([weak, shared, client, request = std::move(request)]() {
    auto once = std::make_shared<std::atomic<bool>>(false);
    shared->app->admit(client, request, [weak, shared, once](session::AdmissionReply reply) {
      if (once->exchange(true)) return;
      shared->post_to(weak, [weak, reply = std::move(reply)]() mutable {
        if (auto c = weak.lock()) {
          c->session_->on_admission(std::move(reply));
          c->after_event();
        }
      });
    });
  });
}

void Connection::watch_idle_in_transaction() {
  const bool idle_in_block = session_->admitted() && !session_->busy() && !session_->closed() &&
                             session_->transaction_status() != wire::TransactionStatus::IDLE;
  const auto timeout =
      idle_in_block ? session_->idle_in_transaction_timeout() : std::chrono::milliseconds(0);
  if (timeout.count() <= 0) {
    if (idle_in_tx_armed_) {  // the common case costs nothing per event
      ++idle_in_tx_seq_;
      idle_in_tx_timer_.cancel();
      idle_in_tx_armed_ = false;
    }
    return;
  }
  const uint64_t seq = ++idle_in_tx_seq_;  // any event restarts the wait
  idle_in_tx_armed_ = true;
  idle_in_tx_timer_.expires_after(timeout);
  idle_in_tx_timer_.async_wait([self = shared_from_this(), seq](const asio::error_code& ec) {
    if (ec || seq != self->idle_in_tx_seq_ || self->closed_ || self->session_->busy()) return;
    // As PostgreSQL's idle_in_transaction_session_timeout: the session is closed.
    self->session_->terminate(
        PgError::fatal("25P03", "terminating connection due to idle-in-transaction timeout"));
  });
}

void Connection::arm_statement_timeout() {
  const uint64_t seq = ++statement_seq_;
  const auto timeout = session_->statement_timeout();
  statement_timer_.cancel();
  if (timeout.count() <= 0) return;
  statement_timer_.expires_after(timeout);
  statement_timer_.async_wait([self = shared_from_this(), seq](const asio::error_code& ec) {
    if (ec || seq != self->statement_seq_ || self->closed_) return;
    // Like PostgreSQL: the statement ends with 57014, the session goes on.
    if (self->session_->cancel(PgError::error(sqlstate::QUERY_CANCELED,
                                              "canceling statement due to statement timeout")))
      self->tell_cancelled();
    self->out_cv_.notify_all();
    self->after_event();
  });
}

void Connection::statement_finished(bool error, uint64_t rows) {
  ++statement_seq_;  // the armed timeout, if any, no longer applies
  statement_timer_.cancel();
  if (error) shared_->stats.error();
  shared_->stats.rows(rows);
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() -
                                                                  query_start_);
  shared_->stats.latency_us(static_cast<uint64_t>(us.count()));
}

void Connection::load_catalog(std::string database) {
  std::weak_ptr<Connection> weak = weak_from_this();
  auto shared = shared_;
  shared_->pool->post([weak, shared, database = std::move(database)] {
    std::shared_ptr<const catalog::CatalogSnapshot> snapshot;
    std::optional<PgError> error;
    try {
      snapshot = shared->config.catalog->snapshot_of(shared->app->lazy_catalog(database), database);
    } catch (const catalog::CatalogError& e) {
      error = e.error;
    } catch (const std::exception& e) {
      error = PgError::error(sqlstate::INTERNAL_ERROR,
                             std::string("lazy catalog source error: ") + e.what());
    }
    shared->post_to(weak,
                    [weak, snapshot = std::move(snapshot), error = std::move(error)]() mutable {
                      if (auto c = weak.lock())
                        c->session_->on_catalog_loaded(std::move(snapshot), std::move(error));
                    });
  });
}

void Connection::call_handler(session::HandlerCall call) {
  if (!call.do_describe) {
    shared_->stats.query_started();
    query_start_ = std::chrono::steady_clock::now();
    arm_statement_timeout();
  }
  bool counted = !call.do_describe;
  std::weak_ptr<Connection> weak = weak_from_this();
  auto shared = shared_;
  ClientInfo client = client_;
  call.notice = [weak, shared, seq = call.sequence](PgError notice) {
    shared->post_to(weak, [weak, seq, notice = std::move(notice)] {
      if (auto c = weak.lock()) c->session_->handler_notice(seq, notice);
    });
  };
  shared_->pool->post([weak, shared, client, counted, call = std::move(call)]() mutable {
    auto once = std::make_shared<std::atomic<bool>>(false);
    uint64_t seq = call.sequence;
    auto prefetch = std::make_shared<session::PrefetchSpec>(call.prefetch);
    const bool copy_in = call.copy_in != nullptr;
    shared->app->query(
        client, std::move(call),
        [weak, shared, once, seq, prefetch, counted, copy_in](session::HandlerReply reply) {
          if (once->exchange(true)) return;
          // A COPY FROM answers with a tag; rows it returns are dropped here,
          // on the replying thread (never release a producer on an I/O thread).
          if (copy_in && reply.kind == session::HandlerReply::Kind::ROWS)
            reply = session::HandlerReply::make_tag("");
          prepare_reply(reply);
          // Encode the first rows here, on the replying thread: small
          // results then need no stream job at all.
          session::prefetch_rows(reply, *prefetch);
          // Last: both may have replaced the reply with an error, which must
          // still answer this call (else it is dropped as stale).
          reply.sequence = seq;
          // Statements that end here (no stream job) are counted now.
          bool done = reply.kind != session::HandlerReply::Kind::ROWS ||
                      (reply.cursor && !reply.prefetch_outcome.paused);
          bool failed = reply.kind == session::HandlerReply::Kind::ERROR ||
                        (reply.cursor && reply.prefetch_outcome.error.has_value());
          uint64_t rows = reply.cursor ? static_cast<uint64_t>(reply.prefetch_outcome.rows) : 0;
          auto holder = std::make_shared<session::HandlerReply>(std::move(reply));
          shared->post_to(weak, [weak, holder, counted, done, failed, rows]() {
            if (auto c = weak.lock()) {
              if (counted && done)
                c->statement_finished(failed, rows);
              else if (counted)
                c->shared_->stats.rows(rows);
              c->session_->on_handler_reply(std::move(*holder));
              c->after_event();
            }
          });
        });
  });
}

std::function<void()> Connection::copy_in_waker() {
  std::weak_ptr<Connection> weak = weak_from_this();
  auto shared = shared_;
  return [weak, shared] {
    shared->post_to(weak, [weak] {
      if (auto c = weak.lock()) {
        c->session_->copy_in_room();
        c->after_event();
      }
    });
  };
}

void Connection::run_stream(session::StreamJob job) {
  auto self = shared_from_this();
  shared_->pool->post([self, job = std::move(job)]() mutable {
    JobSink sink(*self, job.cancel);
    auto outcome = job.cursor->pump(job.max_rows, sink, *job.cancel);
    job.cursor.reset();  // release the producer on this thread, not an I/O thread
    std::weak_ptr<Connection> weak = self;
    self->shared_->post_to(weak, [weak, outcome = std::move(outcome)]() mutable {
      if (auto c = weak.lock()) {
        c->statement_finished(outcome.error.has_value(), static_cast<uint64_t>(outcome.rows));
        c->session_->on_stream_done(std::move(outcome));
        c->after_event();
      }
    });
  });
}

void Connection::cancel_request(int32_t process_id, int32_t secret_key) {
  shared_->cancel(process_id, secret_key);
}

int32_t ServerShared::backend_pid(uint64_t id) const {
  const uint64_t n = std::max<uint32_t>(1, config.worker_count);
  const uint64_t span = 0x7fffffffULL / n;
  return static_cast<int32_t>((id % span) * n + config.worker_index);
}

void ServerShared::cancel(int32_t process_id, int32_t secret_key) {
  const uint32_t n = std::max<uint32_t>(1, config.worker_count);
  const auto owner = static_cast<uint32_t>(process_id) % n;
  if (owner != config.worker_index) {
    std::lock_guard lock(mu);
    if (open && relay) relay->forward(owner, process_id, secret_key);
    return;
  }
  std::weak_ptr<Connection> target;
  {
    std::lock_guard lock(mu);
    auto it = by_pid.find(process_id);
    if (it != by_pid.end()) target = it->second;
  }
  post_to(target, [target, secret_key] {
    if (auto c = target.lock()) c->cancel_from_request(secret_key);
  });
}

}  // namespace riffq::server
