// binary_io.cpp — the binary (send/recv) forms of engine values: what a client that asks for
// binary results receives, and binary parameters read back as values.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>

#include "catalog_snapshot.hpp"
#include "riffq/catalog/engine.hpp"
#include "riffq/common/ascii.hpp"
#include "type_oids.hpp"

namespace riffq::catalog {
namespace {

void put_be(std::string& out, uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out += static_cast<char>((v >> (8 * i)) & 0xff);
}

uint64_t get_be(std::string_view b) {
  uint64_t v = 0;
  for (unsigned char c : b) v = (v << 8) | c;
  return v;
}

// numeric_send of a decimal string: base-10000 digits, weight, sign, display scale.
bool numeric_binary(const std::string& text, std::string& out) {
  std::string s = text;
  bool neg = !s.empty() && s[0] == '-';
  if (neg || (!s.empty() && s[0] == '+')) s = s.substr(1);
  if (s == "NaN") {
    put_be(out, 0, 2), put_be(out, 0, 2), put_be(out, 0xC000, 2), put_be(out, 0, 2);
    return true;
  }
  size_t dot = s.find('.');
  std::string ip = dot == std::string::npos ? s : s.substr(0, dot);
  std::string fp = dot == std::string::npos ? "" : s.substr(dot + 1);
  for (char c : ip + fp)
    if (c < '0' || c > '9') return false;
  uint16_t dscale = static_cast<uint16_t>(fp.size());
  while (ip.size() % 4) ip.insert(ip.begin(), '0');
  while (fp.size() % 4) fp.push_back('0');
  std::vector<uint16_t> digits;
  for (size_t i = 0; i < ip.size(); i += 4)
    digits.push_back(static_cast<uint16_t>(std::stoi(ip.substr(i, 4))));
  int weight = static_cast<int>(digits.size()) - 1;
  for (size_t i = 0; i < fp.size(); i += 4)
    digits.push_back(static_cast<uint16_t>(std::stoi(fp.substr(i, 4))));
  size_t lead = 0;
  while (lead < digits.size() && digits[lead] == 0) ++lead, --weight;
  digits.erase(digits.begin(), digits.begin() + static_cast<std::ptrdiff_t>(lead));
  while (!digits.empty() && digits.back() == 0) digits.pop_back();
  if (digits.empty()) weight = 0;
  put_be(out, digits.size(), 2);
  put_be(out, static_cast<uint16_t>(static_cast<int16_t>(weight)), 2);
  put_be(out, digits.empty() || !neg ? 0 : 0x4000, 2);
  put_be(out, dscale, 2);
  for (uint16_t d : digits) put_be(out, d, 2);
  return true;
}

}  // namespace

bool binary_value(const Value& v, TypeRef type, const CatalogSnapshot& cat,
                  const std::vector<std::string>& path, std::string& out) {
  TypeRef t = cat.types.base(type);
  switch (t.oid) {
    case toid::BOOL:
      out += v.as_bool() ? '\1' : '\0';
      return true;
    case toid::INT2:
      put_be(out, static_cast<uint64_t>(v.as_int()), 2);
      return true;
    case toid::INT4:
      put_be(out, static_cast<uint64_t>(v.as_int()), 4);
      return true;
    case toid::INT8:
      put_be(out, static_cast<uint64_t>(v.as_int()), 8);
      return true;
    case toid::FLOAT4: {
      float f = static_cast<float>(v.as_float());
      uint32_t bits;
      std::memcpy(&bits, &f, 4);
      put_be(out, bits, 4);
      return true;
    }
    case toid::FLOAT8: {
      double d = v.as_float();
      uint64_t bits;
      std::memcpy(&bits, &d, 8);
      put_be(out, bits, 8);
      return true;
    }
    case toid::NUMERIC:
      return numeric_binary(output_text(v, t, cat, path), out);
    case toid::CHAR:
      out += v.as_text().empty() ? std::string(1, '\0') : v.as_text().substr(0, 1);
      return true;
    case toid::ACLITEM:
    case toid::TID:
      return false;  // PostgreSQL has no binary output for aclitem either
    default:
      break;
  }
  Storage st = cat.types.storage(t.oid);
  if (st == Storage::INT) {  // oid, xid, cid and the reg* aliases: uint32
    put_be(out, static_cast<uint32_t>(v.as_int()), 4);
    return true;
  }
  if (st == Storage::ARRAY) {
    Oid elem = cat.types.element(t.oid);
    const ArrayItems& items = v.as_array();
    bool has_null = false;
    for (const Value& e : items) has_null = has_null || e.is_null();
    bool vector = t.oid == toid::INT2VECTOR || t.oid == toid::OIDVECTOR;
    put_be(out, items.empty() ? 0 : 1, 4);
    put_be(out, has_null ? 1 : 0, 4);
    put_be(out, elem, 4);
    if (!items.empty()) {
      put_be(out, items.size(), 4);
      put_be(out, vector ? 0 : 1, 4);
    }
    for (const Value& e : items) {
      if (e.is_null()) {
        put_be(out, 0xffffffffu, 4);
        continue;
      }
      std::string b;
      if (!binary_value(e, TypeRef{elem, t.typmod}, cat, path, b)) return false;
      put_be(out, b.size(), 4);
      out += b;
    }
    return true;
  }
  if (t.oid == toid::TIMESTAMPTZ || t.oid == toid::TIMESTAMP || t.oid == toid::DATE) {
    // Text "YYYY-MM-DD[ HH:MM:SS[.ffffff]][+00]" (the engine keeps UTC) → microseconds or days
    // since 2000-01-01.
    int y = 0, mo = 0, d = 0, h = 0, mi = 0;
    double sec = 0;
    if (std::sscanf(v.text_string().c_str(), "%d-%d-%d %d:%d:%lf", &y, &mo, &d, &h, &mi, &sec) < 3)
      return false;
    auto days_from_civil = [](int64_t yy, unsigned m, unsigned dd) {
      yy -= m <= 2;
      const int64_t era = (yy >= 0 ? yy : yy - 399) / 400;
      const unsigned yoe = static_cast<unsigned>(yy - era * 400);
      const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + dd - 1;
      const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
      return era * 146097 + static_cast<int64_t>(doe) - 719468;
    };
    int64_t days = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) - 10957;
    if (t.oid == toid::DATE) {
      put_be(out, static_cast<uint64_t>(days), 4);
      return true;
    }
    int64_t us = days * 86400000000LL + (h * 3600LL + mi * 60LL) * 1000000LL +
                 static_cast<int64_t>(std::llround(sec * 1e6));
    put_be(out, static_cast<uint64_t>(us), 8);
    return true;
  }
  // name, text, varchar, bpchar, pg_node_tree, json, bytea (raw bytes): the bytes themselves.
  out += v.is_text() ? v.as_text() : output_text(v, t, cat, path);
  return true;
}

namespace {

// The element type of the array types catalog queries bind (asyncpg sends `$1::oid[]`,
// `$1::text[]`, … in binary); 0 for other types.
Oid array_element(Oid type) {
  switch (type) {
    case toid::BOOL_ARRAY:
      return toid::BOOL;
    case toid::INT2_ARRAY:
      return toid::INT2;
    case toid::INT4_ARRAY:
      return toid::INT4;
    case toid::INT8_ARRAY:
      return toid::INT8;
    case toid::OID_ARRAY:
      return toid::OID;
    case toid::TEXT_ARRAY:
      return toid::TEXT;
    case toid::NAME_ARRAY:
      return toid::NAME;
    case toid::VARCHAR_ARRAY:
      return toid::VARCHAR;
    case toid::CHAR_ARRAY:
      return toid::CHAR;
    case toid::REGTYPE_ARRAY:
      return toid::REGTYPE;
    case 1014:
      return toid::BPCHAR;  // bpchar[]
    case 2210:
      return toid::REGCLASS;  // regclass[]
    case 1008:
      return toid::REGPROC;  // regproc[]
    case 4090:
      return toid::REGNAMESPACE;  // regnamespace[]
    default:
      return 0;
  }
}

// An array element in array_out's spelling: quoted when empty, NULL-like or holding a
// delimiter, brace, quote, backslash or white space.
void append_element(std::string& out, const std::string& v) {
  bool quote = v.empty() || ascii_lower(v) == "null";
  for (char c : v)
    if (c == ',' || c == '{' || c == '}' || c == '"' || c == '\\' ||
        std::isspace(static_cast<unsigned char>(c)))
      quote = true;
  if (!quote) {
    out += v;
    return;
  }
  out += '"';
  for (char c : v) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
}

// array_recv's input (ndim, has-null flag, element type, dimensions, then length-prefixed
// elements) as array_out's text, which the engine's array input reads back.
std::optional<std::string> binary_array_text(std::string_view bytes, Oid elem) {
  auto take = [&](size_t n) -> std::optional<std::string_view> {
    if (bytes.size() < n) return std::nullopt;
    std::string_view head = bytes.substr(0, n);
    bytes.remove_prefix(n);
    return head;
  };
  auto int32 = [&]() -> std::optional<int32_t> {
    auto b = take(4);
    return b ? std::optional<int32_t>(static_cast<int32_t>(get_be(*b))) : std::nullopt;
  };
  auto ndim = int32(), flags = int32(), type = int32();
  if (!ndim || !flags || !type || *ndim < 0 || *ndim > 6) return std::nullopt;
  if (*ndim > 0 && static_cast<Oid>(*type) != elem) return std::nullopt;
  std::vector<int32_t> dims;
  std::string out;
  for (int d = 0; d < *ndim; ++d) {
    auto size = int32(), lower = int32();
    if (!size || !lower || *size < 0) return std::nullopt;
    dims.push_back(*size);
    if (*lower != 1) {  // array_out prints bounds other than 1: [2:3]={…}
      out += "[" + std::to_string(*lower) + ":" + std::to_string(*lower + *size - 1) + "]";
    }
  }
  if (!out.empty()) out += "=";
  if (dims.empty() || std::find(dims.begin(), dims.end(), 0) != dims.end())
    return bytes.empty() ? std::optional<std::string>("{}") : std::nullopt;
  // Elements in row-major order, braces opened and closed at dimension boundaries.
  std::vector<int32_t> index(dims.size(), 0);
  out.append(dims.size(), '{');
  for (;;) {
    auto len = int32();
    if (!len) return std::nullopt;
    if (*len == -1) {
      out += "NULL";
    } else {
      auto b = take(static_cast<size_t>(std::max(*len, 0)));
      if (!b || *len < 0) return std::nullopt;
      auto text = binary_param_text(*b, elem);
      if (!text) return std::nullopt;
      append_element(out, *text);
    }
    size_t d = dims.size();
    while (d > 0 && ++index[d - 1] == dims[d - 1]) {
      index[d - 1] = 0;
      out += '}';
      --d;
    }
    if (d == 0) break;
    out += ',';
    out.append(dims.size() - d, '{');
  }
  return bytes.empty() ? std::optional<std::string>(out) : std::nullopt;
}

}  // namespace

std::optional<std::string> binary_param_text(std::string_view bytes, Oid type) {
  if (Oid elem = array_element(type)) return binary_array_text(bytes, elem);
  switch (type) {
    case toid::BOOL:
      return bytes.size() == 1 ? std::optional<std::string>(bytes[0] ? "t" : "f") : std::nullopt;
    case toid::INT2:
      if (bytes.size() != 2) return std::nullopt;
      return std::to_string(static_cast<int16_t>(get_be(bytes)));
    case toid::INT4:
      if (bytes.size() != 4) return std::nullopt;
      return std::to_string(static_cast<int32_t>(get_be(bytes)));
    case toid::INT8:
      if (bytes.size() != 8) return std::nullopt;
      return std::to_string(static_cast<int64_t>(get_be(bytes)));
    case toid::OID:
    case toid::REGCLASS:
    case toid::REGTYPE:
    case toid::REGPROC:
    case toid::REGNAMESPACE:
    case toid::REGROLE:
    case toid::XID:
      if (bytes.size() != 4) return std::nullopt;
      return std::to_string(static_cast<uint32_t>(get_be(bytes)));
    case toid::TEXT:
    case toid::NAME:
    case toid::VARCHAR:
    case toid::BPCHAR:
    case toid::CHAR:
    case toid::UNKNOWN:
      return std::string(bytes);
    default:
      return std::nullopt;
  }
}

}  // namespace riffq::catalog
