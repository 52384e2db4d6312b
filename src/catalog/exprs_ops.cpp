// exprs_ops.cpp — pattern matching (LIKE, ILIKE, POSIX regular expressions) and arithmetic,
// concatenation and array operators of the catalog engine.
#include <cctype>
#include <cmath>

#include "exprs.hpp"
#include "type_oids.hpp"

namespace riffq::catalog {

MatchExpr::MatchExpr(MatchKind k, bool neg, ExprPtr l, ExprPtr p)
    : kind(k), negate(neg), left(std::move(l)), pattern(std::move(p)) {
  type = TypeRef{toid::BOOL, -1};
}

bool like_match(std::string_view s, std::string_view p, bool icase, char escape) {
  size_t si = 0, pi = 0, star_p = std::string_view::npos, star_s = 0;
  auto eq = [&](char a, char b) {
    return icase ? std::tolower(static_cast<unsigned char>(a)) ==
                       std::tolower(static_cast<unsigned char>(b))
                 : a == b;
  };
  while (si < s.size()) {
    if (pi < p.size() && p[pi] == '%') {
      star_p = ++pi;
      star_s = si;
      continue;
    }
    if (pi < p.size()) {
      char pc = p[pi];
      size_t step = 1;
      bool literal = false;
      if (pc == escape && escape != '\0' && pi + 1 < p.size()) {
        pc = p[pi + 1];
        step = 2;
        literal = true;
      }
      if ((!literal && pc == '_') || eq(pc, s[si])) {
        pi += step;
        ++si;
        continue;
      }
    }
    if (star_p == std::string_view::npos) return false;
    pi = star_p;
    si = ++star_s;
  }
  while (pi < p.size() && p[pi] == '%') ++pi;
  return pi == p.size();
}

namespace {

// PostgreSQL's ARE syntax the clients use maps onto ECMAScript except for a few escapes.
std::string translate_regex(const std::string& p) {
  std::string out;
  for (size_t i = 0; i < p.size(); ++i) {
    if (p[i] == '\\' && i + 1 < p.size()) {
      char n = p[i + 1];
      if (n == 'm' || n == 'M' || n == 'y') {
        out += "\\b";
        ++i;
        continue;
      }
      if (n == 'A') {
        out += '^';
        ++i;
        continue;
      }
      if (n == 'Z') {
        out += '$';
        ++i;
        continue;
      }
    }
    out += p[i];
  }
  return out;
}

}  // namespace

Value MatchExpr::eval(const EvalContext& ctx) const {
  Value s = left->eval(ctx);
  if (s.is_null()) return s;
  Value p = pattern->eval(ctx);
  if (p.is_null()) return p;
  bool m = false;
  const std::string& text = s.text_string();
  const std::string& pat = p.text_string();
  switch (kind) {
    case MatchKind::LIKE:
    case MatchKind::ILIKE: {
      char esc = '\\';
      if (escape) {
        Value e = escape->eval(ctx);
        esc = e.is_null() || e.as_text().empty() ? '\0' : e.as_text()[0];
      }
      m = like_match(text, pat, kind == MatchKind::ILIKE, esc);
      break;
    }
    default: {
      if (!cached || cached_pattern != pat) {
        auto flags = std::regex::ECMAScript;
        if (kind == MatchKind::IREGEX) flags |= std::regex::icase;
        try {
          cached = std::make_shared<std::regex>(translate_regex(pat), flags);
        } catch (const std::regex_error& e) {
          throw CatalogError("2201B", "invalid regular expression: " + std::string(e.what()));
        }
        cached_pattern = pat;
      }
      m = std::regex_search(text, *cached);
    }
  }
  return Value::boolean(negate ? !m : m);
}

ArithExpr::ArithExpr(std::string o, ExprPtr l, ExprPtr r, TypeRef t)
    : op(std::move(o)), left(std::move(l)), right(std::move(r)) {
  type = t;
}

Value ArithExpr::eval(const EvalContext& ctx) const {
  Value a = left ? left->eval(ctx) : Value::integer(0);
  Value b = right->eval(ctx);
  if (op == "||") {
    if (a.is_null() || b.is_null()) return Value::null();
    const CatalogSnapshot& cat = ctx.state->cat;
    std::string x =
        a.is_text() ? a.text_string() : output_text(a, left->type, cat, ctx.state->search_path);
    std::string y =
        b.is_text() ? b.text_string() : output_text(b, right->type, cat, ctx.state->search_path);
    return Value::text(x + y);
  }
  if (op == "||a") {
    ArrayItems out;
    auto add = [&](const Value& v, const ExprPtr& e) {
      if (v.is_null()) {
        if (!ctx.state->cat.types.is_array(e->type.oid)) out.push_back(v);
        return;
      }
      if (v.is_array())
        out.insert(out.end(), v.as_array().begin(), v.as_array().end());
      else
        out.push_back(v);
    };
    add(a, left);
    add(b, right);
    return Value::array(std::move(out));
  }
  if (a.is_null() || b.is_null()) return Value::null();
  if (op == "@>" || op == "<@" || op == "&&") {
    const ArrayItems& x = a.as_array();
    const ArrayItems& y = b.as_array();
    auto contains = [](const ArrayItems& big, const ArrayItems& small) {
      for (const Value& s : small) {
        bool found = false;
        for (const Value& g : big)
          if (!s.is_null() && !g.is_null() && compare_values(s, g) == 0) found = true;
        if (!found) return false;
      }
      return true;
    };
    if (op == "@>") return Value::boolean(contains(x, y));
    if (op == "<@") return Value::boolean(contains(y, x));
    for (const Value& s : x)
      for (const Value& g : y)
        if (!s.is_null() && !g.is_null() && compare_values(s, g) == 0) return Value::boolean(true);
    return Value::boolean(false);
  }
  bool ints = a.is_int() && b.is_int() && type.oid != toid::FLOAT8 && type.oid != toid::NUMERIC;
  if (ints) {
    int64_t x = a.as_int(), y = b.as_int(), r = 0;
    if (!left) return Value::integer(-y);
    if (op == "+")
      r = x + y;
    else if (op == "-")
      r = x - y;
    else if (op == "*")
      r = x * y;
    else if (op == "/" || op == "%") {
      if (y == 0) throw CatalogError("22012", "division by zero");
      r = op == "/" ? x / y : x % y;
    } else if (op == "&")
      r = x & y;
    else if (op == "|")
      r = x | y;
    else if (op == "#")
      r = x ^ y;
    else if (op == "<<")
      r = y >= 0 && y < 64 ? x << y : 0;
    else if (op == ">>")
      r = y >= 0 && y < 64 ? x >> y : (x < 0 ? -1 : 0);
    if (type.oid == toid::INT4 && (r < INT32_MIN || r > INT32_MAX))
      throw CatalogError(sqlstate::NUMERIC_VALUE_OUT_OF_RANGE, "integer out of range");
    if (type.oid == toid::INT2 && (r < -32768 || r > 32767))
      throw CatalogError(sqlstate::NUMERIC_VALUE_OUT_OF_RANGE, "smallint out of range");
    return Value::integer(r);
  }
  double x = a.as_float(), y = b.as_float();
  if (!left) return Value::floating(-y);
  if (op == "+") return Value::floating(x + y);
  if (op == "-") return Value::floating(x - y);
  if (op == "*") return Value::floating(x * y);
  if (op == "^") return Value::floating(std::pow(x, y));
  if (y == 0) throw CatalogError("22012", "division by zero");
  if (op == "/") return Value::floating(x / y);
  return Value::floating(std::fmod(x, y));
}

}  // namespace riffq::catalog
