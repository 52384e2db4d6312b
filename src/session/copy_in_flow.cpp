// copy_in_flow.cpp — COPY … FROM STDIN in the session: typing the target's columns from the
// catalog, CopyInResponse, feeding CopyData to the application's reader with backpressure,
// CopyDone / CopyFail, and ending the statement as PostgreSQL does (an error is sent at once and
// later copy messages are dropped; in the extended protocol Flush and Sync are ignored during
// the copy and the ReadyForQuery comes from the client's next Sync).
#include <algorithm>
#include <cstdio>
#include <variant>

#include "riffq/session/session.hpp"
#include "riffq/wire/backend_messages.hpp"
#include "riffq/wire/message_writer.hpp"

namespace riffq::session {
namespace {

std::string quote_ident(const std::string& name) {
  std::string q = "\"";
  for (char c : name) {
    if (c == '"') q.push_back('"');
    q.push_back(c);
  }
  return q + "\"";
}

// The type byte of a frontend message, for "unexpected message type 0x%02X".
char message_type(const wire::FrontendMessage& m) {
  return std::visit(
      [](const auto& msg) -> char {
        using T = std::decay_t<decltype(msg)>;
        if constexpr (std::is_same_v<T, wire::Query>)
          return 'Q';
        else if constexpr (std::is_same_v<T, wire::Parse>)
          return 'P';
        else if constexpr (std::is_same_v<T, wire::Bind>)
          return 'B';
        else if constexpr (std::is_same_v<T, wire::Describe>)
          return 'D';
        else if constexpr (std::is_same_v<T, wire::Execute>)
          return 'E';
        else if constexpr (std::is_same_v<T, wire::Close>)
          return 'C';
        else if constexpr (std::is_same_v<T, wire::FunctionCall>)
          return 'F';
        else if constexpr (std::is_same_v<T, wire::PasswordMessage>)
          return 'p';
        else
          return '?';
      },
      m);
}

}  // namespace

std::vector<CopyInColumn> Session::copy_in_columns(const sql::CopySpec& spec,
                                                   PgError& error) const {
  // The registered table's columns, read from the catalog engine as pg_attribute holds them
  // (a lazy source's objects: from the snapshot loaded for this statement).
  std::vector<CopyInColumn> table;
  if (config_.catalog) {
    std::string name = quote_ident(spec.table);
    if (!spec.schema.empty()) name = quote_ident(spec.schema) + "." + name;
    try {
      catalog::SessionInfo s = catalog_session();
      static const char* sql =
          "SELECT a.attname::text, a.atttypid::int8, a.atttypmod::int8, "
          "a.attnotnull AND NOT a.atthasdef FROM pg_catalog.pg_attribute a "
          "WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped "
          "ORDER BY a.attnum";
      auto q = lazy_snapshot_ ? config_.catalog->prepare(sql, {25}, s, lazy_snapshot_)
                              : config_.catalog->prepare(sql, {25}, s);
      auto r = config_.catalog->execute(q, {name}, s);
      for (const auto& row : r.rows) {
        if (row.size() != 4 || !row[0].is_text() || !row[1].is_int() || !row[2].is_int()) continue;
        table.push_back({std::string(row[0].as_text()), static_cast<uint32_t>(row[1].as_int()),
                         static_cast<int32_t>(row[2].as_int()),
                         row[3].is_bool() && row[3].as_bool()});
      }
    } catch (const std::exception&) {
      table.clear();  // not in the catalog: the columns are typed as text
    }
  }
  if (spec.columns.empty()) return table;
  std::vector<CopyInColumn> cols;
  for (const auto& name : spec.columns) {
    if (std::any_of(cols.begin(), cols.end(), [&](const auto& c) { return c.name == name; })) {
      error = PgError::error(sqlstate::DUPLICATE_COLUMN,
                             "column \"" + name + "\" specified more than once");
      return {};
    }
    auto it =
        std::find_if(table.begin(), table.end(), [&](const auto& c) { return c.name == name; });
    if (it != table.end()) {
      cols.push_back(*it);
    } else if (table.empty()) {
      cols.push_back({name, 25, -1});
    } else {
      error = PgError::error(sqlstate::UNDEFINED_COLUMN, "column \"" + name + "\" of relation \"" +
                                                             spec.table + "\" does not exist");
      return {};
    }
  }
  return cols;
}

bool Session::start_copy_in(const sql::CopySpec& spec, PgError& error) {
  // A lazy catalog source is read first; in the extended protocol the Execute runs again.
  if (spec.error_code.empty() && config_.copy_in_enabled && await_lazy_catalog()) {
    if (!simple_)
      queue_.push_front(wire::Execute{current_portal_, static_cast<int32_t>(execute_max_rows_)});
    return true;
  }
  const auto lazy_error = std::move(lazy_error_);
  lazy_error_.reset();
  if (!spec.error_code.empty()) {
    error = PgError::error(spec.error_code, spec.error);
  } else if (!config_.copy_in_enabled) {
    error = PgError::error(sqlstate::FEATURE_NOT_SUPPORTED,
                           "COPY FROM STDIN is not supported by this server");
    error.hint = "The server's handler does not implement a copy-in hook.";
  } else if (lazy_error) {
    error = *lazy_error;  // the lazy source could not be read
  }
  CopyInPlan plan;
  if (error.message.empty()) {
    plan.columns = copy_in_columns(spec, error);
    sql::CopySpec all = spec;  // the whole table: NOT NULL columns the COPY leaves out
    all.columns.clear();
    PgError ignored;
    plan.relation = spec.columns.empty() ? plan.columns : copy_in_columns(all, ignored);
  }
  lazy_snapshot_.reset();  // each statement loads the source again
  if (!error.message.empty()) return false;
  plan.spec = spec;
  plan.table = spec.table;
  const types::EncodeOptions opts = settings_.encode_options();
  plan.date_order = opts.date_order;
  plan.time_zone = opts.time_zone;
  auto channel = std::make_shared<CopyInChannel>(std::move(plan), config_.copy_in_queue_bytes);
  if (auto e = channel->error()) {  // refused before any data, as BeginCopyFrom does
    error = *e;
    return false;
  }
  channel->set_room_callback(host_.copy_in_waker());
  const bool binary = spec.format == sql::CopySpec::Format::BINARY;
  const size_t ncols = channel->plan().columns.size();
  std::string out;
  wire::MessageWriter w(&out);
  w.begin(wire::msg::COPY_IN_RESPONSE);
  w.put_int8(binary ? 1 : 0);
  w.put_int16(static_cast<int16_t>(ncols));
  for (size_t i = 0; i < ncols; ++i) w.put_int16(binary ? 1 : 0);
  w.end();
  host_.send(std::move(out));
  host_.flush();
  copy_in_ = channel;
  copy_in_receiving_ = true;
  copy_in_tag_.reset();
  std::string sql = simple_ ? simple_->sql.substr(simple_->statements[simple_->index].offset,
                                                  simple_->statements[simple_->index].length)
                            : std::string();
  if (!simple_) {
    auto it = portals_.find(current_portal_);
    if (it != portals_.end()) sql = it->second->statement->sql;
  }
  begin_handler_call(Op::COPY_IN, std::move(sql), false, false, {}, {}, std::move(channel));
  return true;
}

bool Session::copy_in_step() {
  if (queue_.empty()) return false;
  if (auto* d = std::get_if<wire::CopyData>(&queue_.front())) {
    const size_t n = d->data.size() + 5;
    if (!copy_in_->push(std::move(d->data))) return false;  // full: copy_in_room() resumes
    queue_.pop_front();
    queued_bytes_ = queue_.empty() ? 0 : queued_bytes_ - std::min(queued_bytes_, n);
    return true;
  }
  wire::FrontendMessage m = std::move(queue_.front());
  queue_.pop_front();
  if (queue_.empty()) queued_bytes_ = 0;
  if (std::holds_alternative<wire::Flush>(m) || std::holds_alternative<wire::Sync>(m))
    return true;  // ignored during copy-in (libpq sends Sync right after the Execute)
  copy_in_receiving_ = false;
  if (std::holds_alternative<wire::CopyDone>(m)) {
    copy_in_->finish();
    if (copy_in_tag_) finish_copy_in(nullptr, *copy_in_tag_);
    return true;
  }
  PgError e;
  if (auto* f = std::get_if<wire::CopyFail>(&m)) {
    e = PgError::error(sqlstate::QUERY_CANCELED, "COPY from stdin failed: " + f->message);
  } else if (std::holds_alternative<wire::Terminate>(m)) {
    e = PgError::error(sqlstate::QUERY_CANCELED, "COPY from stdin failed: client terminated");
    copy_in_->fail(e);
    finish_copy_in(&e, "");
    dispatch(m);
    return true;
  } else {
    char buf[80];
    std::snprintf(buf, sizeof buf, "unexpected message type 0x%02X during COPY from stdin",
                  static_cast<unsigned char>(message_type(m)));
    e = PgError::error(sqlstate::PROTOCOL_VIOLATION, buf);
  }
  finish_copy_in(&e, "");
  return true;
}

void Session::copy_in_room() {
  if (copy_in_receiving_) drive();
}

void Session::copy_in_reply(HandlerReply& reply) {
  if (!copy_in_) return;
  std::optional<PgError> error = copy_in_->error();  // the data was bad: PostgreSQL's error
  if (!error && reply.kind == HandlerReply::Kind::ERROR) error = reply.error;
  if (error) {
    copy_in_receiving_ = false;  // later CopyData / CopyDone / CopyFail are dropped
    finish_copy_in(&*error, "");
    return;
  }
  std::string tag = reply.kind == HandlerReply::Kind::TAG && reply.tag.rfind("COPY ", 0) == 0
                        ? reply.tag
                        : "COPY " + std::to_string(copy_in_->rows());
  if (copy_in_receiving_) {  // answered before CopyDone: drain the rest, then complete
    copy_in_->close();
    copy_in_tag_ = std::move(tag);
    return;
  }
  finish_copy_in(nullptr, tag);
}

void Session::finish_copy_in(const PgError* error, const std::string& tag) {
  auto channel = std::move(copy_in_);
  copy_in_tag_.reset();
  if (pending_ == Pending::HANDLER && op_ == Op::COPY_IN) {
    // Ended before the application answered (CopyFail, a protocol error): its reader fails,
    // its late reply is stale.
    if (cancel_flag_) cancel_flag_->store(true);
    ++sequence_;
    pending_ = Pending::NONE;
  }
  if (channel) {
    if (error)
      channel->fail(*error);
    else
      channel->close();
  }
  if (simple_) {
    if (error) {
      finish_simple_statement_error(*error);
      return;
    }
    apply_transaction_effect(current_info_ ? &*current_info_ : nullptr, true);
    std::string out;
    wire::write_command_complete(out, tag);
    host_.send(std::move(out));
    ++simple_->index;
    return;
  }
  if (error) {
    extended_error(*error);
    return;
  }
  apply_transaction_effect(current_info_ ? &*current_info_ : nullptr, true);
  std::string out;
  wire::write_command_complete(out, tag);
  host_.send(std::move(out));
  if (auto it = portals_.find(current_portal_); it != portals_.end()) it->second->completed = true;
}

}  // namespace riffq::session
