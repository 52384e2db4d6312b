// utf8.cpp — UTF-8 validation with PostgreSQL's rules (pg_utf8_islegal) and error text.
#include "riffq/common/utf8.hpp"

#include <algorithm>
#include <cstdio>
#include <string>

namespace riffq {
namespace {

// Length of the sequence a lead byte announces (pg_utf_mblen): 1 for bytes that lead nothing.
size_t announced_length(unsigned char c) {
  if ((c & 0x80) == 0) return 1;
  if ((c & 0xe0) == 0xc0) return 2;
  if ((c & 0xf0) == 0xe0) return 3;
  if ((c & 0xf8) == 0xf0) return 4;
  return 1;
}

bool is_continuation(unsigned char c) {
  return (c & 0xc0) == 0x80;
}

// Whether the n bytes at p form one legal character (RFC 3629 table, as pg_utf8_islegal).
bool is_legal(const unsigned char* p, size_t n) {
  unsigned char a = p[0];
  switch (n) {
    case 1:
      return a != 0 && a < 0x80;
    case 2:
      return a >= 0xc2 && a <= 0xdf && is_continuation(p[1]);
    case 3:
      if (!is_continuation(p[1]) || !is_continuation(p[2])) return false;
      if (a == 0xe0) return p[1] >= 0xa0;  // no overlong forms
      if (a == 0xed) return p[1] <= 0x9f;  // no surrogates
      return a >= 0xe1 && a <= 0xef;
    case 4:
      if (!is_continuation(p[1]) || !is_continuation(p[2]) || !is_continuation(p[3])) return false;
      if (a == 0xf0) return p[1] >= 0x90;
      if (a == 0xf4) return p[1] <= 0x8f;  // nothing past U+10FFFF
      return a >= 0xf1 && a <= 0xf3;
    default:
      return false;
  }
}

}  // namespace

size_t find_invalid_utf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  size_t i = 0;
  while (i < s.size()) {
    if (p[i] != 0 && p[i] < 0x80) {  // the common case: ASCII
      ++i;
      continue;
    }
    size_t n = announced_length(p[i]);
    if (i + n > s.size() || !is_legal(p + i, n)) return i;
    i += n;
  }
  return std::string_view::npos;
}

std::optional<PgError> check_client_utf8(std::string_view s) {
  size_t at = find_invalid_utf8(s);
  if (at == std::string_view::npos) return std::nullopt;
  const auto* p = reinterpret_cast<const unsigned char*>(s.data()) + at;
  size_t n = std::min(announced_length(*p), s.size() - at);
  std::string bytes;
  for (size_t i = 0; i < n; ++i) {
    char hex[8];
    std::snprintf(hex, sizeof hex, i == 0 ? "0x%02x" : " 0x%02x", p[i]);
    bytes += hex;
  }
  return PgError::error(sqlstate::CHARACTER_NOT_IN_REPERTOIRE,
                        "invalid byte sequence for encoding \"UTF8\": " + bytes);
}

}  // namespace riffq
