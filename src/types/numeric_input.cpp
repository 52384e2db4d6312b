// src/types/numeric_input.cpp — numeric_in with apply_typmod, then numeric_send: decimal text
// ("-12.50", "1e3", "NaN", "Infinity") → ndigits, weight, sign, dscale, base-10000 digits.
#include <cctype>
#include <string>
#include <vector>

#include "text_input_util.hpp"

namespace riffq::types::detail {
namespace {

constexpr uint16_t NUMERIC_POS = 0x0000;
constexpr uint16_t NUMERIC_NEG = 0x4000;
constexpr uint16_t NUMERIC_NAN = 0xC000;
constexpr uint16_t NUMERIC_PINF = 0xD000;
constexpr uint16_t NUMERIC_NINF = 0xF000;
constexpr int NUMERIC_MAX_SCALE = 1000;  // NUMERIC_MAX_DISPLAY_SCALE

void put_special(std::string* out, uint16_t sign) {
  put_be16(out, 0);
  put_be16(out, 0);
  put_be16(out, sign);
  // numeric_send reads dscale from the short header, whose bits for ±Infinity say 32.
  put_be16(out, sign == NUMERIC_NAN ? 0 : 32);
}

bool equals_ci(std::string_view a, const char* b) {
  size_t n = 0;
  for (; b[n]; ++n)
    if (n >= a.size() || std::tolower(static_cast<unsigned char>(a[n])) != b[n]) return false;
  return n == a.size();
}

}  // namespace

bool numeric_input(std::string_view text, int32_t typmod, std::string* out, PgError* e) {
  std::string_view t = trim(text);
  bool neg = false;
  std::string_view body = t;
  if (!body.empty() && (body[0] == '+' || body[0] == '-')) {
    neg = body[0] == '-';
    body.remove_prefix(1);
  }
  if (equals_ci(t, "nan")) {
    put_special(out, NUMERIC_NAN);
    return true;
  }
  if (equals_ci(body, "infinity") || equals_ci(body, "inf")) {
    if (typmod >= 4) return fail(e, sqlstate::NUMERIC_VALUE_OUT_OF_RANGE, "numeric field overflow");
    put_special(out, neg ? NUMERIC_NINF : NUMERIC_PINF);
    return true;
  }
  // digits: every digit written (leading zeros dropped later); point: how many are integral.
  std::string digits;
  long point = 0;
  bool seen_point = false, any = false;
  size_t i = 0;
  for (; i < body.size(); ++i) {
    char c = body[i];
    if (c >= '0' && c <= '9') {
      digits.push_back(c);
      if (!seen_point) ++point;
      any = true;
    } else if (c == '.' && !seen_point) {
      seen_point = true;
    } else {
      break;
    }
  }
  if (!any) return syntax_error(e, "numeric", text);
  long exponent = 0;
  if (i < body.size() && (body[i] == 'e' || body[i] == 'E')) {
    ++i;
    bool eneg = false;
    if (i < body.size() && (body[i] == '+' || body[i] == '-')) eneg = body[i++] == '-';
    if (i >= body.size() || !std::isdigit(static_cast<unsigned char>(body[i])))
      return syntax_error(e, "numeric", text);
    for (; i < body.size() && std::isdigit(static_cast<unsigned char>(body[i])); ++i) {
      exponent = exponent * 10 + (body[i] - '0');
      if (exponent > 2 * NUMERIC_MAX_SCALE) return syntax_error(e, "numeric", text);
    }
    if (eneg) exponent = -exponent;
  }
  if (i != body.size()) return syntax_error(e, "numeric", text);
  long dscale = static_cast<long>(digits.size()) - point - exponent;
  if (dscale < 0) dscale = 0;
  point += exponent;
  if (typmod >= 4) {  // apply_typmod: round to scale, then check the integral digits
    const int32_t tm = typmod - 4;
    const int precision = (tm >> 16) & 0xffff;
    const int scale = ((tm & 0x7ff) ^ 1024) - 1024;
    const long keep = point + scale;  // digits that survive rounding
    if (keep < static_cast<long>(digits.size())) {
      const bool up = keep >= 0 && digits[static_cast<size_t>(keep)] >= '5';
      digits.resize(static_cast<size_t>(std::max(0L, keep)));
      if (up) {
        long k = keep - 1;
        while (k >= 0 && digits[static_cast<size_t>(k)] == '9')
          digits[static_cast<size_t>(k--)] = '0';
        if (k >= 0) {
          ++digits[static_cast<size_t>(k)];
        } else {
          digits.insert(digits.begin(), '1');
          ++point;
        }
      }
    }
    dscale = std::max(0, scale);
    size_t lead = digits.find_first_not_of('0');
    if (lead != std::string::npos) {
      const long integral = point - static_cast<long>(lead);
      if (integral > precision - scale) {
        fail(e, sqlstate::NUMERIC_VALUE_OUT_OF_RANGE, "numeric field overflow");
        e->detail = "A field with precision " + std::to_string(precision) + ", scale " +
                    std::to_string(scale) + " must round to an absolute value less than " +
                    (precision - scale > 0 ? "10^" + std::to_string(precision - scale) : "1") + ".";
        return false;
      }
    }
  }
  // Align to base-10000 groups: pad left so the integral part is whole groups, right likewise.
  const long lead_pad = ((point % 4) + 4) % 4 == 0 ? 0 : 4 - ((point % 4) + 4) % 4;
  digits.insert(0, static_cast<size_t>(lead_pad), '0');
  point += lead_pad;
  while (digits.size() % 4 != 0) digits.push_back('0');
  std::vector<uint16_t> groups;
  for (size_t g = 0; g < digits.size(); g += 4)
    groups.push_back(static_cast<uint16_t>((digits[g] - '0') * 1000 + (digits[g + 1] - '0') * 100 +
                                           (digits[g + 2] - '0') * 10 + (digits[g + 3] - '0')));
  long weight = point / 4 - 1;
  size_t first = 0;
  while (first < groups.size() && groups[first] == 0) {
    ++first;
    --weight;
  }
  size_t last = groups.size();
  while (last > first && groups[last - 1] == 0) --last;
  if (first == last) {  // zero
    weight = 0;
    neg = false;
  }
  if (weight > 32767 || weight < -32768 || dscale > NUMERIC_MAX_SCALE)
    return fail(e, sqlstate::NUMERIC_VALUE_OUT_OF_RANGE, "value overflows numeric format");
  put_be16(out, static_cast<uint16_t>(last - first));
  put_be16(out, static_cast<uint16_t>(static_cast<int16_t>(weight)));
  put_be16(out, neg ? NUMERIC_NEG : NUMERIC_POS);
  put_be16(out, static_cast<uint16_t>(dscale));
  for (size_t g = first; g < last; ++g) put_be16(out, groups[g]);
  return true;
}

}  // namespace riffq::types::detail
