// src/types/text_quote.cpp
// Element quoting for arrays, records and JSON strings (see text_quote.hpp).
#include "text_quote.hpp"

#include <charconv>

namespace riffq::types::detail {
namespace {

inline bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

bool equals_null_ci(std::string_view v) {
  if (v.size() != 4) return false;
  const char* w = "null";
  for (size_t k = 0; k < 4; ++k) {
    char c = v[k];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != w[k]) return false;
  }
  return true;
}

}  // namespace

void put_array_element(std::string& out, std::string_view v) {
  bool quote = v.empty() || equals_null_ci(v);
  for (size_t k = 0; !quote && k < v.size(); ++k) {
    const char c = v[k];
    quote = c == '{' || c == '}' || c == ',' || c == '"' || c == '\\' || is_space(c);
  }
  if (!quote) {
    out.append(v);
    return;
  }
  out.push_back('"');
  for (char c : v) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
}

void put_record_field(std::string& out, std::string_view v) {
  bool quote = v.empty();
  for (size_t k = 0; !quote && k < v.size(); ++k) {
    const char c = v[k];
    quote = c == '(' || c == ')' || c == ',' || c == '"' || c == '\\' || is_space(c);
  }
  if (!quote) {
    out.append(v);
    return;
  }
  out.push_back('"');
  for (char c : v) {
    if (c == '"' || c == '\\') out.push_back(c);
    out.push_back(c);
  }
  out.push_back('"');
}

void put_json_string(std::string& out, std::string_view v) {
  static constexpr char HEX[] = "0123456789abcdef";
  out.push_back('"');
  for (char ch : v) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '\b':
        out.append("\\b");
        break;
      case '\f':
        out.append("\\f");
        break;
      case '\n':
        out.append("\\n");
        break;
      case '\r':
        out.append("\\r");
        break;
      case '\t':
        out.append("\\t");
        break;
      case '"':
        out.append("\\\"");
        break;
      case '\\':
        out.append("\\\\");
        break;
      default:
        if (c < ' ') {
          out.append("\\u00");
          out.push_back(HEX[c >> 4]);
          out.push_back(HEX[c & 15]);
        } else {
          out.push_back(ch);
        }
    }
  }
  out.push_back('"');
}

// A number as jsonb prints it (numeric_out of the parsed value): exponent forms such as
// float8's "1e+20" become plain decimals.
void put_json_number(std::string& b, std::string_view v) {
  if (v == "-0") v = "0";  // jsonb numbers are numeric, which has no negative zero
  const size_t e = v.find_first_of("eE");
  if (e == std::string_view::npos) {
    b.append(v);
    return;
  }
  std::string_view mant = v.substr(0, e);
  int exp = 0;
  std::string_view es = v.substr(e + 1);
  if (!es.empty() && es[0] == '+') es.remove_prefix(1);
  std::from_chars(es.data(), es.data() + es.size(), exp);
  if (!mant.empty() && mant[0] == '-') {
    b.push_back('-');
    mant.remove_prefix(1);
  }
  std::string digits;
  int point = -1;
  for (char c : mant) {
    if (c == '.') {
      point = static_cast<int>(digits.size());
    } else {
      digits.push_back(c);
    }
  }
  if (point < 0) point = static_cast<int>(digits.size());
  point += exp;  // position of the decimal point within digits
  if (point <= 0) {
    b.append("0.");
    b.append(static_cast<size_t>(-point), '0');
    b.append(digits);
  } else if (point >= static_cast<int>(digits.size())) {
    b.append(digits);
    b.append(static_cast<size_t>(point) - digits.size(), '0');
  } else {
    b.append(digits, 0, static_cast<size_t>(point));
    b.push_back('.');
    b.append(digits, static_cast<size_t>(point), std::string::npos);
  }
}

// ISO timestamp text → XSD ("YYYY-MM-DD HH:MM:SS[.f][+HH[:MM[:SS]]]" → "…T…+HH:MM[:SS]"),
// as JsonEncodeDateTime writes it; "infinity" and other forms pass through as strings.
static void put_json_timestamp(std::string& b, std::string_view v, bool with_tz) {
  std::string t(v);
  size_t space = t.find(' ');
  if (space != std::string::npos && space >= 10 && t.find(' ', space + 1) == std::string::npos) {
    t[space] = 'T';
    if (with_tz) {
      size_t sign = t.find_first_of("+-", space + 1);
      if (sign != std::string::npos && t.size() - sign == 3) t.append(":00");
    }
  }
  put_json_string(b, t);
}

// A JSON value from a text cell of a column of the given kind.
void put_json_value(std::string& b, const CellBuffer& cells, size_t i, JsonKind kind) {
  if (cells.is_null(i)) {
    b.append("null");
    return;
  }
  const std::string_view v = cells.cell(i);
  switch (kind) {
    case JsonKind::BOOL:
      b.append(v == "t" ? "true" : "false");
      return;
    case JsonKind::NUMBER:
      if (v == "NaN" || v == "Infinity" || v == "-Infinity") {
        put_json_string(b, v);
      } else {
        put_json_number(b, v);
      }
      return;
    case JsonKind::JSON:
      b.append(v);
      return;
    case JsonKind::STRING:
      put_json_string(b, v);
      return;
    case JsonKind::TIMESTAMP:
    case JsonKind::TIMESTAMPTZ:
      put_json_timestamp(b, v, kind == JsonKind::TIMESTAMPTZ);
      return;
  }
}

}  // namespace riffq::types::detail
