// riffq/types/text_input.hpp
// PostgreSQL text input (a type's typinput followed by its typsend): the text form of a value a
// client sends — a COPY FROM field, later a text Bind parameter — turned into the type's binary
// form, with PostgreSQL's errors (22P02 invalid input syntax, 22003 out of range, 22007/22008
// for dates and times, 22001 too long) and its typmod rules (numeric(p,s) rounding, varchar(n)
// and char(n) lengths, time(p)/timestamp(p) precision).
//
// INTERFACE ROUTINES
//   TextInputContext          session settings input depends on (DateStyle order, TimeZone)
//   has_text_input(oid)       whether text_to_binary reads that type
//   text_to_binary(...)       one value: text → binary send form
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "riffq/common/pg_error.hpp"
#include "riffq/types/encode_options.hpp"

namespace riffq::types {

namespace detail {
class ZoneLookup;
}

// What text input depends on: DateStyle's field order (01/02/2024) and the TimeZone that
// timestamptz values without an offset are read in. Not thread-safe (caches the zone).
class TextInputContext {
 public:
  TextInputContext(DateOrder order, std::string time_zone);
  ~TextInputContext();
  TextInputContext(const TextInputContext&) = delete;
  TextInputContext& operator=(const TextInputContext&) = delete;

  DateOrder date_order() const { return order_; }
  // Seconds east of UTC in effect for local time `local_seconds` (since 1970) in the session
  // zone, as PostgreSQL's DetermineTimeZoneOffset resolves it.
  int32_t local_offset(int64_t local_seconds);

 private:
  DateOrder order_;
  std::string zone_name_;
  std::unique_ptr<detail::ZoneLookup> zone_;
  bool zone_ok_ = false;
};

// True when text_to_binary reads values of type `oid` (built-in scalar types and arrays of
// them); others (ranges, geometry, …) are kept as text by callers.
bool has_text_input(uint32_t oid);

// Appends the binary form of `text` read as type (oid, typmod) to *out; false with *error set
// to PostgreSQL's error for that input.
bool text_to_binary(uint32_t oid, int32_t typmod, std::string_view text, TextInputContext& ctx,
                    std::string* out, PgError* error);

}  // namespace riffq::types
