// functions_general.cpp — general built-ins catalog queries call: strings, arrays, math,
// series, and the session functions (current_user, current_schemas, current_setting, …).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <regex>

#include "functions.hpp"
#include "type_names.hpp"
#include "type_oids.hpp"

namespace riffq::catalog {
namespace {

using V = Value;

FunctionDef srf(std::string name, std::vector<Oid> args, Oid result,
                std::function<std::vector<Row>(const FuncArgs&)> impl) {
  FunctionDef d;
  d.name = std::move(name);
  d.args = std::move(args);
  d.result = result;
  d.srf = true;
  d.srf_impl = std::move(impl);
  return d;
}

std::string s(const FuncArgs& a, size_t i) {
  return a.values[i].text_string();
}
int64_t n(const FuncArgs& a, size_t i) {
  return a.values[i].as_int();
}

std::string lower_ascii(std::string x) {
  for (char& c : x) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return x;
}
std::string upper_ascii(std::string x) {
  for (char& c : x) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return x;
}

size_t utf8_length(const std::string& x) {
  size_t len = 0;
  for (unsigned char c : x)
    if ((c & 0xC0) != 0x80) ++len;
  return len;
}

std::string trim_chars(const std::string& x, const std::string& chars, bool left, bool right) {
  size_t b = 0, e = x.size();
  if (left)
    while (b < e && chars.find(x[b]) != std::string::npos) ++b;
  if (right)
    while (e > b && chars.find(x[e - 1]) != std::string::npos) --e;
  return x.substr(b, e - b);
}

std::string timestamp_now() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S+00", &tm);
  return buf;
}

}  // namespace

void add_general_functions(FunctionTable& t) {
  auto add = [&](FunctionDef d) { t[d.name].push_back(std::move(d)); };
  // --- strings ---
  add(fn("lower", {toid::TEXT}, toid::TEXT,
         [](const FuncArgs& a) { return V::text(lower_ascii(s(a, 0))); }));
  add(fn("upper", {toid::TEXT}, toid::TEXT,
         [](const FuncArgs& a) { return V::text(upper_ascii(s(a, 0))); }));
  for (const char* name : {"length", "char_length", "character_length"})
    add(fn(name, {toid::TEXT}, toid::INT4, [](const FuncArgs& a) {
      return V::integer(static_cast<int64_t>(utf8_length(s(a, 0))));
    }));
  add(fn("octet_length", {toid::TEXT}, toid::INT4,
         [](const FuncArgs& a) { return V::integer(static_cast<int64_t>(s(a, 0).size())); }));
  for (const char* name : {"substr", "substring"}) {
    FunctionDef d =
        fn(name, {toid::TEXT, toid::INT4, toid::INT4}, toid::TEXT, [](const FuncArgs& a) {
          const std::string& x = s(a, 0);
          int64_t start = n(a, 1);
          int64_t len = a.values.size() > 2 ? n(a, 2) : static_cast<int64_t>(x.size()) + 1;
          if (len < 0) throw CatalogError("22011", "negative substring length not allowed");
          int64_t b = std::max<int64_t>(start, 1), e = start + len;
          if (e <= b) return V::text("");
          size_t from =
              static_cast<size_t>(std::min<int64_t>(b - 1, static_cast<int64_t>(x.size())));
          size_t cnt =
              static_cast<size_t>(std::min<int64_t>(e - b, static_cast<int64_t>(x.size() - from)));
          return V::text(x.substr(from, cnt));
        });
    d.min_args = 2;
    add(d);
  }
  add(fn("replace", {toid::TEXT, toid::TEXT, toid::TEXT}, toid::TEXT, [](const FuncArgs& a) {
    std::string x = s(a, 0);
    const std::string& from = s(a, 1);
    const std::string& to = s(a, 2);
    if (from.empty()) return V::text(x);
    std::string out;
    size_t pos = 0, hit;
    while ((hit = x.find(from, pos)) != std::string::npos) {
      out += x.substr(pos, hit - pos) + to;
      pos = hit + from.size();
    }
    return V::text(out + x.substr(pos));
  }));
  add(fn("translate", {toid::TEXT, toid::TEXT, toid::TEXT}, toid::TEXT, [](const FuncArgs& a) {
    std::string out;
    for (char c : s(a, 0)) {
      size_t k = s(a, 1).find(c);
      if (k == std::string::npos)
        out += c;
      else if (k < s(a, 2).size())
        out += s(a, 2)[k];
    }
    return V::text(out);
  }));
  for (auto [name, l, r] : {std::tuple{"btrim", true, true}, std::tuple{"ltrim", true, false},
                            std::tuple{"rtrim", false, true}}) {
    bool left = l, right = r;
    FunctionDef d =
        fn(name, {toid::TEXT, toid::TEXT}, toid::TEXT, [left, right](const FuncArgs& a) {
          return V::text(trim_chars(s(a, 0), a.values.size() > 1 ? s(a, 1) : " ", left, right));
        });
    d.min_args = 1;
    add(d);
  }
  {
    FunctionDef d = fn("concat", {0}, toid::TEXT, [](const FuncArgs& a) {
      std::string out;
      for (size_t i = 0; i < a.values.size(); ++i)
        if (!a.values[i].is_null())
          out += a.values[i].is_text()
                     ? a.values[i].as_text()
                     : output_text(a.values[i], a.types[i], a.cat(), a.st().search_path);
      return V::text(out);
    });
    d.variadic = true;
    d.min_args = 1;
    d.strict = false;
    add(d);
  }
  {
    FunctionDef d = fn("concat_ws", {toid::TEXT, 0}, toid::TEXT, [](const FuncArgs& a) {
      if (a.values[0].is_null()) return V::null();
      std::string out;
      bool first = true;
      for (size_t i = 1; i < a.values.size(); ++i) {
        if (a.values[i].is_null()) continue;
        if (!first) out += s(a, 0);
        first = false;
        out += a.values[i].is_text()
                   ? a.values[i].as_text()
                   : output_text(a.values[i], a.types[i], a.cat(), a.st().search_path);
      }
      return V::text(out);
    });
    d.variadic = true;
    d.min_args = 2;
    d.strict = false;
    add(d);
  }
  add(fn("left", {toid::TEXT, toid::INT4}, toid::TEXT, [](const FuncArgs& a) {
    int64_t k = n(a, 1);
    const std::string& x = s(a, 0);
    size_t len = k >= 0 ? std::min<size_t>(static_cast<size_t>(k), x.size())
                        : x.size() - std::min<size_t>(static_cast<size_t>(-k), x.size());
    return V::text(x.substr(0, len));
  }));
  add(fn("right", {toid::TEXT, toid::INT4}, toid::TEXT, [](const FuncArgs& a) {
    int64_t k = n(a, 1);
    const std::string& x = s(a, 0);
    size_t len = k >= 0 ? std::min<size_t>(static_cast<size_t>(k), x.size())
                        : x.size() - std::min<size_t>(static_cast<size_t>(-k), x.size());
    return V::text(x.substr(x.size() - len));
  }));
  for (const char* name : {"strpos", "position"})
    add(fn(name, {toid::TEXT, toid::TEXT}, toid::INT4, [](const FuncArgs& a) {
      size_t k = s(a, 0).find(s(a, 1));
      return V::integer(k == std::string::npos ? 0 : static_cast<int64_t>(k) + 1);
    }));
  add(fn("split_part", {toid::TEXT, toid::TEXT, toid::INT4}, toid::TEXT, [](const FuncArgs& a) {
    const std::string& x = s(a, 0);
    const std::string& d = s(a, 1);
    int64_t k = n(a, 2);
    std::vector<std::string> parts;
    if (d.empty())
      parts.push_back(x);
    else {
      size_t pos = 0, hit;
      while ((hit = x.find(d, pos)) != std::string::npos) {
        parts.push_back(x.substr(pos, hit - pos));
        pos = hit + d.size();
      }
      parts.push_back(x.substr(pos));
    }
    if (k == 0) throw CatalogError("22023", "field position must not be zero");
    if (k < 0) k = static_cast<int64_t>(parts.size()) + k + 1;
    return V::text(
        k >= 1 && k <= static_cast<int64_t>(parts.size()) ? parts[static_cast<size_t>(k - 1)] : "");
  }));
  add(fn("starts_with", {toid::TEXT, toid::TEXT}, toid::BOOL,
         [](const FuncArgs& a) { return V::boolean(s(a, 0).rfind(s(a, 1), 0) == 0); }));
  add(fn("repeat", {toid::TEXT, toid::INT4}, toid::TEXT, [](const FuncArgs& a) {
    std::string out;
    for (int64_t i = 0; i < n(a, 1) && out.size() < 1'000'000; ++i) out += s(a, 0);
    return V::text(out);
  }));
  for (bool left_pad : {true, false}) {
    FunctionDef d = fn(left_pad ? "lpad" : "rpad", {toid::TEXT, toid::INT4, toid::TEXT}, toid::TEXT,
                       [left_pad](const FuncArgs& a) {
                         std::string x = s(a, 0);
                         std::string fill = a.values.size() > 2 ? s(a, 2) : " ";
                         int64_t len = n(a, 1);
                         if (len <= 0) return V::text("");
                         if (static_cast<int64_t>(x.size()) >= len)
                           return V::text(x.substr(0, static_cast<size_t>(len)));
                         if (fill.empty()) return V::text(x);
                         std::string pad;
                         while (static_cast<int64_t>(pad.size() + x.size()) < len)
                           pad += fill[pad.size() % fill.size()];
                         return V::text(left_pad ? pad + x : x + pad);
                       });
    d.min_args = 2;
    add(d);
  }
  add(fn("quote_ident", {toid::TEXT}, toid::TEXT,
         [](const FuncArgs& a) { return V::text(quote_ident(s(a, 0))); }));
  add(fn("quote_literal", {toid::TEXT}, toid::TEXT,
         [](const FuncArgs& a) { return V::text(quote_literal(s(a, 0))); }));
  {
    FunctionDef d = fn("quote_nullable", {toid::TEXT}, toid::TEXT, [](const FuncArgs& a) {
      return a.values[0].is_null() ? V::text("NULL") : V::text(quote_literal(s(a, 0)));
    });
    d.strict = false;
    add(d);
  }
  add(fn("md5", {toid::TEXT}, toid::TEXT, [](const FuncArgs&) -> Value { unsupported("md5()"); }));
  {
    FunctionDef d = fn("regexp_replace", {toid::TEXT, toid::TEXT, toid::TEXT, toid::TEXT},
                       toid::TEXT, [](const FuncArgs& a) {
                         std::string flags = a.values.size() > 3 ? s(a, 3) : "";
                         auto f = std::regex::ECMAScript;
                         if (flags.find('i') != std::string::npos) f |= std::regex::icase;
                         std::regex re(s(a, 1), f);
                         std::string repl;
                         const std::string& r = s(a, 2);
                         for (size_t i = 0; i < r.size(); ++i) {
                           if (r[i] == '\\' && i + 1 < r.size() &&
                               std::isdigit(static_cast<unsigned char>(r[i + 1]))) {
                             repl += '$';
                             repl += r[++i];
                           } else if (r[i] == '$') {
                             repl += "$$";
                           } else {
                             repl += r[i];
                           }
                         }
                         auto mode = flags.find('g') != std::string::npos
                                         ? std::regex_constants::format_default
                                         : std::regex_constants::format_first_only;
                         return V::text(std::regex_replace(s(a, 0), re, repl, mode));
                       });
    d.min_args = 3;
    add(d);
  }
  add(fn("encode", {toid::BYTEA, toid::TEXT}, toid::TEXT, [](const FuncArgs& a) {
    static const char* hex = "0123456789abcdef";
    if (s(a, 1) != "hex" && s(a, 1) != "escape") unsupported("encode(…, '" + s(a, 1) + "')");
    if (s(a, 1) == "escape") return V::text(s(a, 0));
    std::string out;
    for (unsigned char c : s(a, 0)) {
      out += hex[c >> 4];
      out += hex[c & 15];
    }
    return V::text(out);
  }));
  add(fn("parse_ident", {toid::TEXT, toid::BOOL}, toid::TEXT_ARRAY, [](const FuncArgs& a) {
    ArrayItems out;
    for (auto& p : split_qualified_name(s(a, 0))) out.push_back(V::text(p));
    return V::array(std::move(out));
  }));
  t["parse_ident"].back().min_args = 1;

  // --- arrays ---
  auto array_dim_fn = [&](const char* name,
                          std::function<Value(const ArrayItems&, int64_t, Oid)> f) {
    FunctionDef d = fn(name, {toid::ANYARRAY, toid::INT4}, toid::INT4, [f](const FuncArgs& a) {
      return f(a.values[0].as_array(), n(a, 1), a.types[0].oid);
    });
    add(d);
  };
  array_dim_fn("array_length", [](const ArrayItems& x, int64_t dim, Oid) {
    return dim == 1 && !x.empty() ? V::integer(static_cast<int64_t>(x.size())) : V::null();
  });
  array_dim_fn("array_upper", [](const ArrayItems& x, int64_t dim, Oid t) {
    int64_t lb = (t == toid::INT2VECTOR || t == toid::OIDVECTOR) ? 0 : x.lower;
    return dim == 1 && !x.empty() ? V::integer(lb + static_cast<int64_t>(x.size()) - 1) : V::null();
  });
  array_dim_fn("array_lower", [](const ArrayItems& x, int64_t dim, Oid t) {
    int64_t lb = (t == toid::INT2VECTOR || t == toid::OIDVECTOR) ? 0 : x.lower;
    return dim == 1 && !x.empty() ? V::integer(lb) : V::null();
  });
  add(fn("array_ndims", {toid::ANYARRAY}, toid::INT4, [](const FuncArgs& a) {
    return a.values[0].as_array().empty() ? V::null() : V::integer(1);
  }));
  add(fn("cardinality", {toid::ANYARRAY}, toid::INT4, [](const FuncArgs& a) {
    return V::integer(static_cast<int64_t>(a.values[0].as_array().size()));
  }));
  {
    FunctionDef d = fn("array_position", {toid::ANYARRAY, 0}, toid::INT4, [](const FuncArgs& a) {
      if (a.values[0].is_null()) return V::null();
      const ArrayItems& x = a.values[0].as_array();
      for (size_t i = 0; i < x.size(); ++i)
        if (values_equal(x[i], a.values[1])) return V::integer(static_cast<int64_t>(i) + 1);
      return V::null();
    });
    d.strict = false;
    add(d);
  }
  {
    FunctionDef d = fn("array_to_string", {toid::ANYARRAY, toid::TEXT, toid::TEXT}, toid::TEXT,
                       [](const FuncArgs& a) {
                         const ArrayItems& x = a.values[0].as_array();
                         Oid elem = a.cat().types.element(a.types[0].oid);
                         std::string out;
                         bool first = true;
                         for (const Value& e : x) {
                           std::string item;
                           if (e.is_null()) {
                             if (a.values.size() < 3 || a.values[2].is_null()) continue;
                             item = s(a, 2);
                           } else {
                             item = output_text(e, TypeRef{elem, -1}, a.cat(), a.st().search_path);
                           }
                           if (!first) out += s(a, 1);
                           first = false;
                           out += item;
                         }
                         return V::text(out);
                       });
    d.min_args = 2;
    add(d);
  }
  {
    FunctionDef d = fn("string_to_array", {toid::TEXT, toid::TEXT, toid::TEXT}, toid::TEXT_ARRAY,
                       [](const FuncArgs& a) {
                         if (a.values[0].is_null()) return V::null();
                         const std::string& x = s(a, 0);
                         ArrayItems out;
                         if (x.empty()) return V::array({});
                         auto push = [&](std::string p) {
                           if (a.values.size() > 2 && !a.values[2].is_null() && p == s(a, 2))
                             out.push_back(V::null());
                           else
                             out.push_back(V::text(std::move(p)));
                         };
                         if (a.values[1].is_null()) {
                           for (char c : x) push(std::string(1, c));
                         } else if (s(a, 1).empty()) {
                           push(x);
                         } else {
                           size_t pos = 0, hit;
                           while ((hit = x.find(s(a, 1), pos)) != std::string::npos) {
                             push(x.substr(pos, hit - pos));
                             pos = hit + s(a, 1).size();
                           }
                           push(x.substr(pos));
                         }
                         return V::array(std::move(out));
                       });
    d.min_args = 2;
    d.strict = false;
    add(d);
  }
  {
    FunctionDef d = fn("array_append", {toid::ANYARRAY, 0}, 0, [](const FuncArgs& a) {
      ArrayItems x = a.values[0].is_null() ? ArrayItems{} : a.values[0].as_array();
      x.push_back(a.values[1]);
      return V::array(std::move(x));
    });
    d.strict = false;
    add(d);
    FunctionDef c = fn("array_cat", {toid::ANYARRAY, toid::ANYARRAY}, 0, [](const FuncArgs& a) {
      ArrayItems x = a.values[0].is_null() ? ArrayItems{} : a.values[0].as_array();
      if (!a.values[1].is_null())
        x.insert(x.end(), a.values[1].as_array().begin(), a.values[1].as_array().end());
      return V::array(std::move(x));
    });
    c.strict = false;
    add(c);
  }
  {
    // array_remove(anyarray, anyelement): the elements not equal to the value (NULL removes
    // NULLs), as pgcli's view-column query calls it.
    FunctionDef d = fn("array_remove", {toid::ANYARRAY, 0}, 0, [](const FuncArgs& a) {
      if (a.values[0].is_null()) return V::null();
      ArrayItems out;
      const Value& gone = a.values[1];
      for (const Value& v : a.values[0].as_array()) {
        const bool same = gone.is_null() ? v.is_null() : !v.is_null() && values_equal(v, gone);
        if (!same) out.push_back(v);
      }
      return V::array(std::move(out));
    });
    d.strict = false;
    add(d);
  }
  {
    // regexp_split_to_table(text, pattern): the pieces between matches (ECMAScript syntax
    // covers the classes tools use, such as \W+).
    FunctionDef d =
        srf("regexp_split_to_table", {toid::TEXT, toid::TEXT}, toid::TEXT, [](const FuncArgs& a) {
          std::vector<Row> rows;
          const std::string& text = s(a, 0);
          std::regex re(s(a, 1), std::regex::ECMAScript);
          std::sregex_token_iterator it(text.begin(), text.end(), re, -1), end;
          for (; it != end; ++it) rows.push_back(Row{V::text(it->str())});
          return rows;
        });
    add(d);
  }
  {
    FunctionDef d = srf("unnest", {toid::ANYARRAY}, 0, [](const FuncArgs& a) {
      std::vector<Row> rows;
      for (const Value& v : a.values[0].as_array()) rows.push_back(Row{v});
      return rows;
    });
    d.result_fn = [](const std::vector<TypeRef>& t, const CatalogSnapshot& cat) {
      return TypeRef{cat.types.element(t[0].oid), -1};
    };
    add(d);
  }
  {
    FunctionDef d =
        // Arguments kept as given so that generate_series(int4, int4) stays int4 as in
        // PostgreSQL (pgjdbc's KEY_SEQ), int8 when either is int8.
        srf("generate_series", {0, 0, 0}, 0, [](const FuncArgs& a) {
          auto num = [&](size_t i) {
            const Value& v = a.values[i];
            return v.is_int()     ? v.as_int()
                   : v.is_float() ? static_cast<int64_t>(v.as_float())
                                  : std::stoll(v.text_string());
          };
          int64_t from = num(0), to = num(1), step = a.values.size() > 2 ? num(2) : 1;
          if (step == 0) throw CatalogError("22023", "step size cannot equal zero");
          std::vector<Row> rows;
          for (int64_t i = from; step > 0 ? i <= to : i >= to; i += step) {
            rows.push_back(Row{V::integer(i)});
            if (rows.size() > 10'000'000)
              throw CatalogError(sqlstate::PROGRAM_LIMIT_EXCEEDED, "generate_series is too long");
          }
          return rows;
        });
    d.min_args = 2;
    d.result_fn = [](const std::vector<TypeRef>& t, const CatalogSnapshot&) {
      for (auto& x : t)
        if (x.oid == toid::INT8 || x.oid == toid::NUMERIC) return TypeRef{x.oid, -1};
      return TypeRef{toid::INT4, -1};
    };
    add(d);
  }
  {
    FunctionDef d =
        srf("generate_subscripts", {toid::ANYARRAY, toid::INT4, toid::BOOL}, toid::INT4,
            [](const FuncArgs& a) {
              std::vector<Row> rows;
              if (n(a, 1) != 1) return rows;
              int64_t lb =
                  (a.types[0].oid == toid::INT2VECTOR || a.types[0].oid == toid::OIDVECTOR) ? 0 : 1;
              int64_t len = static_cast<int64_t>(a.values[0].as_array().size());
              bool rev = a.values.size() > 2 && a.values[2].as_bool();
              for (int64_t i = 0; i < len; ++i)
                rows.push_back(Row{V::integer(rev ? lb + len - 1 - i : lb + i)});
              return rows;
            });
    d.min_args = 2;
    add(d);
  }

  // --- math ---
  add(fn("abs", {0}, 0, [](const FuncArgs& a) {
    return a.values[0].is_int() ? V::integer(std::llabs(a.values[0].as_int()))
                                : V::floating(std::fabs(a.values[0].as_float()));
  }));
  {
    // round(numeric) stays numeric and rounds half away from zero; round(float8) rounds half
    // to even (rint), as PostgreSQL.
    FunctionDef d = fn("round", {0, toid::INT4}, 0, [](const FuncArgs& a) {
      double x = a.values[0].as_float();
      int64_t digits = a.values.size() > 1 ? n(a, 1) : 0;
      double p = std::pow(10.0, static_cast<double>(digits));
      const bool fl = a.types[0].oid != toid::NUMERIC;
      return V::floating((fl ? std::nearbyint(x * p) : std::round(x * p)) / p);
    });
    d.min_args = 1;
    d.result_fn = [](const std::vector<TypeRef>& t, const CatalogSnapshot&) {
      // round(int) resolves to round(float8), the preferred numeric type.
      return t[0].oid == toid::NUMERIC ? TypeRef{toid::NUMERIC, -1} : TypeRef{toid::FLOAT8, -1};
    };
    add(d);
  }
  for (const char* name : {"ceil", "ceiling", "floor", "trunc"}) {
    std::string nm = name;
    FunctionDef d = fn(name, {toid::FLOAT8}, 0, [nm](const FuncArgs& a) {
      double x = a.values[0].as_float();
      return V::floating(nm == "floor"   ? std::floor(x)
                         : nm == "trunc" ? std::trunc(x)
                                         : std::ceil(x));
    });
    d.result_fn = [](const std::vector<TypeRef>& t, const CatalogSnapshot&) {
      return t[0].oid == toid::FLOAT8 || t[0].oid == toid::FLOAT4 ? TypeRef{toid::FLOAT8, -1}
                                                                  : TypeRef{toid::NUMERIC, -1};
    };
    add(d);
  }
  add(fn("mod", {toid::INT8, toid::INT8}, 0, [](const FuncArgs& a) {
    if (n(a, 1) == 0) throw CatalogError("22012", "division by zero");
    return V::integer(n(a, 0) % n(a, 1));
  }));
  add(fn("power", {toid::FLOAT8, toid::FLOAT8}, toid::FLOAT8, [](const FuncArgs& a) {
    return V::floating(std::pow(a.values[0].as_float(), a.values[1].as_float()));
  }));

  // --- session ---
  auto session_fn = [&](const char* name, Oid result, std::function<Value(const FuncArgs&)> impl) {
    FunctionDef d = fn(name, {}, result, std::move(impl));
    d.foldable = false;
    add(d);
  };
  session_fn("current_user", toid::NAME,
             [](const FuncArgs& a) { return V::text(a.st().session.user); });
  session_fn("session_user", toid::NAME,
             [](const FuncArgs& a) { return V::text(a.st().session.user); });
  session_fn("current_role", toid::NAME,
             [](const FuncArgs& a) { return V::text(a.st().session.user); });
  session_fn("current_database", toid::NAME,
             [](const FuncArgs& a) { return V::text(a.st().session.database); });
  session_fn("current_catalog", toid::NAME,
             [](const FuncArgs& a) { return V::text(a.st().session.database); });
  session_fn("current_schema", toid::NAME, [](const FuncArgs& a) {
    for (const auto& p : a.st().search_path)
      if (a.cat().namespace_oid(p) != 0) return V::text(p);
    return V::null();
  });
  {
    FunctionDef d = fn("current_schemas", {toid::BOOL}, toid::NAME_ARRAY, [](const FuncArgs& a) {
      ArrayItems out;
      bool implicit = a.values[0].as_bool();
      bool has_catalog = false;
      for (const auto& p : a.st().search_path) has_catalog = has_catalog || p == "pg_catalog";
      if (implicit && !has_catalog) out.push_back(V::text("pg_catalog"));
      for (const auto& p : a.st().search_path)
        if (a.cat().namespace_oid(p) != 0) out.push_back(V::text(p));
      return V::array(std::move(out));
    });
    d.foldable = false;
    add(d);
  }
  {
    FunctionDef d =
        fn("current_setting", {toid::TEXT, toid::BOOL}, toid::TEXT, [](const FuncArgs& a) {
          std::string name = lower_ascii(s(a, 0));
          if (auto v = a.cat().session_setting(a.st().session, name)) return V::text(*v);
          if (a.cat().settings)
            for (const Row& r : *a.cat().settings->rows)
              if (r[0].is_text() && lower_ascii(r[0].text_string()) == name) return r[1];
          if (a.values.size() > 1 && a.values[1].as_bool()) return V::null();
          throw CatalogError("42704", "unrecognized configuration parameter \"" + s(a, 0) + "\"");
        });
    d.min_args = 1;
    d.foldable = false;
    add(d);
  }
  session_fn("version", toid::TEXT, [](const FuncArgs& a) {
    // The server identifies itself as riffq; the version number is the session's.
    return V::text("PostgreSQL " + a.st().session.server_version +
                   " on x86_64-pc-linux-gnu, compiled by riffq (C++), 64-bit");
  });
  session_fn("pg_backend_pid", toid::INT4,
             [](const FuncArgs& a) { return V::integer(a.st().session.backend_pid); });
  session_fn("now", toid::TIMESTAMPTZ, [](const FuncArgs&) { return V::text(timestamp_now()); });
  session_fn("statement_timestamp", toid::TIMESTAMPTZ,
             [](const FuncArgs&) { return V::text(timestamp_now()); });
  session_fn("transaction_timestamp", toid::TIMESTAMPTZ,
             [](const FuncArgs&) { return V::text(timestamp_now()); });
  session_fn("pg_postmaster_start_time", toid::TIMESTAMPTZ, [](const FuncArgs&) {
    static const std::string started = timestamp_now();
    return V::text(started);
  });
  session_fn("pg_conf_load_time", toid::TIMESTAMPTZ, [](const FuncArgs&) {
    static const std::string loaded = timestamp_now();
    return V::text(loaded);
  });
  session_fn("current_date", toid::DATE,
             [](const FuncArgs&) { return V::text(timestamp_now().substr(0, 10)); });
  session_fn("pg_is_in_recovery", toid::BOOL, [](const FuncArgs&) { return V::boolean(false); });
  session_fn("pg_my_temp_schema", toid::OID, [](const FuncArgs&) { return V::integer(0); });
  session_fn("pg_jit_available", toid::BOOL, [](const FuncArgs&) { return V::boolean(false); });
  session_fn("inet_server_addr", 869, [](const FuncArgs&) { return V::null(); });
  session_fn("inet_server_port", toid::INT4, [](const FuncArgs&) { return V::null(); });
  add(fn("pg_is_other_temp_schema", {toid::OID}, toid::BOOL,
         [](const FuncArgs&) { return V::boolean(false); }));
}

}  // namespace riffq::catalog
