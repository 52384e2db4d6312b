// settings.cpp — per-session run-time parameters (SET / RESET / SHOW / ParameterStatus).
#include "riffq/session/settings.hpp"

#include "riffq/common/ascii.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <mutex>
#include <sstream>
#include <utility>

namespace riffq::session {
namespace {

struct Builtin {
  const char* name;
  const char* value;
  bool reported;
};

// PostgreSQL 15 defaults of the parameters the core answers itself. `reported` marks the
// GUC_REPORT set, which is sent as ParameterStatus at startup and after every change.
constexpr Builtin BUILTINS[] = {
    {"application_name", "", true},
    {"client_encoding", "UTF8", true},
    {"DateStyle", "ISO, MDY", true},
    {"default_transaction_read_only", "off", true},
    {"in_hot_standby", "off", true},
    {"integer_datetimes", "on", true},
    {"IntervalStyle", "postgres", true},
    {"is_superuser", "on", true},
    {"server_encoding", "UTF8", true},
    {"server_version", "", true},
    {"session_authorization", "", true},
    {"standard_conforming_strings", "on", true},
    {"TimeZone", "UTC", true},
    {"server_version_num", "", false},
    {"search_path", "\"$user\", public", false},
    {"extra_float_digits", "1", false},
    {"bytea_output", "hex", false},
    {"transaction_isolation", "read committed", false},
    {"default_transaction_isolation", "read committed", false},
    {"transaction_read_only", "off", false},
    {"transaction_deferrable", "off", false},
    {"default_transaction_deferrable", "off", false},
    {"statement_timeout", "0", false},
    {"lock_timeout", "0", false},
    {"idle_in_transaction_session_timeout", "0", false},
    {"idle_session_timeout", "0", false},
    {"client_min_messages", "notice", false},
    {"max_identifier_length", "63", false},
    {"max_index_keys", "32", false},
    {"block_size", "8192", false},
    {"lc_collate", "C", false},
    {"lc_ctype", "C", false},
    {"lc_messages", "C", false},
    {"lc_monetary", "C", false},
    {"lc_numeric", "C", false},
    {"lc_time", "C", false},
    {"timezone_abbreviations", "Default", false},
    {"escape_string_warning", "on", false},
    {"row_security", "on", false},
    {"synchronous_commit", "on", false},
    {"work_mem", "4MB", false},
    {"maintenance_work_mem", "64MB", false},
    {"jit", "off", false},
    {"max_connections", "100", false},
    {"plan_cache_mode", "auto", false},
    {"ssl", "off", false},
    {"password_encryption", "scram-sha-256", false},
    {"array_nulls", "on", false},
    {"backslash_quote", "safe_encoding", false},
    {"check_function_bodies", "on", false},
    {"default_tablespace", "", false},
    {"default_with_oids", "off", false},
    {"geqo", "on", false},
    {"cursor_tuple_fraction", "0.1", false},
    {"xmloption", "content", false},
    {"xmlbinary", "base64", false},
    {"quote_all_identifiers", "off", false},
    {"role", "none", false},
    {"tcp_keepalives_idle", "0", false},
    {"enable_seqscan", "on", false},
};

constexpr const char* ENCODINGS[] = {
    "UTF8",   "SQL_ASCII", "LATIN1", "LATIN2", "LATIN9", "WIN1250", "WIN1251", "WIN1252",
    "EUC_JP", "EUC_KR",    "EUC_CN", "SJIS",   "BIG5",   "GBK",     "KOI8R",   "ISO_8859_5",
};

std::string version_num(const std::string& version) {
  int major = std::atoi(version.c_str());
  size_t dot = version.find('.');
  int minor = dot == std::string::npos ? 0 : std::atoi(version.c_str() + dot + 1);
  return std::to_string(major * 10000 + minor);
}

PgError invalid_value(const std::string& name, const std::string& value) {
  return PgError::error(sqlstate::INVALID_PARAMETER_VALUE,
                        "invalid value for parameter \"" + name + "\": \"" + value + "\"");
}

// Splits a startup `options` string into -c name=value pairs (backslash escapes spaces).
std::vector<std::pair<std::string, std::string>> parse_options(const std::string& options) {
  std::vector<std::string> words;
  std::string cur;
  bool escaped = false;
  for (char c : options) {
    if (escaped) {
      cur.push_back(c);
      escaped = false;
    } else if (c == '\\') {
      escaped = true;
    } else if (std::isspace(static_cast<unsigned char>(c))) {
      if (!cur.empty()) words.push_back(std::move(cur));
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) words.push_back(cur);
  std::vector<std::pair<std::string, std::string>> out;
  for (size_t i = 0; i < words.size(); ++i) {
    std::string kv;
    if (words[i] == "-c" && i + 1 < words.size()) {
      kv = words[++i];
    } else if (words[i].rfind("-c", 0) == 0 && words[i].size() > 2) {
      kv = words[i].substr(2);
    } else if (words[i].rfind("--", 0) == 0) {
      kv = words[i].substr(2);
    } else {
      continue;
    }
    size_t eq = kv.find('=');
    if (eq == std::string::npos) continue;
    std::string name = kv.substr(0, eq);
    std::replace(name.begin(), name.end(), '-', '_');
    out.emplace_back(name, kv.substr(eq + 1));
  }
  return out;
}

}  // namespace

bool parse_date_style(const std::string& value, types::DateStyleKind& style,
                      types::DateOrder& order) {
  std::string token;
  std::stringstream ss(value);
  bool have_order = false;
  while (std::getline(ss, token, ',')) {
    std::stringstream ws(token);
    std::string w;
    while (ws >> w) {
      w = ascii_lower(w);
      if (w == "iso") {
        style = types::DateStyleKind::ISO;
      } else if (w == "sql") {
        style = types::DateStyleKind::SQL;
      } else if (w == "postgres") {
        style = types::DateStyleKind::POSTGRES;
      } else if (w == "german") {
        style = types::DateStyleKind::GERMAN;
        if (!have_order) order = types::DateOrder::DMY;
      } else if (w == "ymd") {
        order = types::DateOrder::YMD;
        have_order = true;
      } else if (w == "dmy" || w == "euro" || w == "european") {
        order = types::DateOrder::DMY;
        have_order = true;
      } else if (w == "mdy" || w == "us" || w == "noneuro" || w == "noneuropean") {
        order = types::DateOrder::MDY;
        have_order = true;
      } else if (w == "default") {
        continue;
      } else {
        return false;
      }
    }
  }
  return true;
}

std::shared_ptr<const SessionSettings::ParamDefs> SessionSettings::defs_for(
    const std::string& server_version) {
  static std::mutex mu;
  static std::map<std::string, std::shared_ptr<const ParamDefs>> by_version;
  std::lock_guard lock(mu);
  auto& defs = by_version[server_version];
  if (!defs) {
    auto built = std::make_shared<ParamDefs>();
    for (const auto& b : BUILTINS) {
      std::string key = ascii_lower(b.name);
      std::string value = key == "server_version"       ? server_version
                          : key == "server_version_num" ? version_num(server_version)
                                                        : b.value;
      built->push_back(ParamDef{key, b.name, value, b.reported});
    }
    std::sort(built->begin(), built->end(),
              [](const ParamDef& a, const ParamDef& b) { return a.key < b.key; });
    defs = std::move(built);
  }
  return defs;
}

SessionSettings::SessionSettings(const std::string& server_version)
    : defs_(defs_for(server_version)) {
  builtin_.reserve(defs_->size());
  for (const ParamDef& d : *defs_)
    builtin_.push_back(Param{&d, d.server_default, d.server_default});
  refresh_encode_options();
}

SessionSettings::Param* SessionSettings::find(const std::string& name) {
  return const_cast<Param*>(std::as_const(*this).find(name));
}

const SessionSettings::Param* SessionSettings::find(const std::string& name) const {
  std::string key = ascii_lower(name);
  auto it = std::lower_bound(defs_->begin(), defs_->end(), key,
                             [](const ParamDef& d, const std::string& k) { return d.key < k; });
  if (it != defs_->end() && it->key == key) return &builtin_[size_t(it - defs_->begin())];
  auto c = custom_.find(key);
  return c == custom_.end() ? nullptr : &c->second;
}

const std::string& SessionSettings::value_of(const char* key) const {
  return find(key)->value;
}

bool SessionSettings::is_known(const std::string& name) const {
  return find(name) != nullptr || name.find('.') != std::string::npos;
}

std::string SessionSettings::display_name(const std::string& name) const {
  const Param* p = find(name);
  return p && p->def ? p->def->display : ascii_lower(name);
}

void SessionSettings::apply_startup(
    const std::vector<std::pair<std::string, std::string>>& params) {
  for (const auto& [k, v] : params) {
    if (k == "user" || k == "database" || k == "replication" || k.rfind("_pq_.", 0) == 0) continue;
    if (k == "options") {
      for (const auto& [ok, ov] : parse_options(v)) set(ok, ov, nullptr);
      continue;
    }
    set(k, v, nullptr);
  }
  // Startup values are the session's reset values (PostgreSQL: PGC_S_CLIENT).
  for (auto& p : builtin_) p.boot_value = p.value;
  for (auto& [key, p] : custom_) p.boot_value = p.value;
  changed_.clear();
}

namespace {

bool is_time_setting(const std::string& key) {
  return key == "statement_timeout" || key == "lock_timeout" ||
         key == "idle_in_transaction_session_timeout" || key == "idle_session_timeout";
}

// PostgreSQL's SHOW form of a millisecond value: the largest unit that divides it.
std::string time_setting_display(int64_t ms) {
  if (ms == 0) return "0";
  static const std::pair<int64_t, const char*> units[] = {
      {86'400'000, "d"}, {3'600'000, "h"}, {60'000, "min"}, {1000, "s"}};
  for (const auto& [size, name] : units)
    if (ms % size == 0) return std::to_string(ms / size) + name;
  return std::to_string(ms) + "ms";
}

}  // namespace

std::optional<int64_t> parse_time_setting_ms(const std::string& text) {
  const char* s = text.c_str();
  char* end = nullptr;
  double v = std::strtod(s, &end);
  if (end == s) return std::nullopt;
  while (*end == ' ') ++end;
  std::string unit(end);
  static const std::pair<const char*, double> units[] = {
      {"", 1},         {"us", 0.001},    {"ms", 1},        {"s", 1000},
      {"min", 60'000}, {"h", 3'600'000}, {"d", 86'400'000}};
  for (const auto& [name, scale] : units) {
    if (unit != name) continue;
    double ms = v * scale;
    if (!(ms >= 0) || ms > 2147483647.0) return std::nullopt;
    return static_cast<int64_t>(std::rint(ms));  // half to even, as PostgreSQL's rint()
  }
  return std::nullopt;
}

bool SessionSettings::validate(const std::string& key, std::string& value, PgError* error) const {
  auto fail = [&]() {
    if (error) *error = invalid_value(display_name(key), value);
    return false;
  };
  if (key == "datestyle") {
    types::DateStyleKind style = encode_.date_style;
    types::DateOrder order = encode_.date_order;
    if (!parse_date_style(value, style, order)) return fail();
    static const char* styles[] = {"ISO", "Postgres", "SQL", "German"};
    static const char* orders[] = {"MDY", "DMY", "YMD"};
    value = std::string(styles[static_cast<int>(style)]) + ", " + orders[static_cast<int>(order)];
  } else if (key == "intervalstyle") {
    std::string v = ascii_lower(value);
    if (v != "postgres" && v != "postgres_verbose" && v != "sql_standard" && v != "iso_8601")
      return fail();
    value = v;
  } else if (key == "extra_float_digits") {
    char* end = nullptr;
    long n = std::strtol(value.c_str(), &end, 10);
    if (end == value.c_str() || *end != '\0') return fail();
    if (n < -15 || n > 3) {
      if (error)
        *error = PgError::error(sqlstate::INVALID_PARAMETER_VALUE,
                                std::to_string(n) +
                                    " is outside the valid range for parameter "
                                    "\"extra_float_digits\" (-15 .. 3)");
      return false;
    }
    value = std::to_string(n);
  } else if (key == "bytea_output") {
    std::string v = ascii_lower(value);
    if (v != "hex" && v != "escape") return fail();
    value = v;
  } else if (key == "client_encoding") {
    std::string v = ascii_upper(value);
    v.erase(std::remove(v.begin(), v.end(), '-'), v.end());
    if (v == "UNICODE" || v == "AUTO") v = "UTF8";
    if (std::find(std::begin(ENCODINGS), std::end(ENCODINGS), v) == std::end(ENCODINGS))
      return fail();
    value = v;
  } else if (key == "timezone") {
    if (value.empty()) return fail();
  } else if (is_time_setting(key)) {
    auto ms = parse_time_setting_ms(value);
    if (!ms) {
      if (!fail()) {
        if (error)
          error->hint =
              "Valid units for this parameter are \"us\", \"ms\", \"s\", \"min\", \"h\", and "
              "\"d\".";
        return false;
      }
    }
    value = time_setting_display(*ms);
  } else if (key == "server_version" || key == "server_version_num" || key == "server_encoding" ||
             key == "integer_datetimes" || key == "block_size" || key == "max_identifier_length" ||
             key == "in_hot_standby" || key == "is_superuser" || key == "lc_collate" ||
             key == "lc_ctype" || key == "max_index_keys") {
    if (error) *error = PgError::error("55P02", "parameter \"" + key + "\" cannot be changed");
    return false;
  }
  return true;
}

bool SessionSettings::set(const std::string& name, const std::string& value, PgError* error) {
  std::string key = ascii_lower(name);
  if (key == "time zone") key = "timezone";
  Param* p = find(key);
  if (p == nullptr) {
    if (key.find('.') == std::string::npos) {
      if (error)
        *error = PgError::error(sqlstate::UNDEFINED_OBJECT,
                                "unrecognized configuration parameter \"" + name + "\"");
      return false;
    }
    custom_[key] = Param{nullptr, value, ""};
    return true;
  }
  std::string v = value;
  if (!validate(key, v, error)) return false;
  if (p->value != v) {
    p->value = v;
    if (p->reported()) changed_.push_back(key);
  }
  refresh_encode_options();
  return true;
}

bool SessionSettings::reset(const std::string& name, PgError* error) {
  Param* p = find(name);
  if (p == nullptr) {
    if (error)
      *error = PgError::error(sqlstate::UNDEFINED_OBJECT,
                              "unrecognized configuration parameter \"" + name + "\"");
    return false;
  }
  if (p->value != p->boot_value) {
    p->value = p->boot_value;
    if (p->reported()) changed_.push_back(ascii_lower(name));
  }
  refresh_encode_options();
  return true;
}

void SessionSettings::reset_all() {
  for (auto& p : builtin_) {
    if (p.value != p.boot_value) {
      p.value = p.boot_value;
      if (p.reported()) changed_.push_back(p.def->key);
    }
  }
  for (auto& [key, p] : custom_) p.value = p.boot_value;
  refresh_encode_options();
}

const std::string* SessionSettings::get(const std::string& name) const {
  std::string key = ascii_lower(name);
  if (key == "time zone") key = "timezone";
  const Param* p = find(key);
  return p ? &p->value : nullptr;
}

bool SessionSettings::is_default(const std::string& name) const {
  std::string key = ascii_lower(name);
  if (key == "time zone") key = "timezone";
  const Param* p = find(key);
  return p && p->value == (p->def ? p->def->server_default : std::string());
}

std::vector<std::pair<std::string, std::string>> SessionSettings::all() const {
  std::vector<std::pair<std::string, std::string>> out;
  auto c = custom_.begin();
  for (size_t i = 0; i < defs_->size(); ++i) {  // both sorted by key: merge
    for (; c != custom_.end() && c->first < (*defs_)[i].key; ++c)
      out.emplace_back(c->first, c->second.value);
    out.emplace_back((*defs_)[i].display, builtin_[i].value);
  }
  for (; c != custom_.end(); ++c) out.emplace_back(c->first, c->second.value);
  return out;
}

std::vector<std::pair<std::string, std::string>> SessionSettings::reported() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& p : builtin_)
    if (p.reported()) out.emplace_back(p.def->display, p.value);
  return out;
}

std::vector<std::pair<std::string, std::string>> SessionSettings::take_changed_reported() {
  std::vector<std::pair<std::string, std::string>> out;
  std::sort(changed_.begin(), changed_.end());
  changed_.erase(std::unique(changed_.begin(), changed_.end()), changed_.end());
  for (const auto& key : changed_) {
    const Param* p = find(key);
    if (p && p->def) out.emplace_back(p->def->display, p->value);
  }
  changed_.clear();
  return out;
}

void SessionSettings::refresh_encode_options() {
  types::EncodeOptions o;
  parse_date_style(value_of("datestyle"), o.date_style, o.date_order);
  const std::string& is = value_of("intervalstyle");
  o.interval_style = is == "postgres_verbose" ? types::IntervalStyleKind::POSTGRES_VERBOSE
                     : is == "sql_standard"   ? types::IntervalStyleKind::SQL_STANDARD
                     : is == "iso_8601"       ? types::IntervalStyleKind::ISO_8601
                                              : types::IntervalStyleKind::POSTGRES;
  o.time_zone = value_of("timezone");
  o.extra_float_digits = std::atoi(value_of("extra_float_digits").c_str());
  o.bytea_hex = value_of("bytea_output") != "escape";
  encode_ = o;
}

}  // namespace riffq::session
