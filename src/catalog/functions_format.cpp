// functions_format.cpp — format(formatstr text, VARIADIC "any"), as PostgreSQL's text_format:
// %s, %I, %L and %%, argument positions (%2$s), the - flag and widths (%10s, %*s, %*3$s).
// Arguments of any type print with their output function (sql_identifier columns of
// information_schema, regclass, numbers, …).
#include <string>

#include "catalog_snapshot.hpp"
#include "functions.hpp"
#include "type_oids.hpp"

namespace riffq::catalog {
namespace {

constexpr const char* SINGLE_PERCENT_HINT = "For a single \"%\" use \"%%\".";

[[noreturn]] void fail(const std::string& code, const std::string& message,
                       const std::string& hint = {}) {
  PgError e = PgError::error(code, message);
  e.hint = hint;
  throw CatalogError(e);
}

size_t char_count(const std::string& x) {
  size_t n = 0;
  for (char c : x) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

// One conversion specification after its '%': positions and width, then the type character.
struct Spec {
  int argpos = -1;    // n of n$ (1-based), -1: the next argument
  int widthpos = -1;  // -1: no * width; 0: the next argument; n: argument n
  bool minus = false;
  int width = 0;
  char type = 0;
};

class Parser {
 public:
  explicit Parser(const std::string& f) : f_(f) {}
  bool done() const { return i_ >= f_.size(); }
  char next() { return f_[i_++]; }
  char peek() const { return f_[i_]; }

  Spec spec() {
    Spec s;
    int n = 0;
    if (digits(n)) {
      if (cur() != '$') {
        s.width = n;
        return type(s);
      }
      if (n == 0) fail("22023", "format specifies argument 0, but arguments are numbered from 1");
      s.argpos = n;
      advance();
    }
    while (cur() == '-') {
      s.minus = true;
      advance();
    }
    if (cur() == '*') {
      advance();
      if (digits(n)) {
        if (cur() != '$') fail("22023", "width argument position must be ended by \"$\"");
        if (n == 0) fail("22023", "format specifies argument 0, but arguments are numbered from 1");
        s.widthpos = n;
        advance();
      } else {
        s.widthpos = 0;
      }
    } else if (digits(n)) {
      s.width = n;
    }
    return type(s);
  }

 private:
  char cur() const { return f_[i_]; }
  // Steps past the current character; the specification may not end here.
  void advance() {
    if (++i_ >= f_.size())
      fail("22023", "unterminated format() type specifier", SINGLE_PERCENT_HINT);
  }
  bool digits(int& n) {
    if (cur() < '0' || cur() > '9') return false;
    int64_t v = 0;
    while (cur() >= '0' && cur() <= '9') {
      v = v * 10 + (cur() - '0');
      if (v > INT32_MAX) fail("22003", "number is out of range");
      advance();
    }
    n = static_cast<int>(v);
    return true;
  }
  Spec& type(Spec& s) {
    s.type = cur();
    if (s.type != 's' && s.type != 'I' && s.type != 'L') {
      size_t len = 1;  // the whole (UTF-8) character in the message, as pg_mblen
      while (i_ + len < f_.size() && (static_cast<unsigned char>(f_[i_ + len]) & 0xC0) == 0x80)
        ++len;
      fail("22023", "unrecognized format() type specifier \"" + f_.substr(i_, len) + "\"",
           SINGLE_PERCENT_HINT);
    }
    ++i_;
    return s;
  }

  const std::string& f_;
  size_t i_ = 0;
};

void append_padded(std::string& out, const std::string& s, bool minus, int width) {
  const size_t n = char_count(s);
  const std::string pad = static_cast<size_t>(width) > n ? std::string(width - n, ' ') : "";
  out += minus ? s + pad : pad + s;
}

Value format(const FuncArgs& a) {
  if (a.values[0].is_null()) return Value::null();
  const std::string f = a.values[0].text_string();
  const size_t nargs = a.values.size();
  auto text_of = [&](size_t i) {
    const Value& v = a.values[i];
    return v.is_text() ? v.text_string() : output_text(v, a.types[i], a.cat(), a.st().search_path);
  };
  auto argument = [&](size_t i) -> size_t {
    if (i >= nargs) fail("22023", "too few arguments for format()");
    return i;
  };
  std::string out;
  Parser p(f);
  size_t arg = 0;  // index of the last argument used (0 is the format string)
  while (!p.done()) {
    char c = p.next();
    if (c != '%') {
      out += c;
      continue;
    }
    if (p.done()) fail("22023", "unterminated format() type specifier", SINGLE_PERCENT_HINT);
    if (p.peek() == '%') {
      out += p.next();
      continue;
    }
    const Spec s = p.spec();
    int width = s.width;
    bool minus = s.minus;
    if (s.widthpos >= 0) {
      arg = argument(s.widthpos > 0 ? static_cast<size_t>(s.widthpos) : arg + 1);
      const Value& w = a.values[arg];
      width = w.is_null() ? 0 : static_cast<int>(w.as_int());
      if (width < 0) {
        minus = true;
        width = -width;
      }
    }
    arg = argument(s.argpos > 0 ? static_cast<size_t>(s.argpos) : arg + 1);
    if (a.values[arg].is_null()) {
      if (s.type == 'I') fail("22004", "null values cannot be formatted as an SQL identifier");
      append_padded(out, s.type == 'L' ? "NULL" : "", minus, width);
      continue;
    }
    const std::string v = text_of(arg);
    append_padded(out,
                  s.type == 'I'   ? quote_ident(v)
                  : s.type == 'L' ? quote_literal(v)
                                  : v,
                  minus, width);
  }
  return Value::text(out);
}

}  // namespace

std::string quote_literal(const std::string& x) {
  std::string out = x.find('\\') != std::string::npos ? "E'" : "'";
  for (char c : x) {
    if (c == '\'' || c == '\\') out += c;
    out += c;
  }
  return out + "'";
}

void add_format_function(FunctionTable& t) {
  FunctionDef d = fn("format", {toid::TEXT, 0}, toid::TEXT, format);
  d.variadic = true;
  d.min_args = 1;
  d.strict = false;
  d.foldable = true;
  t["format"].push_back(d);
}

}  // namespace riffq::catalog
