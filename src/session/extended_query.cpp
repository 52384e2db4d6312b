// extended_query.cpp — Parse / Bind / Describe / Execute / Close / Sync.
#include "riffq/common/utf8.hpp"
#include "riffq/session/copy_out.hpp"
#include "riffq/session/session.hpp"
#include "riffq/types/pg_types.hpp"
#include "riffq/wire/backend_messages.hpp"

namespace riffq::session {
namespace {

constexpr uint32_t TEXT_OID = 25;

std::string quoted_statement(const std::string& name) {
  return name.empty() ? "unnamed prepared statement" : "prepared statement \"" + name + "\"";
}

bool is_session_kind(sql::StatementKind k) {
  return k != sql::StatementKind::UNPARSEABLE && k != sql::StatementKind::QUERY &&
         k != sql::StatementKind::COMMAND;
}

}  // namespace

void Session::extended_error(const PgError& e) {
  send_error(e);
  ignore_till_sync_ = phase_ != Phase::CLOSED;
}

void Session::handle_parse(wire::Parse& m) {
  if (auto bad = check_client_utf8(m.sql)) {
    extended_error(*bad);
    return;
  }
  if (!m.statement.empty() && statements_.count(m.statement)) {
    extended_error(PgError::error(sqlstate::DUPLICATE_PREPARED_STATEMENT,
                                  "prepared statement \"" + m.statement + "\" already exists"));
    return;
  }
  if (sql::split_statements(m.sql).size() > 1) {
    extended_error(PgError::error(sqlstate::SYNTAX_ERROR,
                                  "cannot insert multiple commands into a prepared statement"));
    return;
  }
  auto st = std::make_shared<Statement>();
  st->empty = sql::is_empty_query(m.sql);
  if (st->empty) st->set_columns({}, nullptr);  // Describe answers NoData
  st->sql = std::move(m.sql);
  st->info = sql::analyze_statement(st->sql);
  // As PostgreSQL's exec_parse_message: a failed block parses only its way out (and nothing).
  if (tx_ == wire::TransactionStatus::FAILED && !st->empty && !ends_failed_block(&*st->info)) {
    extended_error(failed_transaction_error());
    return;
  }
  size_t nparams = std::max<size_t>(m.parameter_types.size(), size_t(st->info->max_param));
  if (nparams > wire::MAX_PARAMETERS) {
    extended_error(PgError::error(sqlstate::PROGRAM_LIMIT_EXCEEDED, "too many parameters"));
    return;
  }
  // Declared types win; undeclared ones take the type of an explicit cast ($1::int4), as
  // PostgreSQL infers them, and default to text.
  st->parameter_types.assign(nparams, 0);
  st->typed_by_client.assign(nparams, false);
  for (size_t i = 0; i < m.parameter_types.size(); ++i) {
    st->parameter_types[i] = m.parameter_types[i];
    st->typed_by_client[i] = m.parameter_types[i] != 0;
  }
  for (const auto& cast : st->info->param_casts) {
    size_t i = static_cast<size_t>(cast.param - 1);
    if (i >= nparams || st->parameter_types[i] != 0) continue;
    uint32_t t = types::pg_type_oid(cast.type_name);
    if (t != 0 && cast.is_array) t = types::pg_array_type(t).oid;
    st->parameter_types[i] = t;
  }
  infer_from_registered_tables(*st);
  if ((st->info->kind == sql::StatementKind::QUERY ||
       st->info->kind == sql::StatementKind::SESSION_SELECT) &&
      is_catalog_statement(st->sql)) {
    if (await_lazy_catalog()) {  // Parse again once the lazy source's objects are loaded
      m.sql = std::move(st->sql);
      queue_.push_front(wire::FrontendMessage(std::move(m)));
      return;
    }
    // The engine infers the parameters' types from their context, as PostgreSQL's parser.
    PgError error;
    st->catalog = prepare_catalog(st->sql, m.parameter_types, error);
    if (!st->catalog) {
      extended_error(error);
      return;
    }
    st->parameter_types.resize(
        std::max(st->parameter_types.size(), st->catalog->param_types.size()), 0);
    for (size_t i = 0; i < st->catalog->param_types.size(); ++i)
      if (st->parameter_types[i] == 0 || i >= m.parameter_types.size())
        st->parameter_types[i] = st->catalog->param_types[i].oid;
    st->set_columns(catalog_columns(*st->catalog), nullptr);
  } else if (st->info->kind == sql::StatementKind::QUERY) {
    st->origins = column_origins(st->sql, st->parameter_types);
  }
  for (auto& t : st->parameter_types)
    if (t == 0) t = TEXT_OID;
  statements_[m.statement] = std::move(st);
  std::string out;
  wire::write_empty(out, wire::msg::PARSE_COMPLETE);
  host_.send(std::move(out));
}

void Session::handle_bind(wire::Bind& m) {
  auto it = statements_.find(m.statement);
  if (it == statements_.end()) {
    extended_error(PgError::error(sqlstate::INVALID_SQL_STATEMENT_NAME,
                                  quoted_statement(m.statement) + " does not exist"));
    return;
  }
  if (!m.portal.empty() && portals_.count(m.portal)) {
    extended_error(
        PgError::error(sqlstate::DUPLICATE_CURSOR, "cursor \"" + m.portal + "\" already exists"));
    return;
  }
  const auto& st = it->second;
  size_t n = m.parameters.size();
  if (n != st->parameter_types.size()) {
    extended_error(PgError::error(sqlstate::PROTOCOL_VIOLATION,
                                  "bind message supplies " + std::to_string(n) +
                                      " parameters, but " + quoted_statement(m.statement) +
                                      " requires " + std::to_string(st->parameter_types.size())));
    return;
  }
  size_t nformats = m.parameter_formats.size();
  if (nformats > 1 && nformats != n) {
    extended_error(PgError::error(sqlstate::PROTOCOL_VIOLATION,
                                  "bind message has " + std::to_string(nformats) +
                                      " parameter formats but " + std::to_string(n) +
                                      " parameters"));
    return;
  }
  // As PostgreSQL's exec_bind_message: in a failed block only a parameterless COMMIT /
  // ROLLBACK / ROLLBACK TO can be bound (an empty statement cannot either).
  if (tx_ == wire::TransactionStatus::FAILED &&
      (!ends_failed_block(st->info ? &*st->info : nullptr) || n != 0)) {
    extended_error(failed_transaction_error());
    return;
  }
  auto portal = std::make_shared<Portal>();
  portal->statement = st;
  portal->args.resize(n);
  for (size_t i = 0; i < n; ++i) {
    int16_t f = nformats == 0 ? 0 : m.parameter_formats[nformats == 1 ? 0 : i];
    if (f != 0 && f != 1) {
      extended_error(PgError::error(sqlstate::PROTOCOL_VIOLATION,
                                    "unsupported format code: " + std::to_string(f)));
      return;
    }
    portal->args[i].value = std::move(m.parameters[i]);
    portal->args[i].type_oid = st->parameter_types[i];
    portal->args[i].format = static_cast<wire::Format>(f);
  }
  for (int16_t f : m.result_formats) {
    if (f != 0 && f != 1) {
      extended_error(PgError::error(sqlstate::PROTOCOL_VIOLATION,
                                    "unsupported format code: " + std::to_string(f)));
      return;
    }
  }
  portal->result_formats = std::move(m.result_formats);
  portals_[m.portal] = std::move(portal);
  std::string out;
  wire::write_empty(out, wire::msg::BIND_COMPLETE);
  host_.send(std::move(out));
}

std::vector<types::ColumnDescription> Session::portal_columns(const Portal& p) const {
  auto cols = p.statement->columns;
  const auto& codes = p.result_formats;
  for (size_t i = 0; i < cols.size(); ++i) {
    int16_t code = codes.empty()       ? 0
                   : codes.size() == 1 ? codes[0]
                   : i < codes.size()  ? codes[i]
                                       : 0;
    // Same rule as resolve_formats(): binary only where a binary encoder exists.
    bool ok = i < p.statement->binary_ok.size() && p.statement->binary_ok[i];
    cols[i].format = code == 1 && ok ? wire::Format::BINARY : wire::Format::TEXT;
  }
  return cols;
}

void Session::handle_describe(wire::Describe& m) {
  std::string out;
  if (m.kind == 'S') {
    auto it = statements_.find(m.name);
    if (it == statements_.end()) {
      extended_error(PgError::error(sqlstate::INVALID_SQL_STATEMENT_NAME,
                                    quoted_statement(m.name) + " does not exist"));
      return;
    }
    auto& st = it->second;
    if (!st->described && st->info && st->info->kind != sql::StatementKind::UNPARSEABLE &&
        st->info->kind != sql::StatementKind::QUERY) {
      // Known not to return rows (or answered by the session): no handler call needed.
      auto cols = is_session_kind(st->info->kind)
                      ? session_command_columns(*st->info)
                      : std::optional<std::vector<types::ColumnDescription>>(
                            std::vector<types::ColumnDescription>{});
      if (cols) st->set_columns(std::move(*cols), nullptr);
    }
    if (st->described) {
      wire::write_parameter_description(out, st->parameter_types);
      if (st->returns_rows)
        wire::write_row_description(out, st->columns);
      else
        wire::write_empty(out, wire::msg::NO_DATA_MESSAGE);
      st->told = true;
      host_.send(std::move(out));
      return;
    }
    // ParameterDescription waits for the handler: its describe answer may type parameters.
    describing_ = st;
    PrefetchSpec origins;  // not enabled: a describe answer has no rows
    origins.origins = st->origins;
    begin_handler_call(Op::DESCRIBE_STATEMENT, st->sql, true, false, {}, std::move(origins));
    return;
  }
  auto it = portals_.find(m.name);
  if (it == portals_.end()) {
    extended_error(
        PgError::error(sqlstate::INVALID_CURSOR_NAME, "portal \"" + m.name + "\" does not exist"));
    return;
  }
  auto& portal = it->second;
  auto& st = portal->statement;
  if (!st->described && st->info && is_session_kind(st->info->kind)) {
    if (auto cols = session_command_columns(*st->info)) st->set_columns(std::move(*cols), nullptr);
  } else if (!st->described && st->info && st->info->kind == sql::StatementKind::COMMAND) {
    st->set_columns({}, nullptr);
  }
  if (st->described || portal->cursor) {
    if (st->returns_rows) {
      wire::write_row_description(out, portal_columns(*portal));
    } else {
      wire::write_empty(out, wire::msg::NO_DATA_MESSAGE);
    }
    portal->told = true;
    host_.send(std::move(out));
    return;
  }
  describing_ = st;
  current_portal_ = m.name;
  // Describe(portal) immediately followed by Execute(portal), as psycopg, node-postgres and
  // JDBC send it: run the handler once and take the schema from the real result.
  if (!queue_.empty()) {
    if (auto* ex = std::get_if<wire::Execute>(&queue_.front()); ex && ex->portal == m.name) {
      execute_max_rows_ = ex->max_rows;
      queue_.pop_front();
      current_info_ = st->info;
      if (auto refused = transaction_precheck(st->info ? &*st->info : nullptr)) {
        extended_error(*refused);
        return;
      }
      PrefetchSpec spec = prefetch_spec(portal->result_formats, execute_max_rows_);
      spec.origins = st->origins;
      begin_handler_call(Op::DESCRIBE_EXECUTE, st->sql, false, true, portal->args, std::move(spec));
      return;
    }
  }
  PrefetchSpec origins;  // not enabled: a describe answer has no rows
  origins.origins = st->origins;
  begin_handler_call(Op::DESCRIBE_PORTAL, st->sql, true, true, portal->args, std::move(origins));
}

void Session::describe_reply(HandlerReply& reply) {
  auto st = std::move(describing_);
  if (reply.kind == HandlerReply::Kind::ERROR) {
    extended_error(reply.error);
    return;
  }
  std::string out;
  if (op_ == Op::DESCRIBE_STATEMENT) {
    for (size_t i = 0; i < reply.parameter_types.size() && i < st->parameter_types.size(); ++i)
      if (reply.parameter_types[i] != 0 &&
          !(i < st->typed_by_client.size() && st->typed_by_client[i]))
        st->parameter_types[i] = reply.parameter_types[i];
    wire::write_parameter_description(out, st->parameter_types);
  }
  if (reply.kind == HandlerReply::Kind::TAG) {
    st->set_columns({}, nullptr);
    wire::write_empty(out, wire::msg::NO_DATA_MESSAGE);
    host_.send(std::move(out));
    return;
  }
  PgError error;
  auto encoder = encoder_for(reply, &error);
  if (!encoder) {
    extended_error(error);
    return;
  }
  st->set_columns(encoder->columns(), encoder.get());
  auto cols = st->columns;
  if (op_ == Op::DESCRIBE_PORTAL) {
    auto it = portals_.find(current_portal_);
    if (it != portals_.end()) {
      cols = portal_columns(*it->second);
      it->second->told = true;
    }
  } else {
    st->told = true;
  }
  wire::write_row_description(out, cols);
  host_.send(std::move(out));
}

void Session::handle_execute(wire::Execute& m) {
  auto it = portals_.find(m.portal);
  if (it == portals_.end()) {
    extended_error(PgError::error(sqlstate::INVALID_CURSOR_NAME,
                                  "portal \"" + m.portal + "\" does not exist"));
    return;
  }
  auto& portal = it->second;
  current_portal_ = m.portal;
  execute_max_rows_ = m.max_rows;
  if (portal->cursor) {
    if (portal->cursor->exhausted) {
      std::string out;
      wire::write_command_complete(out, "SELECT 0");
      host_.send(std::move(out));
      return;
    }
    begin_stream(Op::EXECUTE, portal->cursor, m.max_rows);
    return;
  }
  if (portal->completed && !portal->statement->catalog) {
    extended_error(
        PgError::error(sqlstate::OBJECT_NOT_IN_STATE, "portal \"" + m.portal + "\" cannot be run"));
    return;
  }
  auto& st = portal->statement;
  if (st->empty) {  // as PostgreSQL: no statement, so no transaction effect either
    std::string out;
    wire::write_empty(out, wire::msg::EMPTY_QUERY_RESPONSE);
    host_.send(std::move(out));
    portal->completed = true;
    return;
  }
  current_info_ = st->info;
  if (auto refused = transaction_precheck(st->info ? &*st->info : nullptr)) {
    extended_error(*refused);
    return;
  }
  copy_.reset();
  if (st->info && st->info->kind == sql::StatementKind::COPY_FROM_STDIN) {
    PgError error;
    if (!start_copy_in(*st->info->copy, error)) extended_error(error);
    return;
  }
  if (st->info && st->info->kind == sql::StatementKind::COPY_TO_STDOUT) {
    // The handler answers the inner query; its rows leave as CopyData (CopyOutResponse).
    copy_ = st->info->copy;
    PrefetchSpec spec = prefetch_spec(copy_formats(), 0);
    spec.copy = copy_;
    begin_handler_call(Op::EXECUTE, copy_->query, false, false, {}, std::move(spec));
    return;
  }
  if (st->info && is_session_kind(st->info->kind)) {
    std::string tag;
    PgError error;
    bool failed = false;
    if (!st->described)
      if (auto cols = session_command_columns(*st->info))
        st->set_columns(std::move(*cols), nullptr);
    std::vector<wire::Format> formats;
    for (const auto& c : portal_columns(*portal)) formats.push_back(c.format);
    if (try_session_command(*st->info, false, &formats, tag, error, failed, &portal->args)) {
      if (failed) {
        extended_error(error);
        return;
      }
      std::string out;
      wire::write_command_complete(out, tag);
      host_.send(std::move(out));
      portal->completed = true;
      return;
    }
  }
  if (st->catalog) {
    execute_catalog(*portal, m.max_rows);
    return;
  }
  PrefetchSpec spec = prefetch_spec(portal->result_formats, m.max_rows);
  spec.described = told_columns(*portal);
  if (!spec.described) spec.origins = st->origins;
  begin_handler_call(Op::EXECUTE, st->sql, false, true, portal->args, std::move(spec));
}

std::optional<std::vector<types::ColumnDescription>> Session::told_columns(const Portal& p) const {
  const Statement& st = *p.statement;
  // Only a RowDescription binds the rows; after NoData a handler's rows are still sent as
  // before (a command answered with a row count, say).
  if (!(st.told || p.told) || !st.described || !st.returns_rows) return std::nullopt;
  return portal_columns(p);
}

void Session::execute_reply(HandlerReply& reply) {
  auto it = portals_.find(current_portal_);
  bool with_description = op_ == Op::DESCRIBE_EXECUTE;
  auto st = std::move(describing_);
  if (reply.kind == HandlerReply::Kind::ERROR || it == portals_.end()) {
    if (current_info_ && (current_info_->kind == sql::StatementKind::COMMIT ||
                          current_info_->kind == sql::StatementKind::ROLLBACK)) {
      extended_error(reply.error);
      tx_ = wire::TransactionStatus::IDLE;
      return;
    }
    extended_error(reply.kind == HandlerReply::Kind::ERROR
                       ? reply.error
                       : PgError::error(sqlstate::INVALID_CURSOR_NAME, "portal vanished"));
    return;
  }
  auto& portal = it->second;
  std::string out;
  if (copy_) {
    copy_execute_reply(reply);
    return;
  }
  if (reply.kind == HandlerReply::Kind::TAG) {
    if (with_description) wire::write_empty(out, wire::msg::NO_DATA_MESSAGE);
    bool was_failed = tx_ == wire::TransactionStatus::FAILED;
    apply_transaction_effect(current_info_ ? &*current_info_ : nullptr, true);
    std::string tag = reply.tag;
    if (was_failed && current_info_ && current_info_->kind == sql::StatementKind::COMMIT)
      tag = "ROLLBACK";
    wire::write_command_complete(out, tag);
    host_.send(std::move(out));
    portal->completed = true;
    if (st && !st->described) st->set_columns({}, nullptr);
    return;
  }
  PgError error;
  auto told = with_description ? std::nullopt : told_columns(*portal);
  auto cursor = cursor_for(reply, portal->result_formats, &error, told ? &*told : nullptr);
  if (!cursor) {
    extended_error(error);
    return;
  }
  const auto& cols = cursor->encoder->columns();
  if (portal->result_formats.size() > 1 && portal->result_formats.size() != cols.size()) {
    extended_error(PgError::error(
        sqlstate::PROTOCOL_VIOLATION,
        "bind message has " + std::to_string(portal->result_formats.size()) +
            " result formats but query has " + std::to_string(cols.size()) + " columns"));
    return;
  }
  if (with_description) {
    if (st) st->set_columns(cols, cursor->encoder.get());
    wire::write_row_description(out, cols);
    host_.send(std::move(out));
  }
  portal->cursor = cursor;
  deliver_rows(Op::EXECUTE, reply, std::move(cursor), execute_max_rows_);
}

void Session::execute_stream_done(StreamOutcome& outcome) {
  std::string out;
  if (outcome.error) {
    copy_.reset();
    copy_cursor_.reset();
    extended_error(*outcome.error);
    return;
  }
  if (copy_) {  // COPY TO STDOUT in an Execute: trailer, CopyDone, COPY n
    apply_transaction_effect(current_info_ ? &*current_info_ : nullptr, true);
    write_copy_out_end(out, *copy_, copy_cursor_ && copy_cursor_->copy_header_pending);
    wire::write_command_complete(out, "COPY " + std::to_string(outcome.rows));
    copy_.reset();
    copy_cursor_.reset();
    host_.send(std::move(out));
    if (auto it = portals_.find(current_portal_); it != portals_.end())
      it->second->completed = true;
    return;
  }
  if (outcome.suspended) {
    wire::write_empty(out, wire::msg::PORTAL_SUSPENDED);
  } else {
    apply_transaction_effect(current_info_ ? &*current_info_ : nullptr, true);
    wire::write_command_complete(out, "SELECT " + std::to_string(outcome.rows));
  }
  host_.send(std::move(out));
}

void Session::copy_execute_reply(HandlerReply& reply) {
  if (reply.kind != HandlerReply::Kind::ROWS) {
    copy_.reset();
    extended_error(reply.kind == HandlerReply::Kind::ERROR
                       ? reply.error
                       : PgError::error(sqlstate::FEATURE_NOT_SUPPORTED,
                                        "the query of COPY … TO STDOUT returned no rows"));
    return;
  }
  PgError error;
  auto cursor = cursor_for(reply, copy_formats(), &error);
  std::optional<PgError> bad = cursor ? check_copy_columns(*copy_, *cursor->encoder) : error;
  if (bad) {
    copy_.reset();
    extended_error(*bad);
    return;
  }
  if (!cursor->copy) {  // not prefetched: set up here
    cursor->copy = copy_;
    cursor->copy_header_pending = copy_->format == sql::CopySpec::Format::BINARY;
  }
  copy_cursor_ = cursor;
  std::string out;
  write_copy_out_start(out, *copy_, cursor->encoder->columns());
  host_.send(std::move(out));
  deliver_rows(Op::EXECUTE, reply, std::move(cursor), 0);
}

void Session::handle_close(wire::Close& m) {
  if (m.kind == 'S')
    statements_.erase(m.name);
  else
    portals_.erase(m.name);
  std::string out;
  wire::write_empty(out, wire::msg::CLOSE_COMPLETE);
  host_.send(std::move(out));
}

void Session::handle_sync() {
  ignore_till_sync_ = false;
  // Outside a transaction block the Sync ends the implicit transaction: portals go with it.
  if (tx_ == wire::TransactionStatus::IDLE) portals_.clear();
  current_info_.reset();
  send_ready();
}

}  // namespace riffq::session
