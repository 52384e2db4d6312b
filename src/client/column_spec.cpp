// src/client/column_spec.cpp
// Built-in PostgreSQL type OIDs → decode kinds and Arrow formats (SPEC §7 type table).
#include "riffq/client/column_spec.hpp"

namespace riffq::client {

namespace {

// Built-in type OIDs (src/include/catalog/pg_type.dat).
enum : uint32_t {
  kBool = 16, kBytea = 17, kChar = 18, kName = 19, kInt8 = 20, kInt2 = 21, kInt2Vector = 22,
  kInt4 = 23, kRegproc = 24, kText = 25, kOid = 26, kTid = 27, kXid = 28, kCid = 29,
  kOidVector = 30, kJson = 114, kXml = 142, kPoint = 600, kLseg = 601, kPath = 602, kBox = 603,
  kPolygon = 604, kLine = 628, kCidr = 650, kFloat4 = 700, kFloat8 = 701, kUnknown = 705,
  kCircle = 718, kMacaddr8 = 774, kMoney = 790, kMacaddr = 829, kInet = 869, kAclitem = 1033,
  kBpchar = 1042, kVarchar = 1043, kDate = 1082, kTime = 1083, kTimestamp = 1114,
  kTimestampTz = 1184, kInterval = 1186, kTimeTz = 1266, kBit = 1560, kVarbit = 1562,
  kNumeric = 1700, kRefcursor = 1790, kRegprocedure = 2202, kRegoper = 2203,
  kRegoperator = 2204, kRegclass = 2205, kRegtype = 2206, kUuid = 2950, kTxidSnapshot = 2970,
  kPgLsn = 3220, kTsvector = 3614, kTsquery = 3615, kRegconfig = 3734, kRegdictionary = 3769,
  kJsonb = 3802, kJsonpath = 4072, kRegnamespace = 4089, kRegrole = 4096,
  kRegcollation = 4191, kInt4Range = 3904, kNumRange = 3906, kTsRange = 3908,
  kTstzRange = 3910, kDateRange = 3912, kInt8Range = 3926, kInt4Multirange = 4451,
  kNumMultirange = 4532, kTsMultirange = 4533, kTstzMultirange = 4534,
  kDateMultirange = 4535, kInt8Multirange = 4536, kPgSnapshot = 5038, kXid8 = 5069, kRecord = 2249,
};

bool text_cast_builtin(uint32_t oid) {
  switch (oid) {
    case kInt2Vector: case kRegproc: case kTid: case kXid: case kCid: case kOidVector:
    case kPoint: case kLseg: case kPath: case kBox: case kPolygon: case kLine:
    case kCircle: case kMacaddr8: case kMacaddr: case kAclitem: case kTimeTz:
    case kBit: case kVarbit: case kRegprocedure: case kRegoper: case kRegoperator:
    case kRegclass: case kRegtype: case kTxidSnapshot: case kPgLsn: case kTsvector:
    case kTsquery: case kRegconfig: case kRegdictionary: case kJsonpath: case kRegnamespace:
    case kRegrole: case kRegcollation: case kInt4Range: case kNumRange: case kTsRange:
    case kTstzRange: case kDateRange: case kInt8Range: case kInt4Multirange:
    case kNumMultirange: case kTsMultirange: case kTstzMultirange: case kDateMultirange:
    case kInt8Multirange: case kPgSnapshot: case kXid8: case kRecord:
      return true;
    default:
      return false;
  }
}

}  // namespace

void map_builtin_scalar(uint32_t oid, int32_t typmod, const TypeOptions& opts, ColumnSpec* spec) {
  spec->cast_to_text = false;
  switch (oid) {
    case kBool: spec->kind = ColumnKind::Bool; return;
    case kInt2: spec->kind = ColumnKind::Int16; return;
    case kInt4: spec->kind = ColumnKind::Int32; return;
    case kInt8: spec->kind = ColumnKind::Int64; return;
    case kOid: spec->kind = ColumnKind::Oid; return;
    case kFloat4: spec->kind = ColumnKind::Float32; return;
    case kFloat8: spec->kind = ColumnKind::Float64; return;
    case kText: case kVarchar: case kBpchar: case kName: case kJson: case kXml:
    case kUnknown: case kRefcursor:
      spec->kind = ColumnKind::Text; return;
    case kJsonb: spec->kind = ColumnKind::Jsonb; return;
    case kInet: case kCidr: spec->kind = ColumnKind::Inet; return;
    case kChar: spec->kind = ColumnKind::Char; return;
    case kBytea: spec->kind = ColumnKind::Bytea; return;
    case kDate: spec->kind = ColumnKind::Date; return;
    case kTime: spec->kind = ColumnKind::Time; return;
    case kTimestamp: spec->kind = ColumnKind::Timestamp; return;
    case kTimestampTz: spec->kind = ColumnKind::TimestampTz; return;
    case kInterval:
      spec->kind = opts.interval == IntervalMode::Duration ? ColumnKind::Duration
                                                           : ColumnKind::Interval;
      return;
    case kUuid:
      spec->kind = opts.uuid == UuidMode::String ? ColumnKind::UuidString : ColumnKind::UuidBinary;
      return;
    case kMoney:
      spec->kind = ColumnKind::Money;
      spec->precision = 19;
      spec->scale = 2;
      return;
    case kNumeric: {
      spec->kind = ColumnKind::NumericString;
      if (opts.numeric == NumericMode::Float) {
        spec->kind = ColumnKind::NumericFloat;
      } else if (opts.numeric == NumericMode::Decimal && typmod >= 4) {
        // typmod = ((precision << 16) | (scale & 0x7ff)) + 4; scale may be negative (PG 15).
        const int32_t t = typmod - 4;
        const int precision = (t >> 16) & 0xffff;
        const int scale = ((t & 0x7ff) ^ 1024) - 1024;
        if (precision >= 1 && precision <= 38 && scale >= 0 && scale <= precision) {
          spec->kind = ColumnKind::NumericDecimal;
          spec->precision = precision;
          spec->scale = scale;
        }
      }
      return;
    }
    default:
      break;
  }
  if (text_cast_builtin(oid)) {
    spec->kind = ColumnKind::Text;
    spec->cast_to_text = true;
    return;
  }
  spec->kind = ColumnKind::Unknown;
}

uint32_t builtin_array_element(uint32_t array_oid) {
  switch (array_oid) {
    case 1000: return kBool;
    case 1001: return kBytea;
    case 1002: return kChar;
    case 1003: return kName;
    case 1005: return kInt2;
    case 1007: return kInt4;
    case 1009: return kText;
    case 1014: return kBpchar;
    case 1015: return kVarchar;
    case 1016: return kInt8;
    case 1021: return kFloat4;
    case 1022: return kFloat8;
    case 1028: return kOid;
    case 199: return kJson;
    case 143: return kXml;
    case 791: return kMoney;
    case 1041: return kInet;
    case 651: return kCidr;
    case 1115: return kTimestamp;
    case 1182: return kDate;
    case 1183: return kTime;
    case 1185: return kTimestampTz;
    case 1187: return kInterval;
    case 1231: return kNumeric;
    case 1270: return kTimeTz;
    case 1561: return kBit;
    case 1563: return kVarbit;
    case 2951: return kUuid;
    case 3807: return kJsonb;
    case 3905: return kInt4Range;
    case 3907: return kNumRange;
    case 3909: return kTsRange;
    case 3911: return kTstzRange;
    case 3913: return kDateRange;
    case 3927: return kInt8Range;
    case 1040: return kMacaddr;
    case 1017: return kPoint;
    case 2287: return kRecord;
    default: return 0;
  }
}

std::string ColumnSpec::arrow_format() const {
  switch (kind) {
    case ColumnKind::Bool: return "b";
    case ColumnKind::Int16: return "s";
    case ColumnKind::Int32: return "i";
    case ColumnKind::Int64: return "l";
    case ColumnKind::Oid: return "I";
    case ColumnKind::Float32: return "f";
    case ColumnKind::Float64: case ColumnKind::NumericFloat: return "g";
    case ColumnKind::Text: case ColumnKind::Jsonb: case ColumnKind::Char:
    case ColumnKind::NumericString: case ColumnKind::UuidString: case ColumnKind::Inet:
      return "u";
    case ColumnKind::Bytea: case ColumnKind::Unknown: return "z";
    case ColumnKind::NumericDecimal: case ColumnKind::Money:
      return "d:" + std::to_string(precision) + "," + std::to_string(scale);
    case ColumnKind::Date: return "tdD";
    case ColumnKind::Time: return "ttu";
    case ColumnKind::Timestamp: return "tsu:";
    case ColumnKind::TimestampTz: return "tsu:UTC";
    case ColumnKind::Interval: return "tin";
    case ColumnKind::Duration: return "tDu";
    case ColumnKind::UuidBinary: return "w:16";
    case ColumnKind::List: return "+l";
  }
  return "z";
}

const char* kind_name(ColumnKind kind) {
  switch (kind) {
    case ColumnKind::Bool: return "bool";
    case ColumnKind::Int16: return "int2";
    case ColumnKind::Int32: return "int4";
    case ColumnKind::Int64: return "int8";
    case ColumnKind::Oid: return "oid";
    case ColumnKind::Float32: return "float4";
    case ColumnKind::Float64: return "float8";
    case ColumnKind::Text: return "text";
    case ColumnKind::Jsonb: return "jsonb";
    case ColumnKind::Char: return "char";
    case ColumnKind::Bytea: return "bytea";
    case ColumnKind::NumericDecimal: return "numeric(decimal)";
    case ColumnKind::NumericString: return "numeric(string)";
    case ColumnKind::NumericFloat: return "numeric(float)";
    case ColumnKind::Date: return "date";
    case ColumnKind::Time: return "time";
    case ColumnKind::Timestamp: return "timestamp";
    case ColumnKind::TimestampTz: return "timestamptz";
    case ColumnKind::Interval: return "interval";
    case ColumnKind::Duration: return "interval(duration)";
    case ColumnKind::UuidBinary: return "uuid(binary)";
    case ColumnKind::UuidString: return "uuid(string)";
    case ColumnKind::Money: return "money";
    case ColumnKind::Inet: return "inet";
    case ColumnKind::List: return "array";
    case ColumnKind::Unknown: return "unknown";
  }
  return "unknown";
}

}  // namespace riffq::client
