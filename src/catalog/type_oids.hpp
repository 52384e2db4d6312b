// type_oids.hpp — OIDs of the built-in types the catalog engine treats specially
// (src/include/catalog/pg_type.dat of PostgreSQL 15).
#pragma once

#include "riffq/catalog/value.hpp"

namespace riffq::catalog::toid {
inline constexpr Oid BOOL = 16;
inline constexpr Oid BYTEA = 17;
inline constexpr Oid CHAR = 18;
inline constexpr Oid NAME = 19;
inline constexpr Oid INT8 = 20;
inline constexpr Oid INT2 = 21;
inline constexpr Oid INT2VECTOR = 22;
inline constexpr Oid INT4 = 23;
inline constexpr Oid REGPROC = 24;
inline constexpr Oid TEXT = 25;
inline constexpr Oid OID = 26;
inline constexpr Oid TID = 27;
inline constexpr Oid XID = 28;
inline constexpr Oid CID = 29;
inline constexpr Oid OIDVECTOR = 30;
inline constexpr Oid JSON = 114;
inline constexpr Oid PG_NODE_TREE = 194;
inline constexpr Oid FLOAT4 = 700;
inline constexpr Oid FLOAT8 = 701;
inline constexpr Oid UNKNOWN = 705;
inline constexpr Oid ACLITEM = 1033;
inline constexpr Oid BPCHAR = 1042;
inline constexpr Oid VARCHAR = 1043;
inline constexpr Oid DATE = 1082;
inline constexpr Oid TIME = 1083;
inline constexpr Oid TIMESTAMP = 1114;
inline constexpr Oid TIMESTAMPTZ = 1184;
inline constexpr Oid INTERVAL = 1186;
inline constexpr Oid NUMERIC = 1700;
inline constexpr Oid REGPROCEDURE = 2202;
inline constexpr Oid REGOPER = 2203;
inline constexpr Oid REGOPERATOR = 2204;
inline constexpr Oid REGCLASS = 2205;
inline constexpr Oid REGTYPE = 2206;
inline constexpr Oid RECORD = 2249;
inline constexpr Oid CSTRING = 2275;
inline constexpr Oid ANY = 2276;
inline constexpr Oid ANYARRAY = 2277;
inline constexpr Oid VOID = 2278;
inline constexpr Oid ANYELEMENT = 2283;
inline constexpr Oid REGCONFIG = 3734;
inline constexpr Oid REGDICTIONARY = 3769;
inline constexpr Oid JSONB = 3802;
inline constexpr Oid REGNAMESPACE = 4089;
inline constexpr Oid REGROLE = 4096;
inline constexpr Oid REGCOLLATION = 4191;
inline constexpr Oid XID8 = 5069;

inline constexpr Oid INT2_ARRAY = 1005;
inline constexpr Oid INT4_ARRAY = 1007;
inline constexpr Oid TEXT_ARRAY = 1009;
inline constexpr Oid CHAR_ARRAY = 1002;
inline constexpr Oid NAME_ARRAY = 1003;
inline constexpr Oid INT8_ARRAY = 1016;
inline constexpr Oid OID_ARRAY = 1028;
inline constexpr Oid ACLITEM_ARRAY = 1034;
inline constexpr Oid VARCHAR_ARRAY = 1015;
inline constexpr Oid FLOAT8_ARRAY = 1022;
inline constexpr Oid BOOL_ARRAY = 1000;
inline constexpr Oid REGTYPE_ARRAY = 2211;
}  // namespace riffq::catalog::toid
