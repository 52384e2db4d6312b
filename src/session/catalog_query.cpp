// catalog_query.cpp — statements the catalog engine answers (SPEC §5–§6): with
// catalog_emulation every statement that reads pg_catalog / information_schema, otherwise only
// drivers' type look-ups. Rows are computed at once (catalog results are small) and sent as
// DataRows, in portions when Execute gives a row limit.
#include <algorithm>
#include "riffq/catalog/engine.hpp"
#include "riffq/common/ascii.hpp"
#include "riffq/session/session.hpp"
#include "riffq/wire/backend_messages.hpp"
#include "riffq/wire/message_writer.hpp"

namespace riffq::session {
namespace {

// A cheap look at the text before parsing: every catalog statement names one of these.
bool may_read_catalog(const std::string& sql) {
  std::string lower;
  lower.reserve(sql.size());
  for (char c : sql) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const char* needle :
       {"pg_", "information_schema", "::reg", "format_type", "to_reg", "current_schemas",
        "quote_ident", "regclass", "regtype", "txid_current"})
    if (lower.find(needle) != std::string::npos) return true;
  return false;
}

std::vector<std::string> parse_search_path(const std::string& value, const std::string& user) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos <= value.size()) {
    size_t comma = value.find(',', pos);
    if (comma == std::string::npos) comma = value.size();
    std::string item = value.substr(pos, comma - pos);
    size_t b = item.find_first_not_of(" \t");
    size_t e = item.find_last_not_of(" \t");
    item = b == std::string::npos ? "" : item.substr(b, e - b + 1);
    if (item.size() >= 2 && item.front() == '"' && item.back() == '"')
      item = item.substr(1, item.size() - 2);
    if (item == "$user") item = user;
    if (!item.empty()) out.push_back(item);
    pos = comma + 1;
  }
  return out;
}

}  // namespace

bool Session::is_catalog_statement(const std::string& sql) const {
  if (!config_.catalog || !may_read_catalog(sql)) return false;
  return config_.catalog_emulation ? catalog::reads_catalog(sql)
                                   : catalog::is_type_introspection(sql);
}

catalog::SessionInfo Session::catalog_session() const {
  catalog::SessionInfo s;
  s.database = database_;
  s.user = user_;
  const std::string* path = settings_.get("search_path");
  s.search_path = parse_search_path(path ? *path : "\"$user\", public", user_);
  s.setting = [this](std::string_view name) -> std::optional<std::string> {
    const std::string* v = settings_.get(std::string(name));
    return v ? std::optional<std::string>(*v) : std::nullopt;
  };
  s.setting_is_default = [this](std::string_view name) {
    return settings_.is_default(std::string(name));
  };
  s.backend_pid = process_id_;
  s.server_version = config_.server_version;
  return s;
}

std::vector<types::ColumnDescription> Session::catalog_columns(
    const catalog::PreparedCatalogQuery& q) {
  std::vector<types::ColumnDescription> cols;
  for (const auto& c : q.columns) {
    types::ColumnDescription d;
    d.name = c.name;
    d.table_oid = c.table_oid;
    d.attnum = c.attnum;
    d.type_oid = c.type.oid;
    d.typlen = c.typlen;
    d.typmod = c.type.typmod;
    cols.push_back(std::move(d));
  }
  return cols;
}

std::shared_ptr<const std::vector<types::ColumnDescription>> Session::column_origins(
    const std::string& sql, const std::vector<uint32_t>& parameter_types) const {
  // A lazy source's objects are loaded only for catalog statements: nothing to prove against.
  if (!config_.catalog || !config_.catalog_emulation || config_.lazy_catalog) return nullptr;
  const std::string keyword = sql::first_keyword(sql);
  if (keyword != "select" && keyword != "with" && keyword != "table") return nullptr;
  // No column can come from a table without FROM (`select 1`): spare the hot path a parse.
  if (keyword != "table" && ascii_lower(sql).find("from") == std::string::npos) return nullptr;
  try {
    std::vector<catalog::Oid> types(parameter_types.begin(), parameter_types.end());
    auto cols = catalog_columns(config_.catalog->prepare(sql, types, catalog_session()));
    for (const auto& c : cols)
      if (c.table_oid != 0)
        return std::make_shared<const std::vector<types::ColumnDescription>>(std::move(cols));
  } catch (const std::exception&) {
    // Not bindable over the registered objects (another dialect, an unknown table): unproven.
  }
  return nullptr;
}

void Session::infer_from_registered_tables(Statement& st) const {
  using sql::StatementKind;
  if (!config_.catalog || config_.lazy_catalog || !st.info) return;
  if (st.info->kind != StatementKind::QUERY && st.info->kind != StatementKind::COMMAND) return;
  if (std::find(st.parameter_types.begin(), st.parameter_types.end(), 0u) ==
      st.parameter_types.end())
    return;
  try {
    std::vector<catalog::Oid> known(st.parameter_types.begin(), st.parameter_types.end());
    std::vector<catalog::Oid> inferred =
        config_.catalog->infer_parameter_types(st.sql, known, catalog_session());
    for (size_t i = 0; i < st.parameter_types.size() && i < inferred.size(); ++i)
      if (st.parameter_types[i] == 0) st.parameter_types[i] = inferred[i];
  } catch (const std::exception&) {
    // Inference is a refinement: without it the parameters are text, as before.
  }
}

std::shared_ptr<const catalog::PreparedCatalogQuery> Session::prepare_catalog(
    const std::string& sql, const std::vector<uint32_t>& declared, PgError& error) {
  if (lazy_error_) {
    error = *lazy_error_;
    lazy_error_.reset();
    return nullptr;
  }
  auto snapshot = std::move(lazy_snapshot_);  // each statement loads the source again
  lazy_snapshot_.reset();
  try {
    std::vector<catalog::Oid> types(declared.begin(), declared.end());
    catalog::SessionInfo info = catalog_session();
    return std::make_shared<const catalog::PreparedCatalogQuery>(
        snapshot ? config_.catalog->prepare(sql, types, info, snapshot)
                 : config_.catalog->prepare(sql, types, info));
  } catch (const catalog::CatalogError& e) {
    error = e.error;
  } catch (const std::exception& e) {
    error = PgError::error(sqlstate::INTERNAL_ERROR, std::string("catalog engine: ") + e.what());
  }
  return nullptr;
}

bool Session::run_catalog(const catalog::PreparedCatalogQuery& q, const std::vector<QueryArg>& args,
                          const std::vector<types::ColumnDescription>& cols,
                          std::deque<std::string>& rows, PgError& error) const {
  try {
    std::vector<std::optional<std::string>> params;
    for (size_t i = 0; i < args.size(); ++i) {
      const QueryArg& a = args[i];
      if (!a.value || a.format == wire::Format::TEXT) {
        params.push_back(a.value);
        continue;
      }
      uint32_t type = i < q.param_types.size() ? q.param_types[i].oid : a.type_oid;
      auto text = catalog::binary_param_text(*a.value, type);
      if (!text) {
        error = PgError::error(
            "22P03", "incorrect binary data format in bind parameter " + std::to_string(i + 1));
        return false;
      }
      params.push_back(std::move(text));
    }
    catalog::SessionInfo s = catalog_session();
    catalog::CatalogResult r = config_.catalog->execute(q, params, s);
    for (const catalog::Row& row : r.rows) {
      std::string out;
      wire::MessageWriter w(&out);
      w.begin(wire::msg::DATA_ROW);
      w.put_int16(static_cast<int16_t>(row.size()));
      for (size_t i = 0; i < row.size(); ++i) {
        if (row[i].is_null()) {
          w.put_int32(-1);
          continue;
        }
        std::string bytes;
        if (i < cols.size() && cols[i].format == wire::Format::BINARY) {
          if (!config_.catalog->binary(q, row[i], r.columns[i].type, s, bytes)) {
            error = PgError::error(
                "42883",
                "no binary output function available for type " +
                    config_.catalog->text(q, catalog::Value::integer(r.columns[i].type.oid),
                                          catalog::TypeRef{2206, -1}, s));
            return false;
          }
        } else {
          bytes = config_.catalog->text(q, row[i], r.columns[i].type, s);
        }
        w.put_int32(static_cast<int32_t>(bytes.size()));
        w.put_bytes(bytes);
      }
      w.end();
      rows.push_back(std::move(out));
    }
    return true;
  } catch (const catalog::CatalogError& e) {
    error = e.error;
  } catch (const std::exception& e) {
    error = PgError::error(sqlstate::INTERNAL_ERROR, std::string("catalog engine: ") + e.what());
  }
  return false;
}

bool Session::await_lazy_catalog() {
  if (!config_.lazy_catalog || lazy_snapshot_ || lazy_error_) return false;
  pending_ = Pending::CATALOG;
  host_.load_catalog(database_);
  return true;
}

void Session::on_catalog_loaded(std::shared_ptr<const catalog::CatalogSnapshot> snapshot,
                                std::optional<PgError> error) {
  if (pending_ != Pending::CATALOG || phase_ == Phase::CLOSED) return;
  pending_ = Pending::NONE;
  if (error)
    lazy_error_ = std::move(error);
  else
    lazy_snapshot_ = std::move(snapshot);
  drive();
}

bool Session::answer_catalog_simple(const std::string& sql) {
  if (!is_catalog_statement(sql)) return false;
  if (await_lazy_catalog()) return true;  // the statement runs again once the objects are loaded
  PgError error;
  auto q = prepare_catalog(sql, {}, error);
  std::deque<std::string> rows;
  std::vector<types::ColumnDescription> cols;
  if (q) cols = catalog_columns(*q);
  if (!q || !run_catalog(*q, {}, cols, rows, error)) {
    finish_simple_statement_error(error);
    return true;
  }
  std::string out;
  wire::write_row_description(out, cols);
  size_t n = rows.size();
  for (auto& r : rows) out += r;
  wire::write_command_complete(out, "SELECT " + std::to_string(n));
  host_.send(std::move(out));
  ++simple_->index;
  return true;
}

void Session::execute_catalog(Portal& portal, int64_t max_rows) {
  if (!portal.catalog_rows) {
    PgError error;
    auto rows = std::make_shared<std::deque<std::string>>();
    if (!run_catalog(*portal.statement->catalog, portal.args, portal_columns(portal), *rows,
                     error)) {
      extended_error(error);
      return;
    }
    portal.catalog_rows = std::move(rows);
  }
  std::string out;
  int64_t sent = 0;
  auto& rows = *portal.catalog_rows;
  while (!rows.empty() && (max_rows <= 0 || sent < max_rows)) {
    out += rows.front();
    rows.pop_front();
    ++sent;
  }
  // As PortalRunSelect: a limit reached means suspended, even when no row is left.
  if (max_rows > 0 && sent == max_rows) {
    wire::write_empty(out, wire::msg::PORTAL_SUSPENDED);
  } else {
    wire::write_command_complete(out, "SELECT " + std::to_string(sent));
    portal.completed = true;
  }
  host_.send(std::move(out));
}

}  // namespace riffq::session
