// src/types/datetime_text.cpp
// Date/time/timestamp/interval text in PostgreSQL 15's formats (see datetime_text.hpp).
#include "datetime_text.hpp"

#include <cstdlib>

#include "arrow_util.hpp"

namespace riffq::types::detail {
namespace {

constexpr const char* MONTHS[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr const char* DAYS[7] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};

// pg_ultostr_zeropad.
void put_zeropad(std::string& out, uint64_t v, int width) {
  char tmp[24];
  int n = 0;
  do {
    tmp[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  for (int k = n; k < width; ++k) out.push_back('0');
  while (n > 0) out.push_back(tmp[--n]);
}

// AppendSeconds with MAX_*_PRECISION = 6: seconds, then the fraction with trailing zeros trimmed.
void put_seconds(std::string& out, int64_t sec, int64_t fsec, bool fillzeros) {
  put_zeropad(out, static_cast<uint64_t>(std::llabs(sec)), fillzeros ? 2 : 1);
  if (fsec != 0) {
    int64_t v = std::llabs(fsec);
    char frac[6];
    for (int k = 5; k >= 0; --k) {
      frac[k] = static_cast<char>('0' + v % 10);
      v /= 10;
    }
    int len = 6;
    while (len > 0 && frac[len - 1] == '0') --len;
    out.push_back('.');
    out.append(frac, static_cast<size_t>(len));
  }
}

uint64_t display_year(int64_t year) {
  return static_cast<uint64_t>(year > 0 ? year : -(year - 1));
}

// EncodeTimezone: tz in PostgreSQL's convention (seconds west of UTC).
void put_tz_numeric(std::string& out, int32_t tz) {
  int sec = std::abs(tz);
  int min = sec / 60;
  sec -= min * 60;
  int hour = min / 60;
  min -= hour * 60;
  out.push_back(tz <= 0 ? '+' : '-');
  put_zeropad(out, static_cast<uint64_t>(hour), 2);
  if (sec != 0) {
    out.push_back(':');
    put_zeropad(out, static_cast<uint64_t>(min), 2);
    out.push_back(':');
    put_zeropad(out, static_cast<uint64_t>(sec), 2);
  } else if (min != 0) {
    out.push_back(':');
    put_zeropad(out, static_cast<uint64_t>(min), 2);
  }
}

void put_named_tz(std::string& out, const ZoneOffset& zone, bool space_before_numeric) {
  if (!zone.abbrev.empty()) {
    out.push_back(' ');
    out.append(zone.abbrev.substr(0, 10));
  } else {
    if (space_before_numeric) out.push_back(' ');
    put_tz_numeric(out, -zone.offset_seconds);
  }
}

void put_hms(std::string& out, int64_t usecs_of_day) {
  const int64_t hour = usecs_of_day / (3600 * USECS_PER_SEC);
  int64_t rest = usecs_of_day - hour * 3600 * USECS_PER_SEC;
  const int64_t min = rest / (60 * USECS_PER_SEC);
  rest -= min * 60 * USECS_PER_SEC;
  const int64_t sec = rest / USECS_PER_SEC;
  const int64_t fsec = rest - sec * USECS_PER_SEC;
  put_zeropad(out, static_cast<uint64_t>(hour), 2);
  out.push_back(':');
  put_zeropad(out, static_cast<uint64_t>(min), 2);
  out.push_back(':');
  put_seconds(out, sec, fsec, true);
}

void put_dmy(std::string& out, const CivilDate& d, char sep, bool day_first) {
  if (day_first) {
    put_zeropad(out, static_cast<uint64_t>(d.day), 2);
    out.push_back(sep);
    put_zeropad(out, static_cast<uint64_t>(d.month), 2);
  } else {
    put_zeropad(out, static_cast<uint64_t>(d.month), 2);
    out.push_back(sep);
    put_zeropad(out, static_cast<uint64_t>(d.day), 2);
  }
  out.push_back(sep);
  put_zeropad(out, display_year(d.year), 4);
}

void put_iso_date(std::string& out, const CivilDate& d) {
  put_zeropad(out, display_year(d.year), 4);
  out.push_back('-');
  put_zeropad(out, static_cast<uint64_t>(d.month), 2);
  out.push_back('-');
  put_zeropad(out, static_cast<uint64_t>(d.day), 2);
}

// AddPostgresIntPart.
void add_postgres_part(std::string& out, int64_t value, const char* units, bool* is_zero,
                       bool* is_before) {
  if (value == 0) return;
  if (!*is_zero) out.push_back(' ');
  if (*is_before && value > 0) out.push_back('+');
  put_int(out, value);
  out.push_back(' ');
  out.append(units);
  if (value != 1) out.push_back('s');
  *is_before = value < 0;
  *is_zero = false;
}

// AddVerboseIntPart.
void add_verbose_part(std::string& out, int64_t value, const char* units, bool* is_zero,
                      bool* is_before) {
  if (value == 0) return;
  if (*is_zero) {
    *is_before = value < 0;
    value = std::llabs(value);
  } else if (*is_before) {
    value = -value;
  }
  out.push_back(' ');
  put_int(out, value);
  out.push_back(' ');
  out.append(units);
  if (value != 1) out.push_back('s');
  *is_zero = false;
}

void add_iso_part(std::string& out, int64_t value, char units) {
  if (value == 0) return;
  put_int(out, value);
  out.push_back(units);
}

}  // namespace

CivilDate civil_from_days(int64_t z) {
  // Howard Hinnant's days_from_civil inverse (proleptic Gregorian), as PostgreSQL's j2date.
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = yoe + era * 400;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return {m <= 2 ? y + 1 : y, m, d};
}

void put_date(std::string& out, int64_t days, const EncodeOptions& options) {
  const CivilDate d = civil_from_days(days);
  switch (options.date_style) {
    case DateStyleKind::ISO:
      put_iso_date(out, d);
      break;
    case DateStyleKind::SQL:
      put_dmy(out, d, '/', options.date_order == DateOrder::DMY);
      break;
    case DateStyleKind::GERMAN:
      put_dmy(out, d, '.', true);
      break;
    case DateStyleKind::POSTGRES:
      put_dmy(out, d, '-', options.date_order == DateOrder::DMY);
      break;
  }
  if (d.year <= 0) out.append(" BC");
}

void put_time(std::string& out, int64_t usecs) { put_hms(out, usecs); }

void put_timestamp(std::string& out, int64_t local_usecs, const EncodeOptions& options,
                   const ZoneOffset* zone) {
  const int64_t days = floor_div(local_usecs, USECS_PER_DAY);
  const int64_t tod = local_usecs - days * USECS_PER_DAY;
  const CivilDate d = civil_from_days(days);
  switch (options.date_style) {
    case DateStyleKind::ISO:
      put_iso_date(out, d);
      out.push_back(' ');
      put_hms(out, tod);
      if (zone) put_tz_numeric(out, -zone->offset_seconds);
      break;
    case DateStyleKind::SQL:
    case DateStyleKind::GERMAN: {
      if (options.date_style == DateStyleKind::SQL) {
        put_dmy(out, d, '/', options.date_order == DateOrder::DMY);
      } else {
        put_dmy(out, d, '.', true);
      }
      out.push_back(' ');
      put_hms(out, tod);
      if (zone) put_named_tz(out, *zone, false);
      break;
    }
    case DateStyleKind::POSTGRES: {
      const int64_t wd = ((days % 7) + 7 + 4) % 7;  // 1970-01-01 was a Thursday
      out.append(DAYS[wd]);
      out.push_back(' ');
      if (options.date_order == DateOrder::DMY) {
        put_zeropad(out, static_cast<uint64_t>(d.day), 2);
        out.push_back(' ');
        out.append(MONTHS[d.month - 1]);
      } else {
        out.append(MONTHS[d.month - 1]);
        out.push_back(' ');
        put_zeropad(out, static_cast<uint64_t>(d.day), 2);
      }
      out.push_back(' ');
      put_hms(out, tod);
      out.push_back(' ');
      put_zeropad(out, display_year(d.year), 4);
      if (zone) put_named_tz(out, *zone, true);
      break;
    }
  }
  if (d.year <= 0) out.append(" BC");
}

void put_interval(std::string& out, int32_t months, int32_t days, int64_t usecs,
                  IntervalStyleKind style) {
  // interval2itm
  int64_t year = months / 12;
  int64_t mon = months % 12;
  int64_t mday = days;
  int64_t t = usecs;
  int64_t hour = t / (3600 * USECS_PER_SEC);
  t -= hour * 3600 * USECS_PER_SEC;
  int64_t min = t / (60 * USECS_PER_SEC);
  t -= min * 60 * USECS_PER_SEC;
  int64_t sec = t / USECS_PER_SEC;
  int64_t fsec = t - sec * USECS_PER_SEC;
  bool is_before = false;
  bool is_zero = true;

  switch (style) {
    case IntervalStyleKind::SQL_STANDARD: {
      const bool has_negative = year < 0 || mon < 0 || mday < 0 || hour < 0 || min < 0 ||
                                sec < 0 || fsec < 0;
      const bool has_positive = year > 0 || mon > 0 || mday > 0 || hour > 0 || min > 0 ||
                                sec > 0 || fsec > 0;
      const bool has_year_month = year != 0 || mon != 0;
      const bool has_day_time = mday != 0 || hour != 0 || min != 0 || sec != 0 || fsec != 0;
      const bool has_day = mday != 0;
      const bool standard = !(has_negative && has_positive) && !(has_year_month && has_day_time);
      if (has_negative && standard) {
        out.push_back('-');
        year = -year;
        mon = -mon;
        mday = -mday;
        hour = -hour;
        min = -min;
        sec = -sec;
        fsec = -fsec;
      }
      if (!has_negative && !has_positive) {
        out.push_back('0');
      } else if (!standard) {
        out.push_back((year < 0 || mon < 0) ? '-' : '+');
        put_int(out, std::llabs(year));
        out.push_back('-');
        put_int(out, std::llabs(mon));
        out.push_back(' ');
        out.push_back(mday < 0 ? '-' : '+');
        put_int(out, std::llabs(mday));
        out.push_back(' ');
        out.push_back((hour < 0 || min < 0 || sec < 0 || fsec < 0) ? '-' : '+');
        put_int(out, std::llabs(hour));
        out.push_back(':');
        put_zeropad(out, static_cast<uint64_t>(std::llabs(min)), 2);
        out.push_back(':');
        put_seconds(out, sec, fsec, true);
      } else if (has_year_month) {
        put_int(out, year);
        out.push_back('-');
        put_int(out, mon);
      } else {
        if (has_day) {
          put_int(out, mday);
          out.push_back(' ');
        }
        put_int(out, hour);
        out.push_back(':');
        put_zeropad(out, static_cast<uint64_t>(std::llabs(min)), 2);
        out.push_back(':');
        put_seconds(out, sec, fsec, true);
      }
      break;
    }
    case IntervalStyleKind::ISO_8601:
      if (year == 0 && mon == 0 && mday == 0 && hour == 0 && min == 0 && sec == 0 && fsec == 0) {
        out.append("PT0S");
        break;
      }
      out.push_back('P');
      add_iso_part(out, year, 'Y');
      add_iso_part(out, mon, 'M');
      add_iso_part(out, mday, 'D');
      if (hour != 0 || min != 0 || sec != 0 || fsec != 0) out.push_back('T');
      add_iso_part(out, hour, 'H');
      add_iso_part(out, min, 'M');
      if (sec != 0 || fsec != 0) {
        if (sec < 0 || fsec < 0) out.push_back('-');
        put_seconds(out, sec, fsec, false);
        out.push_back('S');
      }
      break;
    case IntervalStyleKind::POSTGRES:
      add_postgres_part(out, year, "year", &is_zero, &is_before);
      add_postgres_part(out, mon, "mon", &is_zero, &is_before);
      add_postgres_part(out, mday, "day", &is_zero, &is_before);
      if (is_zero || hour != 0 || min != 0 || sec != 0 || fsec != 0) {
        const bool minus = hour < 0 || min < 0 || sec < 0 || fsec < 0;
        if (!is_zero) out.push_back(' ');
        if (minus) {
          out.push_back('-');
        } else if (is_before) {
          out.push_back('+');
        }
        put_zeropad(out, static_cast<uint64_t>(std::llabs(hour)), 2);
        out.push_back(':');
        put_zeropad(out, static_cast<uint64_t>(std::llabs(min)), 2);
        out.push_back(':');
        put_seconds(out, sec, fsec, true);
      }
      break;
    case IntervalStyleKind::POSTGRES_VERBOSE:
      out.push_back('@');
      add_verbose_part(out, year, "year", &is_zero, &is_before);
      add_verbose_part(out, mon, "mon", &is_zero, &is_before);
      add_verbose_part(out, mday, "day", &is_zero, &is_before);
      add_verbose_part(out, hour, "hour", &is_zero, &is_before);
      add_verbose_part(out, min, "min", &is_zero, &is_before);
      if (sec != 0 || fsec != 0) {
        out.push_back(' ');
        if (sec < 0 || (sec == 0 && fsec < 0)) {
          if (is_zero) {
            is_before = true;
          } else if (!is_before) {
            out.push_back('-');
          }
        } else if (is_before) {
          out.push_back('-');
        }
        put_seconds(out, sec, fsec, false);
        out.append(" sec");
        if (std::llabs(sec) != 1 || fsec != 0) out.push_back('s');
        is_zero = false;
      }
      if (is_zero) out.append(" 0");
      if (is_before) out.append(" ago");
      break;
  }
}

}  // namespace riffq::types::detail
