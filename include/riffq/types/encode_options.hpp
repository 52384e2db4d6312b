// riffq/types/encode_options.hpp
// EncodeOptions: the session settings that change how values are printed in text format
// (PostgreSQL GUCs DateStyle, IntervalStyle, TimeZone, extra_float_digits, bytea_output).
#pragma once

#include <string>

namespace riffq::types {

enum class DateOrder { MDY, DMY, YMD };
enum class DateStyleKind { ISO, POSTGRES, SQL, GERMAN };
enum class IntervalStyleKind { POSTGRES, POSTGRES_VERBOSE, SQL_STANDARD, ISO_8601 };

struct EncodeOptions {
  DateStyleKind date_style = DateStyleKind::ISO;
  DateOrder date_order = DateOrder::MDY;
  IntervalStyleKind interval_style = IntervalStyleKind::POSTGRES;
  std::string time_zone = "UTC";  // IANA name or a fixed offset PostgreSQL accepts
  int extra_float_digits = 1;     // > 0: shortest round-trip output (PostgreSQL 12+)
  bool bytea_hex = true;          // bytea_output = hex (false: escape)
  // Values nested in jsonb (map values): lists as JSON arrays, structs as JSON objects, as
  // to_jsonb renders them. Set by the map encoder for its value column.
  bool json_values = false;
};

}  // namespace riffq::types
