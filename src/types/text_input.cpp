// src/types/text_input.cpp — text_to_binary: the dispatch by type OID, and the input functions
// of the numeric, boolean, string, bytea, uuid, inet and money types and of arrays (PostgreSQL
// 15's int2in … array_in, each followed by the type's send function).
#include "riffq/types/text_input.hpp"

#include <arpa/inet.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <optional>

#include "riffq/common/utf8.hpp"
#include "riffq/types/array_input.hpp"
#include "riffq/types/pg_types.hpp"
#include "text_input_util.hpp"

namespace riffq::types {

using namespace detail;

namespace {

enum : uint32_t {
  BOOL = 16,
  BYTEA = 17,
  CHAR = 18,
  NAME = 19,
  INT8 = 20,
  INT2 = 21,
  INT4 = 23,
  TEXT = 25,
  OID = 26,
  JSON = 114,
  XML = 142,
  CIDR = 650,
  FLOAT4 = 700,
  FLOAT8 = 701,
  UNKNOWN = 705,
  MONEY = 790,
  INET = 869,
  BPCHAR = 1042,
  VARCHAR = 1043,
  DATE = 1082,
  TIME = 1083,
  TIMESTAMP = 1114,
  TIMESTAMPTZ = 1184,
  INTERVAL = 1186,
  NUMERIC = 1700,
  UUID = 2950,
  JSONB = 3802,
};

// pg_strtoint16/32/64: optional whitespace and sign, decimal digits, optional whitespace.
bool int_input(std::string_view text, int bytes, std::string* out, PgError* e) {
  static const char* names[] = {"", "", "smallint", "", "integer", "", "", "", "bigint"};
  std::string_view t = trim(text);
  bool neg = false;
  if (!t.empty() && (t[0] == '+' || t[0] == '-')) {
    neg = t[0] == '-';
    t.remove_prefix(1);
  }
  if (t.empty()) return syntax_error(e, names[bytes], text);
  // Accumulate negatively so that the minimum value fits.
  int64_t v = 0;
  const int64_t lo = bytes == 2   ? std::numeric_limits<int16_t>::min()
                     : bytes == 4 ? std::numeric_limits<int32_t>::min()
                                  : std::numeric_limits<int64_t>::min();
  bool overflow = false;
  for (char c : t) {
    if (c < '0' || c > '9') return syntax_error(e, names[bytes], text);
    if (overflow) continue;
    if (__builtin_mul_overflow(v, 10, &v) || __builtin_sub_overflow(v, c - '0', &v) || v < lo)
      overflow = true;
  }
  if (!overflow && !neg && v == lo) overflow = true;
  if (overflow)
    return fail(e, sqlstate::NUMERIC_VALUE_OUT_OF_RANGE,
                "value \"" + std::string(text) + "\" is out of range for type " + names[bytes]);
  const uint64_t u = static_cast<uint64_t>(neg ? v : -v);
  if (bytes == 2)
    put_be16(out, static_cast<uint16_t>(u));
  else if (bytes == 4)
    put_be32(out, static_cast<uint32_t>(u));
  else
    put_be64(out, u);
  return true;
}

bool oid_input(std::string_view text, std::string* out, PgError* e) {
  std::string t(trim(text));
  if (t.empty()) return syntax_error(e, "oid", text);
  errno = 0;
  char* end = nullptr;
  long long v = std::strtoll(t.c_str(), &end, 10);
  if (*end != '\0') return syntax_error(e, "oid", text);
  // As oidin: values from -2^31 up to 2^32-1 are accepted (negative ones wrap).
  if (errno == ERANGE || v > 4294967295LL || v < -2147483648LL)
    return fail(e, sqlstate::NUMERIC_VALUE_OUT_OF_RANGE,
                "value \"" + std::string(text) + "\" is out of range for type oid");
  put_be32(out, static_cast<uint32_t>(v));
  return true;
}

// float4in / float8in: strtod plus PostgreSQL's spellings of the special values.
bool float_input(std::string_view text, bool single, std::string* out, PgError* e) {
  const char* name = single ? "real" : "double precision";
  std::string t(trim(text));
  double v;
  std::string l;
  for (char c : t) l.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (l == "nan" || l == "+nan" || l == "-nan") {
    v = std::numeric_limits<double>::quiet_NaN();
  } else if (l == "infinity" || l == "+infinity" || l == "inf" || l == "+inf") {
    v = std::numeric_limits<double>::infinity();
  } else if (l == "-infinity" || l == "-inf") {
    v = -std::numeric_limits<double>::infinity();
  } else {
    if (t.empty() || is_space(t[0])) return syntax_error(e, name, text);
    errno = 0;
    char* end = nullptr;
    v = std::strtod(t.c_str(), &end);
    if (end == t.c_str() || *end != '\0' || std::isnan(v) || std::isinf(v))
      return syntax_error(e, name, text);
    const bool range = errno == ERANGE && (v == 0.0 || std::isinf(v) || std::fabs(v) == HUGE_VAL);
    const bool f4_range =
        single && (std::fabs(v) > std::numeric_limits<float>::max() ||
                   (v != 0.0 && std::fabs(v) < std::numeric_limits<float>::denorm_min()));
    if (range || f4_range)
      return fail(e, sqlstate::NUMERIC_VALUE_OUT_OF_RANGE,
                  "\"" + std::string(text) + "\" is out of range for type " + name);
  }
  if (single) {
    float f = static_cast<float>(v);
    uint32_t u;
    std::memcpy(&u, &f, 4);
    put_be32(out, u);
  } else {
    uint64_t u;
    std::memcpy(&u, &v, 8);
    put_be64(out, u);
  }
  return true;
}

// boolin: t/true/y/yes/on/1 and f/false/n/no/off/0, any case, unique prefixes.
bool bool_input(std::string_view text, std::string* out, PgError* e) {
  std::string l;
  for (char c : trim(text))
    l.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  auto prefix_of = [&](const char* word, size_t min) {
    return l.size() >= min && l.size() <= std::strlen(word) &&
           std::strncmp(word, l.c_str(), l.size()) == 0;
  };
  std::optional<bool> v;
  if (prefix_of("true", 1) || prefix_of("yes", 1) || prefix_of("on", 2) || l == "1")
    v = true;
  else if (prefix_of("false", 1) || prefix_of("no", 1) || prefix_of("off", 2) || l == "0")
    v = false;
  if (!v) return syntax_error(e, "boolean", text);
  out->push_back(*v ? 1 : 0);
  return true;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// byteain: "\x" followed by hex pairs (whitespace between pairs), or the escape format.
bool bytea_input(std::string_view t, std::string* out, PgError* e) {
  if (t.size() >= 2 && t[0] == '\\' && t[1] == 'x') {
    for (size_t i = 2; i < t.size();) {
      if (is_space(t[i])) {
        ++i;
        continue;
      }
      int hi = hex_value(t[i]);
      if (hi < 0)
        return fail(e, sqlstate::INVALID_PARAMETER_VALUE,
                    "invalid hexadecimal digit: \"" + std::string(1, t[i]) + "\"");
      if (i + 1 >= t.size())
        return fail(e, sqlstate::INVALID_PARAMETER_VALUE,
                    "invalid hexadecimal data: odd number of digits");
      int lo = hex_value(t[i + 1]);
      if (lo < 0)
        return fail(e, sqlstate::INVALID_PARAMETER_VALUE,
                    "invalid hexadecimal digit: \"" + std::string(1, t[i + 1]) + "\"");
      out->push_back(static_cast<char>(hi << 4 | lo));
      i += 2;
    }
    return true;
  }
  for (size_t i = 0; i < t.size();) {
    if (t[i] != '\\') {
      out->push_back(t[i++]);
    } else if (i + 1 < t.size() && t[i + 1] == '\\') {
      out->push_back('\\');
      i += 2;
    } else if (i + 3 < t.size() + 0 && t[i + 1] >= '0' && t[i + 1] <= '3' && t[i + 2] >= '0' &&
               t[i + 2] <= '7' && t[i + 3] >= '0' && t[i + 3] <= '7') {
      out->push_back(
          static_cast<char>((t[i + 1] - '0') << 6 | (t[i + 2] - '0') << 3 | (t[i + 3] - '0')));
      i += 4;
    } else {
      return syntax_error(e, "bytea", t);
    }
  }
  return true;
}

// uuid_in: 32 hex digits, optionally in braces, with a hyphen after any group of four.
bool uuid_input(std::string_view text, std::string* out, PgError* e) {
  std::string_view t = text;
  if (!t.empty() && t.front() == '{') {
    if (t.back() != '}') return syntax_error(e, "uuid", text);
    t = t.substr(1, t.size() - 2);
  }
  std::string bytes;
  for (size_t i = 0; i < t.size();) {
    if (bytes.size() == 16) return syntax_error(e, "uuid", text);
    int hi = i < t.size() ? hex_value(t[i]) : -1;
    int lo = i + 1 < t.size() ? hex_value(t[i + 1]) : -1;
    if (hi < 0 || lo < 0) return syntax_error(e, "uuid", text);
    bytes.push_back(static_cast<char>(hi << 4 | lo));
    i += 2;
    if (i < t.size() && t[i] == '-' && bytes.size() % 2 == 0 && bytes.size() < 16) ++i;
  }
  if (bytes.size() != 16) return syntax_error(e, "uuid", text);
  out->append(bytes);
  return true;
}

// inet_in / cidr_in: an IPv4 or IPv6 address with an optional /bits; binary is family, bits,
// is_cidr, address length, address bytes.
bool inet_input(std::string_view text, bool cidr, std::string* out, PgError* e) {
  const char* type = cidr ? "cidr" : "inet";
  std::string t(trim(text));
  std::string addr = t;
  int bits = -1;
  if (auto slash = t.find('/'); slash != std::string::npos) {
    addr = t.substr(0, slash);
    std::string b = t.substr(slash + 1);
    if (b.empty() || b.size() > 3 || b.find_first_not_of("0123456789") != std::string::npos)
      return syntax_error(e, type, text);
    bits = std::atoi(b.c_str());
  }
  unsigned char buf[16];
  int family = 0, len = 0;
  if (inet_pton(AF_INET, addr.c_str(), buf) == 1) {
    family = 2;
    len = 4;
  } else if (inet_pton(AF_INET6, addr.c_str(), buf) == 1) {
    family = 3;
    len = 16;
  } else {
    return syntax_error(e, type, text);
  }
  const int max_bits = len * 8;
  if (bits > max_bits) return syntax_error(e, type, text);
  if (bits < 0) bits = max_bits;
  if (cidr) {
    for (int i = 0; i < len; ++i) {
      const int keep = std::max(0, std::min(8, bits - 8 * i));
      if ((buf[i] & static_cast<unsigned char>(0xff >> keep)) != 0) {
        fail(e, sqlstate::INVALID_TEXT_REPRESENTATION,
             "invalid cidr value: \"" + std::string(text) + "\"");
        e->detail = "Value has bits set to right of mask.";
        return false;
      }
    }
  }
  out->push_back(static_cast<char>(family));
  out->push_back(static_cast<char>(bits));
  out->push_back(cidr ? 1 : 0);
  out->push_back(static_cast<char>(len));
  out->append(reinterpret_cast<const char*>(buf), static_cast<size_t>(len));
  return true;
}

// cash_in (lc_monetary C): optional sign or parentheses, '$', thousands commas, two decimals
// (further digits round half up).
bool money_input(std::string_view text, std::string* out, PgError* e) {
  std::string_view t = trim(text);
  bool neg = false;
  if (!t.empty() && t.front() == '(' && t.back() == ')') {
    neg = true;
    t = trim(t.substr(1, t.size() - 2));
  }
  if (!t.empty() && (t[0] == '-' || t[0] == '+')) {
    neg = neg || t[0] == '-';
    t = trim(t.substr(1));
  }
  if (!t.empty() && t[0] == '$') t = trim(t.substr(1));
  if (!t.empty() && (t[0] == '-' || t[0] == '+')) {
    neg = neg || t[0] == '-';
    t = t.substr(1);
  }
  __int128 v = 0;
  int frac = -1;
  bool digits = false, round_up = false;
  for (char c : t) {
    if (c == ',' && frac < 0) continue;
    if (c == '.' && frac < 0) {
      frac = 0;
      continue;
    }
    if (c < '0' || c > '9') return syntax_error(e, "money", text);
    digits = true;
    if (frac >= 2) {
      if (frac == 2) round_up = c >= '5';
      ++frac;
      continue;
    }
    v = v * 10 + (c - '0');
    if (frac >= 0) ++frac;
    if (v > static_cast<__int128>(std::numeric_limits<int64_t>::max()) * 100)
      return fail(e, sqlstate::NUMERIC_VALUE_OUT_OF_RANGE,
                  "value \"" + std::string(text) + "\" is out of range for type money");
  }
  if (!digits) return syntax_error(e, "money", text);
  for (int f = std::max(frac, 0); f < 2; ++f) v *= 10;
  if (round_up) ++v;
  if (neg) v = -v;
  if (v > std::numeric_limits<int64_t>::max() || v < std::numeric_limits<int64_t>::min())
    return fail(e, sqlstate::NUMERIC_VALUE_OUT_OF_RANGE,
                "value \"" + std::string(text) + "\" is out of range for type money");
  put_be64(out, static_cast<uint64_t>(static_cast<int64_t>(v)));
  return true;
}

size_t utf8_length(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xc0) != 0x80;
  return n;
}

// varchar(n) / char(n): too long is an error unless only spaces are cut; char(n) pads.
bool string_input(std::string_view text, uint32_t oid, int32_t typmod, std::string* out,
                  PgError* e) {
  if (auto bad = check_client_utf8(text)) {
    *e = *bad;
    return false;
  }
  if (typmod < 4 || (oid != VARCHAR && oid != BPCHAR)) {
    out->append(text);
    return true;
  }
  const size_t n = static_cast<size_t>(typmod - 4);
  const size_t len = utf8_length(text);
  if (len <= n) {
    out->append(text);
    if (oid == BPCHAR) out->append(n - len, ' ');
    return true;
  }
  size_t keep = 0, chars = 0;  // byte length of the first n characters
  while (keep < text.size() && chars < n) {
    ++keep;
    while (keep < text.size() && (static_cast<unsigned char>(text[keep]) & 0xc0) == 0x80) ++keep;
    ++chars;
  }
  if (text.find_first_not_of(' ', keep) != std::string_view::npos)
    return fail(e, sqlstate::STRING_DATA_RIGHT_TRUNCATION,
                std::string("value too long for type ") +
                    (oid == VARCHAR ? "character varying(" : "character(") + std::to_string(n) +
                    ")");
  out->append(text.substr(0, keep));
  return true;
}

// array_in over the element type's input, then array_send (one lower bound of 1 per dim).
bool array_input(std::string_view text, uint32_t element, int32_t typmod, TextInputContext& ctx,
                 std::string* out, PgError* e) {
  ArrayInput a;
  std::string why;
  if (!parse_array_text(text, ',', a, &why)) {
    fail(e, sqlstate::INVALID_TEXT_REPRESENTATION,
         "malformed array literal: \"" + std::string(text) + "\"");
    e->detail = why;
    return false;
  }
  bool has_null = false;
  for (const auto& el : a.elements) has_null = has_null || !el;
  put_be32(out, static_cast<uint32_t>(a.dims.size()));
  put_be32(out, has_null ? 1 : 0);
  put_be32(out, element);
  for (int32_t d : a.dims) {
    put_be32(out, static_cast<uint32_t>(d));
    put_be32(out, 1);
  }
  std::string value;
  for (const auto& el : a.elements) {
    if (!el) {
      put_be32(out, 0xffffffffu);
      continue;
    }
    value.clear();
    if (!text_to_binary(element, typmod, *el, ctx, &value, e)) return false;
    put_be32(out, static_cast<uint32_t>(value.size()));
    out->append(value);
  }
  return true;
}

}  // namespace

bool has_text_input(uint32_t oid) {
  switch (oid) {
    case BOOL:
    case BYTEA:
    case CHAR:
    case NAME:
    case INT8:
    case INT2:
    case INT4:
    case TEXT:
    case OID:
    case JSON:
    case XML:
    case CIDR:
    case FLOAT4:
    case FLOAT8:
    case UNKNOWN:
    case MONEY:
    case INET:
    case BPCHAR:
    case VARCHAR:
    case DATE:
    case TIME:
    case TIMESTAMP:
    case TIMESTAMPTZ:
    case INTERVAL:
    case NUMERIC:
    case UUID:
    case JSONB:
      return true;
    default: {
      const uint32_t el = pg_element_type(oid);
      return el != 0 && has_text_input(el);
    }
  }
}

bool text_to_binary(uint32_t oid, int32_t typmod, std::string_view text, TextInputContext& ctx,
                    std::string* out, PgError* e) {
  switch (oid) {
    case INT2:
      return int_input(text, 2, out, e);
    case INT4:
      return int_input(text, 4, out, e);
    case INT8:
      return int_input(text, 8, out, e);
    case OID:
      return oid_input(text, out, e);
    case FLOAT4:
      return float_input(text, true, out, e);
    case FLOAT8:
      return float_input(text, false, out, e);
    case NUMERIC:
      return numeric_input(text, typmod, out, e);
    case BOOL:
      return bool_input(text, out, e);
    case BYTEA:
      return bytea_input(text, out, e);
    case UUID:
      return uuid_input(text, out, e);
    case INET:
      return inet_input(text, false, out, e);
    case CIDR:
      return inet_input(text, true, out, e);
    case MONEY:
      return money_input(text, out, e);
    case DATE:
      return date_input(text, ctx, out, e);
    case TIME:
      return time_input(text, typmod, out, e);
    case TIMESTAMP:
      return timestamp_input(text, typmod, false, ctx, out, e);
    case TIMESTAMPTZ:
      return timestamp_input(text, typmod, true, ctx, out, e);
    case INTERVAL:
      return interval_input(text, out, e);
    case JSONB:
      out->push_back(1);  // jsonb_send's version byte
      return string_input(text, oid, typmod, out, e);
    case CHAR:  // "char": its first byte
      if (!text.empty()) out->push_back(text[0]);
      return true;
    default:
      break;
  }
  if (const uint32_t el = pg_element_type(oid); el != 0)
    return array_input(text, el, typmod, ctx, out, e);
  return string_input(text, oid, typmod, out, e);
}

}  // namespace riffq::types
