// query_args.cpp — decoding Bind parameters (text or binary) into Python objects.
#include "query_args.hpp"

#include <cstring>
#include <string>

namespace nb = nanobind;

namespace riffq::bindings {
namespace {

enum Oid : uint32_t {
  BOOL = 16, BYTEA = 17, INT8 = 20, INT2 = 21, INT4 = 23, TEXT = 25, OID = 26,
  FLOAT4 = 700, FLOAT8 = 701, VARCHAR = 1043, BPCHAR = 1042, NUMERIC = 1700,
};

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

nb::object decode_text(uint32_t oid, const std::string& s) {
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
    default:
      return nb::str(s.data(), s.size());
  }
}

nb::object decode_binary(uint32_t oid, const std::string& s) {
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
    case TEXT: case VARCHAR: case BPCHAR:
      return nb::str(s.data(), s.size());
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
