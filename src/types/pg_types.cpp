// src/types/pg_types.cpp
// Built-in PostgreSQL 15 type facts (pg_type.dat): names, typlen and array types.
#include "riffq/types/pg_types.hpp"

#include <array>

namespace riffq::types {
namespace {

struct TypeRow {
  uint32_t oid;
  std::string_view name;
  int16_t typlen;
  uint32_t array_oid;
  std::string_view array_name;
};

// Element types with their array types; sorted by nothing in particular (the table is small).
constexpr std::array<TypeRow, 51> TYPES = {{
    {16, "bool", 1, 1000, "_bool"},
    {17, "bytea", -1, 1001, "_bytea"},
    {18, "char", 1, 1002, "_char"},
    {19, "name", 64, 1003, "_name"},
    {20, "int8", 8, 1016, "_int8"},
    {21, "int2", 2, 1005, "_int2"},
    {22, "int2vector", -1, 1006, "_int2vector"},
    {23, "int4", 4, 1007, "_int4"},
    {24, "regproc", 4, 1008, "_regproc"},
    {25, "text", -1, 1009, "_text"},
    {26, "oid", 4, 1028, "_oid"},
    {27, "tid", 6, 1010, "_tid"},
    {28, "xid", 4, 1011, "_xid"},
    {29, "cid", 4, 1012, "_cid"},
    {30, "oidvector", -1, 1013, "_oidvector"},
    {114, "json", -1, 199, "_json"},
    {142, "xml", -1, 143, "_xml"},
    {600, "point", 16, 1017, "_point"},
    {650, "cidr", -1, 651, "_cidr"},
    {700, "float4", 4, 1021, "_float4"},
    {701, "float8", 8, 1022, "_float8"},
    {705, "unknown", -2, 0, ""},
    {790, "money", 8, 791, "_money"},
    {829, "macaddr", 6, 1040, "_macaddr"},
    {869, "inet", -1, 1041, "_inet"},
    {1042, "bpchar", -1, 1014, "_bpchar"},
    {1043, "varchar", -1, 1015, "_varchar"},
    {1082, "date", 4, 1182, "_date"},
    {1083, "time", 8, 1183, "_time"},
    {1114, "timestamp", 8, 1115, "_timestamp"},
    {1184, "timestamptz", 8, 1185, "_timestamptz"},
    {1186, "interval", 16, 1187, "_interval"},
    {1266, "timetz", 12, 1270, "_timetz"},
    {1560, "bit", -1, 1561, "_bit"},
    {1562, "varbit", -1, 1563, "_varbit"},
    {1700, "numeric", -1, 1231, "_numeric"},
    {2202, "regprocedure", 4, 2207, "_regprocedure"},
    {2203, "regoper", 4, 2208, "_regoper"},
    {2204, "regoperator", 4, 2209, "_regoperator"},
    {2205, "regclass", 4, 2210, "_regclass"},
    {2206, "regtype", 4, 2211, "_regtype"},
    {2249, "record", -1, 2287, "_record"},
    {2275, "cstring", -2, 1263, "_cstring"},
    {2950, "uuid", 16, 2951, "_uuid"},
    {3220, "pg_lsn", 8, 3221, "_pg_lsn"},
    {3614, "tsvector", -1, 3643, "_tsvector"},
    {3615, "tsquery", -1, 3645, "_tsquery"},
    {3802, "jsonb", -1, 3807, "_jsonb"},
    {4072, "jsonpath", -1, 4073, "_jsonpath"},
    {4089, "regnamespace", 4, 4090, "_regnamespace"},
    {4096, "regrole", 4, 4097, "_regrole"},
}};

const TypeRow* find_element(uint32_t type_oid) {
  for (const TypeRow& r : TYPES) {
    if (r.oid == type_oid) return &r;
  }
  return nullptr;
}

const TypeRow* find_array(uint32_t array_oid) {
  for (const TypeRow& r : TYPES) {
    if (r.array_oid == array_oid && array_oid != 0) return &r;
  }
  return nullptr;
}

}  // namespace

std::string_view pg_type_name(uint32_t type_oid) {
  if (const TypeRow* r = find_element(type_oid)) return r->name;
  if (const TypeRow* r = find_array(type_oid)) return r->array_name;
  return {};
}

PgArrayType pg_array_type(uint32_t element_oid) {
  if (const TypeRow* r = find_element(element_oid)) return {r->array_oid, r->array_name};
  return {};
}

uint32_t pg_element_type(uint32_t array_oid) {
  const TypeRow* r = find_array(array_oid);
  return r ? r->oid : 0;
}

uint32_t pg_type_oid(std::string_view name) {
  for (const TypeRow& r : TYPES) {
    if (r.name == name) return r.oid;
    if (r.array_oid != 0 && r.array_name == name) return r.array_oid;
  }
  return 0;
}

int16_t pg_typlen(uint32_t type_oid) {
  if (const TypeRow* r = find_element(type_oid)) return r->typlen;
  return -1;  // arrays and unknown types are varlena
}

}  // namespace riffq::types
