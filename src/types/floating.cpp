// src/types/floating.cpp
// float16/float32 → float4 and float64 → float8, text as PostgreSQL 12+ prints them
// (shortest round-trip digits, printf-like switch to exponent form, "Infinity", "NaN") or
// with %.*g when extra_float_digits <= 0; binary as IEEE big-endian bits.
#include <cfloat>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "arrow_util.hpp"
#include "encoders.hpp"
#include "riffq/types/pg_types.hpp"

namespace riffq::types::detail {
namespace {

float half_to_float(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  const uint32_t exp = (h >> 10) & 0x1fu;
  uint32_t mant = h & 0x3ffu;
  uint32_t bits;
  if (exp == 0) {
    if (mant == 0) {
      bits = sign;
    } else {  // subnormal: normalise
      int e = -1;
      do {
        ++e;
        mant <<= 1;
      } while ((mant & 0x400u) == 0);
      bits = sign | (static_cast<uint32_t>(127 - 15 - e) << 23) | ((mant & 0x3ffu) << 13);
    }
  } else if (exp == 0x1f) {
    bits = sign | 0x7f800000u | (mant << 13);
  } else {
    bits = sign | ((exp + 127 - 15) << 23) | (mant << 13);
  }
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

// Shortest round-trip text the way PostgreSQL's ryu-based float[48]out prints it: fixed
// notation for decimal exponents in [-4, max_fixed_exp), else d.ddde±XX.
template <typename F>
void put_shortest(std::string& out, F v, int max_fixed_exp) {
  char sci[64];
  auto r = std::to_chars(sci, sci + sizeof sci, v, std::chars_format::scientific);
  const char* p = sci;
  const char* end = r.ptr;
  if (*p == '-') {
    out.push_back('-');
    ++p;
  }
  char digits[40];
  int nd = 0;
  while (p < end && *p != 'e') {
    if (*p != '.') digits[nd++] = *p;
    ++p;
  }
  int exp = 0;
  if (p < end) {
    ++p;  // 'e'
    std::from_chars(*p == '+' ? p + 1 : p, end, exp);
  }
  if (exp >= -4 && exp < max_fixed_exp) {
    if (exp < 0) {
      out.append("0.");
      out.append(static_cast<size_t>(-exp - 1), '0');
      out.append(digits, static_cast<size_t>(nd));
    } else if (nd <= exp + 1) {
      out.append(digits, static_cast<size_t>(nd));
      out.append(static_cast<size_t>(exp + 1 - nd), '0');
    } else {
      out.append(digits, static_cast<size_t>(exp + 1));
      out.push_back('.');
      out.append(digits + exp + 1, static_cast<size_t>(nd - exp - 1));
    }
    return;
  }
  out.push_back(digits[0]);
  if (nd > 1) {
    out.push_back('.');
    out.append(digits + 1, static_cast<size_t>(nd - 1));
  }
  out.push_back('e');
  out.push_back(exp < 0 ? '-' : '+');
  const int ae = exp < 0 ? -exp : exp;
  if (ae >= 100) out.push_back(static_cast<char>('0' + ae / 100));
  out.push_back(static_cast<char>('0' + (ae / 10) % 10));
  out.push_back(static_cast<char>('0' + ae % 10));
}

template <typename F>
void put_float_text(std::string& out, F v, int extra_float_digits) {
  if (std::isnan(v)) {
    out.append("NaN");
    return;
  }
  if (std::isinf(v)) {
    out.append(v < 0 ? "-Infinity" : "Infinity");
    return;
  }
  constexpr bool is_double = sizeof(F) == 8;
  if (extra_float_digits > 0) {
    put_shortest(out, v, is_double ? DBL_DIG : FLT_DIG);
    return;
  }
  int ndig = (is_double ? DBL_DIG : FLT_DIG) + extra_float_digits;
  if (ndig < 1) ndig = 1;
  char tmp[64];
  int n = std::snprintf(tmp, sizeof tmp, "%.*g", ndig, static_cast<double>(v));
  if (n > 0) out.append(tmp, static_cast<size_t>(n));
}

// Arrow float of storage S (uint16 for halves) sent as PostgreSQL float F.
template <typename S, typename F>
class FloatEncoder final : public ColumnEncoder {
 public:
  FloatEncoder(uint32_t type_oid, int extra)
      : ColumnEncoder({type_oid, static_cast<int16_t>(sizeof(F)), -1}), extra_(extra) {}
  JsonKind json_kind() const override { return JsonKind::NUMBER; }

  bool encode(const ArrowArray& a, int64_t offset, int64_t count, wire::Format format,
              CellBuffer& out, std::string*) override {
    const S* values = buffer<S>(a, 1);
    std::string& b = out.bytes();
    const bool binary = format == wire::Format::BINARY;
    out.reserve(static_cast<size_t>(count), static_cast<size_t>(count) * (binary ? sizeof(F) : 12));
    for_each_slot(a, offset, count, out, [&](int64_t i) {
      F v;
      if constexpr (sizeof(S) == 2) {
        v = half_to_float(values[i]);
      } else {
        v = values[i];
      }
      size_t mark = out.begin();
      if (binary) {
        if constexpr (sizeof(F) == 4) {
          uint32_t bits;
          std::memcpy(&bits, &v, 4);
          put_be32(b, bits);
        } else {
          uint64_t bits;
          std::memcpy(&bits, &v, 8);
          put_be64(b, bits);
        }
      } else {
        put_float_text(b, v, extra_);
      }
      out.commit(mark);
    });
    return true;
  }

 private:
  int extra_;
};

}  // namespace

ColumnEncoderPtr make_floating_encoder(char format, const EncodeOptions& options,
                                       std::string* error) {
  switch (format) {
    case 'e':
      return std::make_unique<FloatEncoder<uint16_t, float>>(oid::FLOAT4, options.extra_float_digits);
    case 'f':
      return std::make_unique<FloatEncoder<float, float>>(oid::FLOAT4, options.extra_float_digits);
    case 'g':
      return std::make_unique<FloatEncoder<double, double>>(oid::FLOAT8, options.extra_float_digits);
    default:
      fail(error, std::string("not a floating-point format: ") + format);
      return nullptr;
  }
}

}  // namespace riffq::types::detail
