// riffq/types/row_assembler.hpp
// Interleaves the cell buffers of all columns of a slice into DataRow messages
// ('D', int32 length, int16 field count, per field int32 length or -1, bytes).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "riffq/types/column_encoder.hpp"

namespace riffq::types {

// Appends one DataRow per row in [first, first + count) of `columns` (all the same size).
void append_data_rows(const std::vector<CellBuffer>& columns, size_t first, size_t count,
                      std::string& out);

}  // namespace riffq::types
