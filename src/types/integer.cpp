// src/types/integer.cpp
// bool and integer encoders: bool → bool, int8/16 → int2, int32 → int4, int64 → int8,
// uint8/16/32 widened to int2/int4/int8, uint64 → numeric (never wrapped).
#include <charconv>
#include <type_traits>

#include "arrow_util.hpp"
#include "encoders.hpp"
#include "numeric_format.hpp"
#include "riffq/types/pg_types.hpp"

namespace riffq::types::detail {
namespace {

class BoolEncoder final : public ColumnEncoder {
 public:
  BoolEncoder() : ColumnEncoder({oid::BOOL, 1, -1}) {}
  JsonKind json_kind() const override { return JsonKind::BOOL; }
  bool encode(const ArrowArray& a, int64_t offset, int64_t count, wire::Format format,
              CellBuffer& out, std::string*) override {
    const uint8_t* bits = buffer<uint8_t>(a, 1);
    out.reserve(static_cast<size_t>(count), static_cast<size_t>(count));
    const bool binary = format == wire::Format::BINARY;
    for_each_slot(a, offset, count, out, [&](int64_t i) {
      const bool v = bit_set(bits, i);
      char c = binary ? static_cast<char>(v ? 1 : 0) : (v ? 't' : 'f');
      out.append_cell(std::string_view(&c, 1));
    });
    return true;
  }
};

// The arrow.bool8 canonical extension (int8 storage, 0 false, anything else true: DuckDB's
// booleans under arrow_lossless_conversion) → bool.
class Bool8Encoder final : public ColumnEncoder {
 public:
  Bool8Encoder() : ColumnEncoder({oid::BOOL, 1, -1}) {}
  JsonKind json_kind() const override { return JsonKind::BOOL; }
  bool encode(const ArrowArray& a, int64_t offset, int64_t count, wire::Format format,
              CellBuffer& out, std::string*) override {
    const int8_t* values = buffer<int8_t>(a, 1);
    out.reserve(static_cast<size_t>(count), static_cast<size_t>(count));
    const bool binary = format == wire::Format::BINARY;
    for_each_slot(a, offset, count, out, [&](int64_t i) {
      const bool v = values[i] != 0;
      char c = binary ? static_cast<char>(v ? 1 : 0) : (v ? 't' : 'f');
      out.append_cell(std::string_view(&c, 1));
    });
    return true;
  }
};

// Arrow integer T sent as PostgreSQL integer W (int16/int32/int64).
template <typename T, typename W>
class IntEncoder final : public ColumnEncoder {
 public:
  IntEncoder(uint32_t type_oid) : ColumnEncoder({type_oid, static_cast<int16_t>(sizeof(W)), -1}) {}
  JsonKind json_kind() const override { return JsonKind::NUMBER; }
  bool encode(const ArrowArray& a, int64_t offset, int64_t count, wire::Format format,
              CellBuffer& out, std::string*) override {
    const T* values = buffer<T>(a, 1);
    std::string& b = out.bytes();
    if (format == wire::Format::BINARY) {
      out.reserve(static_cast<size_t>(count), static_cast<size_t>(count) * sizeof(W));
      for_each_slot(a, offset, count, out, [&](int64_t i) {
        size_t mark = out.begin();
        using U = std::make_unsigned_t<W>;
        const U u = static_cast<U>(static_cast<W>(values[i]));
        if constexpr (sizeof(W) == 2) {
          put_be16(b, u);
        } else if constexpr (sizeof(W) == 4) {
          put_be32(b, u);
        } else {
          put_be64(b, u);
        }
        out.commit(mark);
      });
    } else {
      out.reserve(static_cast<size_t>(count), static_cast<size_t>(count) * 4);
      for_each_slot(a, offset, count, out, [&](int64_t i) {
        char tmp[24];
        auto r = std::to_chars(tmp, tmp + sizeof tmp, values[i]);
        out.append_cell(std::string_view(tmp, static_cast<size_t>(r.ptr - tmp)));
      });
    }
    return true;
  }
};

class UInt64Encoder final : public ColumnEncoder {
 public:
  UInt64Encoder() : ColumnEncoder({oid::NUMERIC, -1, -1}) {}
  JsonKind json_kind() const override { return JsonKind::NUMBER; }
  bool encode(const ArrowArray& a, int64_t offset, int64_t count, wire::Format format,
              CellBuffer& out, std::string*) override {
    const uint64_t* values = buffer<uint64_t>(a, 1);
    const bool binary = format == wire::Format::BINARY;
    for_each_slot(a, offset, count, out, [&](int64_t i) {
      char tmp[24];
      auto r = std::to_chars(tmp, tmp + sizeof tmp, values[i]);
      std::string_view text(tmp, static_cast<size_t>(r.ptr - tmp));
      append_numeric_cell(out, text, binary);
    });
    return true;
  }
};

}  // namespace

ColumnEncoderPtr make_integer_encoder(char format, std::string_view extension, std::string* error) {
  if (format == 'c' && extension == "arrow.bool8") return std::make_unique<Bool8Encoder>();
  switch (format) {
    case 'b':
      return std::make_unique<BoolEncoder>();
    case 'c':
      return std::make_unique<IntEncoder<int8_t, int16_t>>(oid::INT2);
    case 'C':
      return std::make_unique<IntEncoder<uint8_t, int16_t>>(oid::INT2);
    case 's':
      return std::make_unique<IntEncoder<int16_t, int16_t>>(oid::INT2);
    case 'S':
      return std::make_unique<IntEncoder<uint16_t, int32_t>>(oid::INT4);
    case 'i':
      return std::make_unique<IntEncoder<int32_t, int32_t>>(oid::INT4);
    case 'I':
      return std::make_unique<IntEncoder<uint32_t, int64_t>>(oid::INT8);
    case 'l':
      return std::make_unique<IntEncoder<int64_t, int64_t>>(oid::INT8);
    case 'L':
      return std::make_unique<UInt64Encoder>();
    default:
      fail(error, std::string("not an integer format: ") + format);
      return nullptr;
  }
}

}  // namespace riffq::types::detail
