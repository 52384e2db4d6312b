// tests/cpp/types/temporal_types_test.cpp
// Differential tests of date, time, timestamp, timestamptz (several zones, DST, LMT, BC) and
// interval (durations and all Arrow interval types, every IntervalStyle) against PostgreSQL.
#include <climits>

#include "type_test_util.hpp"

namespace riffq::test {
namespace {

using types::DateOrder;
using types::DateStyleKind;
using types::EncodeOptions;
using types::IntervalStyleKind;

class TemporalTypes : public TypesDiffTest {};

std::vector<EncodeOptions> date_styles() {
  std::vector<EncodeOptions> out;
  for (auto style : {DateStyleKind::ISO, DateStyleKind::SQL, DateStyleKind::GERMAN, DateStyleKind::POSTGRES}) {
    for (auto order : {DateOrder::MDY, DateOrder::DMY}) {
      EncodeOptions o;
      o.date_style = style;
      o.date_order = order;
      out.push_back(o);
    }
  }
  return out;
}

const std::vector<int32_t> DAYS = {0, -1, 18262, -719528, -719162, -2440588, 2932896, 2145042905,
                                   -25567, 11016};

std::vector<std::string> date_exprs(const std::vector<std::optional<int64_t>>& days) {
  std::vector<std::string> out;
  for (auto& d : days) {
    out.push_back(d ? "DATE '1970-01-01' + (" + std::to_string(*d) + ")" : "NULL::date");
  }
  return out;
}

TEST_F(TemporalTypes, Date32AndDate64) {
  std::vector<std::optional<int32_t>> v(DAYS.begin(), DAYS.end());
  v.push_back(std::nullopt);
  std::vector<std::optional<int64_t>> d64, ms;
  for (auto& d : v) {
    d64.push_back(d ? std::optional<int64_t>(*d) : std::nullopt);
    ms.push_back(d ? std::optional<int64_t>(int64_t{*d} * 86400000) : std::nullopt);
  }
  for (const EncodeOptions& o : date_styles()) {
    expect_pg(field("tdD"), prim<int32_t>(v), date_exprs(d64), o);
  }
  expect_pg(field("tdm"), prim<int64_t>(ms), date_exprs(d64));
  Encoded e = encode_column(field("tdD"), prim<int32_t>({0}), {}, wire::Format::TEXT);
  EXPECT_EQ(e.column.type_oid, 1082u);
  EXPECT_EQ(e.column.typlen, 4);
}

TEST_F(TemporalTypes, DateInfinity) {
  expect_pg(field("tdD"), prim<int32_t>({INT32_MAX, INT32_MIN}),
            literals("date", {"infinity", "-infinity"}));
  Encoded e = encode_column(field("tdD"), prim<int32_t>({-2440589}), {}, wire::Format::TEXT);
  EXPECT_FALSE(e.ok);
  EXPECT_NE(e.error.find("date out of range"), std::string::npos);
}

TEST_F(TemporalTypes, TimeAllUnits) {
  const std::vector<int64_t> us = {0, 1, 500000, 43200000000, 86399999999, 86400000000, 3723004005};
  std::vector<std::optional<int64_t>> v64(us.begin(), us.end());
  v64.push_back(std::nullopt);
  std::vector<std::string> exprs;
  for (auto& u : v64) {
    exprs.push_back(!u ? "NULL::time"
                    : *u == 86400000000 ? "'24:00:00'::time"
                                        : "TIME '00:00' + '" + std::to_string(*u) + " microseconds'::interval");
  }
  expect_pg(field("ttu"), prim<int64_t>(v64), exprs);
  std::vector<std::optional<int64_t>> ns;
  for (auto& u : v64) ns.push_back(u ? std::optional<int64_t>(*u * 1000) : std::nullopt);
  expect_pg(field("ttn"), prim<int64_t>(ns), exprs);
  expect_pg(field("tts"), prim<int32_t>({0, 86399, 3600, std::nullopt}),
            literals("time", {"00:00:00", "23:59:59", "01:00:00", std::nullopt}));
  expect_pg(field("ttm"), prim<int32_t>({1, 86399999, 1500}),
            literals("time", {"00:00:00.001", "23:59:59.999", "00:00:01.5"}));
  // Nanoseconds are rounded half up to microseconds.
  expect_pg(field("ttn"), prim<int64_t>({1499, 1500, 86399999999499}),
            literals("time", {"00:00:00.000001", "00:00:00.000002", "23:59:59.999999"}));
}

const std::vector<int64_t> TS_US = {0, 1, -1, 1577880000500000, 1583654399999999, -62135596800000000,
                                    -62167219200000000, -210866803200000000, 253402300799999999,
                                    9222424646399999999, 951782400000000,
                                    1234567890123456, -1234567890123456, 4102444800000000};

std::vector<std::string> ts_exprs(const std::vector<std::optional<int64_t>>& us, bool tz) {
  std::vector<std::string> out;
  const std::string base = tz ? "TIMESTAMPTZ '1970-01-01 00:00:00+00'" : "TIMESTAMP '1970-01-01 00:00:00'";
  for (auto& u : us) {
    out.push_back(u ? base + " + '" + std::to_string(*u) + " microseconds'::interval"
                    : std::string("NULL::") + (tz ? "timestamptz" : "timestamp"));
  }
  return out;
}

TEST_F(TemporalTypes, TimestampAllUnits) {
  std::vector<std::optional<int64_t>> v(TS_US.begin(), TS_US.end());
  v.push_back(std::nullopt);
  for (const EncodeOptions& o : date_styles()) {
    expect_pg(field("tsu:"), prim<int64_t>(v), ts_exprs(v, false), o);
  }
  std::vector<std::optional<int64_t>> secs = {0, -86400, 1600000000, -62167219200, std::nullopt};
  std::vector<std::optional<int64_t>> as_us, as_ms, as_ns;
  for (auto& s : secs) {
    as_us.push_back(s ? std::optional<int64_t>(*s * 1000000) : std::nullopt);
    as_ms.push_back(s ? std::optional<int64_t>(*s * 1000 + 250) : std::nullopt);
  }
  expect_pg(field("tss:"), prim<int64_t>(secs), ts_exprs(as_us, false));
  std::vector<std::optional<int64_t>> ms_us;
  for (auto& s : as_ms) ms_us.push_back(s ? std::optional<int64_t>(*s * 1000) : std::nullopt);
  expect_pg(field("tsm:"), prim<int64_t>(as_ms), ts_exprs(ms_us, false));
  // ns: round half up to µs
  expect_pg(field("tsn:"), prim<int64_t>({1500, 1499, -1500, -1501, 1600000000123456789}),
            ts_exprs({2, 1, -1, -2, 1600000000123457}, false));
  Encoded e = encode_column(field("tsu:"), prim<int64_t>({0}), {}, wire::Format::TEXT);
  EXPECT_EQ(e.column.type_oid, 1114u);
  EXPECT_EQ(e.column.typlen, 8);
}

TEST_F(TemporalTypes, TimestampInfinityAndRange) {
  expect_pg(field("tsu:"), prim<int64_t>({INT64_MAX, INT64_MIN}),
            literals("timestamp", {"infinity", "-infinity"}));
  expect_pg(field("tsu:UTC"), prim<int64_t>({INT64_MAX, INT64_MIN}),
            literals("timestamptz", {"infinity", "-infinity"}));
  Encoded e = encode_column(field("tss:"), prim<int64_t>({INT64_MAX / 2}), {}, wire::Format::TEXT);
  EXPECT_FALSE(e.ok);
  EXPECT_NE(e.error.find("timestamp out of range"), std::string::npos);
}

TEST_F(TemporalTypes, TimestamptzZones) {
  // Around the 2021 US DST switches, 1900 (LMT in Amsterdam), half-hour zones, BC.
  std::vector<std::optional<int64_t>> v = {1615705199000000, 1615705200000000, 1636264799000000,
                                           1636264800000000, -2208988800000000, 1593561600123400,
                                           0, -62167219200000000, 951782400000000, std::nullopt,
                                           4102444800000000, -3786825600000000};
  for (const char* zone : {"UTC", "America/New_York", "Europe/Amsterdam", "Asia/Kolkata",
                           "America/St_Johns", "Australia/Lord_Howe", "Asia/Kathmandu", "-8", "5.5",
                           "UTC+3", "Europe/Moscow"}) {
    EncodeOptions o;
    o.time_zone = zone;
    SCOPED_TRACE(zone);
    expect_pg(field("tsu:Europe/Paris"), prim<int64_t>(v), ts_exprs(v, true), o);
  }
  for (EncodeOptions o : date_styles()) {
    o.time_zone = "America/New_York";
    expect_pg(field("tsu:+07:00"), prim<int64_t>(v), ts_exprs(v, true), o, false);
  }
  Encoded e = encode_column(field("tsm:UTC"), prim<int64_t>({0}), {}, wire::Format::TEXT);
  EXPECT_EQ(e.column.type_oid, 1184u);
}

TEST_F(TemporalTypes, TimestamptzInvalidZone) {
  EncodeOptions o;
  o.time_zone = "Not/AZone";
  Encoded e = encode_column(field("tsu:UTC"), prim<int64_t>({0}), o, wire::Format::TEXT);
  EXPECT_FALSE(e.ok);
}

std::vector<EncodeOptions> interval_styles() {
  std::vector<EncodeOptions> out;
  for (auto s : {IntervalStyleKind::POSTGRES, IntervalStyleKind::POSTGRES_VERBOSE,
                 IntervalStyleKind::SQL_STANDARD, IntervalStyleKind::ISO_8601}) {
    EncodeOptions o;
    o.interval_style = s;
    out.push_back(o);
  }
  return out;
}

std::string interval_expr(int32_t months, int32_t days, int64_t us) {
  return "'" + std::to_string(months) + " months " + std::to_string(days) + " days " +
         std::to_string(us) + " microseconds'::interval";
}

TEST_F(TemporalTypes, Durations) {
  const std::vector<int64_t> us = {0, 1, -1, 3600000000, -86400000000, 360000000000, 14706500000,
                                   -5000000, 500000, INT64_MAX, INT64_MIN + 1};
  std::vector<std::optional<int64_t>> v(us.begin(), us.end());
  std::vector<std::string> exprs;
  for (int64_t u : us) exprs.push_back(interval_expr(0, 0, u));
  v.push_back(std::nullopt);
  exprs.push_back("NULL::interval");
  for (const EncodeOptions& o : interval_styles()) expect_pg(field("tDu"), prim<int64_t>(v), exprs, o);
  expect_pg(field("tDs"), prim<int64_t>({90061, -1}), {interval_expr(0, 0, 90061000000), interval_expr(0, 0, -1000000)});
  expect_pg(field("tDm"), prim<int64_t>({1500}), {interval_expr(0, 0, 1500000)});
  expect_pg(field("tDn"), prim<int64_t>({1500, 2499}), {interval_expr(0, 0, 2), interval_expr(0, 0, 2)});
  Encoded e = encode_column(field("tDu"), prim<int64_t>({0}), {}, wire::Format::TEXT);
  EXPECT_EQ(e.column.type_oid, 1186u);
  EXPECT_EQ(e.column.typlen, 16);
}

TEST_F(TemporalTypes, IntervalTypes) {
  struct MDN {
    int32_t months;
    int32_t days;
    int64_t ns;
  };
  const std::vector<MDN> cases = {{0, 0, 0},         {14, 3, 14706500000000}, {-1, 0, 0},
                                  {0, -1, 7200000000000}, {1, -1, 1000},     {-14, -3, -14706500000000},
                                  {12, 0, 0},        {0, 1, 0},                {1, 1, -1000},
                                  {0, 0, -500000000000}};
  std::vector<std::optional<MDN>> v(cases.begin(), cases.end());
  std::vector<std::string> exprs;
  for (auto& c : cases) exprs.push_back(interval_expr(c.months, c.days, c.ns / 1000));
  v.push_back(std::nullopt);
  exprs.push_back("NULL::interval");
  for (const EncodeOptions& o : interval_styles()) expect_pg(field("tin"), prim<MDN>(v), exprs, o);

  struct DT {
    int32_t days;
    int32_t ms;
  };
  expect_pg(field("tiD"), prim<DT>({DT{3, 1500}, DT{-2, -60000}, std::nullopt}),
            {interval_expr(0, 3, 1500000), interval_expr(0, -2, -60000000), "NULL::interval"});
  expect_pg(field("tiM"), prim<int32_t>({0, 1, 13, -25, std::nullopt}),
            {interval_expr(0, 0, 0), interval_expr(1, 0, 0), interval_expr(13, 0, 0),
             interval_expr(-25, 0, 0), "NULL::interval"});
}

}  // namespace
}  // namespace riffq::test
