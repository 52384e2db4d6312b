// riffq/wire/frame_decoder.hpp
// FrameDecoder: splits a byte stream into complete messages (framing only, no I/O). Keeps
// malformed apart from incomplete (Envoy's three outcomes) and applies a size limit per
// message type before any buffering (pqcomm.c pq_getmessage / SocketBackend).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "riffq/common/pg_error.hpp"

namespace riffq::wire {

enum class FrameStatus { READY, NEED_MORE, ERROR };

struct Frame {
  char type = 0;          // 0 for untyped startup packets
  std::string_view body;  // excludes type byte and length word
  size_t total = 0;       // bytes consumed from the input
};

struct FrameLimits {
  uint32_t large_message_limit;  // Query, Parse, Bind, CopyData, FunctionCall, PasswordMessage
};

class FrameDecoder {
 public:
  explicit FrameDecoder(FrameLimits limits) : limits_(limits) {}

  // Startup phase: packets have no type byte and are at most MAX_STARTUP_PACKET_LENGTH long.
  FrameStatus next_startup(std::string_view input, Frame& out, PgError& error) const;
  // Normal phase: a type byte, then a length word that counts itself.
  FrameStatus next(std::string_view input, Frame& out, PgError& error) const;

 private:
  FrameLimits limits_;
};

// The size limit for a frontend message type; 0 for an unknown type byte.
uint32_t max_message_length(char type, const FrameLimits& limits);

}  // namespace riffq::wire
