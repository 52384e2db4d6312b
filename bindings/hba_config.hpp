// hba_config.hpp — host-based rules from Python: a list of pg_hba.conf lines or dicts, or a
// pg_hba.conf file. Translation only: parsing and matching are riffq::session::HbaRules.
#pragma once

#include <nanobind/nanobind.h>

#include <memory>
#include <string>

#include "riffq/session/hba.hpp"

namespace riffq::bindings {

// rules: a list whose items are pg_hba.conf lines ("host all all 127.0.0.1/32 scram-sha-256")
// or dicts {"type", "database", "user", "address"?, "method"} (database and user: a name or
// a list of names). Raises ValueError "hba rule N: …" for the first bad item.
std::shared_ptr<const session::HbaRules> hba_rules_from_python(nanobind::handle rules);

// Raises OSError when the file cannot be read, ValueError "PATH: line N: …" when a line is bad.
std::shared_ptr<const session::HbaRules> hba_rules_from_file(const std::string& path);

}  // namespace riffq::bindings
