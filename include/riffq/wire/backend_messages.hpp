// riffq/wire/backend_messages.hpp
// Encoders for backend (server → client) messages. Each appends one complete message to a
// byte buffer (atomic messages, as pqcomm.c insists).
//
// INTERFACE ROUTINES
//   write_authentication(out, code, extra)      AuthenticationOk / CleartextPassword / …
//   write_parameter_status(out, name, value)    ParameterStatus
//   write_backend_key_data(out, pid, key)       BackendKeyData
//   write_ready_for_query(out, status)          ReadyForQuery
//   write_row_description(out, columns)         RowDescription
//   write_parameter_description(out, oids)      ParameterDescription
//   write_command_complete(out, tag)            CommandComplete
//   write_error_response / write_notice_response
//   write_empty(out, type)                      ParseComplete, BindComplete, CloseComplete,
//                                               NoData, PortalSuspended, EmptyQueryResponse
//   write_negotiate_protocol_version(out, minor, options)
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "riffq/common/pg_error.hpp"
#include "riffq/wire/field_description.hpp"
#include "riffq/wire/protocol.hpp"

namespace riffq::wire {

void write_authentication(std::string& out, int32_t code, std::string_view extra = {});
void write_parameter_status(std::string& out, std::string_view name, std::string_view value);
void write_backend_key_data(std::string& out, int32_t process_id, int32_t secret_key);
void write_ready_for_query(std::string& out, TransactionStatus status);
void write_row_description(std::string& out, const std::vector<FieldDescription>& columns);
void write_parameter_description(std::string& out, const std::vector<uint32_t>& oids);
void write_command_complete(std::string& out, std::string_view tag);
void write_error_response(std::string& out, const PgError& error);
void write_notice_response(std::string& out, const PgError& notice);
// Messages with an empty body.
void write_empty(std::string& out, char type);
void write_negotiate_protocol_version(std::string& out, int32_t newest_minor,
                                      const std::vector<std::string>& unrecognized);

}  // namespace riffq::wire
