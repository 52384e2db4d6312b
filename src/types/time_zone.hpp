// src/types/time_zone.hpp
// ZoneLookup: the session TimeZone as PostgreSQL interprets it (a number of hours in ISO sign
// convention, an IANA zone read from the system tzdata through Howard Hinnant's date/tz, or
// a POSIX "ABC[+-]hh[:mm[:ss]]" fixed offset with POSIX sign), with a one-entry cache of the
// current UTC offset period so a column of nearby instants costs one lookup.
#pragma once

#include <cstdint>
#include <string>

#include "datetime_text.hpp"

namespace date {
class time_zone;
}

namespace riffq::types::detail {

class ZoneLookup {
 public:
  // Resolves `name`; false with *error when PostgreSQL would not accept it either.
  bool init(const std::string& name, std::string* error);
  // The offset and abbreviation in effect at `utc_seconds`.
  ZoneOffset at(int64_t utc_seconds);

 private:
  const date::time_zone* zone_ = nullptr;
  int32_t fixed_offset_ = 0;
  std::string fixed_abbrev_;
  // Cache of the last period [begin_, end_).
  int64_t begin_ = 1;
  int64_t end_ = 0;
  int32_t offset_ = 0;
  std::string abbrev_;
};

}  // namespace riffq::types::detail
