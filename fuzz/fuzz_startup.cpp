// fuzz_startup.cpp — libFuzzer target: the startup-phase framing and decoding (length word,
// SSLRequest / GSSENCRequest / CancelRequest / StartupMessage parameters), as a fresh
// connection's first bytes.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "riffq/wire/frame_decoder.hpp"
#include "riffq/wire/frontend_messages.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  riffq::wire::FrameDecoder decoder(riffq::wire::FrameLimits{1 << 20});
  // Several packets in a row, as a client that sends SSLRequest then a StartupMessage.
  for (int i = 0; i < 4 && !input.empty(); ++i) {
    riffq::wire::Frame frame;
    riffq::PgError error;
    auto st = decoder.next_startup(input, frame, error);
    if (st != riffq::wire::FrameStatus::READY) break;
    auto decoded = riffq::wire::decode_startup_packet(frame.body);
    if (!decoded.ok()) break;
    input.remove_prefix(frame.total);
  }
  return 0;
}
