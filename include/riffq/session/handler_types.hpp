// riffq/session/handler_types.hpp
// What the session asks of the application (admission, queries) and what comes back. The
// server layer turns these into calls of the user's callbacks (Python or C++).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "riffq/common/pg_error.hpp"
#include "riffq/types/arrow_c_abi.hpp"
#include "riffq/wire/protocol.hpp"

namespace riffq::session {

// One Bind parameter, as sent: raw bytes in the given format, with its resolved type OID.
struct QueryArg {
  std::optional<std::string> value;  // nullopt = NULL
  uint32_t type_oid = 25;
  wire::Format format = wire::Format::TEXT;
};

struct HandlerCall {
  uint64_t connection_id = 0;
  uint64_t sequence = 0;  // echoed back in the reply; stale replies are dropped
  std::string sql;
  bool do_describe = false;
  bool with_args = false;  // extended protocol Execute / Describe portal: pass query_args
  std::vector<QueryArg> args;
};

struct HandlerReply {
  enum class Kind { ROWS, TAG, ERROR };
  uint64_t sequence = 0;
  Kind kind = Kind::ERROR;
  types::OwnedStream stream;  // ROWS
  types::OwnedSchema schema;  // ROWS: fetched by the caller, off the I/O thread
  std::string tag;            // TAG
  PgError error;              // ERROR

  static HandlerReply make_error(PgError e) {
    HandlerReply r;
    r.kind = Kind::ERROR;
    r.error = std::move(e);
    return r;
  }
  static HandlerReply make_tag(std::string t) {
    HandlerReply r;
    r.kind = Kind::TAG;
    r.tag = std::move(t);
    return r;
  }
};

struct AdmissionRequest {
  uint64_t connection_id = 0;
  std::string user;
  std::optional<std::string> database;
  std::optional<std::string> password;  // set when password authentication ran
  std::string application_name;
};

struct AdmissionReply {
  bool ok = false;
  PgError error;  // used when !ok
};

}  // namespace riffq::session
