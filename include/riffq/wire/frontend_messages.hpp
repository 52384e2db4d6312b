// riffq/wire/frontend_messages.hpp
// Typed frontend (client → server) messages of protocol 3.0, named as in the PostgreSQL docs
// ("Message Formats"), and their decoders. No I/O: decoders take one complete message body.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "riffq/common/pg_error.hpp"
#include "riffq/wire/protocol.hpp"

namespace riffq::wire {

// ---- Startup phase (untyped packets) ----
struct StartupMessage {
  int32_t protocol_version = PROTOCOL_3_0;
  std::vector<std::pair<std::string, std::string>> parameters;  // in the order sent
  const std::string* find(const std::string& key) const {
    for (auto& [k, v] : parameters)
      if (k == key) return &v;
    return nullptr;
  }
};
struct SSLRequest {};
struct GSSENCRequest {};
struct CancelRequest {
  int32_t process_id = 0;
  int32_t secret_key = 0;
};
using StartupPacket = std::variant<StartupMessage, SSLRequest, GSSENCRequest, CancelRequest>;

// ---- Normal phase (typed messages) ----
struct Query {
  std::string sql;
};
struct Parse {
  std::string statement;
  std::string sql;
  std::vector<uint32_t> parameter_types;
};
struct Bind {
  std::string portal;
  std::string statement;
  std::vector<int16_t> parameter_formats;
  std::vector<std::optional<std::string>> parameters;  // nullopt = NULL
  std::vector<int16_t> result_formats;
};
struct Describe {
  char kind = 'S';  // 'S' statement, 'P' portal
  std::string name;
};
struct Execute {
  std::string portal;
  int32_t max_rows = 0;  // 0 = no limit
};
struct Close {
  char kind = 'S';
  std::string name;
};
struct Sync {};
struct Flush {};
struct Terminate {};
// PasswordMessage, SASLInitialResponse and SASLResponse share the type byte 'p'; the body is
// kept raw and interpreted by the authentication step that expects it.
struct PasswordMessage {
  std::string body;
};
struct CopyData {
  std::string data;
};
struct CopyDone {};
struct CopyFail {
  std::string message;
};
struct FunctionCall {};

using FrontendMessage = std::variant<Query, Parse, Bind, Describe, Execute, Close, Sync, Flush,
                                     Terminate, PasswordMessage, CopyData, CopyDone, CopyFail,
                                     FunctionCall>;

// Decoding outcome: the message, or a protocol error (SQLSTATE 08P01, PostgreSQL's wording).
template <typename T>
struct Decoded {
  std::optional<T> value;
  PgError error;
  bool ok() const { return value.has_value(); }
};

// Decodes the body of a startup-phase packet (after the length word).
Decoded<StartupPacket> decode_startup_packet(std::string_view body);
// Decodes the body of a typed frontend message.
Decoded<FrontendMessage> decode_frontend_message(char type, std::string_view body);

}  // namespace riffq::wire
