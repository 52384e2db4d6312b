// query_args.cpp — decoding Bind parameters (text or binary) into Python objects.
#include "query_args.hpp"

#include <nanobind/stl/string.h>

#include "riffq/types/array_input.hpp"
#include "riffq/types/pg_types.hpp"

#include <cstdint>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <string>

namespace nb = nanobind;
using namespace nb::literals;

namespace riffq::bindings {
namespace {

enum Oid : uint32_t {
  BOOL = 16, BYTEA = 17, NAME = 19, INT8 = 20, INT2 = 21, INT4 = 23, TEXT = 25, OID = 26,
  JSON = 114, CIDR = 650, FLOAT4 = 700, FLOAT8 = 701, MONEY = 790, INET = 869, VARCHAR = 1043,
  BPCHAR = 1042, DATE = 1082, TIME = 1083, TIMESTAMP = 1114, TIMESTAMPTZ = 1184, INTERVAL = 1186,
  TIMETZ = 1266, NUMERIC = 1700, UUID = 2950, JSONB = 3802,
};

nb::object decode_text(uint32_t oid, const std::string& s);
nb::object decode_binary(uint32_t oid, const std::string& s);

// 2000-01-01, the PostgreSQL epoch of date / timestamp binary values.
constexpr int32_t PG_EPOCH_DAY_ORDINAL = 730120;  // datetime.date(2000, 1, 1).toordinal()

nb::object module(const char* name) { return nb::module_::import_(name); }

// PostgreSQL's text forms of dates and times are ISO 8601 under the default DateStyle; Python's
// fromisoformat (3.11+) reads them, including "+05:30" and "+00" offsets.
nb::object iso(const char* type, const std::string& s) {
  std::string v = s;
  if (std::strcmp(type, "datetime") == 0 && v.size() > 3) {
    size_t sign = v.find_first_of("+-", 19);
    if (sign != std::string::npos && v.size() - sign == 3) v += ":00";  // "+00" → "+00:00"
  }
  return module("datetime").attr(type).attr("fromisoformat")(v);
}

uint64_t load_be(const std::string& s) {
  uint64_t v = 0;
  for (unsigned char c : s) v = (v << 8) | c;
  return v;
}

nb::object int_from_text(const std::string& s) {
  PyObject* o = PyLong_FromString(s.c_str(), nullptr, 10);
  if (o == nullptr) throw nb::python_error();
  return nb::steal(o);
}

nb::object values(const char* function) {
  return nb::module_::import_("riffq.values").attr(function);
}

// Nested lists of dims[d]… elements from `at` (row-major), each decoded by `element`.
template <typename Decode>
nb::object nest(const types::ArrayInput& a, size_t d, size_t& at, Decode& element) {
  nb::list out;
  for (int32_t i = 0; i < a.dims[d]; ++i) {
    if (d + 1 < a.dims.size()) {
      out.append(nest(a, d + 1, at, element));
    } else {
      const auto& e = a.elements[at++];
      out.append(e ? element(*e) : nb::none());
    }
  }
  return out;
}

nb::object array_value(const types::ArrayInput& a, uint32_t element_oid, bool binary) {
  auto element = [&](const std::string& v) {
    return binary ? decode_binary(element_oid, v) : decode_text(element_oid, v);
  };
  size_t at = 0;
  return a.dims.empty() ? nb::list() : nest(a, 0, at, element);
}

// time / timetz microseconds of the day as datetime.time.
nb::object time_of(int64_t us, std::optional<int32_t> seconds_west) {
  if (us < 0 || us > 86'400'000'000) throw std::invalid_argument("time out of range");
  if (us == 86'400'000'000) us -= 1;  // 24:00:00 has no datetime.time: the last microsecond
  nb::object dt = module("datetime");
  nb::object tz = nb::none();
  if (seconds_west)
    tz = dt.attr("timezone")(dt.attr("timedelta")("seconds"_a = -*seconds_west));
  return dt.attr("time")(us / 3'600'000'000, us / 60'000'000 % 60, us / 1'000'000 % 60,
                         us % 1'000'000, tz);
}

nb::object decode_text(uint32_t oid, const std::string& s) {
  if (uint32_t element = types::pg_element_type(oid)) {
    types::ArrayInput a;
    std::string error;
    if (!types::parse_array_text(s, ',', a, &error)) throw std::invalid_argument(error);
    return array_value(a, element, false);
  }
  switch (oid) {
    case INT2: case INT4: case INT8: case OID:
      return int_from_text(s);
    case FLOAT4: case FLOAT8:
      return nb::float_(std::stod(s));
    case NUMERIC:
      return nb::module_::import_("decimal").attr("Decimal")(s);
    case BOOL: {
      char c = s.empty() ? 'f' : static_cast<char>(std::tolower(static_cast<unsigned char>(s[0])));
      return nb::bool_(c == 't' || c == 'y' || c == '1' || s == "on");
    }
    case BYTEA:
      if (s.rfind("\\x", 0) == 0)
        return nb::module_::import_("builtins").attr("bytes").attr("fromhex")(s.substr(2));
      return nb::bytes(s.data(), s.size());
    case DATE:
      // PostgreSQL's date input ignores a time of day (and its zone) after the date: lib/pq
      // sends a Go time.Time bound to a date parameter as "2024-02-29 00:00:00Z".
      if (s.size() > 10 && (s[10] == ' ' || s[10] == 'T') && s.find("BC") == std::string::npos)
        return iso("date", s.substr(0, 10));
      return iso("date", s);
    case TIME:
    case TIMETZ:
      return iso("time", s);
    case INTERVAL:
      return values("interval_from_text")(s);
    case MONEY:
      return values("money_from_text")(s);
    case INET:
      return values("inet_from_text")(s);
    case CIDR:
      return values("cidr_from_text")(s);
    case TIMESTAMP:
    case TIMESTAMPTZ:
      return iso("datetime", s);
    case UUID:
      return module("uuid").attr("UUID")(s);
    case JSON:
    case JSONB:
      return module("json").attr("loads")(s);
    default:
      return nb::str(s.data(), s.size());
  }
}

// numeric_send → decimal text: Int16 ndigits, weight, sign, dscale, then base-10000 digits.
std::string numeric_text(const std::string& s) {
  auto u16 = [&](size_t at) {
    return static_cast<uint16_t>((static_cast<unsigned char>(s[at]) << 8) | static_cast<unsigned char>(s[at + 1]));
  };
  if (s.size() < 8) throw std::invalid_argument("numeric value too short");
  const int ndigits = u16(0);
  const int weight = static_cast<int16_t>(u16(2));
  const uint16_t sign = u16(4);
  const int dscale = u16(6);
  if (s.size() != 8 + 2 * static_cast<size_t>(ndigits)) throw std::invalid_argument("bad numeric length");
  if (sign == 0xC000) return "NaN";
  if (sign == 0xD000) return "Infinity";
  if (sign == 0xF000) return "-Infinity";
  std::string out = sign == 0x4000 ? "-" : "";
  // Integer part: digit groups 0..weight.
  if (weight < 0) {
    out += "0";
  } else {
    for (int i = 0; i <= weight; ++i) {
      int d = i < ndigits ? u16(8 + 2 * i) : 0;
      std::string g = std::to_string(d);
      out += i == 0 ? g : std::string(4 - g.size(), '0') + g;
    }
  }
  if (dscale > 0) {
    std::string frac;
    for (int i = weight + 1; static_cast<int>(frac.size()) < dscale; ++i) {
      int d = (i >= 0 && i < ndigits) ? u16(8 + 2 * i) : 0;
      std::string g = std::to_string(d);
      frac += std::string(4 - g.size(), '0') + g;
    }
    out += "." + frac.substr(0, static_cast<size_t>(dscale));
  }
  return out;
}

// inet_send / cidr_send: family (2 IPv4, 3 IPv6), bits, is_cidr, address length, address.
nb::object inet_binary(uint32_t oid, const std::string& s) {
  if (s.size() < 4 || s.size() != 4 + size_t{static_cast<unsigned char>(s[3])})
    throw std::invalid_argument("invalid inet value");
  const int family = s[0], bits = static_cast<unsigned char>(s[1]);
  if ((family != 2 || s[3] != 4) && (family != 3 || s[3] != 16))
    throw std::invalid_argument("invalid address family in external inet value");
  nb::object ip = module("ipaddress");
  nb::object addr = ip.attr(family == 2 ? "IPv4Address" : "IPv6Address")(nb::bytes(s.data() + 4, s.size() - 4));
  nb::object text = nb::str("{}/{}").attr("format")(addr, bits);
  return ip.attr(oid == CIDR ? "ip_network" : "ip_interface")(text);
}

nb::object decode_binary(uint32_t oid, const std::string& s) {
  if (uint32_t element = types::pg_element_type(oid)) {
    types::ArrayInput a;
    std::string error;
    if (!types::parse_array_binary(s, a, &error)) throw std::invalid_argument(error);
    if (a.element_oid != element && !a.elements.empty())
      throw std::invalid_argument("wrong element type");
    return array_value(a, element, true);
  }
  switch (oid) {
    case INT2:
      if (s.size() == 2) return nb::int_(static_cast<int16_t>(load_be(s)));
      break;
    case INT4:
      if (s.size() == 4) return nb::int_(static_cast<int32_t>(load_be(s)));
      break;
    case OID:
      if (s.size() == 4) return nb::int_(static_cast<uint32_t>(load_be(s)));
      break;
    case INT8:
      if (s.size() == 8) return nb::int_(static_cast<int64_t>(load_be(s)));
      break;
    case FLOAT4:
      if (s.size() == 4) {
        uint32_t bits = static_cast<uint32_t>(load_be(s));
        float f;
        std::memcpy(&f, &bits, 4);
        return nb::float_(f);
      }
      break;
    case FLOAT8:
      if (s.size() == 8) {
        uint64_t bits = load_be(s);
        double d;
        std::memcpy(&d, &bits, 8);
        return nb::float_(d);
      }
      break;
    case BOOL:
      if (s.size() == 1) return nb::bool_(s[0] != 0);
      break;
    case TEXT: case VARCHAR: case BPCHAR: case NAME:
      return nb::str(s.data(), s.size());
    case TIME:
      if (s.size() == 8) return time_of(static_cast<int64_t>(load_be(s)), std::nullopt);
      break;
    case TIMETZ:
      if (s.size() == 12)
        return time_of(static_cast<int64_t>(load_be(s.substr(0, 8))),
                       static_cast<int32_t>(load_be(s.substr(8))));
      break;
    case INTERVAL:
      if (s.size() == 16)
        return values("Interval")(static_cast<int32_t>(load_be(s.substr(12))),
                                  static_cast<int32_t>(load_be(s.substr(8, 4))),
                                  static_cast<int64_t>(load_be(s.substr(0, 8))));
      break;
    case MONEY:
      if (s.size() == 8)
        return module("decimal").attr("Decimal")(static_cast<int64_t>(load_be(s))).attr("scaleb")(-2);
      break;
    case INET:
    case CIDR:
      return inet_binary(oid, s);
    case NUMERIC:
      return module("decimal").attr("Decimal")(numeric_text(s));
    case DATE:
      if (s.size() == 4)
        return module("datetime").attr("date").attr("fromordinal")(
            static_cast<int32_t>(load_be(s)) + PG_EPOCH_DAY_ORDINAL);
      break;
    case TIMESTAMP:
    case TIMESTAMPTZ:
      if (s.size() == 8) {
        nb::object dt = module("datetime");
        nb::object base = dt.attr("datetime")(2000, 1, 1);
        const int64_t us = static_cast<int64_t>(load_be(s));
        if (us == INT64_MAX || us == INT64_MIN) return nb::str(us > 0 ? "infinity" : "-infinity");
        nb::object delta = dt.attr("timedelta")("microseconds"_a = us);
        nb::object v = base.attr("__add__")(delta);
        if (oid == TIMESTAMPTZ) v = v.attr("replace")("tzinfo"_a = dt.attr("timezone").attr("utc"));
        return v;
      }
      break;
    case UUID:
      if (s.size() == 16) return module("uuid").attr("UUID")("bytes"_a = nb::bytes(s.data(), 16));
      break;
    case JSON:
      return module("json").attr("loads")(s);
    case JSONB:
      if (!s.empty() && s[0] == 1) return module("json").attr("loads")(s.substr(1));
      break;
    default:
      return nb::bytes(s.data(), s.size());
  }
  throw nb::value_error(("invalid binary parameter of type " + std::to_string(oid)).c_str());
}

}  // namespace

nb::list decode_query_args(const std::vector<session::QueryArg>& args) {
  nb::list out;
  for (const auto& a : args) {
    if (!a.value) {
      out.append(nb::none());
    } else if (a.format == wire::Format::BINARY) {
      out.append(decode_binary(a.type_oid, *a.value));
    } else {
      out.append(decode_text(a.type_oid, *a.value));
    }
  }
  return out;
}

}  // namespace riffq::bindings
