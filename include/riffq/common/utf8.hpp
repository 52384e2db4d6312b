// riffq/common/utf8.hpp
// Validation of text a client sends (queries, statement text) as PostgreSQL's pg_verify_mbstr
// does for a UTF8 database: the first invalid sequence becomes 22021 with PostgreSQL's message.
#pragma once

#include <optional>
#include <string_view>

#include "riffq/common/pg_error.hpp"

namespace riffq {

// Byte offset of the first byte sequence that is not well-formed UTF-8 (overlong forms,
// surrogates, code points past U+10FFFF and NUL included), or npos when all of s is valid.
size_t find_invalid_utf8(std::string_view s);

// ERROR 22021 `invalid byte sequence for encoding "UTF8": 0x..` for the first invalid
// sequence of s, or nullopt when s is valid.
std::optional<PgError> check_client_utf8(std::string_view s);

}  // namespace riffq
