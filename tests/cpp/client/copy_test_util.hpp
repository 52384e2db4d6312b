// tests/cpp/client/copy_test_util.hpp
// Builders of PostgreSQL binary values and binary COPY streams for the decoder tests.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "riffq/client/column_builder.hpp"

namespace riffq::client::test {

struct Bytes {
  std::string b;
  Bytes& i16(int16_t v) {
    const uint16_t u = __builtin_bswap16(static_cast<uint16_t>(v));
    b.append(reinterpret_cast<const char*>(&u), 2);
    return *this;
  }
  Bytes& i32(int32_t v) {
    const uint32_t u = __builtin_bswap32(static_cast<uint32_t>(v));
    b.append(reinterpret_cast<const char*>(&u), 4);
    return *this;
  }
  Bytes& i64(int64_t v) {
    const uint64_t u = __builtin_bswap64(static_cast<uint64_t>(v));
    b.append(reinterpret_cast<const char*>(&u), 8);
    return *this;
  }
  Bytes& raw(const std::string& s) {
    b += s;
    return *this;
  }
  // A field: length word then the bytes.
  Bytes& field(const std::string& s) {
    i32(static_cast<int32_t>(s.size()));
    return raw(s);
  }
  Bytes& null() { return i32(-1); }
};

inline std::string copy_header() {
  return Bytes().raw(std::string("PGCOPY\n\xff\r\n\0", 11)).i32(0).i32(0).b;
}
inline std::string copy_trailer() { return Bytes().i16(-1).b; }

inline std::string be32(int32_t v) { return Bytes().i32(v).b; }
inline std::string be64(int64_t v) { return Bytes().i64(v).b; }

// numeric binary: digits are base-10000 groups.
inline std::string numeric(int16_t weight, uint16_t sign, int16_t dscale, std::vector<int16_t> digits) {
  Bytes x;
  x.i16(static_cast<int16_t>(digits.size())).i16(weight).i16(static_cast<int16_t>(sign)).i16(dscale);
  for (int16_t d : digits) x.i16(d);
  return x.b;
}

// 1-D or N-D int4 array binary; nulls as INT32_MIN.
inline std::string int4_array(std::vector<int32_t> dims, std::vector<int32_t> values) {
  Bytes x;
  x.i32(static_cast<int32_t>(dims.size())).i32(0).i32(23);
  for (int32_t d : dims) x.i32(d).i32(1);
  for (int32_t v : values) {
    if (v == INT32_MIN) {
      x.null();
    } else {
      x.i32(4).i32(v);
    }
  }
  return x.b;
}

inline ColumnSpec spec(ColumnKind kind, const char* name = "c") {
  ColumnSpec s;
  s.name = name;
  s.kind = kind;
  return s;
}

inline ColumnSpec list_spec(ColumnKind elem, int depth) {
  ColumnSpec s = spec(ColumnKind::List);
  s.list_depth = depth;
  s.element = std::make_shared<ColumnSpec>(spec(elem, "item"));
  return s;
}

template <typename T>
T value(const ArrowArray& a, int64_t i) {
  T v;
  std::memcpy(&v, static_cast<const uint8_t*>(a.buffers[1]) + i * static_cast<int64_t>(sizeof(T)), sizeof(T));
  return v;
}

inline bool valid(const ArrowArray& a, int64_t i) {
  if (a.buffers[0] == nullptr) return true;
  return (static_cast<const uint8_t*>(a.buffers[0])[i >> 3] >> (i & 7)) & 1;
}

inline std::string str(const ArrowArray& a, int64_t i) {
  const auto* off = static_cast<const int32_t*>(a.buffers[1]);
  return std::string(static_cast<const char*>(a.buffers[2]) + off[i], static_cast<size_t>(off[i + 1] - off[i]));
}

}  // namespace riffq::client::test
