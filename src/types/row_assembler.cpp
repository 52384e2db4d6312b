// src/types/row_assembler.cpp
// DataRow assembly from column cell buffers: one size pass, one reserve, unchecked stores.
#include "riffq/types/row_assembler.hpp"

#include <cstring>

#include "riffq/wire/message_writer.hpp"

namespace riffq::types {

void append_data_rows(const std::vector<CellBuffer>& columns, size_t first, size_t count,
                      std::string& out) {
  using wire::MessageWriter;
  const size_t ncols = columns.size();
  size_t total = 0;
  for (const CellBuffer& col : columns) {
    for (size_t r = first; r < first + count; ++r) {
      const int32_t len = col.length(r);
      total += 4 + (len > 0 ? static_cast<size_t>(len) : 0);
    }
  }
  total += count * (1 + 4 + 2);
  size_t at = out.size();
  out.resize(at + total);
  char* p = out.data() + at;
  for (size_t r = first; r < first + count; ++r) {
    char* start = p;
    *p++ = wire::msg::DATA_ROW;
    p += 4;  // length, filled below
    MessageWriter::store_be16(p, static_cast<uint16_t>(ncols));
    p += 2;
    for (const CellBuffer& col : columns) {
      const int32_t len = col.length(r);
      MessageWriter::store_be32(p, static_cast<uint32_t>(len));
      p += 4;
      if (len > 0) {
        std::memcpy(p, col.cell(r).data(), static_cast<size_t>(len));
        p += len;
      }
    }
    MessageWriter::store_be32(start + 1, static_cast<uint32_t>(p - start - 1));
  }
}

}  // namespace riffq::types
