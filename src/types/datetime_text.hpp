// src/types/datetime_text.hpp
// PostgreSQL date/time text output (EncodeDateOnly, EncodeTimeOnly, EncodeDateTime and
// EncodeInterval of PostgreSQL 15's datetime.c) over plain integers: days and microseconds
// since 1970-01-01, in every DateStyle and IntervalStyle.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "riffq/types/encode_options.hpp"

namespace riffq::types::detail {

inline constexpr int64_t USECS_PER_SEC = 1000000;
inline constexpr int64_t USECS_PER_DAY = 86400 * USECS_PER_SEC;
// Days from 1970-01-01 (Arrow epoch) to 2000-01-01 (PostgreSQL epoch).
inline constexpr int64_t PG_EPOCH_DAYS = 10957;
inline constexpr int64_t PG_EPOCH_USECS = PG_EPOCH_DAYS * USECS_PER_DAY;

inline int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

struct CivilDate {
  int64_t year;  // astronomical: 0 is 1 BC
  int month;
  int day;
};
CivilDate civil_from_days(int64_t days_since_1970);

// date_out of a day count (not infinity).
void put_date(std::string& out, int64_t days_since_1970, const EncodeOptions& options);
// time_out of microseconds since midnight (0 .. 24:00:00).
void put_time(std::string& out, int64_t usecs);

// The zone facts of one timestamptz value: seconds east of UTC and the abbreviation.
struct ZoneOffset {
  int32_t offset_seconds = 0;
  std::string_view abbrev;
};

// timestamp_out / timestamptz_out of local microseconds since 1970 (already shifted into the
// zone for timestamptz; zone == nullptr for timestamp without time zone).
void put_timestamp(std::string& out, int64_t local_usecs, const EncodeOptions& options,
                   const ZoneOffset* zone);

// interval_out.
void put_interval(std::string& out, int32_t months, int32_t days, int64_t usecs,
                  IntervalStyleKind style);

}  // namespace riffq::types::detail
