// riffq/session/settings.hpp
// SessionSettings: the run-time parameters (GUCs) a PostgreSQL backend keeps per session,
// with the subset reported to the client through ParameterStatus (GUC_REPORT in PostgreSQL 15).
//
// INTERFACE ROUTINES
//   SessionSettings(defaults)    built-in defaults + server_version
//   apply_startup(params)        values from the StartupMessage (and its `options`)
//   set(name, value, error)      SET; validates values PostgreSQL would reject
//   reset(name) / reset_all()    RESET
//   get(name)                    SHOW; nullptr if the parameter is unknown
//   is_known(name)               whether the core owns this parameter
//   take_changed_reported()      reported parameters changed since the last call
//   encode_options()             the settings that change value output
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "riffq/common/pg_error.hpp"
#include "riffq/types/encode_options.hpp"

namespace riffq::session {

// A time-valued setting (statement_timeout, …) in milliseconds: a number with an optional unit
// of us, ms (the default), s, min, h or d, rounded to whole milliseconds as PostgreSQL does.
// nullopt when malformed, negative or past INT_MAX milliseconds.
std::optional<int64_t> parse_time_setting_ms(const std::string& text);

class SessionSettings {
 public:
  explicit SessionSettings(const std::string& server_version);

  // Applies startup parameters (user, database and _pq_.* are not settings and are skipped).
  void apply_startup(const std::vector<std::pair<std::string, std::string>>& params);

  // SET name = value. Returns false with *error for an invalid value. Unknown names are only
  // accepted when they are custom (contain a dot), as PostgreSQL does.
  bool set(const std::string& name, const std::string& value, PgError* error);
  bool reset(const std::string& name, PgError* error);
  void reset_all();

  const std::string* get(const std::string& name) const;
  // Whether a known parameter still has the server's default (neither startup nor SET changed
  // it).
  bool is_default(const std::string& name) const;
  bool is_known(const std::string& name) const;
  // The canonical (display) spelling of a parameter, e.g. "timezone" → "TimeZone".
  std::string display_name(const std::string& name) const;

  // All parameters, sorted by name (SHOW ALL).
  std::vector<std::pair<std::string, std::string>> all() const;
  // Reported parameters (for the ParameterStatus burst at startup).
  std::vector<std::pair<std::string, std::string>> reported() const;
  // Reported parameters whose value changed since the last call.
  std::vector<std::pair<std::string, std::string>> take_changed_reported();

  const types::EncodeOptions& encode_options() const { return encode_; }

 private:
  // A built-in parameter's definition: the same for every session of a server, so it is
  // shared (a thousand idle sessions keep one copy).
  struct ParamDef {
    std::string key;      // lower-cased name
    std::string display;  // canonical spelling
    std::string server_default;
    bool reported = false;
  };
  struct Param {
    const ParamDef* def = nullptr;  // null: a custom (dotted) parameter
    std::string value;
    std::string boot_value;  // the reset value: the default or the startup packet's
    bool reported() const { return def != nullptr && def->reported; }
  };
  using ParamDefs = std::vector<ParamDef>;  // sorted by key
  static std::shared_ptr<const ParamDefs> defs_for(const std::string& server_version);

  Param* find(const std::string& name);
  const Param* find(const std::string& name) const;
  bool validate(const std::string& key, std::string& value, PgError* error) const;
  void refresh_encode_options();
  const std::string& value_of(const char* key) const;  // a built-in parameter's value

  std::shared_ptr<const ParamDefs> defs_;
  std::vector<Param> builtin_;           // parallel to *defs_
  std::map<std::string, Param> custom_;  // key: lower-cased name, also the display name
  std::vector<std::string> changed_;
  types::EncodeOptions encode_;
};

// Parses a DateStyle value ("ISO, MDY", "German", …); false if invalid.
bool parse_date_style(const std::string& value, types::DateStyleKind& style,
                      types::DateOrder& order);

}  // namespace riffq::session
