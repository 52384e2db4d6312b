// riffq/wire/message_writer.hpp
// MessageWriter: builds backend/frontend messages into a growable byte buffer, in the style of
// PostgreSQL's pqformat.c: begin(type) reserves the length word, end() fills it in, so callers
// never compute lengths.
//
// INTERFACE ROUTINES
//   begin(type) / begin_untyped() / end()   open and close one message
//   put_int8/16/32/64, put_bytes, put_cstring   checked appends (grow the buffer)
//   reserve(n) + write_int16/32 / write_bytes    unchecked appends after one reserve (hot path)
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace riffq::wire {

class MessageWriter {
 public:
  MessageWriter() = default;
  explicit MessageWriter(std::string* out) : buf_(out) {}

  // Starts a message with a type byte; the length word is written by end().
  void begin(char type) {
    buf_->push_back(type);
    begin_untyped();
  }
  // Starts a message without a type byte (startup packets, SSLRequest, CancelRequest).
  void begin_untyped() {
    start_ = buf_->size();
    buf_->append(4, '\0');
  }
  // Completes the open message: writes the length word (which counts itself).
  void end() {
    uint32_t len = static_cast<uint32_t>(buf_->size() - start_);
    store_be32(buf_->data() + start_, len);
  }

  void put_int8(uint8_t v) { buf_->push_back(static_cast<char>(v)); }
  void put_int16(int16_t v) {
    char b[2];
    store_be16(b, static_cast<uint16_t>(v));
    buf_->append(b, 2);
  }
  void put_int32(int32_t v) {
    char b[4];
    store_be32(b, static_cast<uint32_t>(v));
    buf_->append(b, 4);
  }
  void put_int64(int64_t v) {
    char b[8];
    store_be64(b, static_cast<uint64_t>(v));
    buf_->append(b, 8);
  }
  void put_bytes(const void* p, size_t n) { buf_->append(static_cast<const char*>(p), n); }
  void put_bytes(std::string_view s) { buf_->append(s.data(), s.size()); }
  // NB: the string must not contain NUL; it is written followed by one.
  void put_cstring(std::string_view s) {
    buf_->append(s.data(), s.size());
    buf_->push_back('\0');
  }

  std::string& buffer() { return *buf_; }
  size_t size() const { return buf_->size(); }

  static void store_be16(char* p, uint16_t v) {
    p[0] = static_cast<char>(v >> 8);
    p[1] = static_cast<char>(v);
  }
  static void store_be32(char* p, uint32_t v) {
    p[0] = static_cast<char>(v >> 24);
    p[1] = static_cast<char>(v >> 16);
    p[2] = static_cast<char>(v >> 8);
    p[3] = static_cast<char>(v);
  }
  static void store_be64(char* p, uint64_t v) {
    store_be32(p, static_cast<uint32_t>(v >> 32));
    store_be32(p + 4, static_cast<uint32_t>(v));
  }

 private:
  std::string own_;
  std::string* buf_ = &own_;
  size_t start_ = 0;
};

}  // namespace riffq::wire
