// riffq/wire/message_reader.hpp
// MessageReader: a bounds-checked cursor over one complete message body (pqformat's
// pq_getmsg*). Every read checks the bytes left; a failed read latches an error and returns
// a zero value, so a decoder can read all fields and test ok() once at the end.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

namespace riffq::wire {

class MessageReader {
 public:
  explicit MessageReader(std::string_view body) : data_(body) {}

  bool ok() const { return ok_; }
  size_t remaining() const { return data_.size() - pos_; }
  // True when every byte was consumed and no read failed (pq_getmsgend).
  bool at_end() const { return ok_ && pos_ == data_.size(); }

  uint8_t get_int8() {
    if (!need(1)) return 0;
    return static_cast<uint8_t>(data_[pos_++]);
  }
  int16_t get_int16() {
    if (!need(2)) return 0;
    auto p = reinterpret_cast<const unsigned char*>(data_.data() + pos_);
    pos_ += 2;
    return static_cast<int16_t>((p[0] << 8) | p[1]);
  }
  int32_t get_int32() {
    if (!need(4)) return 0;
    auto p = reinterpret_cast<const unsigned char*>(data_.data() + pos_);
    pos_ += 4;
    return static_cast<int32_t>((uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) |
                                (uint32_t(p[2]) << 8) | uint32_t(p[3]));
  }
  int64_t get_int64() {
    uint64_t hi = static_cast<uint32_t>(get_int32());
    uint64_t lo = static_cast<uint32_t>(get_int32());
    return static_cast<int64_t>((hi << 32) | lo);
  }
  // Reads n bytes; n must be within the message.
  std::string_view get_bytes(size_t n) {
    if (!need(n)) return {};
    std::string_view v = data_.substr(pos_, n);
    pos_ += n;
    return v;
  }
  // Reads a NUL-terminated string (bounded scan within the message).
  std::string_view get_cstring() {
    if (!ok_) return {};
    size_t nul = data_.find('\0', pos_);
    if (nul == std::string_view::npos) {
      ok_ = false;
      return {};
    }
    std::string_view v = data_.substr(pos_, nul - pos_);
    pos_ = nul + 1;
    return v;
  }
  // Checks that count elements of at least elem_size bytes could still fit, before any
  // allocation sized by a count read from the wire (pgwire's ensure_count).
  bool ensure_count(int64_t count, size_t elem_size) {
    if (count < 0 || static_cast<uint64_t>(count) * elem_size > remaining()) ok_ = false;
    return ok_;
  }

 private:
  bool need(size_t n) {
    if (!ok_ || n > remaining()) {
      ok_ = false;
      return false;
    }
    return true;
  }

  std::string_view data_;
  size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace riffq::wire
