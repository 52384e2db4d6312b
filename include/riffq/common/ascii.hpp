// riffq/common/ascii.hpp
// ASCII case folding for SQL keywords, setting names and option values (locale-independent,
// as PostgreSQL's pg_tolower / downcase_identifier for the ASCII range).
#pragma once

#include <string>
#include <string_view>

namespace riffq {

inline std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

inline std::string ascii_upper(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return out;
}

}  // namespace riffq
