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

void write_text_row(std::string& out, const std::vector<std::string>& values) {
  wire::MessageWriter w(&out);
  w.begin(wire::msg::DATA_ROW);
  w.put_int16(static_cast<int16_t>(values.size()));
  for (const auto& v : values) {
    w.put_int32(static_cast<int32_t>(v.size()));
    w.put_bytes(v);
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

// Keywords that start a statement the session layer may answer or track.
bool session_keyword(const std::string& kw) {
  static const char* words[] = {"set",   "reset",  "show",     "discard", "deallocate",
                                "listen", "unlisten", "begin",  "start",   "commit",
                                "end",   "rollback", "abort",  "savepoint", "release"};
  return std::any_of(std::begin(words), std::end(words), [&](const char* w) { return kw == w; });
}

}  // namespace

std::optional<sql::StatementInfo> Session::analyze_if_session_command(const std::string& text) const {
  if (!session_keyword(sql::first_keyword(text))) return std::nullopt;
  sql::StatementInfo info = sql::analyze_statement(text);
  if (info.kind == StatementKind::UNPARSEABLE) return std::nullopt;
  return info;
}

bool Session::blocked_by_failed_transaction(const sql::StatementInfo* info) const {
  if (tx_ != wire::TransactionStatus::FAILED) return false;
  if (info == nullptr) return true;
  return info->kind != StatementKind::COMMIT && info->kind != StatementKind::ROLLBACK &&
         info->kind != StatementKind::SAVEPOINT;
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
      break;
    case StatementKind::SAVEPOINT:
      // ROLLBACK TO SAVEPOINT leaves the aborted state.
      if (tx_ == wire::TransactionStatus::FAILED) tx_ = wire::TransactionStatus::IN_BLOCK;
      break;
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
      return std::vector<types::ColumnDescription>{};
    default:
      return std::nullopt;  // BEGIN/COMMIT/… and everything else: the handler's
  }
}

bool Session::try_session_command(const sql::StatementInfo& info, bool send_row_description,
                                  const std::vector<wire::Format>* formats, std::string& tag,
                                  PgError& error, bool& failed) {
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
    case StatementKind::LISTEN:
      tag = "LISTEN";
      return true;
    case StatementKind::UNLISTEN:
      tag = "UNLISTEN";
      return true;
    default:
      return false;
  }
}

}  // namespace riffq::session
