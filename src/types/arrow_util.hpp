// src/types/arrow_util.hpp
// Internal helpers over the Arrow C Data Interface: validity bits, typed buffer access,
// format-string and metadata parsing, big-endian stores for binary cells.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "riffq/types/arrow_c_abi.hpp"
#include "riffq/types/column_encoder.hpp"

namespace riffq::types::detail {

// Validity bitmap of an array, or nullptr when every slot is valid.
inline const uint8_t* validity(const ArrowArray& a) {
  if (a.null_count == 0 || a.n_buffers == 0 || a.buffers == nullptr) return nullptr;
  return static_cast<const uint8_t*>(a.buffers[0]);
}
inline bool bit_set(const uint8_t* bits, int64_t i) { return (bits[i >> 3] >> (i & 7)) & 1; }
// Whether logical slot i (array offset not yet added) is valid.
inline bool is_valid(const ArrowArray& a, int64_t i) {
  const uint8_t* v = validity(a);
  return v == nullptr || bit_set(v, a.offset + i);
}

template <typename T>
inline const T* buffer(const ArrowArray& a, int64_t index) {
  if (index >= a.n_buffers || a.buffers == nullptr) return nullptr;
  return static_cast<const T*>(a.buffers[index]);
}

// Value of a metadata key (Arrow's binary metadata format), or empty.
std::string_view metadata_value(const char* metadata, std::string_view key);

// Big-endian appends for binary cells.
inline void put_be16(std::string& s, uint16_t v) {
  char b[2] = {static_cast<char>(v >> 8), static_cast<char>(v)};
  s.append(b, 2);
}
inline void put_be32(std::string& s, uint32_t v) {
  char b[4] = {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
               static_cast<char>(v)};
  s.append(b, 4);
}
inline void put_be64(std::string& s, uint64_t v) {
  put_be32(s, static_cast<uint32_t>(v >> 32));
  put_be32(s, static_cast<uint32_t>(v));
}

// Appends a decimal integer.
void put_int(std::string& s, int64_t v);
void put_uint(std::string& s, uint64_t v);

// Runs f(physical_index) for every valid slot of [offset, offset + count) and appends a NULL
// cell for every invalid one. f must append exactly one cell.
template <typename F>
inline void for_each_slot(const ArrowArray& a, int64_t offset, int64_t count, CellBuffer& out,
                          F&& f) {
  const uint8_t* v = validity(a);
  const int64_t base = a.offset + offset;
  if (v == nullptr) {
    for (int64_t i = 0; i < count; ++i) f(base + i);
  } else {
    for (int64_t i = 0; i < count; ++i) {
      if (bit_set(v, base + i)) {
        f(base + i);
      } else {
        out.append_null();
      }
    }
  }
}

// Sets *error (when non-null) and returns false.
inline bool fail(std::string* error, std::string msg) {
  if (error) *error = std::move(msg);
  return false;
}

}  // namespace riffq::types::detail
