// binary_io.cpp — the binary (send/recv) forms of engine values: what a client that asks for
// binary results receives, and binary parameters read back as values.
#include <cmath>
#include <cstring>

#include "catalog_snapshot.hpp"
#include "riffq/catalog/engine.hpp"
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
    if (std::sscanf(v.as_text().c_str(), "%d-%d-%d %d:%d:%lf", &y, &mo, &d, &h, &mi, &sec) < 3)
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

std::optional<std::string> binary_param_text(std::string_view bytes, Oid type) {
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
