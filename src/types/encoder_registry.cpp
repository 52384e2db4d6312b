// src/types/encoder_registry.cpp
// make_column_encoder: picks the type-family encoder for an Arrow field once, from its format
// string (and dictionary / extension metadata), plus shared helpers of arrow_util.hpp.
#include <charconv>
#include <cstring>

#include "arrow_util.hpp"
#include "encoders.hpp"

namespace riffq::types {
namespace detail {

std::string_view metadata_value(const char* metadata, std::string_view key) {
  if (metadata == nullptr) return {};
  const char* p = metadata;
  int32_t n = 0;
  std::memcpy(&n, p, 4);
  p += 4;
  for (int32_t i = 0; i < n; ++i) {
    int32_t klen = 0;
    std::memcpy(&klen, p, 4);
    p += 4;
    std::string_view k(p, static_cast<size_t>(klen));
    p += klen;
    int32_t vlen = 0;
    std::memcpy(&vlen, p, 4);
    p += 4;
    std::string_view v(p, static_cast<size_t>(vlen));
    p += vlen;
    if (k == key) return v;
  }
  return {};
}

void put_int(std::string& s, int64_t v) {
  char b[24];
  auto r = std::to_chars(b, b + sizeof b, v);
  s.append(b, static_cast<size_t>(r.ptr - b));
}

void put_uint(std::string& s, uint64_t v) {
  char b[24];
  auto r = std::to_chars(b, b + sizeof b, v);
  s.append(b, static_cast<size_t>(r.ptr - b));
}

}  // namespace detail

ColumnEncoderPtr make_column_encoder(const ArrowSchema& field, const EncodeOptions& options,
                                     std::string* error) {
  using namespace detail;
  if (field.format == nullptr) {
    fail(error, "Arrow field without a format string");
    return nullptr;
  }
  if (field.dictionary != nullptr) return make_dictionary_encoder(field, options, error);
  const std::string_view f(field.format);
  const std::string_view ext = metadata_value(field.metadata, "ARROW:extension:name");
  if (f.empty()) {
    fail(error, "Arrow field with an empty format string");
    return nullptr;
  }
  if (f.size() == 1) {
    switch (f[0]) {
      case 'n':
        return make_null_encoder();
      case 'b':
      case 'c':
      case 'C':
      case 's':
      case 'S':
      case 'i':
      case 'I':
      case 'l':
      case 'L':
        return make_integer_encoder(f[0], ext, error);
      case 'e':
      case 'f':
      case 'g':
        return make_floating_encoder(f[0], options, error);
      case 'z':
      case 'Z':
      case 'u':
      case 'U':
        return make_string_binary_encoder(f, ext, options, error);
      default:
        break;
    }
  } else {
    switch (f[0]) {
      case 'v':
      case 'w':
        return make_string_binary_encoder(f, ext, options, error);
      case 'd':
        return make_decimal_encoder(f, error);
      case 't':
        return make_temporal_encoder(f, options, error);
      case '+':
        switch (f[1]) {
          case 'l':
          case 'L':
          case 'w':
          case 'v':
            return make_list_encoder(field, options, error);
          case 's':
            return make_struct_encoder(field, options, error);
          case 'm':
            return make_map_encoder(field, options, error);
          case 'r':
            return make_run_end_encoder(field, options, error);
          default:
            break;
        }
        break;
      default:
        break;
    }
  }
  fail(error, "Arrow type \"" + std::string(f) + "\" cannot be sent to PostgreSQL");
  return nullptr;
}

}  // namespace riffq::types
