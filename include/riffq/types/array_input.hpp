// riffq/types/array_input.hpp
// Reading PostgreSQL array values a client sends (Bind parameters, later COPY FROM): the text
// form of array_in (`{1,NULL,"a \"b\""}`, nested braces, an optional `[1:2]=` dimension
// decoration) and the binary form of array_send. Elements stay raw (text or binary bytes of
// the element type); the caller decodes them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace riffq::types {

struct ArrayInput {
  std::vector<int32_t> dims;                         // lengths per dimension; empty: no elements
  std::vector<std::optional<std::string>> elements;  // row-major; nullopt = NULL
  uint32_t element_oid = 0;                          // binary form: as sent
};

// array_in's text form with `delimiter` between elements (',' for every type riffq decodes).
// Returns false and sets *error (PostgreSQL's wording) on malformed input.
bool parse_array_text(std::string_view text, char delimiter, ArrayInput& out, std::string* error);

// array_send's binary form: ndim, flags, element OID, (length, lower bound) per dimension, then
// each element as Int32 length (-1 NULL) and bytes.
bool parse_array_binary(std::string_view bytes, ArrayInput& out, std::string* error);

}  // namespace riffq::types
