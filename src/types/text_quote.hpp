// src/types/text_quote.hpp
// Quoting of element text inside composite values: array_out's rules for array elements,
// record_out's rules for record fields, escape_json for JSON strings.
#pragma once

#include <string>
#include <string_view>

#include "riffq/types/column_encoder.hpp"

namespace riffq::types::detail {

// Appends an array element, double-quoted (with \" and \\) when array_out would quote it:
// empty, "NULL" in any case, or containing { } , " \ or white space.
void put_array_element(std::string& out, std::string_view v);
// Appends a record field, double-quoted (doubling " and \) when record_out would quote it:
// empty, or containing ( ) , " \ or white space.
void put_record_field(std::string& out, std::string_view v);
// Appends v as a JSON string literal (escape_json).
void put_json_string(std::string& out, std::string_view v);
// Appends a number as jsonb prints it (numeric_out): "1e+20" → "100000000000000000000", -0 → 0.
void put_json_number(std::string& out, std::string_view v);
// Appends one cell (text format, ISO DateStyle) as the JSON value to_jsonb would give.
void put_json_value(std::string& out, const CellBuffer& cells, size_t i, JsonKind kind);

}  // namespace riffq::types::detail
