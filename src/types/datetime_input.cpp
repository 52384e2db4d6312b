// src/types/datetime_input.cpp — date_in, time_in, timestamp_in, timestamptz_in and interval_in
// for the forms clients and dump tools write (ISO 8601 and DateStyle-ordered dates, BC,
// ±infinity, epoch, numeric zone offsets and zone names; interval in postgres and ISO 8601
// styles), then the binary forms: days / microseconds since 2000-01-01, interval (µs, d, m).
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>

#include "datetime_text.hpp"
#include "text_input_util.hpp"
#include "time_zone.hpp"

namespace riffq::types {

TextInputContext::TextInputContext(DateOrder order, std::string time_zone)
    : order_(order),
      zone_name_(std::move(time_zone)),
      zone_(std::make_unique<detail::ZoneLookup>()) {
  std::string why;
  zone_ok_ = zone_->init(zone_name_, &why);
}

TextInputContext::~TextInputContext() = default;

int32_t TextInputContext::local_offset(int64_t local_seconds) {
  if (!zone_ok_) return 0;
  // As DetermineTimeZoneOffset: try the offset at local time read as UTC, then re-check.
  const int32_t first = zone_->at(local_seconds).offset_seconds;
  const int32_t second = zone_->at(local_seconds - first).offset_seconds;
  return second;
}

namespace detail {
namespace {

constexpr int64_t USECS_PER_MINUTE = 60 * USECS_PER_SEC;
constexpr int64_t USECS_PER_HOUR = 60 * USECS_PER_MINUTE;

std::string lower(std::string_view s) {
  std::string l;
  for (char c : s) l.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return l;
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Days from 1970-01-01 of a proleptic Gregorian date (astronomical year), as date2j.
int64_t days_from_civil(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

int days_in_month(int64_t y, int m) {
  static const int dim[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : dim[m - 1];
}

enum class Parse { OK, BAD_FORMAT, OUT_OF_RANGE };

// Strips a trailing " BC" / " AD" era; true when BC.
bool strip_era(std::string_view& t) {
  if (t.size() > 3 && is_space(t[t.size() - 3])) {
    std::string era = lower(t.substr(t.size() - 2));
    if (era == "bc" || era == "ad") {
      t = trim(t.substr(0, t.size() - 3));
      return era == "bc";
    }
  }
  return false;
}

// Reads a run of digits; false when there is none or it is absurdly long.
bool read_number(std::string_view t, size_t& i, int64_t& v, size_t& ndigits) {
  const size_t start = i;
  v = 0;
  while (i < t.size() && is_digit(t[i])) {
    if (i - start >= 12) return false;
    v = v * 10 + (t[i++] - '0');
  }
  ndigits = i - start;
  return ndigits > 0;
}

// A date at the start of t (ISO y-m-d, y/m/d, DateStyle-ordered a-b-c, or yyyymmdd); i is
// left after it. days: since 1970.
Parse parse_date(std::string_view t, size_t& i, DateOrder order, bool bc, int64_t& days) {
  int64_t f[3];
  size_t nd[3];
  if (!read_number(t, i, f[0], nd[0])) return Parse::BAD_FORMAT;
  int64_t y, m, d;
  if (nd[0] == 8 && (i >= t.size() || !(t[i] == '-' || t[i] == '/' || t[i] == '.'))) {
    y = f[0] / 10000;
    m = f[0] / 100 % 100;
    d = f[0] % 100;
  } else {
    if (i >= t.size()) return Parse::BAD_FORMAT;
    const char sep = t[i];
    if (sep != '-' && sep != '/' && sep != '.') return Parse::BAD_FORMAT;
    for (int k = 1; k < 3; ++k) {
      if (i >= t.size() || t[i] != sep) return Parse::BAD_FORMAT;
      ++i;
      if (!read_number(t, i, f[k], nd[k])) return Parse::BAD_FORMAT;
    }
    if (nd[0] >= 3) {  // a long first field is the year, whatever the DateStyle
      y = f[0], m = f[1], d = f[2];
    } else if (order == DateOrder::YMD) {
      y = f[0], m = f[1], d = f[2];
    } else if (order == DateOrder::DMY) {
      d = f[0], m = f[1], y = f[2];
    } else {
      m = f[0], d = f[1], y = f[2];
    }
    const size_t ynd = y == f[0] ? nd[0] : nd[2];
    if (ynd <= 2 && !bc) y += y < 70 ? 2000 : 1900;  // two-digit years, as DecodeDate
  }
  if (bc) {
    if (y == 0) return Parse::OUT_OF_RANGE;
    y = 1 - y;
  }
  if (m < 1 || m > 12 || d < 1 || d > days_in_month(y, static_cast<int>(m)))
    return Parse::OUT_OF_RANGE;
  if (y < -4713 || y > 5874897) return Parse::OUT_OF_RANGE;
  days = days_from_civil(y, static_cast<int>(m), static_cast<int>(d));
  return Parse::OK;
}

// "HH:MM[:SS[.frac]]" at t[i]; usecs since midnight (24:00:00 allowed).
Parse parse_time(std::string_view t, size_t& i, int64_t& usecs) {
  int64_t h, m, s = 0;
  size_t nd;
  if (!read_number(t, i, h, nd) || i >= t.size() || t[i] != ':') return Parse::BAD_FORMAT;
  ++i;
  if (!read_number(t, i, m, nd)) return Parse::BAD_FORMAT;
  int64_t frac = 0;
  if (i < t.size() && t[i] == ':') {
    ++i;
    if (!read_number(t, i, s, nd)) return Parse::BAD_FORMAT;
    if (i < t.size() && t[i] == '.') {
      ++i;
      const size_t start = i;
      while (i < t.size() && is_digit(t[i])) ++i;
      if (i == start) return Parse::BAD_FORMAT;
      // Microseconds from the first six digits, rounded by the seventh.
      for (size_t k = 0; k < 6; ++k) frac = frac * 10 + (start + k < i ? t[start + k] - '0' : 0);
      if (start + 6 < i && t[start + 6] >= '5') ++frac;
    }
  }
  if (h < 0 || m < 0 || m > 59 || s < 0 || s > 60 || h > 24) return Parse::OUT_OF_RANGE;
  usecs = ((h * 60 + m) * 60 + s) * USECS_PER_SEC + frac;
  if (usecs > 24 * USECS_PER_HOUR) return Parse::OUT_OF_RANGE;
  return Parse::OK;
}

// A zone after the time: Z, ±hh[[:]mm[[:]ss]], or a name (UTC, America/New_York, …). offset:
// seconds east of UTC. False when it is not a zone riffq can read.
bool parse_zone(std::string_view z, int32_t& offset) {
  z = trim(z);
  if (z.empty()) return false;
  if (z == "Z" || z == "z") return offset = 0, true;
  if (z[0] == '+' || z[0] == '-') {
    const int sign = z[0] == '-' ? -1 : 1;
    std::string digits;
    for (size_t k = 1; k < z.size(); ++k) {
      if (is_digit(z[k]))
        digits.push_back(z[k]);
      else if (z[k] != ':')
        return false;
    }
    if (digits.empty() || digits.size() > 6) return false;
    if (digits.size() % 2 == 1) digits.insert(digits.begin(), '0');
    const int hh = std::atoi(digits.substr(0, 2).c_str());
    const int mm = digits.size() >= 4 ? std::atoi(digits.substr(2, 2).c_str()) : 0;
    const int ss = digits.size() >= 6 ? std::atoi(digits.substr(4, 2).c_str()) : 0;
    if (hh > 15 * 24 || mm > 59 || ss > 59) return false;
    offset = sign * (hh * 3600 + mm * 60 + ss);
    return true;
  }
  ZoneLookup zone;
  std::string why;
  if (!zone.init(std::string(z), &why)) return false;
  offset = zone.at(0).offset_seconds;  // fixed zones; named zones are resolved by the caller
  return true;
}

// AdjustTimestampForTypmod / AdjustTimeForTypmod: round to 10^-p seconds, half away from zero.
void round_to_precision(int64_t& usecs, int32_t typmod) {
  if (typmod < 0 || typmod >= 6) return;
  int64_t unit = 1;
  for (int k = typmod; k < 6; ++k) unit *= 10;
  const int64_t half = unit / 2;
  usecs = usecs >= 0 ? (usecs + half) / unit * unit : -((-usecs + half) / unit * unit);
}

bool datetime_error(PgError* e, Parse p, const char* type, std::string_view text) {
  if (p == Parse::OUT_OF_RANGE)
    return fail(e, sqlstate::DATETIME_FIELD_OVERFLOW,
                "date/time field value out of range: \"" + std::string(text) + "\"");
  return syntax_error(e, type, text, sqlstate::INVALID_DATETIME_FORMAT);
}

}  // namespace

bool date_input(std::string_view text, TextInputContext& ctx, std::string* out, PgError* e) {
  std::string_view t = trim(text);
  const std::string l = lower(t);
  if (l == "infinity" || l == "+infinity") return put_be32(out, 0x7fffffffu), true;
  if (l == "-infinity") return put_be32(out, 0x80000000u), true;
  if (l == "epoch") return put_be32(out, static_cast<uint32_t>(-PG_EPOCH_DAYS)), true;
  const bool bc = strip_era(t);
  size_t i = 0;
  int64_t days = 0;
  Parse p = parse_date(t, i, ctx.date_order(), bc, days);
  // A time part may follow (date_in accepts "2024-01-02 10:00" and drops the time).
  if (p == Parse::OK && i < t.size() && !(is_space(t[i]) || t[i] == 'T')) p = Parse::BAD_FORMAT;
  if (p != Parse::OK) return datetime_error(e, p, "date", text);
  put_be32(out, static_cast<uint32_t>(static_cast<int32_t>(days - PG_EPOCH_DAYS)));
  return true;
}

bool time_input(std::string_view text, int32_t typmod, std::string* out, PgError* e) {
  std::string_view t = trim(text);
  size_t i = 0;
  int64_t usecs = 0;
  Parse p = parse_time(t, i, usecs);
  if (p == Parse::OK && i != t.size()) p = Parse::BAD_FORMAT;
  if (p != Parse::OK) return datetime_error(e, p, "time without time zone", text);
  round_to_precision(usecs, typmod);
  put_be64(out, static_cast<uint64_t>(usecs));
  return true;
}

bool timestamp_input(std::string_view text, int32_t typmod, bool with_tz, TextInputContext& ctx,
                     std::string* out, PgError* e) {
  const char* type = with_tz ? "timestamp with time zone" : "timestamp";
  std::string_view t = trim(text);
  const std::string l = lower(t);
  if (l == "infinity" || l == "+infinity") return put_be64(out, 0x7fffffffffffffffULL), true;
  if (l == "-infinity") return put_be64(out, 0x8000000000000000ULL), true;
  if (l == "epoch") return put_be64(out, static_cast<uint64_t>(-PG_EPOCH_USECS)), true;
  const bool bc = strip_era(t);
  size_t i = 0;
  int64_t days = 0, usecs = 0;
  Parse p = parse_date(t, i, ctx.date_order(), bc, days);
  std::string_view zone_text;
  if (p == Parse::OK && i < t.size()) {
    if (t[i] == 'T' || t[i] == 't' || is_space(t[i])) ++i;
    while (i < t.size() && is_space(t[i])) ++i;
    if (i < t.size() && is_digit(t[i])) p = parse_time(t, i, usecs);
    if (p == Parse::OK) zone_text = t.substr(i);
  }
  if (p != Parse::OK) return datetime_error(e, p, type, text);
  if (days < -2500000 || days > 108000000)  // far outside the range checked below: no overflow
    return fail(e, sqlstate::DATETIME_FIELD_OVERFLOW,
                std::string("timestamp out of range: \"") + std::string(text) + "\"");
  const int64_t local = days * USECS_PER_DAY + usecs;
  int64_t value = local;
  if (!trim(zone_text).empty()) {
    int32_t offset = 0;
    if (!parse_zone(zone_text, offset)) return datetime_error(e, Parse::BAD_FORMAT, type, text);
    std::string_view z = trim(zone_text);
    if (with_tz && z[0] != '+' && z[0] != '-' && z != "Z" && z != "z") {
      ZoneLookup zone;  // a named zone: its offset at that local time
      std::string why;
      zone.init(std::string(z), &why);
      const int64_t secs = floor_div(local, USECS_PER_SEC);
      offset = zone.at(secs - zone.at(secs).offset_seconds).offset_seconds;
    }
    if (with_tz) value = local - offset * USECS_PER_SEC;  // timestamp_in ignores a zone
  } else if (with_tz) {
    value = local - ctx.local_offset(floor_div(local, USECS_PER_SEC)) * USECS_PER_SEC;
  }
  round_to_precision(value, typmod);
  // PostgreSQL's range (MIN_TIMESTAMP .. END_TIMESTAMP, microseconds since 2000-01-01).
  if (value - PG_EPOCH_USECS < -211813488000000000LL ||
      value - PG_EPOCH_USECS >= 9223371331200000000LL)
    return fail(e, sqlstate::DATETIME_FIELD_OVERFLOW,
                std::string("timestamp out of range: \"") + std::string(text) + "\"");
  put_be64(out, static_cast<uint64_t>(value - PG_EPOCH_USECS));
  return true;
}

namespace {

struct IntervalSum {
  double months = 0, days = 0, usecs = 0;
  void add(double n, const std::string& unit, bool& ok) {
    const std::string u = unit;
    auto is = [&](std::initializer_list<const char*> names) {
      for (const char* name : names)
        if (u == name) return true;
      return false;
    };
    if (is({"us", "usec", "usecs", "microsecond", "microseconds", "useconds", "usecond"}))
      usecs += n;
    else if (is({"ms", "msec", "msecs", "millisecond", "milliseconds", "mseconds", "msecond"}))
      usecs += n * 1000;
    else if (is({"s", "sec", "secs", "second", "seconds"}))
      usecs += n * 1e6;
    else if (is({"m", "min", "mins", "minute", "minutes"}))
      usecs += n * 60e6;
    else if (is({"h", "hr", "hrs", "hour", "hours"}))
      usecs += n * 3600e6;
    else if (is({"d", "day", "days"}))
      days += n;
    else if (is({"w", "week", "weeks"}))
      days += n * 7;
    else if (is({"mon", "mons", "month", "months"}))
      months += n;
    else if (is({"y", "yr", "yrs", "year", "years"}))
      months += n * 12;
    else if (is({"decade", "decades", "dec", "decs"}))
      months += n * 120;
    else if (is({"c", "cent", "century", "centuries"}))
      months += n * 1200;
    else if (is({"mil", "mils", "millennium", "millennia", "millenniums"}))
      months += n * 12000;
    else
      ok = false;
  }
};

// Fractions spill downward as PostgreSQL's AdjustFractDays / AdjustFractSeconds do.
bool finish_interval(IntervalSum s, bool negate, std::string* out) {
  const double whole_months = std::trunc(s.months);
  s.days += (s.months - whole_months) * 30;
  const double whole_days = std::trunc(s.days);
  s.usecs += (s.days - whole_days) * static_cast<double>(USECS_PER_DAY);
  const double us = std::nearbyint(s.usecs);
  if (std::fabs(whole_months) > 2147483647.0 || std::fabs(whole_days) > 2147483647.0 ||
      std::fabs(us) > 9.2e18)
    return false;
  int64_t usecs = static_cast<int64_t>(us);
  int32_t days = static_cast<int32_t>(whole_days), months = static_cast<int32_t>(whole_months);
  if (negate) usecs = -usecs, days = -days, months = -months;
  put_be64(out, static_cast<uint64_t>(usecs));
  put_be32(out, static_cast<uint32_t>(days));
  put_be32(out, static_cast<uint32_t>(months));
  return true;
}

// A number (sign, digits, fraction) at t[i].
bool read_decimal(const std::string& t, size_t& i, double& v) {
  const char* start = t.c_str() + i;
  char* end = nullptr;
  v = std::strtod(start, &end);
  if (end == start) return false;
  i += static_cast<size_t>(end - start);
  return true;
}

// ISO 8601 durations: P[nY][nM][nW][nD][T[nH][nM][nS]].
bool iso_interval(const std::string& t, IntervalSum& s) {
  bool in_time = false;
  for (size_t i = 1; i < t.size();) {
    if (t[i] == 't') {
      in_time = true;
      ++i;
      continue;
    }
    double n;
    if (!read_decimal(t, i, n) || i >= t.size()) return false;
    bool ok = true;
    switch (t[i++]) {
      case 'y':
        s.add(n, "y", ok);
        break;
      case 'm':
        s.add(n, in_time ? "m" : "mon", ok);
        break;
      case 'w':
        s.add(n, "w", ok);
        break;
      case 'd':
        s.add(n, "d", ok);
        break;
      case 'h':
        s.add(n, "h", ok);
        break;
      case 's':
        s.add(n, "s", ok);
        break;
      default:
        return false;
    }
    if (!ok) return false;
  }
  return t.size() > 1;
}

}  // namespace

bool interval_input(std::string_view text, std::string* out, PgError* e) {
  std::string t = lower(trim(text));
  IntervalSum s;
  bool negate = false;
  bool ok = !t.empty();
  if (ok && t[0] == 'p') {
    ok = iso_interval(t, s);
  } else if (ok) {
    size_t i = 0;
    if (t[0] == '@') ++i;
    while (ok) {
      while (i < t.size() && is_space(t[i])) ++i;
      if (i >= t.size()) break;
      if (t.compare(i, 3, "ago") == 0 && (i + 3 == t.size() || is_space(t[i + 3]))) {
        negate = true;
        i += 3;
        continue;
      }
      size_t end = i;
      while (end < t.size() && !is_space(t[end])) ++end;
      const std::string tok = t.substr(i, end - i);
      if (tok.find(':') != std::string::npos) {  // [-]hh:mm[:ss[.frac]]
        size_t k = 0;
        const bool neg = tok[0] == '-';
        if (tok[0] == '-' || tok[0] == '+') k = 1;
        int64_t us = 0;
        std::string_view tv(tok);
        if (parse_time(tv, k, us) == Parse::BAD_FORMAT || k != tok.size()) ok = false;
        s.usecs += neg ? -static_cast<double>(us) : static_cast<double>(us);
        i = end;
        continue;
      }
      double n;
      size_t k = i;
      if (!read_decimal(t, k, n)) {
        ok = false;
        break;
      }
      std::string unit = t.substr(k, end - k);
      i = end;
      if (unit.empty()) {  // the unit may be the next word; a bare number before a time is days
        size_t j = i;
        while (j < t.size() && is_space(t[j])) ++j;
        size_t wend = j;
        while (wend < t.size() && std::isalpha(static_cast<unsigned char>(t[wend]))) ++wend;
        std::string word = t.substr(j, wend - j);
        if (!word.empty() && word != "ago" && (wend == t.size() || is_space(t[wend]))) {
          unit = word;
          i = wend;
        } else {
          const bool time_follows = j < t.size() && t.find(':', j) != std::string::npos;
          unit = time_follows ? "d" : "s";
        }
      }
      s.add(n, unit, ok);
    }
  }
  if (!ok) return syntax_error(e, "interval", text, sqlstate::INVALID_DATETIME_FORMAT);
  if (!finish_interval(s, negate, out))
    return fail(e, sqlstate::DATETIME_FIELD_OVERFLOW, "interval out of range");
  return true;
}

}  // namespace detail
}  // namespace riffq::types
