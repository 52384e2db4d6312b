// src/types/text_quote.cpp
// Element quoting for arrays, records and JSON strings (see text_quote.hpp).
#include "text_quote.hpp"

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

}  // namespace riffq::types::detail
