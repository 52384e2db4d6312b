// src/types/text_input_util.hpp
// Helpers shared by the text input files: big-endian appends, trimming, PostgreSQL's
// "invalid input syntax" error, and the per-family readers text_to_binary dispatches to.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "riffq/common/pg_error.hpp"
#include "riffq/types/text_input.hpp"

namespace riffq::types::detail {

inline void put_be16(std::string* out, uint16_t v) {
  out->push_back(static_cast<char>(v >> 8));
  out->push_back(static_cast<char>(v));
}
inline void put_be32(std::string* out, uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) out->push_back(static_cast<char>(v >> s));
}
inline void put_be64(std::string* out, uint64_t v) {
  for (int s = 56; s >= 0; s -= 8) out->push_back(static_cast<char>(v >> s));
}

inline bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
inline std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// ERROR `invalid input syntax for type <type>: "<text>"` (22P02 unless code says otherwise).
inline bool syntax_error(PgError* e, const char* type, std::string_view text,
                         const char* code = sqlstate::INVALID_TEXT_REPRESENTATION) {
  *e = PgError::error(code, std::string("invalid input syntax for type ") + type + ": \"" +
                                std::string(text) + "\"");
  return false;
}

inline bool fail(PgError* e, const char* code, std::string message) {
  *e = PgError::error(code, std::move(message));
  return false;
}

// numeric_input.cpp: numeric(p,s) text → binary (typmod -1: unconstrained).
bool numeric_input(std::string_view text, int32_t typmod, std::string* out, PgError* e);
// datetime_input.cpp
bool date_input(std::string_view text, TextInputContext& ctx, std::string* out, PgError* e);
bool time_input(std::string_view text, int32_t typmod, std::string* out, PgError* e);
bool timestamp_input(std::string_view text, int32_t typmod, bool with_tz, TextInputContext& ctx,
                     std::string* out, PgError* e);
bool interval_input(std::string_view text, std::string* out, PgError* e);

}  // namespace riffq::types::detail
