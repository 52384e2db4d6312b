// src/types/decimal.cpp
// decimal32/64/128/256(p,s) → numeric, exact: text with exactly s fraction digits (as a
// numeric(p,s) column prints), binary in numeric_send's base-10000 form; typmod from (p,s).
#include <algorithm>
#include <charconv>
#include <cstring>

#include "arrow_util.hpp"
#include "encoders.hpp"
#include "numeric_format.hpp"
#include "riffq/types/pg_types.hpp"

namespace riffq::types::detail {

void append_numeric_cell(CellBuffer& out, std::string_view text, bool binary) {
  if (!binary) {
    out.append_cell(text);
    return;
  }
  size_t mark = out.begin();
  put_numeric_binary(out.bytes(), text);
  out.commit(mark);
}

void put_numeric_binary(std::string& out, std::string_view text) {
  bool neg = false;
  if (!text.empty() && text[0] == '-') {
    neg = true;
    text.remove_prefix(1);
  }
  const size_t dot = text.find('.');
  std::string_view ip = text.substr(0, dot);
  std::string_view fp = dot == std::string_view::npos ? std::string_view() : text.substr(dot + 1);
  const int dscale = static_cast<int>(fp.size());
  // Base-10000 groups: integer part grouped from the point leftwards, fraction rightwards.
  const size_t int_groups = (ip.size() + 3) / 4;
  const size_t frac_groups = (fp.size() + 3) / 4;
  std::string padded(int_groups * 4 - ip.size(), '0');
  padded.append(ip);
  padded.append(fp);
  padded.append(frac_groups * 4 - fp.size(), '0');
  const size_t ng = int_groups + frac_groups;
  int16_t groups[128];
  size_t n = 0;
  for (size_t g = 0; g < ng && n < 128; ++g) {
    int v = 0;
    for (size_t k = 0; k < 4; ++k) v = v * 10 + (padded[g * 4 + k] - '0');
    groups[n++] = static_cast<int16_t>(v);
  }
  int weight = static_cast<int>(int_groups) - 1;
  size_t first = 0;
  while (first < n && groups[first] == 0) {
    ++first;
    --weight;
  }
  size_t last = n;
  while (last > first && groups[last - 1] == 0) --last;
  if (first == last) {  // zero
    weight = 0;
    neg = false;
  }
  put_be16(out, static_cast<uint16_t>(last - first));
  put_be16(out, static_cast<uint16_t>(static_cast<int16_t>(weight)));
  put_be16(out, neg ? 0x4000 : 0x0000);
  put_be16(out, static_cast<uint16_t>(dscale));
  for (size_t g = first; g < last; ++g) put_be16(out, static_cast<uint16_t>(groups[g]));
}

namespace {

class DecimalEncoder final : public ColumnEncoder {
 public:
  DecimalEncoder(int precision, int scale, int bits)
      : ColumnEncoder({oid::NUMERIC, -1,
                       scale >= 0 && precision <= 1000 ? ((precision << 16) | scale) + 4 : -1}),
        scale_(scale),
        bytes_(bits / 8) {}
  JsonKind json_kind() const override { return JsonKind::NUMBER; }

  bool encode(const ArrowArray& a, int64_t offset, int64_t count, wire::Format format,
              CellBuffer& out, std::string*) override {
    const uint8_t* values = buffer<uint8_t>(a, 1);
    const bool binary = format == wire::Format::BINARY;
    std::string text;
    for_each_slot(a, offset, count, out, [&](int64_t i) {
      text.clear();
      to_text(values + i * bytes_, text);
      append_numeric_cell(out, text, binary);
    });
    return true;
  }

 private:
  // Plain decimal text of one little-endian two's-complement value.
  void to_text(const uint8_t* p, std::string& out) const {
    uint32_t limbs[8] = {};
    const int nl = bytes_ / 4;
    std::memcpy(limbs, p, static_cast<size_t>(bytes_));
    const bool neg = (limbs[nl - 1] & 0x80000000u) != 0;
    if (neg) {  // two's complement negate
      uint64_t carry = 1;
      for (int k = 0; k < nl; ++k) {
        uint64_t v = static_cast<uint64_t>(static_cast<uint32_t>(~limbs[k])) + carry;
        limbs[k] = static_cast<uint32_t>(v);
        carry = v >> 32;
      }
    }
    // Repeated division by 10^9, least significant chunk first.
    char digits[90];
    int nd = 0;
    int top = nl;
    while (top > 0 && limbs[top - 1] == 0) --top;
    while (top > 0) {
      uint64_t rem = 0;
      for (int k = top - 1; k >= 0; --k) {
        uint64_t cur = (rem << 32) | limbs[k];
        limbs[k] = static_cast<uint32_t>(cur / 1000000000u);
        rem = cur % 1000000000u;
      }
      while (top > 0 && limbs[top - 1] == 0) --top;
      for (int d = 0; d < 9; ++d) {
        digits[nd++] = static_cast<char>('0' + rem % 10);
        rem /= 10;
        if (top == 0 && rem == 0) break;
      }
    }
    if (nd == 0) digits[nd++] = '0';
    std::reverse(digits, digits + nd);
    bool is_zero = nd == 1 && digits[0] == '0';
    if (neg && !is_zero) out.push_back('-');
    if (scale_ <= 0) {
      out.append(digits, static_cast<size_t>(nd));
      if (!is_zero) out.append(static_cast<size_t>(-scale_), '0');
      return;
    }
    if (nd <= scale_) {
      out.append("0.");
      out.append(static_cast<size_t>(scale_ - nd), '0');
      out.append(digits, static_cast<size_t>(nd));
    } else {
      out.append(digits, static_cast<size_t>(nd - scale_));
      out.push_back('.');
      out.append(digits + nd - scale_, static_cast<size_t>(scale_));
    }
  }

  int scale_;
  int bytes_;
};

}  // namespace

ColumnEncoderPtr make_decimal_encoder(std::string_view format, std::string* error) {
  // "d:p,s" or "d:p,s,bits"
  int values[3] = {0, 0, 128};
  int n = 0;
  const char* p = format.data() + 2;
  const char* end = format.data() + format.size();
  while (p < end && n < 3) {
    auto r = std::from_chars(p, end, values[n]);
    if (r.ec != std::errc()) break;
    ++n;
    p = r.ptr;
    if (p < end && *p == ',') ++p;
  }
  const int bits = values[2];
  if (n < 2 || format.size() < 3 || format[1] != ':' ||
      (bits != 32 && bits != 64 && bits != 128 && bits != 256)) {
    fail(error, "invalid Arrow decimal format \"" + std::string(format) + "\"");
    return nullptr;
  }
  return std::make_unique<DecimalEncoder>(values[0], values[1], bits);
}

}  // namespace riffq::types::detail
