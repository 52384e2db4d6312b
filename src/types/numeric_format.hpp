// src/types/numeric_format.hpp
// PostgreSQL numeric helpers shared by the integer (uint64) and decimal encoders.
#pragma once

#include "riffq/types/column_encoder.hpp"

#include <string>
#include <string_view>

namespace riffq::types::detail {

// Appends numeric_send bytes (ndigits, weight, sign, dscale, base-10000 digits) for a plain
// decimal text "[-]digits[.digits]"; dscale is the number of fraction digits.
void put_numeric_binary(std::string& out, std::string_view text);

// Appends one numeric cell from its plain decimal text: the text itself, or numeric_send's
// base-10000 form when the column is sent in binary.
void append_numeric_cell(CellBuffer& out, std::string_view text, bool binary);

}  // namespace riffq::types::detail
