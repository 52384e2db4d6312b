// riffq/types/pg_types.hpp
// PostgreSQL built-in type facts the core needs without a catalog: OIDs of the types riffq
// sends, their names, their array types and their typlen (pg_type.dat of PostgreSQL 15).
//
// INTERFACE ROUTINES
//   pg_type_name(oid)        "int4", "_int4", …; "" when unknown
//   pg_array_type(oid)       {array oid, array name} of an element type; oid 0 when none
//   pg_element_type(oid)     element OID of an array type; 0 when not an array
//   pg_typlen(oid)           pg_type.typlen (-1 varlena, -2 cstring); -1 when unknown
#pragma once

#include <cstdint>
#include <string_view>

namespace riffq::types {

namespace oid {
inline constexpr uint32_t BOOL = 16;
inline constexpr uint32_t BYTEA = 17;
inline constexpr uint32_t CHAR = 18;
inline constexpr uint32_t NAME = 19;
inline constexpr uint32_t INT8 = 20;
inline constexpr uint32_t INT2 = 21;
inline constexpr uint32_t INT4 = 23;
inline constexpr uint32_t TEXT = 25;
inline constexpr uint32_t OID = 26;
inline constexpr uint32_t JSON = 114;
inline constexpr uint32_t FLOAT4 = 700;
inline constexpr uint32_t FLOAT8 = 701;
inline constexpr uint32_t UNKNOWN = 705;
inline constexpr uint32_t BPCHAR = 1042;
inline constexpr uint32_t VARCHAR = 1043;
inline constexpr uint32_t DATE = 1082;
inline constexpr uint32_t TIME = 1083;
inline constexpr uint32_t TIMESTAMP = 1114;
inline constexpr uint32_t TIMESTAMPTZ = 1184;
inline constexpr uint32_t INTERVAL = 1186;
inline constexpr uint32_t TIMETZ = 1266;
inline constexpr uint32_t NUMERIC = 1700;
inline constexpr uint32_t RECORD = 2249;
inline constexpr uint32_t UUID = 2950;
inline constexpr uint32_t JSONB = 3802;
}  // namespace oid

// Name of a built-in type ("int4", "_text", "timestamptz"); empty when the OID is unknown.
std::string_view pg_type_name(uint32_t type_oid);

struct PgArrayType {
  uint32_t oid = 0;       // 0: the type has no array type riffq knows
  std::string_view name;  // "_int4"
};

// The array type of an element type (int4 → {1007, "_int4"}).
PgArrayType pg_array_type(uint32_t element_oid);

// The element type of an array type (1007 → 23); 0 when `array_oid` is not an array type.
uint32_t pg_element_type(uint32_t array_oid);

// The OID of a built-in type by name ("int4", "_int4", "timestamptz"); 0 when unknown.
uint32_t pg_type_oid(std::string_view name);
// pg_type.typlen: 1, 2, 4, 8, 16 (uuid), -1 (varlena), -2 (cstring); -1 when unknown.
int16_t pg_typlen(uint32_t type_oid);

}  // namespace riffq::types
