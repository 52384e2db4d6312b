// riffq/client/column_spec.hpp
// How one result column of a PostgreSQL query maps to Arrow: the decode kind, the Arrow
// format, and the scan options that choose between alternative mappings (SPEC §7).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace riffq::client {

// What the binary decoder does with one value of a column.
enum class ColumnKind : uint8_t {
  Bool,
  Int16,
  Int32,
  Int64,
  Float32,
  Float64,
  Oid,             // uint32
  Text,            // text, varchar, bpchar, name, json, xml, enum, anything cast to text
  Jsonb,           // version byte 1 + text
  Char,            // "char": one byte → string (high bytes as \ooo, as PostgreSQL prints)
  Bytea,           // binary
  NumericDecimal,  // decimal128(p, s)
  NumericString,   // PostgreSQL's text form
  NumericFloat,    // float64
  Date,            // date32
  Time,            // time64[us]
  Timestamp,       // timestamp[us]
  TimestampTz,     // timestamp[us, UTC]
  Interval,        // month_day_nano
  Duration,        // duration[us], months counted as 30 days
  UuidBinary,      // fixed_size_binary(16)
  UuidString,      // 8-4-4-4-12 text
  Money,           // decimal128(19, 2)
  Inet,            // inet / cidr → text as PostgreSQL prints it
  List,            // PostgreSQL array → (nested) list
  Unknown,         // raw binary bytes
};

enum class NumericMode : uint8_t { Decimal, String, Float };
enum class UuidMode : uint8_t { Binary, String };
enum class IntervalMode : uint8_t { MonthDayNano, Duration };

struct TypeOptions {
  NumericMode numeric = NumericMode::Decimal;
  UuidMode uuid = UuidMode::Binary;
  IntervalMode interval = IntervalMode::MonthDayNano;
  bool unknown_as_text = false;  // cast unknown types to text on the server instead of bytes
};

struct ColumnSpec {
  std::string name;
  uint32_t oid = 0;
  int32_t typmod = -1;
  ColumnKind kind = ColumnKind::Unknown;
  int precision = 0;  // NumericDecimal / Money
  int scale = 0;
  bool cast_to_text = false;  // the server sends `col::text` (or `::text[]` for arrays)
  int list_depth = 0;         // List: nesting depth (≥ 1)
  bool exact_depth = false;   // List: refuse arrays of another dimensionality (else folded)
  std::shared_ptr<ColumnSpec> element;  // List: the leaf element

  // The Arrow format string of this column (for List: of the outermost level).
  std::string arrow_format() const;
};

// The kind for a scalar built-in type OID, or Unknown. Sets cast_to_text for the built-ins
// whose text form is the useful one (timetz, inet, cidr, bit, ranges, geometry, …).
void map_builtin_scalar(uint32_t oid, int32_t typmod, const TypeOptions& opts, ColumnSpec* spec);

// Element type OID of a built-in array type OID, or 0.
uint32_t builtin_array_element(uint32_t array_oid);

// True for a kind that a user-facing name in Arrow needs decimal info for.
const char* kind_name(ColumnKind kind);

}  // namespace riffq::client
