// riffq/wire/protocol.hpp
// Message type bytes, protocol codes and size limits of the PostgreSQL v3 protocol
// (PostgreSQL src/include/libpq/protocol.h, pqcomm.h; "Message Formats" in the docs).
#pragma once

#include <cstdint>

namespace riffq::wire {

namespace msg {
// Frontend → backend.
inline constexpr char BIND = 'B';
inline constexpr char CLOSE = 'C';
inline constexpr char DESCRIBE = 'D';
inline constexpr char EXECUTE = 'E';
inline constexpr char FUNCTION_CALL = 'F';
inline constexpr char FLUSH = 'H';
inline constexpr char PARSE = 'P';
inline constexpr char QUERY = 'Q';
inline constexpr char SYNC = 'S';
inline constexpr char TERMINATE = 'X';
inline constexpr char COPY_FAIL = 'f';
inline constexpr char PASSWORD_MESSAGE = 'p';  // also SASLInitialResponse, SASLResponse, GSSResponse
inline constexpr char COPY_DATA = 'd';
inline constexpr char COPY_DONE = 'c';

// Backend → frontend.
inline constexpr char PARSE_COMPLETE = '1';
inline constexpr char BIND_COMPLETE = '2';
inline constexpr char CLOSE_COMPLETE = '3';
inline constexpr char NOTIFICATION_RESPONSE = 'A';
inline constexpr char COMMAND_COMPLETE = 'C';
inline constexpr char DATA_ROW = 'D';
inline constexpr char ERROR_RESPONSE = 'E';
inline constexpr char COPY_IN_RESPONSE = 'G';
inline constexpr char COPY_OUT_RESPONSE = 'H';
inline constexpr char EMPTY_QUERY_RESPONSE = 'I';
inline constexpr char BACKEND_KEY_DATA = 'K';
inline constexpr char NOTICE_RESPONSE = 'N';
inline constexpr char AUTHENTICATION = 'R';
inline constexpr char PORTAL_SUSPENDED = 's';
inline constexpr char PARAMETER_STATUS = 'S';
inline constexpr char PARAMETER_DESCRIPTION = 't';
inline constexpr char ROW_DESCRIPTION = 'T';
inline constexpr char NEGOTIATE_PROTOCOL_VERSION = 'v';
inline constexpr char READY_FOR_QUERY = 'Z';
inline constexpr char NO_DATA_MESSAGE = 'n';  // NoData (NO_DATA is a netdb.h macro)
}  // namespace msg

// Authentication request codes (the Int32 after 'R').
namespace auth {
inline constexpr int32_t OK = 0;
inline constexpr int32_t CLEARTEXT_PASSWORD = 3;
inline constexpr int32_t MD5_PASSWORD = 5;
inline constexpr int32_t SASL = 10;
inline constexpr int32_t SASL_CONTINUE = 11;
inline constexpr int32_t SASL_FINAL = 12;
}  // namespace auth

// Startup-packet codes (pqcomm.h: PG_PROTOCOL(1234, 5678) etc.).
inline constexpr int32_t PROTOCOL_3_0 = 196608;  // 3 << 16
inline constexpr int32_t CANCEL_REQUEST_CODE = 80877102;
inline constexpr int32_t SSL_REQUEST_CODE = 80877103;
inline constexpr int32_t GSSENC_REQUEST_CODE = 80877104;

// Size limits. MAX_STARTUP_PACKET_LENGTH is PostgreSQL's (pqcomm.h); the small-message
// limit is PQ_SMALL_MESSAGE_LIMIT (libpq/libpq.h). The large limit is configurable.
inline constexpr uint32_t MAX_STARTUP_PACKET_LENGTH = 10000;
inline constexpr uint32_t SMALL_MESSAGE_LIMIT = 10000;
inline constexpr uint32_t DEFAULT_LARGE_MESSAGE_LIMIT = 64u * 1024 * 1024;
// Bind/ParameterDescription counts are Int16 on the wire.
inline constexpr uint32_t MAX_PARAMETERS = 65535;

// Transaction status byte of ReadyForQuery.
enum class TransactionStatus : char { IDLE = 'I', IN_BLOCK = 'T', FAILED = 'E' };

// Format codes of Bind / RowDescription.
enum class Format : int16_t { TEXT = 0, BINARY = 1 };

}  // namespace riffq::wire
