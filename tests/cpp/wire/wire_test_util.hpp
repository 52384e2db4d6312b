// wire_test_util.hpp — building frontend messages byte by byte for decoder tests.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "riffq/wire/message_writer.hpp"

namespace riffq::wire::test {

inline std::string typed(char type, const std::string& body) {
  std::string out;
  MessageWriter w(&out);
  w.begin(type);
  w.put_bytes(body);
  w.end();
  return out;
}

inline std::string startup(const std::vector<std::pair<std::string, std::string>>& params,
                           int32_t version = 196608) {
  std::string out;
  MessageWriter w(&out);
  w.begin_untyped();
  w.put_int32(version);
  for (auto& [k, v] : params) {
    w.put_cstring(k);
    w.put_cstring(v);
  }
  w.put_int8(0);
  w.end();
  return out;
}

inline std::string cstr(const std::string& s) { return s + std::string(1, '\0'); }

inline std::string be16(int16_t v) {
  std::string s(2, '\0');
  MessageWriter::store_be16(s.data(), static_cast<uint16_t>(v));
  return s;
}

inline std::string be32(int32_t v) {
  std::string s(4, '\0');
  MessageWriter::store_be32(s.data(), static_cast<uint32_t>(v));
  return s;
}

}  // namespace riffq::wire::test
