// riffq/session/session.hpp
// Session: the protocol state machine of one client connection, with no sockets (SPEC §12).
// Bytes go in through receive(); messages come out through SessionHost::send(). Work that
// may block — calling the application, pulling rows from an Arrow producer — is handed to the
// host, which reports back through the on_* completions. All Session methods must be called
// from one logical thread (the connection's strand).
//
// INTERFACE ROUTINES
//   receive(bytes)            frame, decode and queue client messages, then make progress
//   on_admission(reply)       result of authentication / connect callbacks
//   on_handler_reply(reply)   result of a query callback
//   on_stream_done(outcome)   a ResultCursor pump finished
//   cancel()                  CancelRequest for this session
//   transport_closed()        the client is gone: cancel work, accept nothing more
//   wants_input()             false while too much input is queued (stop reading)
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "riffq/catalog/engine.hpp"
#include "riffq/session/copy_in.hpp"
#include "riffq/session/handler_types.hpp"
#include "riffq/session/hba.hpp"
#include "riffq/session/md5_auth.hpp"
#include "riffq/session/result_cursor.hpp"
#include "riffq/session/scram.hpp"
#include "riffq/session/settings.hpp"
#include "riffq/sql/statement.hpp"
#include "riffq/wire/frame_decoder.hpp"
#include "riffq/wire/frontend_messages.hpp"

namespace riffq::session {

struct SessionConfig {
  std::string server_version = "15.8";
  bool password_required = false;  // on_authentication set: ask for a cleartext password
  uint32_t large_message_limit = wire::DEFAULT_LARGE_MESSAGE_LIMIT;
  size_t max_queued_input = 8u * 1024 * 1024;  // stop reading beyond this much queued input
  bool tls_available = false;  // answer SSLRequest with 'S' (TLS comes in the server)
  bool tls_required = false;   // refuse a StartupMessage that did not come over TLS
  // Set when the server is full: TLS negotiation and CancelRequest still work, the
  // StartupMessage gets this FATAL error (as PostgreSQL answers 53300 after the startup packet).
  std::optional<PgError> refuse_startup;
  // When set, clients authenticate with SCRAM-SHA-256 against these verifiers (instead of a
  // cleartext password); admission then runs without a password.
  std::shared_ptr<const ScramUsers> scram_users;
  // Users who authenticate with MD5 (checked before scram_users); off when null.
  std::shared_ptr<const Md5Users> md5_users;
  // Host-based rules (pg_hba.conf): when set, the first matching rule decides how a client
  // authenticates (trust, reject, password, md5, scram-sha-256) and no match is FATAL 28000.
  std::shared_ptr<const HbaRules> hba;
  std::string client_address;  // the peer's IP address, for the rules
  // The catalog engine (shared by every session); null: no statement is answered from it.
  std::shared_ptr<const catalog::CatalogEngine> catalog;
  // true: every catalog statement runs in the engine and the startup database must exist in
  // it; false: only drivers' built-in type look-ups do (SPEC §5).
  bool catalog_emulation = false;
  // A lazy catalog source: before each catalog statement the host loads its objects
  // (SessionHost::load_catalog) and the statement runs over them.
  bool lazy_catalog = false;
  // The application takes COPY … FROM STDIN (a copy-in hook is set); otherwise such a COPY is
  // refused with 0A000 before any data is uploaded.
  bool copy_in_enabled = false;
  // COPY FROM STDIN: CopyData bytes queued for the application's reader before the session
  // stops taking input (the upload's memory bound, with max_queued_input).
  size_t copy_in_queue_bytes = 4u * 1024 * 1024;
};

struct StreamJob {
  ResultCursorPtr cursor;
  int64_t max_rows = 0;
  std::shared_ptr<std::atomic<bool>> cancel;
};

class SessionHost {
 public:
  virtual ~SessionHost() = default;
  virtual void send(std::string&& bytes) = 0;        // ordered output
  virtual void flush() = 0;                          // send what is queued now
  virtual void start_tls() = 0;                      // after 'S' was queued for an SSLRequest
  virtual void admit(AdmissionRequest request) = 0;  // → Session::on_admission
  virtual void call_handler(HandlerCall call) = 0;   // → Session::on_handler_reply
  virtual void run_stream(StreamJob job) = 0;        // → Session::on_stream_done
  virtual void cancel_request(int32_t process_id, int32_t secret_key) = 0;
  virtual void close() = 0;  // after flushing queued output
  // Loads a lazy catalog source's objects for `database` off the session's thread
  // → Session::on_catalog_loaded. Called only when SessionConfig::lazy_catalog is set.
  virtual void load_catalog(std::string database) { (void)database; }
  // A function the COPY reader calls (from its thread) when the queue it drains has room
  // again; it must get Session::copy_in_room() called on the session's thread. Empty: the
  // caller of the session does that itself (tests).
  virtual std::function<void()> copy_in_waker() { return {}; }
};

class Session {
 public:
  Session(SessionConfig config, SessionHost& host, uint64_t connection_id, int32_t process_id,
          int32_t secret_key);
  ~Session();

  void receive(std::string_view bytes);
  void on_admission(AdmissionReply reply);
  void on_handler_reply(HandlerReply reply);
  void on_stream_done(StreamOutcome outcome);
  // COPY FROM STDIN: the application's reader made room in the upload queue; go on reading.
  void copy_in_room();
  // The lazy catalog source's objects as a snapshot, or why they could not be loaded (XX000).
  void on_catalog_loaded(std::shared_ptr<const catalog::CatalogSnapshot> snapshot,
                         std::optional<PgError> error);
  // Stops the running statement: a CancelRequest (57014 "… due to user request") or, with its
  // own reason, a statement timeout. Returns false (and does nothing) when no statement runs.
  bool cancel();
  bool cancel(const PgError& reason);
  // A NoticeResponse from the handler of call `sequence`, sent before its result; dropped when
  // that call is no longer the one running (answered, cancelled).
  void handler_notice(uint64_t sequence, const PgError& notice);
  // A notification on `channel`: delivered (NotificationResponse) if this session LISTENs to
  // it, when it is idle outside a transaction block, as PostgreSQL delivers them.
  void notify(const std::string& channel, const std::string& payload, int32_t sender_pid);
  // statement_timeout / idle_in_transaction_session_timeout of the session (SET or startup
  // option); zero when off.
  std::chrono::milliseconds statement_timeout() const;
  std::chrono::milliseconds idle_in_transaction_timeout() const;
  // The socket is gone: stop everything in flight and ignore later completions.
  void transport_closed();
  // The connection is encrypted (after an SSLRequest, or direct TLS: a later SSLRequest is
  // answered 'N'). cert_hash: the tls-server-end-point channel binding data (RFC 5929), empty
  // when the certificate has none; with it SCRAM-SHA-256-PLUS is offered.
  void tls_established(std::string cert_hash = {}) {
    tls_negotiated_ = true;
    cert_hash_ = std::move(cert_hash);
  }

  // Ends the session with a FATAL error (server shutdown, timeouts).
  void terminate(const PgError& error) { fatal(error); }

  bool wants_input() const { return queued_bytes_ < config_.max_queued_input; }
  // True while waiting for the application or streaming rows.
  bool busy() const {
    return pending_ != Pending::NONE || simple_.has_value() || copy_in_receiving_;
  }
  // While the application works on a statement, what is queued (BindComplete, say) can wait for
  // its answer, as PostgreSQL flushes only at ReadyForQuery, Flush, a notice or a full buffer:
  // one write and one client wake-up per round trip instead of two.
  bool holding_output() const {
    return pending_ == Pending::HANDLER && op_ != Op::COPY_IN && !copy_in_receiving_;
  }
  bool closed() const { return phase_ == Phase::CLOSED; }
  bool admitted() const { return admitted_; }
  uint64_t connection_id() const { return connection_id_; }
  const std::string& user() const { return user_; }
  const std::string& database() const { return database_; }
  wire::TransactionStatus transaction_status() const { return tx_; }
  const SessionSettings& settings() const { return settings_; }

 private:
  enum class Phase { STARTUP, AWAIT_PASSWORD, ADMITTING, READY, CLOSED };
  enum class Pending { NONE, ADMISSION, HANDLER, STREAM, CATALOG };
  // What a pending handler call / stream belongs to.
  enum class Op { SIMPLE, DESCRIBE_STATEMENT, DESCRIBE_PORTAL, DESCRIBE_EXECUTE, EXECUTE, COPY_IN };

  struct Statement {
    std::string sql;
    std::vector<uint32_t> parameter_types;  // resolved (never 0)
    std::vector<bool> typed_by_client;      // Parse gave the type: a handler cannot change it
    std::optional<sql::StatementInfo> info;
    bool described = false;
    bool returns_rows = false;
    bool empty = false;  // only whitespace, comments, ';': EmptyQueryResponse, no handler
    bool told = false;   // its RowDescription / NoData went to the client (Describe S)
    std::vector<types::ColumnDescription> columns;  // cached schema (formats all text)
    std::vector<bool> binary_ok;                    // per column: a binary encoder exists
    std::shared_ptr<const catalog::PreparedCatalogQuery> catalog;  // answered by the catalog engine
    // The handler's result columns that are registered tables' columns (column_origins).
    std::shared_ptr<const std::vector<types::ColumnDescription>> origins;
    void set_columns(std::vector<types::ColumnDescription> cols, const types::ResultEncoder* enc) {
      described = true;
      returns_rows = !cols.empty();
      binary_ok.assign(cols.size(), true);  // session-answered columns have binary forms
      for (size_t i = 0; enc && i < cols.size(); ++i) binary_ok[i] = enc->binary_supported(i);
      for (auto& c : cols) c.format = wire::Format::TEXT;
      columns = std::move(cols);
    }
  };
  struct Portal {
    std::shared_ptr<Statement> statement;
    std::vector<QueryArg> args;
    std::vector<int16_t> result_formats;
    ResultCursorPtr cursor;     // rows in flight (suspended portal)
    bool completed = false;     // ran to completion
    bool told = false;          // Describe(portal) answered: the client holds its columns
    std::string completed_tag;  // tag of a completed command portal
    std::shared_ptr<std::deque<std::string>> catalog_rows;  // catalog result: DataRows not yet sent
  };
  struct SimpleQuery {
    std::string sql;
    std::vector<sql::StatementRange> statements;
    size_t index = 0;
  };

  // session.cpp: framing, startup, dispatch, completions
  void drive();
  bool decode_input();
  void handle_startup_packet(wire::StartupPacket packet);
  void request_admission(std::optional<std::string> password);
  // auth/session_auth.cpp: the host-based rule, then the method's exchange
  void begin_authentication();
  void start_md5(const std::string& verifier);
  void start_scram(const ScramVerifier* verifier);  // null: unknown user (mock exchange)
  void start_cleartext(bool check_stored);
  void handle_password(const wire::PasswordMessage& m);
  void handle_sasl(const wire::PasswordMessage& m);
  void finish_startup();
  void dispatch(wire::FrontendMessage& m);
  void send_error(const PgError& e);
  void send_ready();
  void flush_parameter_status();
  void fatal(const PgError& e);
  void begin_handler_call(Op op, std::string sql, bool do_describe, bool with_args,
                          std::vector<QueryArg> args, PrefetchSpec prefetch = {},
                          std::shared_ptr<CopyInChannel> copy_in = nullptr);
  PrefetchSpec prefetch_spec(const std::vector<int16_t>& result_formats, int64_t max_rows) const;
  // The columns (with formats) the client holds for a portal from an earlier Describe, if any.
  std::optional<std::vector<types::ColumnDescription>> told_columns(const Portal& p) const;
  // The cursor for a ROWS reply (built by prefetch_rows or here), formats applied.
  // described: the RowDescription the client holds, when it holds one (rows must match it).
  ResultCursorPtr cursor_for(
      HandlerReply& reply, const std::vector<int16_t>& result_formats, PgError* error,
      const std::vector<types::ColumnDescription>* described = nullptr) const;
  // Sends prefetched rows, then either finishes the statement or streams the rest.
  void deliver_rows(Op op, HandlerReply& reply, ResultCursorPtr cursor, int64_t max_rows);
  void finish_rows(Op op, StreamOutcome& outcome);
  void begin_stream(Op op, ResultCursorPtr cursor, int64_t max_rows);
  // An encoder for a ROWS reply under the current settings; nullptr and *error if unsupported.
  types::ResultEncoderPtr encoder_for(HandlerReply& reply, PgError* error) const;

  // simple_query.cpp
  void start_simple_query(std::string sql);
  void next_simple_statement();
  void finish_simple_statement_error(const PgError& e);
  void simple_handler_reply(HandlerReply& reply);
  void simple_stream_done(StreamOutcome& outcome);
  void end_simple_query();
  // Bind-style result format codes for the current COPY: all binary, or all text.
  std::vector<int16_t> copy_formats() const {
    return copy_ && copy_->format == sql::CopySpec::Format::BINARY ? std::vector<int16_t>{1}
                                                                   : std::vector<int16_t>{};
  }

  // extended_query.cpp
  void handle_parse(wire::Parse& m);
  void handle_bind(wire::Bind& m);
  void handle_describe(wire::Describe& m);
  void handle_execute(wire::Execute& m);
  void handle_close(wire::Close& m);
  void handle_sync();
  void extended_error(const PgError& e);
  void describe_reply(HandlerReply& reply);
  void execute_reply(HandlerReply& reply);
  void execute_stream_done(StreamOutcome& outcome);
  // The handler's answer to the query of a COPY … TO STDOUT run by Execute.
  void copy_execute_reply(HandlerReply& reply);
  // The statement's cached columns with the portal's result formats applied.
  std::vector<types::ColumnDescription> portal_columns(const Portal& p) const;

  // copy_in_flow.cpp: COPY … FROM STDIN (simple and extended protocol)
  // Starts it: CopyInResponse and the application's call. False (and error) when refused
  // before the client sends data (bad options, unknown columns, no copy-in hook).
  bool start_copy_in(const sql::CopySpec& spec, PgError& error);
  std::vector<CopyInColumn> copy_in_columns(const sql::CopySpec& spec, PgError& error) const;
  // Handles the next queued message in copy-in mode; false when it must wait for input/room.
  bool copy_in_step();
  void copy_in_reply(HandlerReply& reply);
  // Ends the COPY statement: error (sent now) or its CommandComplete tag.
  void finish_copy_in(const PgError* error, const std::string& tag);

  // catalog_query.cpp: statements the catalog engine answers
  bool is_catalog_statement(const std::string& sql) const;
  catalog::SessionInfo catalog_session() const;
  static std::vector<types::ColumnDescription> catalog_columns(
      const catalog::PreparedCatalogQuery& q);
  // A SELECT the handler answers, bound over the registered objects (catalog emulation, eager
  // registration): per output column, the table OID, attnum and registered type of a plain
  // column reference (table OID 0 otherwise); null when the engine cannot bind it or no
  // column is a table's.
  std::shared_ptr<const std::vector<types::ColumnDescription>> column_origins(
      const std::string& sql, const std::vector<uint32_t>& parameter_types) const;
  // Parameters still untyped after casts take the types the registered tables give them
  // (comparisons with columns, INSERT / UPDATE targets), as PostgreSQL infers them.
  void infer_from_registered_tables(Statement& st) const;
  // Not const: it consumes the lazy source's snapshot (or error) loaded for this statement.
  std::shared_ptr<const catalog::PreparedCatalogQuery> prepare_catalog(
      const std::string& sql, const std::vector<uint32_t>& declared, PgError& error);
  // Runs q; its DataRows (formats of cols) appended to rows. False and error on failure.
  bool run_catalog(const catalog::PreparedCatalogQuery& q, const std::vector<QueryArg>& args,
                   const std::vector<types::ColumnDescription>& cols, std::deque<std::string>& rows,
                   PgError& error) const;
  // Simple query: true when the statement was the engine's (answered or failed).
  bool answer_catalog_simple(const std::string& sql);
  // With a lazy source: starts loading its objects and returns true (the statement waits).
  bool await_lazy_catalog();
  void execute_catalog(Portal& portal, int64_t max_rows);

  // session_commands.cpp: statements the core answers itself
  // Returns true when the statement was answered (output written, tx updated).
  // params: the portal's parameters (extended protocol), for session functions given $n.
  bool try_session_command(const sql::StatementInfo& info, bool send_row_description,
                           const std::vector<wire::Format>* formats, std::string& tag,
                           PgError& error, bool& failed,
                           const std::vector<QueryArg>* params = nullptr);
  std::optional<std::vector<types::ColumnDescription>> session_command_columns(
      const sql::StatementInfo& info) const;
  // Why a statement may not run in the current transaction state, as PostgreSQL refuses it
  // before execution: 25P02 in a failed block, 25P01 for savepoint statements outside a block,
  // 3B001 for an unknown savepoint. info null: a statement the session did not analyse.
  std::optional<PgError> transaction_precheck(const sql::StatementInfo* info) const;
  // PostgreSQL's IsTransactionExitStmt: COMMIT, ROLLBACK, ROLLBACK TO (may run when failed).
  static bool ends_failed_block(const sql::StatementInfo* info);
  static PgError failed_transaction_error();
  // The value of one session function (version(), current_setting(…), …); false on error.
  bool session_call_value(const sql::SessionCall& call, const std::vector<QueryArg>* params,
                          std::optional<std::string>& value, PgError& error);
  void apply_transaction_effect(const sql::StatementInfo* info, bool success);
  std::optional<sql::StatementInfo> analyze_if_session_command(const std::string& sql) const;

  SessionConfig config_;
  SessionHost& host_;
  uint64_t connection_id_;
  int32_t process_id_;
  int32_t secret_key_;
  wire::FrameDecoder decoder_;
  SessionSettings settings_;

  Phase phase_ = Phase::STARTUP;
  Pending pending_ = Pending::NONE;
  Op op_ = Op::SIMPLE;
  uint64_t sequence_ = 0;
  std::shared_ptr<std::atomic<bool>> cancel_flag_;
  std::optional<PgError> cancel_reason_;  // why the running statement was cancelled
  bool admitted_ = false;
  bool tls_negotiated_ = false;
  std::string cert_hash_;  // channel binding data of the TLS connection
  std::unique_ptr<ScramExchange> scram_;
  bool check_stored_password_ = false;       // hba "password": check against stored secrets
  std::optional<std::string> md5_verifier_;  // MD5 login under way: the user's verifier
  std::string md5_salt_;
  bool scram_first_done_ = false;
  std::string user_;
  std::string database_;
  std::optional<wire::StartupMessage> startup_;

  std::string input_;
  size_t input_pos_ = 0;
  std::deque<wire::FrontendMessage> queue_;
  size_t queued_bytes_ = 0;

  wire::TransactionStatus tx_ = wire::TransactionStatus::IDLE;
  std::vector<std::string> savepoints_;
  std::set<std::string> listening_;                                // LISTEN channels
  std::deque<std::pair<std::string, std::string>> notifications_;  // channel, payload: waiting
  int32_t notify_sender_ = 0;
  void deliver_notifications();  // of the open block, oldest first (names may repeat)
  bool ignore_till_sync_ = false;
  std::optional<SimpleQuery> simple_;
  std::optional<sql::CopySpec> copy_;  // the simple-query statement is COPY … TO STDOUT
  ResultCursorPtr copy_cursor_;        // its cursor (for the binary header/trailer at the end)
  std::shared_ptr<CopyInChannel> copy_in_;          // COPY FROM STDIN: the upload, until its end
  bool copy_in_receiving_ = false;                  // the client is in copy-in mode (CopyData …)
  std::optional<std::string> copy_in_tag_;          // the application answered before CopyDone
  std::optional<sql::StatementInfo> current_info_;  // statement being run (tx effects)
  std::map<std::string, std::shared_ptr<Statement>> statements_;
  std::map<std::string, std::shared_ptr<Portal>> portals_;
  std::string current_portal_;
  std::shared_ptr<Statement> describing_;  // statement whose schema a handler call will fill
  // Column origins of the handler call in flight (its PrefetchSpec's), for replies encoded here.
  std::shared_ptr<const std::vector<types::ColumnDescription>> call_origins_;
  int64_t execute_max_rows_ = 0;
  int64_t prefetched_rows_ = 0;  // rows already sent for the statement being streamed
  std::shared_ptr<const catalog::CatalogSnapshot> lazy_snapshot_;  // loaded for the next statement
  std::optional<PgError> lazy_error_;                              // the source failed
};

}  // namespace riffq::session
