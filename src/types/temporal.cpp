// src/types/temporal.cpp
// Temporal encoders: date32/date64 → date, time32/time64 → time, timestamp → timestamp or
// timestamptz (rendered in the session TimeZone), duration and the three Arrow interval
// types → interval. Sub-microsecond units are rounded half up to microseconds.
#include <climits>

#include "arrow_util.hpp"
#include "datetime_text.hpp"
#include "encoders.hpp"
#include "riffq/types/pg_types.hpp"
#include "time_zone.hpp"

namespace riffq::types::detail {
namespace {

// PostgreSQL's valid ranges (datatype/timestamp.h), relative to 1970.
constexpr int64_t MIN_DATE_DAYS = -2440588;            // 4714-11-24 BC (Julian day 0)
constexpr int64_t END_DATE_DAYS = 2147483494 - 2440588;  // 5874898-01-01
constexpr int64_t MIN_TIMESTAMP_US = -211813488000000000 + PG_EPOCH_USECS;
constexpr int64_t END_TIMESTAMP_US = 9223371331200000000 - PG_EPOCH_USECS;

enum class Unit : uint8_t { SEC, MILLI, MICRO, NANO };

Unit unit_of(char c) {
  switch (c) {
    case 's':
      return Unit::SEC;
    case 'm':
      return Unit::MILLI;
    case 'u':
      return Unit::MICRO;
    default:
      return Unit::NANO;
  }
}

// Converts a count of `unit` to microseconds; false on overflow.
bool to_usecs(int64_t v, Unit unit, int64_t* us) {
  switch (unit) {
    case Unit::SEC:
      return !__builtin_mul_overflow(v, USECS_PER_SEC, us);
    case Unit::MILLI:
      return !__builtin_mul_overflow(v, int64_t{1000}, us);
    case Unit::MICRO:
      *us = v;
      return true;
    case Unit::NANO: {
      int64_t q = floor_div(v, 1000);
      *us = q + ((v - q * 1000) >= 500 ? 1 : 0);
      return true;
    }
  }
  return false;
}

class DateEncoder final : public ColumnEncoder {
 public:
  explicit DateEncoder(bool millis, const EncodeOptions& options)
      : ColumnEncoder({oid::DATE, 4, -1}), millis_(millis), options_(options) {}

  bool encode(const ArrowArray& a, int64_t offset, int64_t count, wire::Format format,
              CellBuffer& out, std::string* error) override {
    const int32_t* d32 = buffer<int32_t>(a, 1);
    const int64_t* d64 = buffer<int64_t>(a, 1);
    const bool binary = format == wire::Format::BINARY;
    bool ok = true;
    for_each_slot(a, offset, count, out, [&](int64_t i) {
      int64_t days;
      int inf = 0;
      if (millis_) {
        const int64_t ms = d64[i];
        inf = ms == INT64_MAX ? 1 : ms == INT64_MIN ? -1 : 0;
        days = floor_div(ms, 86400000);
      } else {
        days = d32[i];
        // PostgreSQL's ±infinity are INT32_MAX / INT32_MIN; DuckDB writes -infinity as
        // -INT32_MAX (far outside PostgreSQL's date range either way).
        inf = d32[i] == INT32_MAX ? 1 : (d32[i] == INT32_MIN || d32[i] == -INT32_MAX) ? -1 : 0;
      }
      if (inf == 0 && (days < MIN_DATE_DAYS || days >= END_DATE_DAYS)) {
        if (ok) ok = fail(error, "date out of range");
        out.append_null();
        return;
      }
      size_t mark = out.begin();
      std::string& b = out.bytes();
      if (binary) {
        const int32_t v = inf > 0 ? INT32_MAX
                          : inf < 0 ? INT32_MIN
                                    : static_cast<int32_t>(days - PG_EPOCH_DAYS);
        put_be32(b, static_cast<uint32_t>(v));
      } else if (inf != 0) {
        b.append(inf > 0 ? "infinity" : "-infinity");
      } else {
        put_date(b, days, options_);
      }
      out.commit(mark);
    });
    return ok;
  }

 private:
  bool millis_;
  EncodeOptions options_;
};

class TimeEncoder final : public ColumnEncoder {
 public:
  explicit TimeEncoder(Unit unit) : ColumnEncoder({oid::TIME, 8, -1}), unit_(unit) {}

  bool encode(const ArrowArray& a, int64_t offset, int64_t count, wire::Format format,
              CellBuffer& out, std::string* error) override {
    const bool wide = unit_ == Unit::MICRO || unit_ == Unit::NANO;
    const int32_t* v32 = buffer<int32_t>(a, 1);
    const int64_t* v64 = buffer<int64_t>(a, 1);
    const bool binary = format == wire::Format::BINARY;
    bool ok = true;
    for_each_slot(a, offset, count, out, [&](int64_t i) {
      int64_t us = 0;
      to_usecs(wide ? v64[i] : v32[i], unit_, &us);
      if (us < 0 || us > USECS_PER_DAY) {
        if (ok) ok = fail(error, "time out of range");
        out.append_null();
        return;
      }
      size_t mark = out.begin();
      if (binary) {
        put_be64(out.bytes(), static_cast<uint64_t>(us));
      } else {
        put_time(out.bytes(), us);
      }
      out.commit(mark);
    });
    return ok;
  }

 private:
  Unit unit_;
};

class TimestampEncoder final : public ColumnEncoder {
 public:
  TimestampEncoder(Unit unit, bool with_tz, const EncodeOptions& options)
      : ColumnEncoder({with_tz ? oid::TIMESTAMPTZ : oid::TIMESTAMP, 8, -1}),
        unit_(unit),
        with_tz_(with_tz),
        options_(options) {}

  bool init(std::string* error) { return !with_tz_ || zone_.init(options_.time_zone, error); }
  JsonKind json_kind() const override {
    return with_tz_ ? JsonKind::TIMESTAMPTZ : JsonKind::TIMESTAMP;
  }

  bool encode(const ArrowArray& a, int64_t offset, int64_t count, wire::Format format,
              CellBuffer& out, std::string* error) override {
    const int64_t* values = buffer<int64_t>(a, 1);
    const bool binary = format == wire::Format::BINARY;
    bool ok = true;
    out.reserve(static_cast<size_t>(count), static_cast<size_t>(count) * (binary ? 8 : 26));
    for_each_slot(a, offset, count, out, [&](int64_t i) {
      const int64_t raw = values[i];
      std::string& b = out.bytes();
      // ±infinity: INT64_MAX / INT64_MIN as in PostgreSQL, and DuckDB's -infinity -INT64_MAX
      // in microseconds (in nanoseconds -INT64_MAX is a real instant of 1677).
      if (raw == INT64_MAX || raw == INT64_MIN || (raw == -INT64_MAX && unit_ == Unit::MICRO)) {
        size_t mark = out.begin();
        if (binary) {
          put_be64(b, static_cast<uint64_t>(raw == INT64_MAX ? INT64_MAX : INT64_MIN));
        } else {
          b.append(raw == INT64_MAX ? "infinity" : "-infinity");
        }
        out.commit(mark);
        return;
      }
      int64_t us = 0;
      if (!to_usecs(raw, unit_, &us) || us < MIN_TIMESTAMP_US || us >= END_TIMESTAMP_US) {
        if (ok) ok = fail(error, "timestamp out of range");
        out.append_null();
        return;
      }
      size_t mark = out.begin();
      if (binary) {
        put_be64(b, static_cast<uint64_t>(us - PG_EPOCH_USECS));
      } else if (with_tz_) {
        const ZoneOffset z = zone_.at(floor_div(us, USECS_PER_SEC));
        put_timestamp(b, us + int64_t{z.offset_seconds} * USECS_PER_SEC, options_, &z);
      } else {
        put_timestamp(b, us, options_, nullptr);
      }
      out.commit(mark);
    });
    return ok;
  }

 private:
  Unit unit_;
  bool with_tz_;
  EncodeOptions options_;
  ZoneLookup zone_;
};

enum class IntervalKind : uint8_t { DURATION, MONTHS, DAY_TIME, MONTH_DAY_NANO };

class IntervalEncoder final : public ColumnEncoder {
 public:
  IntervalEncoder(IntervalKind kind, Unit unit, IntervalStyleKind style)
      : ColumnEncoder({oid::INTERVAL, 16, -1}), kind_(kind), unit_(unit), style_(style) {}

  bool encode(const ArrowArray& a, int64_t offset, int64_t count, wire::Format format,
              CellBuffer& out, std::string* error) override {
    const uint8_t* raw = buffer<uint8_t>(a, 1);
    const bool binary = format == wire::Format::BINARY;
    bool ok = true;
    for_each_slot(a, offset, count, out, [&](int64_t i) {
      int32_t months = 0;
      int32_t days = 0;
      int64_t us = 0;
      bool in_range = true;
      switch (kind_) {
        case IntervalKind::DURATION: {
          int64_t v;
          std::memcpy(&v, raw + i * 8, 8);
          in_range = to_usecs(v, unit_, &us);
          break;
        }
        case IntervalKind::MONTHS:
          std::memcpy(&months, raw + i * 4, 4);
          break;
        case IntervalKind::DAY_TIME: {
          int32_t ms;
          std::memcpy(&days, raw + i * 8, 4);
          std::memcpy(&ms, raw + i * 8 + 4, 4);
          us = int64_t{ms} * 1000;
          break;
        }
        case IntervalKind::MONTH_DAY_NANO: {
          int64_t ns;
          std::memcpy(&months, raw + i * 16, 4);
          std::memcpy(&days, raw + i * 16 + 4, 4);
          std::memcpy(&ns, raw + i * 16 + 8, 8);
          to_usecs(ns, Unit::NANO, &us);
          break;
        }
      }
      if (!in_range) {
        if (ok) ok = fail(error, "interval out of range");
        out.append_null();
        return;
      }
      size_t mark = out.begin();
      std::string& b = out.bytes();
      if (binary) {
        put_be64(b, static_cast<uint64_t>(us));
        put_be32(b, static_cast<uint32_t>(days));
        put_be32(b, static_cast<uint32_t>(months));
      } else {
        put_interval(b, months, days, us, style_);
      }
      out.commit(mark);
    });
    return ok;
  }

 private:
  IntervalKind kind_;
  Unit unit_;
  IntervalStyleKind style_;
};

}  // namespace

ColumnEncoderPtr make_temporal_encoder(std::string_view f, const EncodeOptions& options,
                                       std::string* error) {
  if (f.size() >= 3) {
    const char family = f[1];
    const char sub = f[2];
    if (family == 'd' && f.size() == 3 && (sub == 'D' || sub == 'm')) {
      return std::make_unique<DateEncoder>(sub == 'm', options);
    }
    if (family == 't' && f.size() == 3 && (sub == 's' || sub == 'm' || sub == 'u' || sub == 'n')) {
      return std::make_unique<TimeEncoder>(unit_of(sub));
    }
    if (family == 's' && f.size() >= 4 && f[3] == ':' &&
        (sub == 's' || sub == 'm' || sub == 'u' || sub == 'n')) {
      auto enc = std::make_unique<TimestampEncoder>(unit_of(sub), f.size() > 4, options);
      if (!enc->init(error)) return nullptr;
      return enc;
    }
    if (family == 'D' && f.size() == 3 && (sub == 's' || sub == 'm' || sub == 'u' || sub == 'n')) {
      return std::make_unique<IntervalEncoder>(IntervalKind::DURATION, unit_of(sub),
                                               options.interval_style);
    }
    if (family == 'i' && f.size() == 3) {
      if (sub == 'M')
        return std::make_unique<IntervalEncoder>(IntervalKind::MONTHS, Unit::MICRO,
                                                 options.interval_style);
      if (sub == 'D')
        return std::make_unique<IntervalEncoder>(IntervalKind::DAY_TIME, Unit::MICRO,
                                                 options.interval_style);
      if (sub == 'n')
        return std::make_unique<IntervalEncoder>(IntervalKind::MONTH_DAY_NANO, Unit::MICRO,
                                                 options.interval_style);
    }
  }
  fail(error, "unsupported Arrow temporal type \"" + std::string(f) + "\"");
  return nullptr;
}

}  // namespace riffq::types::detail
