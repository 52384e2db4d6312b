// riffq/wire/field_description.hpp
// FieldDescription: one field of a RowDescription message ("Message Formats" in the docs).
#pragma once

#include <cstdint>
#include <string>

#include "riffq/wire/protocol.hpp"

namespace riffq::wire {

struct FieldDescription {
  std::string name;
  uint32_t table_oid = 0;  // 0 unless the column is a column of a (catalogued) table
  int16_t attnum = 0;
  uint32_t type_oid = 25;
  int16_t typlen = -1;
  int32_t typmod = -1;
  Format format = Format::TEXT;
};

}  // namespace riffq::wire
