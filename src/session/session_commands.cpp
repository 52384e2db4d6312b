// session_commands.cpp — statements the core answers itself (SET, SHOW, RESET, DISCARD,
// DEALLOCATE, LISTEN) and the transaction-status effects of BEGIN / COMMIT / ROLLBACK.
#include <algorithm>
#include <cctype>

#include "riffq/session/session.hpp"
#include "riffq/wire/backend_messages.hpp"
#include "riffq/wire/message_writer.hpp"

namespace riffq::session {
namespace {

using sql::StatementKind;

types::ColumnDescription text_column(std::string name) {
  types::ColumnDescription c;
  c.name = std::move(name);
  c.type_oid = 25;
  c.typlen = -1;
  c.typmod = -1;
  return c;
}

// The binary form (int4send, boolsend, array_send of name) of a session value given as text;
// text-like types are the same bytes in both formats.
std::string binary_value(uint32_t type_oid, const std::string& text) {
  std::string b;
  wire::MessageWriter w(&b);
  if (type_oid == 23) {
    w.put_int32(static_cast<int32_t>(std::stol(text)));
  } else if (type_oid == 16) {
    w.put_int8(text == "t" ? 1 : 0);
  } else if (type_oid == 1003) {  // name[] from "{a,b}" (elements never need quoting here)
    std::vector<std::string> items;
    std::string inner = text.substr(1, text.size() - 2), cur;
    for (char c : inner + ",") {
      if (c == ',') {
        if (!cur.empty()) items.push_back(cur);
        cur.clear();
      } else {
        cur.push_back(c);
      }
    }
    w.put_int32(items.empty() ? 0 : 1);
    w.put_int32(0);
    w.put_int32(19);
    if (!items.empty()) {
      w.put_int32(static_cast<int32_t>(items.size()));
      w.put_int32(1);
    }
    for (const auto& it : items) {
      w.put_int32(static_cast<int32_t>(it.size()));
      w.put_bytes(it);
    }
  } else {
    return text;
  }
  return b;
}

// One DataRow of session-computed values; columns in binary format get their binary form.
void write_text_row(std::string& out, const std::vector<std::optional<std::string>>& values,
                    const std::vector<types::ColumnDescription>* cols = nullptr) {
  wire::MessageWriter w(&out);
  w.begin(wire::msg::DATA_ROW);
  w.put_int16(static_cast<int16_t>(values.size()));
  for (size_t i = 0; i < values.size(); ++i) {
    const auto& v = values[i];
    if (!v) {
      w.put_int32(-1);
      continue;
    }
    if (cols && i < cols->size() && (*cols)[i].format == wire::Format::BINARY) {
      std::string b = binary_value((*cols)[i].type_oid, *v);
      w.put_int32(static_cast<int32_t>(b.size()));
      w.put_bytes(b);
      continue;
    }
    w.put_int32(static_cast<int32_t>(v->size()));
    w.put_bytes(*v);
  }
  w.end();
}

std::string join(const std::vector<std::string>& values) {
  std::string s;
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) s += ", ";
    s += values[i];
  }
  return s;
}

// SHOW's pseudo-names map to settings ("SHOW TIME ZONE", "SHOW TRANSACTION ISOLATION LEVEL").
std::string show_key(const std::string& name) {
  if (name == "transaction isolation level") return "transaction_isolation";
  if (name == "time zone" || name == "timezone") return "timezone";
  if (name == "session authorization") return "session_authorization";
  return name;
}

types::ColumnDescription typed_column(std::string name, uint32_t oid, int16_t typlen) {
  types::ColumnDescription c = text_column(std::move(name));
  c.type_oid = oid;
  c.typlen = typlen;
  return c;
}

// The result column of a session function (types as PostgreSQL 15 reports them).
types::ColumnDescription session_call_column(const sql::SessionCall& call) {
  const std::string& f = call.function;
  if (f == "version" || f == "current_setting" || f == "set_config") return text_column(call.column);
  if (f == "pg_backend_pid") return typed_column(call.column, 23, 4);
  if (f == "pg_is_in_recovery") return typed_column(call.column, 16, 1);
  if (f == "current_schemas") return typed_column(call.column, 1003, -1);
  return typed_column(call.column, 19, 64);  // name: current_schema, current_user, …
}

const char* platform() {
#if defined(__x86_64__)
  return "x86_64-pc-linux-gnu";
#elif defined(__aarch64__)
  return "aarch64-unknown-linux-gnu";
#else
  return "unknown-linux-gnu";
#endif
}

// Keywords that start a statement the session layer may answer or track.
bool session_keyword(const std::string& kw) {
  static const char* words[] = {"set",   "reset",  "show",     "discard", "deallocate",
                                "listen", "unlisten", "begin",  "start",   "commit", "copy",
                                "end",   "rollback", "abort",  "savepoint", "release"};
  return std::any_of(std::begin(words), std::end(words), [&](const char* w) { return kw == w; });
}

}  // namespace

std::optional<sql::StatementInfo> Session::analyze_if_session_command(const std::string& text) const {
  if (!session_keyword(sql::first_keyword(text)) && !sql::may_be_session_select(text))
    return std::nullopt;
  sql::StatementInfo info = sql::analyze_statement(text);
  if (info.kind == StatementKind::UNPARSEABLE) return std::nullopt;
  return info;
}

bool Session::ends_failed_block(const sql::StatementInfo* info) {
  return info != nullptr &&
         (info->kind == StatementKind::COMMIT || info->kind == StatementKind::ROLLBACK ||
          (info->kind == StatementKind::SAVEPOINT &&
           info->savepoint_op == sql::SavepointOp::ROLLBACK_TO));
}

std::optional<PgError> Session::transaction_precheck(const sql::StatementInfo* info) const {
  const bool savepoint = info != nullptr && info->kind == StatementKind::SAVEPOINT;
  if (tx_ == wire::TransactionStatus::FAILED && !ends_failed_block(info))
    return failed_transaction_error();
  if (!savepoint) return std::nullopt;
  if (tx_ == wire::TransactionStatus::IDLE) {
    static const char* what[] = {"SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT"};
    return PgError::error(sqlstate::NO_ACTIVE_SQL_TRANSACTION,
                          std::string(what[static_cast<int>(info->savepoint_op)]) +
                              " can only be used in transaction blocks");
  }
  if (info->savepoint_op != sql::SavepointOp::DEFINE &&
      std::find(savepoints_.begin(), savepoints_.end(), info->name) == savepoints_.end())
    return PgError::error(sqlstate::INVALID_SAVEPOINT_SPECIFICATION,
                          "savepoint \"" + info->name + "\" does not exist");
  return std::nullopt;
}

PgError Session::failed_transaction_error() {
  return PgError::error(sqlstate::IN_FAILED_TRANSACTION,
                        "current transaction is aborted, commands ignored until end of "
                        "transaction block");
}

void Session::apply_transaction_effect(const sql::StatementInfo* info, bool success) {
  if (info == nullptr || !success) return;
  switch (info->kind) {
    case StatementKind::BEGIN:
      if (tx_ == wire::TransactionStatus::IDLE) tx_ = wire::TransactionStatus::IN_BLOCK;
      break;
    case StatementKind::COMMIT:
    case StatementKind::ROLLBACK:
      tx_ = wire::TransactionStatus::IDLE;
      savepoints_.clear();
      break;
    case StatementKind::SAVEPOINT: {
      if (info->savepoint_op == sql::SavepointOp::DEFINE) {
        savepoints_.push_back(info->name);
        break;
      }
      // The newest savepoint of that name: RELEASE drops it and every later one, ROLLBACK TO
      // keeps it, drops the later ones and leaves the aborted state.
      auto it = std::find(savepoints_.rbegin(), savepoints_.rend(), info->name);
      if (it == savepoints_.rend()) break;
      auto keep = it.base() - (info->savepoint_op == sql::SavepointOp::RELEASE ? 1 : 0);
      savepoints_.erase(keep, savepoints_.end());
      if (info->savepoint_op == sql::SavepointOp::ROLLBACK_TO &&
          tx_ == wire::TransactionStatus::FAILED)
        tx_ = wire::TransactionStatus::IN_BLOCK;
      break;
    }
    default:
      break;
  }
}

std::optional<std::vector<types::ColumnDescription>> Session::session_command_columns(
    const sql::StatementInfo& info) const {
  switch (info.kind) {
    case StatementKind::SHOW: {
      std::string key = show_key(info.name);
      if (settings_.get(key) == nullptr) return std::nullopt;
      return std::vector<types::ColumnDescription>{text_column(settings_.display_name(key))};
    }
    case StatementKind::SHOW_ALL:
      return std::vector<types::ColumnDescription>{text_column("name"), text_column("setting"),
                                                   text_column("description")};
    case StatementKind::SESSION_SELECT: {
      std::vector<types::ColumnDescription> cols;
      for (const auto& call : info.session_calls) cols.push_back(session_call_column(call));
      return cols;
    }
    case StatementKind::SET:
    case StatementKind::RESET:
      if (!settings_.is_known(info.name == "time zone" ? "timezone" : info.name))
        return std::nullopt;
      return std::vector<types::ColumnDescription>{};
    case StatementKind::SET_MULTI:
    case StatementKind::RESET_ALL:
    case StatementKind::DISCARD_ALL:
    case StatementKind::DEALLOCATE:
    case StatementKind::LISTEN:
    case StatementKind::UNLISTEN:
    case StatementKind::COPY_TO_STDOUT:  // COPY returns no rows: Describe answers NoData
    case StatementKind::COPY_FROM_STDIN:
      return std::vector<types::ColumnDescription>{};
    default:
      return std::nullopt;  // BEGIN/COMMIT/… and everything else: the handler's
  }
}

bool Session::session_call_value(const sql::SessionCall& call,
                                 const std::vector<QueryArg>* params,
                                 std::optional<std::string>& value, PgError& error) {
  const std::string& f = call.function;
  std::vector<std::string> args;
  for (const auto& a : call.args) {
    std::optional<std::string> v = a.value;
    if (a.param > 0) {
      size_t i = static_cast<size_t>(a.param - 1);
      if (params == nullptr || i >= params->size()) {
        error = PgError::error("42P02", "there is no parameter $" + std::to_string(a.param));
        return false;
      }
      v = (*params)[i].value;  // text (or text-typed binary: the same bytes)
    }
    if (!v) {  // every one of these functions is strict: NULL in, NULL out
      value.reset();
      return true;
    }
    args.push_back(std::move(*v));
  }
  auto truthy = [](const std::string& v) { return !v.empty() && (v[0] == 't' || v[0] == 'T' || v == "on" || v == "1"); };
  if (f == "version") {
    value = "PostgreSQL " + *settings_.get("server_version") + " on " + platform() +
            ", compiled by riffq (C++), 64-bit";
  } else if (f == "current_schema") {
    value = "public";
  } else if (f == "current_database" || f == "current_catalog") {
    value = database_;
  } else if (f == "current_user" || f == "session_user" || f == "user" || f == "current_role") {
    value = user_;
  } else if (f == "pg_backend_pid") {
    value = std::to_string(process_id_);
  } else if (f == "pg_is_in_recovery") {
    value = "f";
  } else if (f == "current_schemas") {
    value = truthy(args[0]) ? "{pg_catalog,public}" : "{public}";
  } else if (f == "current_setting") {
    const std::string* v = settings_.get(args[0]);
    if (v == nullptr) {
      if (args.size() == 2 && truthy(args[1])) {
        value.reset();
        return true;
      }
      error = PgError::error(sqlstate::UNDEFINED_OBJECT,
                             "unrecognized configuration parameter \"" + args[0] + "\"");
      return false;
    }
    value = *v;
  } else if (f == "set_config") {
    if (!settings_.set(args[0], args[1], &error)) return false;
    value = *settings_.get(args[0]);
  }
  return true;
}

bool Session::try_session_command(const sql::StatementInfo& info, bool send_row_description,
                                  const std::vector<wire::Format>* formats, std::string& tag,
                                  PgError& error, bool& failed,
                                  const std::vector<QueryArg>* params) {
  failed = false;
  switch (info.kind) {
    case StatementKind::SET: {
      if (!settings_.is_known(info.name)) return false;  // e.g. a DuckDB setting
      bool ok = info.set_default ? settings_.reset(info.name, &error)
                                 : settings_.set(info.name, join(info.values), &error);
      failed = !ok;
      tag = "SET";
      return true;
    }
    case StatementKind::SET_MULTI:
      tag = "SET";
      return true;
    case StatementKind::RESET:
      if (!settings_.is_known(info.name)) return false;
      failed = !settings_.reset(info.name, &error);
      tag = "RESET";
      return true;
    case StatementKind::RESET_ALL:
      settings_.reset_all();
      tag = "RESET";
      return true;
    case StatementKind::SHOW:
    case StatementKind::SHOW_ALL: {
      auto cols = session_command_columns(info);
      if (!cols) return false;
      std::string out;
      if (send_row_description) {
        if (formats)
          for (size_t i = 0; i < cols->size() && i < formats->size(); ++i)
            (*cols)[i].format = (*formats)[i];
        wire::write_row_description(out, *cols);
      }
      if (info.kind == StatementKind::SHOW) {
        write_text_row(out, {*settings_.get(show_key(info.name))});
      } else {
        for (const auto& [name, value] : settings_.all()) write_text_row(out, {name, value, ""});
      }
      host_.send(std::move(out));
      tag = "SHOW";
      return true;
    }
    case StatementKind::DISCARD_ALL:
      if (tx_ != wire::TransactionStatus::IDLE) {
        error = PgError::error("25001", "DISCARD ALL cannot run inside a transaction block");
        failed = true;
        return true;
      }
      settings_.reset_all();
      statements_.clear();
      portals_.clear();
      tag = "DISCARD ALL";
      return true;
    case StatementKind::DEALLOCATE:
      if (info.name.empty()) {
        statements_.clear();
        tag = "DEALLOCATE ALL";
        return true;
      }
      if (statements_.erase(info.name) == 0) {
        error = PgError::error(sqlstate::INVALID_SQL_STATEMENT_NAME,
                               "prepared statement \"" + info.name + "\" does not exist");
        failed = true;
      }
      tag = "DEALLOCATE";
      return true;
    case StatementKind::SESSION_SELECT: {
      std::vector<std::optional<std::string>> row;
      for (const auto& call : info.session_calls) {
        row.emplace_back();
        if (!session_call_value(call, params, row.back(), error)) {
          failed = true;
          return true;
        }
      }
      std::string out;
      auto cols = *session_command_columns(info);
      if (formats)
        for (size_t i = 0; i < cols.size() && i < formats->size(); ++i) cols[i].format = (*formats)[i];
      if (send_row_description) wire::write_row_description(out, cols);
      write_text_row(out, row, &cols);
      host_.send(std::move(out));
      tag = "SELECT 1";
      return true;
    }
    case StatementKind::LISTEN:
      listening_.insert(info.name);
      tag = "LISTEN";
      return true;
    case StatementKind::UNLISTEN:
      if (info.name.empty())
        listening_.clear();
      else
        listening_.erase(info.name);
      tag = "UNLISTEN";
      return true;
    default:
      return false;
  }
}

}  // namespace riffq::session
