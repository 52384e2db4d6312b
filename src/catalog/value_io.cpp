// value_io.cpp — PostgreSQL's output and input functions for the values of the catalog engine:
// numbers, booleans, arrays ({…} and the space-separated int2vector / oidvector), the reg*
// OID aliases (names looked up in the snapshot), format_type and quote_ident.
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <unordered_map>

#include "catalog_snapshot.hpp"
#include "riffq/catalog/builtin_data.hpp"
#include "riffq/types/array_input.hpp"
#include "type_names.hpp"
#include "type_oids.hpp"

namespace riffq::catalog {
namespace {

const std::unordered_map<std::string, char>& keyword_categories() {
  static const std::unordered_map<std::string, char> map = [] {
    std::unordered_map<std::string, char> m;
    const BuiltinTable& kw = builtin_catalog().keywords;
    size_t word = 0, cat = 1;
    for (size_t i = 0; i < kw.columns.size(); ++i) {
      if (kw.columns[i].name == "word") word = i;
      if (kw.columns[i].name == "catcode") cat = i;
    }
    for (const auto& r : kw.rows)
      if (r.size() > std::max(word, cat) && r[word] && r[cat] && !r[cat]->empty())
        m[*r[word]] = (*r[cat])[0];
    return m;
  }();
  return map;
}

std::string float_text(double d, Oid type) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  char buf[64];
  std::to_chars_result r = type == toid::FLOAT4
                               ? std::to_chars(buf, buf + sizeof buf, static_cast<float>(d))
                               : std::to_chars(buf, buf + sizeof buf, d);
  std::string s(buf, r.ptr);
  if (type == toid::NUMERIC && s.find_first_of("e") != std::string::npos) {
    std::snprintf(buf, sizeof buf, "%.15f", d);
    s = buf;
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
  }
  return s;
}

bool needs_array_quotes(const std::string& s, char delim) {
  if (s.empty()) return true;
  if (s.size() == 4 && (s[0] | 0x20) == 'n' && (s[1] | 0x20) == 'u' && (s[2] | 0x20) == 'l' &&
      (s[3] | 0x20) == 'l')
    return true;
  for (char c : s)
    if (c == '"' || c == '\\' || c == '{' || c == '}' || c == delim || c == ' ' || c == '\t' ||
        c == '\n' || c == '\r' || c == '\v' || c == '\f')
      return true;
  return false;
}

bool visible_namespace(Oid nsp, const std::vector<std::string>& path, const CatalogSnapshot& cat) {
  if (nsp == 11) return true;
  std::string name = cat.namespace_name(nsp);
  for (const auto& p : path)
    if (p == name) return true;
  return false;
}

int64_t parse_int(std::string_view text, const char* type_name) {
  std::string_view t = text;
  while (!t.empty() && std::isspace(static_cast<unsigned char>(t.front()))) t.remove_prefix(1);
  while (!t.empty() && std::isspace(static_cast<unsigned char>(t.back()))) t.remove_suffix(1);
  if (!t.empty() && t.front() == '+') t.remove_prefix(1);
  int64_t v = 0;
  auto r = std::from_chars(t.data(), t.data() + t.size(), v);
  if (t.empty() || r.ec != std::errc() || r.ptr != t.data() + t.size())
    throw CatalogError(sqlstate::INVALID_TEXT_REPRESENTATION,
                       std::string("invalid input syntax for type ") + type_name + ": \"" +
                           std::string(text) + "\"");
  return v;
}

bool all_digits(std::string_view t) {
  if (t.empty()) return false;
  for (char c : t)
    if (c < '0' || c > '9') return false;
  return true;
}

}  // namespace

std::string quote_ident(std::string_view ident) {
  bool safe = !ident.empty() && ((ident[0] >= 'a' && ident[0] <= 'z') || ident[0] == '_');
  for (char c : ident)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) safe = false;
  if (safe) {
    auto it = keyword_categories().find(std::string(ident));
    if (it != keyword_categories().end() && it->second != 'U') safe = false;
  }
  if (safe) return std::string(ident);
  std::string out = "\"";
  for (char c : ident) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string format_type_flags(const CatalogSnapshot& cat, Oid type, int32_t typmod,
                              bool typmod_given) {
  if (type == 0) return "-";
  const TypeInfo* t = cat.types.find(type);
  if (t == nullptr) return "???";
  // Arrays (typlen -1 with an element) print as the element type plus [].
  if (t->category == 'A' && t->elem != 0 && t->len == -1 && type != toid::INT2VECTOR &&
      type != toid::OIDVECTOR)
    return format_type_flags(cat, t->elem, typmod, typmod_given) + "[]";
  bool with_typmod = typmod_given && typmod >= 0;
  std::string name = builtin_type_display(type, typmod, with_typmod, typmod_given);
  if (!name.empty()) return name;
  std::string out;
  if (!visible_namespace(t->namespace_oid, {"public"}, cat))
    out = quote_ident(cat.namespace_name(t->namespace_oid)) + ".";
  out += quote_ident(t->name);
  if (with_typmod) out += "(" + std::to_string(typmod) + ")";
  return out;
}

std::string format_type(const CatalogSnapshot& cat, Oid type, int32_t typmod) {
  return format_type_flags(cat, type, typmod, true);
}

std::string output_text(const Value& v, TypeRef type, const CatalogSnapshot& cat,
                        const std::vector<std::string>& path) {
  if (v.is_bool()) return v.as_bool() ? "t" : "f";
  if (v.is_float()) return float_text(v.as_float(), type.oid);
  if (v.is_text()) {
    if (type.oid == toid::BYTEA) {
      static const char* hex = "0123456789abcdef";
      std::string out = "\\x";
      for (unsigned char c : v.as_text()) {
        out += hex[c >> 4];
        out += hex[c & 15];
      }
      return out;
    }
    return v.text_string();
  }
  if (v.is_array()) {
    Oid elem = cat.types.element(type.oid);
    if (elem == 0) elem = toid::TEXT;
    const ArrayItems& items = v.as_array();
    if (type.oid == toid::INT2VECTOR || type.oid == toid::OIDVECTOR) {
      std::string out;
      for (size_t i = 0; i < items.size(); ++i) {
        if (i) out += ' ';
        out += output_text(items[i], TypeRef{elem, -1}, cat, path);
      }
      return out;
    }
    // A lower bound other than 1 is printed: [0:1]={oid,integer}.
    std::string out =
        items.lower != 1 && !items.empty()
            ? "[" + std::to_string(items.lower) + ":" +
                  std::to_string(items.lower + static_cast<int64_t>(items.size()) - 1) + "]={"
            : "{";
    for (size_t i = 0; i < items.size(); ++i) {
      if (i) out += ',';
      if (items[i].is_null()) {
        out += "NULL";
        continue;
      }
      std::string s = output_text(items[i], TypeRef{elem, type.typmod}, cat, path);
      if (!needs_array_quotes(s, ',')) {
        out += s;
        continue;
      }
      out += '"';
      for (char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
      }
      out += '"';
    }
    return out + "}";
  }
  if (!v.is_int()) return "";
  int64_t i = v.as_int();
  Oid oid = static_cast<Oid>(i);
  switch (type.oid) {
    case toid::REGCLASS: {
      const Relation* r = cat.relation_by_oid(oid);
      if (r == nullptr) return std::to_string(i);
      const Relation* found = cat.lookup_relation(r->name, path);
      if (found != nullptr && found->oid == r->oid) return quote_ident(r->name);
      return quote_ident(r->schema) + "." + quote_ident(r->name);
    }
    case toid::REGTYPE:
      if (oid == 0) return "-";
      if (cat.types.find(oid) == nullptr) return std::to_string(i);
      return format_type_flags(cat, oid, -1, false);
    case toid::REGPROC:
    case toid::REGPROCEDURE: {
      if (oid == 0) return "-";
      const ProcInfo* p = cat.proc(oid);
      if (p == nullptr) return std::to_string(i);
      std::string out =
          p->namespace_oid == 11 || visible_namespace(p->namespace_oid, path, cat)
              ? quote_ident(p->name)
              : quote_ident(cat.namespace_name(p->namespace_oid)) + "." + quote_ident(p->name);
      if (type.oid == toid::REGPROCEDURE) {
        out += "(";
        for (size_t a = 0; a < p->arg_types.size(); ++a) {
          if (a) out += ",";
          out += format_type_flags(cat, p->arg_types[a], -1, false);
        }
        out += ")";
      }
      return out;
    }
    case toid::REGNAMESPACE: {
      std::string n = cat.namespace_name(oid);
      return n.empty() ? std::to_string(i) : quote_ident(n);
    }
    case toid::REGROLE: {
      if (oid == 0) return "-";
      std::string n = cat.role_name(oid);
      return n.empty() ? std::to_string(i) : quote_ident(n);
    }
    case toid::REGOPER:
    case toid::REGOPERATOR:
    case toid::REGCONFIG:
    case toid::REGDICTIONARY:
    case toid::REGCOLLATION:
      if (oid == 0) return "-";
      return std::to_string(i);
    case toid::OID:
    case toid::XID:
    case toid::CID:
      return std::to_string(static_cast<uint32_t>(i));
    default:
      return std::to_string(i);
  }
}

Value input_text(std::string_view text, TypeRef type, const CatalogSnapshot& cat) {
  TypeRef base = cat.types.base(type);
  Storage st = cat.types.storage(base.oid);
  switch (st) {
    case Storage::BOOL: {
      std::string t;
      for (char c : text)
        if (!std::isspace(static_cast<unsigned char>(c)))
          t += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (t == "t" || t == "true" || t == "yes" || t == "y" || t == "on" || t == "1")
        return Value::boolean(true);
      if (t == "f" || t == "false" || t == "no" || t == "n" || t == "off" || t == "0")
        return Value::boolean(false);
      throw CatalogError(sqlstate::INVALID_TEXT_REPRESENTATION,
                         "invalid input syntax for type boolean: \"" + std::string(text) + "\"");
    }
    case Storage::FLOAT: {
      std::string t(text);
      if (t == "NaN") return Value::floating(NAN);
      if (t == "Infinity") return Value::floating(INFINITY);
      if (t == "-Infinity") return Value::floating(-INFINITY);
      char* end = nullptr;
      double d = std::strtod(t.c_str(), &end);
      if (t.empty() || end == t.c_str() || *end != '\0')
        throw CatalogError(sqlstate::INVALID_TEXT_REPRESENTATION,
                           "invalid input syntax for type " +
                               format_type_flags(cat, base.oid, -1, false) + ": \"" + t + "\"");
      return Value::floating(d);
    }
    case Storage::INT: {
      switch (base.oid) {
        case toid::REGCLASS:
        case toid::REGTYPE:
        case toid::REGPROC:
        case toid::REGPROCEDURE:
        case toid::REGNAMESPACE:
        case toid::REGROLE:
          if (all_digits(text)) return Value::integer(parse_int(text, "oid"));
          return Value::integer(resolve_reg_name(text, base.oid, cat));
        case toid::INT2: {
          int64_t v = parse_int(text, "smallint");
          if (v < -32768 || v > 32767)
            throw CatalogError(
                sqlstate::NUMERIC_VALUE_OUT_OF_RANGE,
                "value \"" + std::string(text) + "\" is out of range for type smallint");
          return Value::integer(v);
        }
        case toid::INT4: {
          int64_t v = parse_int(text, "integer");
          if (v < INT32_MIN || v > INT32_MAX)
            throw CatalogError(
                sqlstate::NUMERIC_VALUE_OUT_OF_RANGE,
                "value \"" + std::string(text) + "\" is out of range for type integer");
          return Value::integer(v);
        }
        case toid::INT8:
          return Value::integer(parse_int(text, "bigint"));
        default: {
          int64_t v = parse_int(text, "oid");
          if (v < 0 && v >= INT32_MIN) v += 4294967296LL;  // oidin accepts negative 32-bit values
          return Value::integer(v);
        }
      }
    }
    case Storage::ARRAY: {
      Oid elem = cat.types.element(base.oid);
      ArrayItems items;
      if (base.oid == toid::INT2VECTOR || base.oid == toid::OIDVECTOR) {
        size_t i = 0;
        while (i < text.size()) {
          while (i < text.size() && text[i] == ' ') ++i;
          size_t j = i;
          while (j < text.size() && text[j] != ' ') ++j;
          if (j > i) items.push_back(input_text(text.substr(i, j - i), TypeRef{elem, -1}, cat));
          i = j;
        }
        return Value::array(std::move(items));
      }
      types::ArrayInput parsed;
      std::string err;
      const TypeInfo* et = cat.types.find(elem);
      if (!types::parse_array_text(text, et ? et->delim : ',', parsed, &err))
        throw CatalogError(sqlstate::INVALID_TEXT_REPRESENTATION, err);
      for (const auto& e : parsed.elements)
        items.push_back(e ? input_text(*e, TypeRef{elem, type.typmod}, cat) : Value::null());
      return Value::array(std::move(items));
    }
    case Storage::TEXT:
      if (base.oid == toid::CHAR)
        return Value::text(std::string(text.substr(0, text.empty() ? 0 : 1)));
      if (base.oid == toid::NAME && text.size() > 63)
        return Value::text(std::string(text.substr(0, 63)));
      return Value::text(std::string(text));
  }
  return Value::text(std::string(text));
}

}  // namespace riffq::catalog
