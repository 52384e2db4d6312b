// session.cpp — framing, startup, message dispatch and async completions (authentication
// itself: auth/session_auth.cpp).
#include "riffq/session/session.hpp"

#include <variant>

#include "riffq/wire/backend_messages.hpp"
#include "riffq/wire/message_reader.hpp"
#include "riffq/wire/message_writer.hpp"

namespace riffq::session {

Session::Session(SessionConfig config, SessionHost& host, uint64_t connection_id,
                 int32_t process_id, int32_t secret_key)
    : config_(std::move(config)),
      host_(host),
      connection_id_(connection_id),
      process_id_(process_id),
      secret_key_(secret_key),
      decoder_(wire::FrameLimits{config_.large_message_limit}),
      settings_(config_.server_version) {}

Session::~Session() = default;

void Session::receive(std::string_view bytes) {
  if (phase_ == Phase::CLOSED) return;
  input_.append(bytes.data(), bytes.size());
  if (!decode_input()) return;
  drive();
}

// Frames and decodes everything complete in input_. Startup packets and the password are
// handled at once; normal messages are queued (pipelining). Returns false once closed.
bool Session::decode_input() {
  while (phase_ != Phase::CLOSED) {
    std::string_view avail(input_.data() + input_pos_, input_.size() - input_pos_);
    wire::Frame frame;
    PgError error;
    wire::FrameStatus st = phase_ == Phase::STARTUP ? decoder_.next_startup(avail, frame, error)
                                                    : decoder_.next(avail, frame, error);
    if (st == wire::FrameStatus::NEED_MORE) break;
    if (st == wire::FrameStatus::ERROR) {
      fatal(error);
      return false;
    }
    input_pos_ += frame.total;
    if (phase_ == Phase::STARTUP) {
      auto decoded = wire::decode_startup_packet(frame.body);
      if (!decoded.ok()) {
        fatal(decoded.error);
        return false;
      }
      const bool ssl = std::holds_alternative<wire::SSLRequest>(*decoded.value);
      const bool gss = std::holds_alternative<wire::GSSENCRequest>(*decoded.value);
      const bool tls_switch = ssl && config_.tls_available && !tls_negotiated_;
      handle_startup_packet(std::move(*decoded.value));
      if (ssl || gss) {
        // As PostgreSQL (CVE-2021-23214): bytes that came with an encryption request, before
        // its answer, were not protected and may be injected; refuse them whatever the answer.
        if (input_pos_ != input_.size()) {
          fatal(PgError::fatal(sqlstate::PROTOCOL_VIOLATION,
                               ssl ? "received unencrypted data after SSL request"
                                   : "received unencrypted data after GSSAPI encryption request"));
          return false;
        }
        if (tls_switch) break;
      }
      continue;
    }
    auto decoded = wire::decode_frontend_message(frame.type, frame.body);
    if (!decoded.ok()) {
      fatal(decoded.error);
      return false;
    }
    if (phase_ == Phase::AWAIT_PASSWORD) {
      if (auto* p = std::get_if<wire::PasswordMessage>(&*decoded.value)) {
        handle_password(*p);
        continue;
      }
      fatal(PgError::fatal(
          sqlstate::PROTOCOL_VIOLATION,
          "expected password response, got message type " + std::string(1, frame.type)));
      return false;
    }
    queued_bytes_ += frame.total;
    queue_.push_back(std::move(*decoded.value));
  }
  if (input_pos_ == input_.size()) {
    input_.clear();
    input_pos_ = 0;
  } else if (input_pos_ > 64 * 1024 && input_pos_ * 2 > input_.size()) {
    input_.erase(0, input_pos_);
    input_pos_ = 0;
  }
  return phase_ != Phase::CLOSED;
}

void Session::handle_startup_packet(wire::StartupPacket packet) {
  std::string out;
  if (std::holds_alternative<wire::SSLRequest>(packet)) {
    bool offer = config_.tls_available && !tls_negotiated_;
    host_.send(std::string(1, offer ? 'S' : 'N'));
    if (offer) {
      tls_negotiated_ = true;
      host_.start_tls();
    }
    return;
  }
  if (std::holds_alternative<wire::GSSENCRequest>(packet)) {
    host_.send(std::string(1, 'N'));  // GSSAPI encryption is not supported
    return;
  }
  if (auto* c = std::get_if<wire::CancelRequest>(&packet)) {
    host_.cancel_request(c->process_id, c->secret_key);
    phase_ = Phase::CLOSED;
    host_.close();
    return;
  }
  auto& m = std::get<wire::StartupMessage>(packet);
  if (config_.refuse_startup) {
    fatal(*config_.refuse_startup);
    return;
  }
  if (config_.tls_required && !tls_negotiated_) {
    // As a pg_hba.conf with only hostssl lines: plaintext sessions are refused.
    fatal(PgError::fatal(sqlstate::INVALID_AUTHORIZATION,
                         "TLS is required: connect with sslmode=require"));
    return;
  }
  const std::string* user = m.find("user");
  if (user == nullptr || user->empty()) {
    fatal(PgError::fatal(sqlstate::INVALID_AUTHORIZATION,
                         "no PostgreSQL user name specified in startup packet"));
    return;
  }
  user_ = *user;
  const std::string* db = m.find("database");
  database_ = db && !db->empty() ? *db : user_;
  // Unknown protocol extensions (_pq_.*) and newer minor versions: tell the client what we
  // speak (NegotiateProtocolVersion) instead of failing.
  std::vector<std::string> unknown;
  for (const auto& [k, v] : m.parameters)
    if (k.rfind("_pq_.", 0) == 0) unknown.push_back(k);
  if ((m.protocol_version & 0xffff) != 0 || !unknown.empty()) {
    wire::write_negotiate_protocol_version(out, wire::PROTOCOL_3_0, unknown);
  }
  settings_.apply_startup(m.parameters);
  settings_.set("session_authorization", user_, nullptr);
  settings_.take_changed_reported();
  startup_ = std::move(m);
  if (!out.empty()) host_.send(std::move(out));
  begin_authentication();
}

void Session::request_admission(std::optional<std::string> password) {
  AdmissionRequest req;
  req.connection_id = connection_id_;
  req.user = user_;
  if (const std::string* db = startup_->find("database")) req.database = *db;
  if (auto* app = startup_->find("application_name")) req.application_name = *app;
  req.password = std::move(password);
  phase_ = Phase::ADMITTING;
  pending_ = Pending::ADMISSION;
  host_.admit(std::move(req));
}

void Session::on_admission(AdmissionReply reply) {
  if (pending_ != Pending::ADMISSION || phase_ == Phase::CLOSED) return;
  pending_ = Pending::NONE;
  if (!reply.ok) {
    PgError e = reply.error;
    if (e.message.empty()) e = PgError::fatal(sqlstate::INVALID_PASSWORD, "Authentication failed");
    e.severity = Severity::FATAL;  // a rejected connection is always closed
    fatal(e);
    return;
  }
  finish_startup();
  drive();
}

void Session::finish_startup() {
  // With an emulated catalog the database must be one it knows, as PostgreSQL's InitPostgres.
  if (config_.catalog && config_.catalog_emulation && !config_.lazy_catalog &&
      !config_.catalog->has_database(database_)) {
    fatal(PgError::fatal(sqlstate::INVALID_CATALOG_NAME,
                         "database \"" + database_ + "\" does not exist"));
    return;
  }
  std::string out;
  wire::write_authentication(out, wire::auth::OK);
  for (const auto& [name, value] : settings_.reported())
    wire::write_parameter_status(out, name, value);
  wire::write_backend_key_data(out, process_id_, secret_key_);
  wire::write_ready_for_query(out, tx_);
  host_.send(std::move(out));
  phase_ = Phase::READY;
  admitted_ = true;
}

void Session::drive() {
  while (phase_ == Phase::READY) {
    if (copy_in_receiving_) {      // COPY FROM STDIN: only copy messages, even while the
      if (!copy_in_step()) break;  // application is reading them
      continue;
    }
    if (pending_ != Pending::NONE) break;
    if (simple_) {
      next_simple_statement();
      continue;
    }
    if (queue_.empty()) break;
    wire::FrontendMessage m = std::move(queue_.front());
    queue_.pop_front();
    queued_bytes_ = queue_.empty() ? 0 : queued_bytes_;
    dispatch(m);
  }
  if (!holding_output()) host_.flush();
}

void Session::dispatch(wire::FrontendMessage& m) {
  std::visit(
      [&](auto& msg) {
        using T = std::decay_t<decltype(msg)>;
        if constexpr (std::is_same_v<T, wire::Query>) {
          if (ignore_till_sync_) return;  // discarded, and no ReadyForQuery of its own
          start_simple_query(std::move(msg.sql));
        } else if constexpr (std::is_same_v<T, wire::Parse>) {
          if (!ignore_till_sync_) handle_parse(msg);
        } else if constexpr (std::is_same_v<T, wire::Bind>) {
          if (!ignore_till_sync_) handle_bind(msg);
        } else if constexpr (std::is_same_v<T, wire::Describe>) {
          if (!ignore_till_sync_) handle_describe(msg);
        } else if constexpr (std::is_same_v<T, wire::Execute>) {
          if (!ignore_till_sync_) handle_execute(msg);
        } else if constexpr (std::is_same_v<T, wire::Close>) {
          if (!ignore_till_sync_) handle_close(msg);
        } else if constexpr (std::is_same_v<T, wire::Sync>) {
          handle_sync();
        } else if constexpr (std::is_same_v<T, wire::Flush>) {
          host_.flush();
        } else if constexpr (std::is_same_v<T, wire::Terminate>) {
          phase_ = Phase::CLOSED;
          host_.close();
        } else if constexpr (std::is_same_v<T, wire::PasswordMessage>) {
          fatal(PgError::fatal(sqlstate::PROTOCOL_VIOLATION, "unexpected password message"));
        } else if constexpr (std::is_same_v<T, wire::FunctionCall>) {
          extended_error(PgError::error(sqlstate::FEATURE_NOT_SUPPORTED,
                                        "fastpath function calls are not supported"));
        } else {
          // CopyData / CopyDone / CopyFail outside COPY are ignored, as PostgreSQL does.
        }
      },
      m);
}

void Session::send_error(const PgError& e) {
  std::string out;
  wire::write_error_response(out, e);
  host_.send(std::move(out));
  if (e.is_fatal()) {
    phase_ = Phase::CLOSED;
    host_.close();
    return;
  }
  if (tx_ == wire::TransactionStatus::IN_BLOCK) tx_ = wire::TransactionStatus::FAILED;
}

void Session::fatal(const PgError& e) {
  PgError f = e;
  f.severity = Severity::FATAL;
  send_error(f);
}

void Session::flush_parameter_status() {
  std::string out;
  for (const auto& [name, value] : settings_.take_changed_reported())
    wire::write_parameter_status(out, name, value);
  if (!out.empty()) host_.send(std::move(out));
}

void Session::notify(const std::string& channel, const std::string& payload, int32_t sender_pid) {
  if (phase_ == Phase::CLOSED || !listening_.count(channel)) return;
  notifications_.emplace_back(channel, payload);
  notify_sender_ = sender_pid;
  if (phase_ == Phase::READY && !busy() && queue_.empty()) deliver_notifications();
}

void Session::deliver_notifications() {
  if (notifications_.empty() || tx_ != wire::TransactionStatus::IDLE) return;
  std::string out;
  for (const auto& [channel, payload] : notifications_) {
    wire::MessageWriter w(&out);
    w.begin(wire::msg::NOTIFICATION_RESPONSE);
    w.put_int32(notify_sender_);
    w.put_cstring(channel);
    w.put_cstring(payload);
    w.end();
  }
  notifications_.clear();
  host_.send(std::move(out));
  host_.flush();
}

void Session::send_ready() {
  flush_parameter_status();
  deliver_notifications();  // as PostgreSQL: before ReadyForQuery, outside a transaction
  std::string out;
  wire::write_ready_for_query(out, tx_);
  host_.send(std::move(out));
}

void Session::begin_handler_call(Op op, std::string sql, bool do_describe, bool with_args,
                                 std::vector<QueryArg> args, PrefetchSpec prefetch,
                                 std::shared_ptr<CopyInChannel> copy_in) {
  HandlerCall call;
  call.copy_in = std::move(copy_in);
  call.connection_id = connection_id_;
  call.sequence = ++sequence_;
  call.sql = std::move(sql);
  call.do_describe = do_describe;
  call.with_args = with_args;
  call.args = std::move(args);
  call_origins_ = prefetch.origins;
  call.prefetch = std::move(prefetch);
  op_ = op;
  pending_ = Pending::HANDLER;
  cancel_flag_ = std::make_shared<std::atomic<bool>>(false);
  cancel_reason_.reset();
  call.cancelled = cancel_flag_;
  host_.call_handler(std::move(call));
}

void Session::begin_stream(Op op, ResultCursorPtr cursor, int64_t max_rows) {
  op_ = op;
  pending_ = Pending::STREAM;
  if (!cancel_flag_) cancel_flag_ = std::make_shared<std::atomic<bool>>(false);
  host_.run_stream(StreamJob{std::move(cursor), max_rows, cancel_flag_});
}

PrefetchSpec Session::prefetch_spec(const std::vector<int16_t>& result_formats,
                                    int64_t max_rows) const {
  PrefetchSpec spec;
  spec.enabled = true;
  spec.encode_options = settings_.encode_options();
  spec.result_formats = result_formats;
  spec.max_rows = max_rows;
  return spec;
}

ResultCursorPtr Session::cursor_for(HandlerReply& reply, const std::vector<int16_t>& result_formats,
                                    PgError* error,
                                    const std::vector<types::ColumnDescription>* described) const {
  if (reply.cursor) return reply.cursor;
  return make_result_cursor(std::move(reply.schema), std::move(reply.stream),
                            settings_.encode_options(), result_formats, described,
                            call_origins_.get(), error);
}

void Session::deliver_rows(Op op, HandlerReply& reply, ResultCursorPtr cursor, int64_t max_rows) {
  prefetched_rows_ = 0;
  if (reply.cursor) {
    if (!reply.prefetched.empty()) host_.send(std::move(reply.prefetched));
    StreamOutcome o = reply.prefetch_outcome;
    if (!o.paused) {  // finished, failed or suspended already
      finish_rows(op, o);
      return;
    }
    if (max_rows > 0 && o.rows >= max_rows) {
      o.paused = false;
      o.suspended = true;
      finish_rows(op, o);
      return;
    }
    prefetched_rows_ = o.rows;
    if (max_rows > 0) max_rows -= o.rows;
  }
  begin_stream(op, std::move(cursor), max_rows);
}

void Session::finish_rows(Op op, StreamOutcome& outcome) {
  outcome.rows += prefetched_rows_;
  prefetched_rows_ = 0;
  if (op == Op::SIMPLE)
    simple_stream_done(outcome);
  else
    execute_stream_done(outcome);
}

types::ResultEncoderPtr Session::encoder_for(HandlerReply& reply, PgError* error) const {
  std::string why;
  auto encoder =
      types::ResultEncoder::create(std::move(reply.schema), settings_.encode_options(), &why);
  if (!encoder)
    *error = PgError::error(sqlstate::FEATURE_NOT_SUPPORTED, why);
  else if (call_origins_)
    apply_column_origins(*encoder, *call_origins_);
  return encoder;
}

void Session::on_handler_reply(HandlerReply reply) {
  if (pending_ != Pending::HANDLER || reply.sequence != sequence_ || phase_ == Phase::CLOSED)
    return;  // stale (cancelled) or late reply: dropped
  pending_ = Pending::NONE;
  switch (op_) {
    case Op::SIMPLE:
      simple_handler_reply(reply);
      break;
    case Op::DESCRIBE_STATEMENT:
    case Op::DESCRIBE_PORTAL:
      describe_reply(reply);
      break;
    case Op::DESCRIBE_EXECUTE:
    case Op::EXECUTE:
      execute_reply(reply);
      break;
    case Op::COPY_IN:
      copy_in_reply(reply);
      break;
  }
  drive();
}

void Session::on_stream_done(StreamOutcome outcome) {
  if (pending_ != Pending::STREAM || phase_ == Phase::CLOSED) return;
  pending_ = Pending::NONE;
  cancel_flag_.reset();
  // The pump only knows it was stopped; say why (a statement timeout, say).
  if (outcome.error && cancel_reason_ && outcome.error->sqlstate == sqlstate::QUERY_CANCELED)
    outcome.error = *cancel_reason_;
  finish_rows(op_, outcome);
  drive();
}

void Session::transport_closed() {
  if (cancel_flag_) cancel_flag_->store(true);
  if (copy_in_) {  // wake the application's reader: the upload will never end
    copy_in_->fail(PgError::error("08006", "connection to client lost"));
    copy_in_.reset();
  }
  copy_in_receiving_ = false;
  phase_ = Phase::CLOSED;
  pending_ = Pending::NONE;
  queue_.clear();
  simple_.reset();
}

void Session::handler_notice(uint64_t sequence, const PgError& notice) {
  if (pending_ != Pending::HANDLER || sequence != sequence_ || phase_ == Phase::CLOSED) return;
  std::string out;
  wire::write_notice_response(out, notice);
  host_.send(std::move(out));
  host_.flush();
}

bool Session::cancel() {
  return cancel(
      PgError::error(sqlstate::QUERY_CANCELED, "canceling statement due to user request"));
}

bool Session::cancel(const PgError& reason) {
  if (pending_ != Pending::HANDLER && pending_ != Pending::STREAM) return false;
  if (cancel_flag_) cancel_flag_->store(true);
  cancel_reason_ = reason;
  if (pending_ == Pending::HANDLER) {
    // The application may never answer: answer for it, and drop its late reply.
    HandlerReply r = HandlerReply::make_error(reason);
    r.sequence = ++sequence_;
    pending_ = Pending::HANDLER;
    on_handler_reply(std::move(r));
  }
  return true;
}

namespace {

std::chrono::milliseconds time_setting(const SessionSettings& settings, const char* name) {
  const std::string* v = settings.get(name);
  auto ms = v ? parse_time_setting_ms(*v) : std::nullopt;
  return std::chrono::milliseconds(ms.value_or(0));
}

}  // namespace

std::chrono::milliseconds Session::statement_timeout() const {
  return time_setting(settings_, "statement_timeout");
}

std::chrono::milliseconds Session::idle_in_transaction_timeout() const {
  return time_setting(settings_, "idle_in_transaction_session_timeout");
}

}  // namespace riffq::session
