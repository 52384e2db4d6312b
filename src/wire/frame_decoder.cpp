// frame_decoder.cpp — message framing with per-type size limits (no I/O).
#include "riffq/wire/frame_decoder.hpp"

#include "riffq/wire/protocol.hpp"

namespace riffq::wire {
namespace {

uint32_t load_be32(const char* p) {
  auto u = reinterpret_cast<const unsigned char*>(p);
  return (uint32_t(u[0]) << 24) | (uint32_t(u[1]) << 16) | (uint32_t(u[2]) << 8) | uint32_t(u[3]);
}

}  // namespace

uint32_t max_message_length(char type, const FrameLimits& limits) {
  switch (type) {
    case msg::QUERY:
    case msg::PARSE:
    case msg::BIND:
    case msg::COPY_DATA:
    case msg::FUNCTION_CALL:
      return limits.large_message_limit;
    case msg::PASSWORD_MESSAGE:  // SASL messages can carry channel-binding data
    case msg::DESCRIBE:
    case msg::EXECUTE:
    case msg::CLOSE:
    case msg::COPY_FAIL:
      return SMALL_MESSAGE_LIMIT;
    case msg::SYNC:
    case msg::FLUSH:
    case msg::TERMINATE:
    case msg::COPY_DONE:
      return 4;
    default:
      return 0;
  }
}

FrameStatus FrameDecoder::next_startup(std::string_view input, Frame& out, PgError& error) const {
  if (input.size() < 4) return FrameStatus::NEED_MORE;
  uint32_t len = load_be32(input.data());
  // pqcomm.c ProcessStartupPacket: len < 4 + 4 or > MAX_STARTUP_PACKET_LENGTH is invalid.
  if (len < 8 || len > MAX_STARTUP_PACKET_LENGTH) {
    error = PgError::fatal(sqlstate::PROTOCOL_VIOLATION, "invalid length of startup packet");
    return FrameStatus::ERROR;
  }
  if (input.size() < len) return FrameStatus::NEED_MORE;
  out.type = 0;
  out.body = input.substr(4, len - 4);
  out.total = len;
  return FrameStatus::READY;
}

FrameStatus FrameDecoder::next(std::string_view input, Frame& out, PgError& error) const {
  if (input.empty()) return FrameStatus::NEED_MORE;
  char type = input[0];
  // Check the type byte before the length (tcop/postgres.c SocketBackend).
  uint32_t limit = max_message_length(type, limits_);
  if (limit == 0) {
    error = PgError::fatal(sqlstate::PROTOCOL_VIOLATION,
                           std::string("invalid frontend message type ") +
                               std::to_string(static_cast<unsigned char>(type)));
    return FrameStatus::ERROR;
  }
  if (input.size() < 5) return FrameStatus::NEED_MORE;
  uint32_t len = load_be32(input.data() + 1);
  if (len < 4 || len > limit) {
    error = PgError::fatal(sqlstate::PROTOCOL_VIOLATION, "invalid message length");
    // Too large (but a length PostgreSQL's int32 could hold) is a limit, not a malformed frame.
    if (len > limit && limit > 4 && len <= 0x7FFFFFFFu)
      error.sqlstate = sqlstate::PROGRAM_LIMIT_EXCEEDED;
    return FrameStatus::ERROR;
  }
  if (input.size() < size_t(len) + 1) return FrameStatus::NEED_MORE;
  out.type = type;
  out.body = input.substr(5, len - 4);
  out.total = size_t(len) + 1;
  return FrameStatus::READY;
}

}  // namespace riffq::wire
