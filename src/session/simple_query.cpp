// simple_query.cpp — the simple query protocol: one Query, many statements, one ReadyForQuery.
#include <algorithm>
#include <iterator>
#include <optional>

#include "riffq/common/utf8.hpp"
#include "riffq/session/copy_out.hpp"
#include "riffq/session/session.hpp"
#include "riffq/wire/backend_messages.hpp"

namespace riffq::session {

void Session::start_simple_query(std::string sql) {
  if (auto bad = check_client_utf8(sql)) {  // as PostgreSQL, before anything is parsed
    send_error(*bad);
    send_ready();
    return;
  }
  if (sql::is_empty_query(sql)) {
    std::string out;
    wire::write_empty(out, wire::msg::EMPTY_QUERY_RESPONSE);
    host_.send(std::move(out));
    send_ready();
    return;
  }
  SimpleQuery q;
  q.statements = sql::split_statements(sql);
  q.sql = std::move(sql);
  simple_ = std::move(q);
}

namespace {

// PostgreSQL's parse analysis of these statements has no parameters to resolve `$n` against in
// the simple protocol: 42P02 (PREPARE … AS and function bodies legitimately hold `$n`).
bool refuses_parameters(const std::string& keyword) {
  static const char* const kinds[] = {"select", "values", "table", "with",    "insert",
                                      "update", "delete", "merge", "explain", "declare"};
  return std::find(std::begin(kinds), std::end(kinds), keyword) != std::end(kinds);
}

// 42P02 "there is no parameter $n" for the first `$n` of a statement sent with the simple
// protocol, positioned in the whole Query string (base: the statement's byte offset in it) as
// PostgreSQL counts: in characters, from 1.
std::optional<PgError> unbound_parameter(const std::string& text, const std::string& query,
                                         size_t base) {
  if (text.find('$') == std::string::npos || !refuses_parameters(sql::first_keyword(text)))
    return std::nullopt;
  std::vector<sql::ParamToken> refs = sql::param_tokens(text);
  if (refs.empty() || sql::analyze_statement(text).kind == sql::StatementKind::UNPARSEABLE)
    return std::nullopt;  // not PostgreSQL SQL (another dialect): the handler's to judge
  PgError e = PgError::error("42P02", "there is no parameter $" + std::to_string(refs[0].number));
  const size_t end = std::min(query.size(), base + refs[0].offset);
  e.position = 1 + int32_t(std::count_if(query.begin(), query.begin() + long(end),
                                         [](char c) { return (uint8_t(c) & 0xC0) != 0x80; }));
  return e;
}

}  // namespace

void Session::next_simple_statement() {
  SimpleQuery& q = *simple_;
  if (q.index >= q.statements.size()) {
    end_simple_query();
    return;
  }
  // A single statement goes to the handler byte for byte; several are cut at their bounds.
  const sql::StatementRange& r = q.statements[q.index];
  std::string text = q.statements.size() == 1 ? q.sql : q.sql.substr(r.offset, r.length);
  current_info_ = analyze_if_session_command(text);
  if (auto refused = transaction_precheck(current_info_ ? &*current_info_ : nullptr)) {
    finish_simple_statement_error(*refused);
    return;
  }
  if (current_info_ && current_info_->kind == sql::StatementKind::COPY_FROM_STDIN) {
    PgError error;
    if (!start_copy_in(*current_info_->copy, error)) finish_simple_statement_error(error);
    return;
  }
  if (current_info_) {
    std::string tag;
    PgError error;
    bool failed = false;
    if (try_session_command(*current_info_, true, nullptr, tag, error, failed)) {
      if (failed) {
        finish_simple_statement_error(error);
        return;
      }
      std::string out;
      wire::write_command_complete(out, tag);
      host_.send(std::move(out));
      ++q.index;
      return;
    }
  }
  if (auto e = unbound_parameter(text, q.sql, q.statements.size() == 1 ? 0 : r.offset)) {
    finish_simple_statement_error(*e);
    return;
  }
  copy_.reset();
  // Session selects the core could not answer (pg_is_in_recovery() inside a CASE, …) may still
  // be catalog statements.
  const bool maybe_catalog = !current_info_ || current_info_->kind == sql::StatementKind::QUERY ||
                             current_info_->kind == sql::StatementKind::SESSION_SELECT;
  if (maybe_catalog && answer_catalog_simple(text)) return;
  if (current_info_ && current_info_->kind == sql::StatementKind::COPY_TO_STDOUT) {
    // COPY (query) TO STDOUT: the handler answers the query; its rows leave as CopyData.
    copy_ = current_info_->copy;
    PrefetchSpec spec = prefetch_spec(copy_formats(), 0);
    spec.copy = copy_;
    begin_handler_call(Op::SIMPLE, copy_->query, false, false, {}, std::move(spec));
    return;
  }
  PrefetchSpec spec = prefetch_spec({}, 0);
  spec.origins = column_origins(text, {});
  begin_handler_call(Op::SIMPLE, std::move(text), false, false, {}, std::move(spec));
}

namespace {

// The tag PostgreSQL sends for the statements the core recognises that return no rows.
std::optional<std::string> command_tag(const sql::StatementInfo* info) {
  if (info == nullptr) return std::nullopt;
  switch (info->kind) {
    case sql::StatementKind::BEGIN:
      return "BEGIN";
    case sql::StatementKind::COMMIT:
      return "COMMIT";
    case sql::StatementKind::ROLLBACK:
      return "ROLLBACK";
    case sql::StatementKind::SAVEPOINT:
      return info->savepoint_op == sql::SavepointOp::DEFINE    ? "SAVEPOINT"
             : info->savepoint_op == sql::SavepointOp::RELEASE ? "RELEASE"
                                                               : "ROLLBACK";
    case sql::StatementKind::SET:
    case sql::StatementKind::SET_MULTI:
      return "SET";
    case sql::StatementKind::RESET:
    case sql::StatementKind::RESET_ALL:
      return "RESET";
    default:
      return std::nullopt;
  }
}

}  // namespace

void Session::simple_handler_reply(HandlerReply& reply) {
  switch (reply.kind) {
    case HandlerReply::Kind::ERROR:
      finish_simple_statement_error(reply.error);
      return;
    case HandlerReply::Kind::TAG: {
      if (copy_) {
        finish_simple_statement_error(PgError::error(
            sqlstate::FEATURE_NOT_SUPPORTED, "the query of COPY … TO STDOUT returned no rows"));
        return;
      }
      bool was_failed = tx_ == wire::TransactionStatus::FAILED;
      apply_transaction_effect(current_info_ ? &*current_info_ : nullptr, true);
      std::string tag = reply.tag;
      if (was_failed && current_info_ && current_info_->kind == sql::StatementKind::COMMIT)
        tag = "ROLLBACK";  // COMMIT of an aborted transaction rolls back
      std::string out;
      wire::write_command_complete(out, tag);
      host_.send(std::move(out));
      ++simple_->index;
      return;
    }
    case HandlerReply::Kind::ROWS: {
      PgError error;
      auto cursor = cursor_for(reply, copy_ ? copy_formats() : std::vector<int16_t>{}, &error);
      if (!cursor) {
        finish_simple_statement_error(error);
        return;
      }
      // A transaction or SET statement the handler answered with a result (DuckDB's BEGIN
      // returns a "Success" column): PostgreSQL never returns rows for these, and clients
      // expect the statement's own tag (psycopg2 fails on anything else).
      if (!copy_)
        if (auto tag = command_tag(current_info_ ? &*current_info_ : nullptr)) {
          HandlerReply as_tag = HandlerReply::make_tag(*tag);
          simple_handler_reply(as_tag);
          return;
        }
      std::string out;
      if (copy_) {
        if (auto e = check_copy_columns(*copy_, *cursor->encoder)) {
          finish_simple_statement_error(*e);
          return;
        }
        if (!cursor->copy) {  // not prefetched: set up here
          cursor->copy = copy_;
          cursor->copy_header_pending = copy_->format == sql::CopySpec::Format::BINARY;
        }
        copy_cursor_ = cursor;
        write_copy_out_start(out, *copy_, cursor->encoder->columns());
      } else {
        wire::write_row_description(out, cursor->encoder->columns());
      }
      host_.send(std::move(out));
      deliver_rows(Op::SIMPLE, reply, std::move(cursor), 0);
      return;
    }
  }
}

void Session::simple_stream_done(StreamOutcome& outcome) {
  if (outcome.error) {
    finish_simple_statement_error(*outcome.error);
    return;
  }
  apply_transaction_effect(current_info_ ? &*current_info_ : nullptr, true);
  std::string out;
  if (copy_) {
    write_copy_out_end(out, *copy_, copy_cursor_ && copy_cursor_->copy_header_pending);
    wire::write_command_complete(out, "COPY " + std::to_string(outcome.rows));
    copy_.reset();
    copy_cursor_.reset();
  } else {
    wire::write_command_complete(out, "SELECT " + std::to_string(outcome.rows));
  }
  host_.send(std::move(out));
  ++simple_->index;
}

// Reports an error and abandons the rest of the Query string (PostgreSQL semantics).
void Session::finish_simple_statement_error(const PgError& e) {
  send_error(e);
  if (phase_ == Phase::CLOSED) return;
  // COMMIT / ROLLBACK end the block even when the application reports a failure, so a
  // client can always leave the aborted state.
  if (current_info_ && (current_info_->kind == sql::StatementKind::COMMIT ||
                        current_info_->kind == sql::StatementKind::ROLLBACK))
    tx_ = wire::TransactionStatus::IDLE;
  end_simple_query();
}

void Session::end_simple_query() {
  simple_.reset();
  copy_.reset();
  copy_cursor_.reset();
  current_info_.reset();
  send_ready();
}

}  // namespace riffq::session
