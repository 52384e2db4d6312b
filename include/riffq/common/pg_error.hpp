// riffq/common/pg_error.hpp
// PgError: one error as the client sees it in an ErrorResponse (severity, SQLSTATE, message, …).
#pragma once

#include <cstdint>
#include <string>

namespace riffq {

// SQLSTATE codes used by the core (PostgreSQL errcodes appendix).
namespace sqlstate {
inline constexpr const char* SUCCESSFUL_COMPLETION = "00000";
inline constexpr const char* PROTOCOL_VIOLATION = "08P01";
inline constexpr const char* FEATURE_NOT_SUPPORTED = "0A000";
inline constexpr const char* INVALID_AUTHORIZATION = "28000";
inline constexpr const char* INVALID_PASSWORD = "28P01";
inline constexpr const char* INVALID_CATALOG_NAME = "3D000";
inline constexpr const char* IN_FAILED_TRANSACTION = "25P02";
inline constexpr const char* NO_ACTIVE_SQL_TRANSACTION = "25P01";
inline constexpr const char* INVALID_SAVEPOINT_SPECIFICATION = "3B001";
inline constexpr const char* INVALID_CURSOR_NAME = "34000";
inline constexpr const char* INVALID_SQL_STATEMENT_NAME = "26000";
inline constexpr const char* DUPLICATE_PREPARED_STATEMENT = "42P05";
inline constexpr const char* DUPLICATE_CURSOR = "42P03";
inline constexpr const char* SYNTAX_ERROR = "42601";
inline constexpr const char* UNDEFINED_OBJECT = "42704";
inline constexpr const char* INVALID_PARAMETER_VALUE = "22023";
inline constexpr const char* INVALID_TEXT_REPRESENTATION = "22P02";
inline constexpr const char* INVALID_BINARY_REPRESENTATION = "22P03";
inline constexpr const char* BAD_COPY_FILE_FORMAT = "22P04";
inline constexpr const char* STRING_DATA_RIGHT_TRUNCATION = "22001";
inline constexpr const char* INVALID_DATETIME_FORMAT = "22007";
inline constexpr const char* UNDEFINED_COLUMN = "42703";
inline constexpr const char* DUPLICATE_COLUMN = "42701";
inline constexpr const char* NUMERIC_VALUE_OUT_OF_RANGE = "22003";
inline constexpr const char* CHARACTER_NOT_IN_REPERTOIRE = "22021";
inline constexpr const char* DATETIME_FIELD_OVERFLOW = "22008";
inline constexpr const char* OBJECT_NOT_IN_STATE = "55000";
inline constexpr const char* QUERY_CANCELED = "57014";
inline constexpr const char* ADMIN_SHUTDOWN = "57P01";
inline constexpr const char* TOO_MANY_CONNECTIONS = "53300";
inline constexpr const char* PROGRAM_LIMIT_EXCEEDED = "54000";
inline constexpr const char* INTERNAL_ERROR = "XX000";
}  // namespace sqlstate

enum class Severity : uint8_t { ERROR, FATAL, PANIC, WARNING, NOTICE, DEBUG, INFO, LOG };

// Returns the non-localised severity word ("ERROR", "FATAL", …).
const char* severity_name(Severity s);
// Parses a severity word (case-insensitive); unknown words become ERROR.
Severity parse_severity(const std::string& s);

struct PgError {
  Severity severity = Severity::ERROR;
  std::string sqlstate = sqlstate::INTERNAL_ERROR;
  std::string message;
  std::string detail;
  std::string hint;
  std::string context;   // CONTEXT ('W'), e.g. "COPY t, line 3, column x: \"abc\""
  int32_t position = 0;  // 1-based character position in the query, 0 = none

  bool is_fatal() const { return severity == Severity::FATAL || severity == Severity::PANIC; }

  static PgError error(std::string code, std::string msg) {
    PgError e;
    e.sqlstate = std::move(code);
    e.message = std::move(msg);
    return e;
  }
  static PgError fatal(std::string code, std::string msg) {
    PgError e = error(std::move(code), std::move(msg));
    e.severity = Severity::FATAL;
    return e;
  }
};

}  // namespace riffq
