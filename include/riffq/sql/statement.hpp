// riffq/sql/statement.hpp
// The SQL front door (libpg_query, PostgreSQL 15 grammar): split a Query string into
// statements, and recognise the statements the session layer answers itself.
//
// INTERFACE ROUTINES
//   split_statements(sql)     byte ranges of each statement (scanner-based; never fails)
//   first_keyword(sql)        lower-cased first keyword, skipping whitespace, comments, '('
//   analyze_statement(sql)    StatementInfo from the parse tree (UNPARSEABLE if it is not PG SQL)
//   param_tokens(sql)         the $n references, in text order
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace riffq::sql {

struct StatementRange {
  size_t offset = 0;
  size_t length = 0;
};

// Splits a (possibly multi-statement) query string. Empty statements (";;") are dropped.
// When the text cannot even be scanned, the whole trimmed text is one statement, so that
// other dialects still reach the handler.
std::vector<StatementRange> split_statements(std::string_view sql);

// True when sql contains nothing but whitespace, comments and semicolons.
bool is_empty_query(std::string_view sql);

std::string first_keyword(std::string_view sql);

enum class StatementKind {
  UNPARSEABLE,  // not PostgreSQL SQL (another dialect): goes to the handler untouched
  QUERY,        // returns rows: SELECT, VALUES, TABLE, DML … RETURNING, EXPLAIN, SHOW (handler)
  COMMAND,      // does not return rows (DML without RETURNING, DDL, …)
  BEGIN,
  COMMIT,
  ROLLBACK,
  SAVEPOINT,  // SAVEPOINT / RELEASE / ROLLBACK TO (savepoint_op; name = savepoint)
  SET,        // SET name = value / SET name TO DEFAULT (values empty) / SET LOCAL
  SET_MULTI,  // SET TRANSACTION …, SET SESSION CHARACTERISTICS …
  RESET,
  RESET_ALL,
  SHOW,
  SHOW_ALL,
  DISCARD_ALL,
  DEALLOCATE,  // name empty = DEALLOCATE ALL
  LISTEN,
  UNLISTEN,
  SESSION_SELECT,   // SELECT of session functions only: version(), current_schema(), …
  COPY_TO_STDOUT,   // COPY (query) TO STDOUT / COPY table TO STDOUT: rows from the handler
  COPY_FROM_STDIN,  // COPY table [(cols)] FROM STDIN: rows to the handler's copy-in hook
};

// COPY … TO STDOUT (the query whose rows are copied, sent to the handler) or COPY … FROM STDIN
// (the target table and column list), with the options of PostgreSQL's COPY (text: tab and \N;
// csv: comma, empty NULL, quoting; binary: PGCOPY).
struct CopySpec {
  enum class Format { TEXT, CSV, BINARY };
  std::string query;                 // TO: the query whose rows are copied
  std::string schema;                // FROM: the table's schema as written (empty: search_path)
  std::string table;                 // FROM: the table's name (parser-folded)
  std::vector<std::string> columns;  // FROM: the column list (empty: all columns)
  std::vector<std::string> force_not_null;  // FROM, CSV: FORCE_NOT_NULL columns
  std::vector<std::string> force_null;      // FROM, CSV: FORCE_NULL columns
  bool header_match = false;                // FROM: HEADER MATCH (names must match)
  std::string error_code;  // FROM: options PostgreSQL refuses (SQLSTATE; empty: none) …
  std::string error;       // … and its message
  Format format = Format::TEXT;
  char delimiter = '\t';
  std::string null_string = "\\N";
  bool header = false;
  char quote = '"';
  char escape = '"';
};

// One target of a SESSION_SELECT: a session function with constant arguments.
struct SessionArg {
  std::optional<std::string> value;  // a constant as text (nullopt = NULL)
  int param = 0;                     // > 0: the value of parameter $param instead
};
struct SessionCall {
  std::string function;          // "version", "current_user", …
  std::vector<SessionArg> args;  // constants or parameters
  std::string column;            // output column name (alias or function name)
};

// A parameter cast in the statement: `$param::type_name[]`. type_name is the parser's name
// (`int` → "int4", `varchar(10)` → "varchar", `timestamp with time zone` → "timestamptz").
struct ParamCast {
  int param = 0;
  std::string type_name;
  bool is_array = false;
};

// Which savepoint statement a SAVEPOINT kind is.
enum class SavepointOp { DEFINE, RELEASE, ROLLBACK_TO };

struct StatementInfo {
  StatementKind kind = StatementKind::UNPARSEABLE;
  SavepointOp savepoint_op = SavepointOp::DEFINE;  // for SAVEPOINT
  std::string name;                 // setting / prepared statement / savepoint / channel name
  std::vector<std::string> values;  // SET values, as strings
  bool is_local = false;
  bool set_default = false;                // SET x TO DEFAULT
  int max_param = 0;                       // highest $n referenced (0 if none / unknown)
  std::vector<ParamCast> param_casts;      // parameter types: explicit casts, then from context
  std::vector<SessionCall> session_calls;  // for SESSION_SELECT
  std::optional<CopySpec> copy;            // for COPY_TO_STDOUT / COPY_FROM_STDIN
  std::string error;                       // parser message when UNPARSEABLE
};

StatementInfo analyze_statement(std::string_view sql);

// The `$n` parameter references of sql in text order (scanner tokens: never inside literals or
// comments); empty when the text cannot be scanned.
struct ParamToken {
  int number = 0;
  size_t offset = 0;  // byte offset of the '$'
};
std::vector<ParamToken> param_tokens(std::string_view sql);

// A cheap lexical filter: false when sql cannot be a SESSION_SELECT (no parse needed).
bool may_be_session_select(std::string_view sql);

}  // namespace riffq::sql
