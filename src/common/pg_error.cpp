// pg_error.cpp — severity names for ErrorResponse / NoticeResponse.
#include "riffq/common/pg_error.hpp"

#include "riffq/common/ascii.hpp"

#include <algorithm>
#include <cctype>

namespace riffq {

const char* severity_name(Severity s) {
  switch (s) {
    case Severity::ERROR: return "ERROR";
    case Severity::FATAL: return "FATAL";
    case Severity::PANIC: return "PANIC";
    case Severity::WARNING: return "WARNING";
    case Severity::NOTICE: return "NOTICE";
    case Severity::DEBUG: return "DEBUG";
    case Severity::INFO: return "INFO";
    case Severity::LOG: return "LOG";
  }
  return "ERROR";
}

Severity parse_severity(const std::string& s) {
  std::string u = ascii_upper(s);
  if (u == "FATAL") return Severity::FATAL;
  if (u == "PANIC") return Severity::PANIC;
  if (u == "WARNING") return Severity::WARNING;
  if (u == "NOTICE") return Severity::NOTICE;
  if (u == "DEBUG") return Severity::DEBUG;
  if (u == "INFO") return Severity::INFO;
  if (u == "LOG") return Severity::LOG;
  return Severity::ERROR;
}

}  // namespace riffq
