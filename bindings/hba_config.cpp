// hba_config.cpp — Python rule lists and pg_hba.conf files → session::HbaRules.
#include "hba_config.hpp"

#include <nanobind/stl/string.h>

#include <fstream>
#include <sstream>

namespace nb = nanobind;

namespace riffq::bindings {
namespace {

// One name of a dict rule, double-quoted when it holds a character that would split it.
std::string hba_name(const std::string& name) {
  if (name.find_first_of(" \t,#\"") == std::string::npos && !name.empty()) return name;
  std::string quoted = "\"";
  for (char c : name) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

std::string name_list(nb::handle value, const char* key, size_t index) {
  if (nb::isinstance<nb::str>(value)) return hba_name(nb::cast<std::string>(value));
  std::string out;
  if (nb::isinstance<nb::list>(value) || nb::isinstance<nb::tuple>(value)) {
    for (nb::handle item : value) {
      if (!nb::isinstance<nb::str>(item)) break;
      out += (out.empty() ? "" : ",") + hba_name(nb::cast<std::string>(item));
    }
    if (!out.empty()) return out;
  }
  throw nb::value_error(("hba rule " + std::to_string(index) + ": \"" + key +
                         "\" must be a name or a non-empty list of names")
                            .c_str());
}

// A dict rule → its pg_hba.conf line.
std::string dict_line(const nb::dict& rule, size_t index) {
  auto text = [&](const char* key, bool required) -> std::string {
    if (!rule.contains(key)) {
      if (!required) return "";
      throw nb::value_error(
          ("hba rule " + std::to_string(index) + ": missing \"" + key + "\"").c_str());
    }
    return nb::cast<std::string>(nb::str(rule[key]));
  };
  for (auto [k, v] : rule) {
    std::string key = nb::cast<std::string>(nb::str(k));
    if (key != "type" && key != "database" && key != "user" && key != "address" && key != "method")
      throw nb::value_error(
          ("hba rule " + std::to_string(index) + ": unknown key \"" + key + "\"").c_str());
  }
  std::string type = text("type", true);
  if (!rule.contains("database") || !rule.contains("user"))
    throw nb::value_error(
        ("hba rule " + std::to_string(index) + ": a rule needs \"database\" and \"user\"").c_str());
  std::string line = type + " " + name_list(rule["database"], "database", index) + " " +
                     name_list(rule["user"], "user", index);
  if (type != "local") line += " " + text("address", true);
  return line + " " + text("method", true);
}

}  // namespace

std::shared_ptr<const session::HbaRules> hba_rules_from_python(nb::handle rules) {
  if (!nb::isinstance<nb::list>(rules) && !nb::isinstance<nb::tuple>(rules))
    throw nb::type_error("hba rules must be a list of pg_hba.conf lines or dicts");
  std::string text;
  size_t index = 0;
  for (nb::handle item : rules) {
    ++index;
    std::string line;
    if (nb::isinstance<nb::str>(item)) {
      line = nb::cast<std::string>(item);
      if (line.find('\n') != std::string::npos)
        throw nb::value_error(
            ("hba rule " + std::to_string(index) + ": one rule per item (no newline)").c_str());
    } else if (nb::isinstance<nb::dict>(item)) {
      line = dict_line(nb::borrow<nb::dict>(item), index);
    } else {
      throw nb::type_error(
          ("hba rule " + std::to_string(index) + ": expected a str or a dict").c_str());
    }
    if (line.find_first_not_of(" \t") == std::string::npos ||
        line[line.find_first_not_of(" \t")] == '#')
      throw nb::value_error(("hba rule " + std::to_string(index) + ": empty rule").c_str());
    text += line + "\n";  // line N of the text is item N
  }
  if (index == 0) throw nb::value_error("hba rules must not be empty (nothing could connect)");
  try {
    return std::make_shared<const session::HbaRules>(session::HbaRules::parse(text));
  } catch (const session::HbaParseError& e) {
    throw nb::value_error(("hba rule " + std::to_string(e.line()) + ": " + e.message()).c_str());
  }
}

std::shared_ptr<const session::HbaRules> hba_rules_from_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    PyErr_SetString(PyExc_OSError, ("could not open hba file \"" + path + "\"").c_str());
    throw nb::python_error();
  }
  std::stringstream buf;
  buf << in.rdbuf();
  try {
    auto rules = session::HbaRules::parse(buf.str());
    if (rules.rules().empty())
      throw nb::value_error(("hba file \"" + path + "\" contains no entries").c_str());
    return std::make_shared<const session::HbaRules>(std::move(rules));
  } catch (const session::HbaParseError& e) {
    throw nb::value_error((path + ": " + e.what()).c_str());
  }
}

}  // namespace riffq::bindings
