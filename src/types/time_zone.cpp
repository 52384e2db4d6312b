// src/types/time_zone.cpp
// ZoneLookup over date/tz.h (system tzdata) and fixed offsets (see time_zone.hpp).
#include "time_zone.hpp"

#include <date/tz.h>

#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <exception>

namespace riffq::types::detail {
namespace {

// "NAME[+-]hh[:mm[:ss]]" with POSIX sign (positive = west). Returns false when not that form.
bool parse_posix_fixed(const std::string& s, int32_t* east_seconds, std::string* abbrev) {
  size_t i = 0;
  std::string name;
  if (i < s.size() && s[i] == '<') {
    size_t close = s.find('>', i);
    if (close == std::string::npos) return false;
    name = s.substr(1, close - 1);
    i = close + 1;
  } else {
    while (i < s.size() && std::isalpha(static_cast<unsigned char>(s[i]))) name.push_back(s[i++]);
    if (name.size() < 3) return false;
  }
  int sign = 1;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    sign = s[i] == '-' ? -1 : 1;
    ++i;
  }
  int parts[3] = {0, 0, 0};
  int np = 0;
  while (i < s.size() && np < 3) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    int v = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) v = v * 10 + (s[i++] - '0');
    parts[np++] = v;
    if (i < s.size() && s[i] == ':') ++i;
  }
  if (np == 0 || i != s.size()) return false;
  *east_seconds = -sign * (parts[0] * 3600 + parts[1] * 60 + parts[2]);
  *abbrev = name;
  return true;
}

}  // namespace

bool ZoneLookup::init(const std::string& name, std::string* error) {
  zone_ = nullptr;
  begin_ = 1;
  end_ = 0;
  // A plain number: hours east of UTC (SQL sign convention), as check_timezone does.
  if (!name.empty()) {
    char* endp = nullptr;
    const double hours = std::strtod(name.c_str(), &endp);
    if (endp != name.c_str() && *endp == '\0') {
      fixed_offset_ = static_cast<int32_t>(std::lround(hours * 3600));
      // pg_tzset_offset names the zone after the POSIX offset, e.g. "<-08>+08".
      int32_t west = -fixed_offset_;
      int32_t a = std::abs(fixed_offset_);
      std::string ab(1, west <= 0 ? '+' : '-');
      char tmp[16];
      std::snprintf(tmp, sizeof tmp, "%02d", a / 3600);
      ab += tmp;
      if (a % 3600 != 0) {
        std::snprintf(tmp, sizeof tmp, "%02d", (a % 3600) / 60);
        ab += tmp;
      }
      fixed_abbrev_ = ab;
      return true;
    }
  }
  try {
    zone_ = date::locate_zone(name);
    return true;
  } catch (const std::exception&) {
    zone_ = nullptr;
  }
  if (parse_posix_fixed(name, &fixed_offset_, &fixed_abbrev_)) return true;
  if (error) *error = "invalid value for parameter \"TimeZone\": \"" + name + "\"";
  return false;
}

ZoneOffset ZoneLookup::at(int64_t utc_seconds) {
  if (zone_ == nullptr) return {fixed_offset_, fixed_abbrev_};
  if (utc_seconds < begin_ || utc_seconds >= end_) {
    const date::sys_seconds tp{std::chrono::seconds(utc_seconds)};
    const date::sys_info info = zone_->get_info(tp);
    begin_ = info.begin.time_since_epoch().count();
    end_ = info.end.time_since_epoch().count();
    offset_ = static_cast<int32_t>(info.offset.count());
    abbrev_ = info.abbrev;
  }
  return {offset_, abbrev_};
}

}  // namespace riffq::types::detail
