// catalog_cli.cpp — runs statements through the catalog engine, for the differential harness
// (tests/python/catalog/corpus_diff.py) and for poking at the engine by hand.
//
//   riffq_catalog_cli OBJECTS.json [--database NAME] [--repeat N]
//
// OBJECTS.json describes the registered objects (the fields of riffq/catalog/user_objects.hpp):
//   {"databases": [{"name", "oid"?, "schemas": [{"name", "oid"?, "comment"?, "relations": [
//     {"name", "kind"?, "oid"?, "rowtype_oid"?, "comment"?, "view_definition"?,
//      "columns": [{"name", "type", "nullable"?, "default"?, "comment"?}],
//      "primary_key"?: [..], "primary_key_name"?, "unique_keys"?: [[..]],
//      "foreign_keys"?: [{"name"?, "columns", "ref_schema"?, "ref_table", "ref_columns"}],
//      "indexes"?: [{"name", "columns", "unique"?}], "checks"?: [{"name"?, "expr"}]}]}]}]}
// stdin: one JSON object per line, {"sql": "...", "params": [text or null, ...]}.
// stdout: one JSON object per statement,
//   {"columns": [[name, type_oid], ...], "rows": [[text or null, ...]], "micros": median}
//   or {"error": {"sqlstate", "message"}, "micros": ...}.
// SET / SHOW are answered here from a settings map, standing in for the session layer
// (src/session), so that current_setting sees what the client set.
#include <algorithm>
#include <chrono>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "riffq/catalog/engine.hpp"

using nlohmann::json;
using namespace riffq::catalog;

namespace {

template <class T>
T opt(const json& j, const char* key, T fallback) {
  auto it = j.find(key);
  return it == j.end() || it->is_null() ? fallback : it->get<T>();
}

std::optional<std::string> opt_str(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::nullopt;
  return it->get<std::string>();
}

UserCatalog read_objects(const json& doc) {
  UserCatalog cat;
  for (const json& jd : doc.at("databases")) {
    UserDatabase d;
    d.name = jd.at("name");
    d.oid = opt<Oid>(jd, "oid", 0);
    for (const json& js : opt<json>(jd, "schemas", json::array())) {
      UserSchema s;
      s.name = js.at("name");
      s.oid = opt<Oid>(js, "oid", 0);
      s.comment = opt_str(js, "comment");
      for (const json& jr : opt<json>(js, "relations", json::array())) {
        UserRelation r;
        r.name = jr.at("name");
        r.kind = opt<std::string>(jr, "kind", "r").at(0);
        r.oid = opt<Oid>(jr, "oid", 0);
        r.rowtype_oid = opt<Oid>(jr, "rowtype_oid", 0);
        r.comment = opt_str(jr, "comment");
        r.view_definition = opt_str(jr, "view_definition");
        for (const json& jc : opt<json>(jr, "columns", json::array())) {
          UserColumn c;
          c.name = jc.at("name");
          c.type_name = opt<std::string>(jc, "type", "");
          c.type_oid = opt<Oid>(jc, "type_oid", 0);
          c.nullable = opt<bool>(jc, "nullable", true);
          c.default_expr = opt_str(jc, "default");
          c.comment = opt_str(jc, "comment");
          r.columns.push_back(std::move(c));
        }
        r.primary_key = opt<std::vector<std::string>>(jr, "primary_key", {});
        r.primary_key_name = opt<std::string>(jr, "primary_key_name", "");
        r.unique_keys = opt<std::vector<std::vector<std::string>>>(jr, "unique_keys", {});
        for (const json& jf : opt<json>(jr, "foreign_keys", json::array()))
          r.foreign_keys.push_back(UserForeignKey{
              opt<std::string>(jf, "name", ""), jf.at("columns"),
              opt<std::string>(jf, "ref_schema", ""), jf.at("ref_table"), jf.at("ref_columns")});
        for (const json& ji : opt<json>(jr, "indexes", json::array()))
          r.indexes.push_back(
              UserIndex{ji.at("name"), ji.at("columns"), opt<bool>(ji, "unique", false)});
        for (const json& jk : opt<json>(jr, "checks", json::array()))
          r.checks.push_back(UserCheck{opt<std::string>(jk, "name", ""), jk.at("expr")});
        s.relations.push_back(std::move(r));
      }
      d.schemas.push_back(std::move(s));
    }
    cat.databases.push_back(std::move(d));
  }
  return cat;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string trim(std::string s) {
  while (!s.empty() && (std::isspace(static_cast<unsigned char>(s.back())) || s.back() == ';'))
    s.pop_back();
  size_t i = 0;
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  return s.substr(i);
}

// The session layer's share: SET name = value / TO value, SET TIME ZONE, SET SESSION
// CHARACTERISTICS, and SHOW name. nullopt when `sql` is none of these.
struct Session {
  std::map<std::string, std::pair<std::string, std::string>>
      settings;               // lower name → (name, value)
  std::string show_fallback;  // SHOW of a setting not SET here: the query answering it

  std::optional<json> handle(const std::string& raw) {
    std::string sql = trim(raw);
    std::string l = lower(sql);
    if (l.rfind("set ", 0) == 0) {
      std::string rest = trim(sql.substr(4));
      if (lower(rest).rfind("session characteristics", 0) == 0)
        return json{{"columns", json::array()}, {"rows", json::array()}, {"command", "SET"}};
      if (lower(rest).rfind("session ", 0) == 0) rest = trim(rest.substr(8));
      std::string name, value;
      if (lower(rest).rfind("time zone", 0) == 0) {
        name = "TimeZone";
        value = trim(rest.substr(9));
      } else {
        size_t eq = rest.find('=');
        size_t to = lower(rest).find(" to ");
        size_t cut = std::min(eq, to);
        if (cut == std::string::npos) return std::nullopt;
        name = trim(rest.substr(0, cut));
        value = trim(rest.substr(cut + (cut == eq ? 1 : 4)));
      }
      if (value.size() >= 2 && (value.front() == '\'' || value.front() == '"'))
        value = value.substr(1, value.size() - 2);
      std::string key = lower(name);
      if (key == "timezone") name = "TimeZone";
      settings[key] = {name, value};
      return json{{"columns", json::array()}, {"rows", json::array()}, {"command", "SET"}};
    }
    if (l.rfind("show ", 0) == 0) {
      std::string name = trim(sql.substr(5));
      std::string key = lower(name);
      std::string column = key;
      if (key == "transaction isolation level") key = column = "transaction_isolation";
      if (key == "time zone") key = "timezone";
      if (key == "timezone") column = "TimeZone";
      if (key == "datestyle") column = "DateStyle";
      auto v = get(key);
      if (!v) {
        // Not set in this session: the server's setting, as current_setting reports it.
        show_fallback = "SELECT pg_catalog.current_setting('" + key + "') AS \"" + column + "\"";
        return std::nullopt;
      }
      return json{{"columns", json::array({json::array({column, 25})})},
                  {"rows", json::array({json::array({*v})})}};
    }
    return std::nullopt;
  }
  std::optional<std::string> get(std::string key) const {
    key = lower(key);
    auto it = settings.find(key);
    if (it != settings.end()) return it->second.second;
    return std::nullopt;
  }
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: riffq_catalog_cli OBJECTS.json [--database NAME] [--repeat N]\n";
    return 2;
  }
  SessionInfo session;
  int repeat = 1;
  for (int i = 2; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--database") session.database = argv[i + 1];
    if (a == "--repeat") repeat = std::max(1, std::stoi(argv[i + 1]));
  }
  CatalogEngine engine;
  Session sess;
  try {
    std::ifstream in(argv[1]);
    engine.set_objects(read_objects(json::parse(in)));
    engine.snapshot(session.database);
  } catch (const std::exception& e) {
    std::cerr << "objects: " << e.what() << "\n";
    return 1;
  }
  // The session layer answers these for the server; the engine reads them through `setting`.
  sess.settings["transaction_isolation"] = {"transaction_isolation", "read committed"};
  session.setting = [&sess](std::string_view name) { return sess.get(std::string(name)); };

  std::string line;
  while (std::getline(std::cin, line)) {
    if (trim(line).empty()) continue;
    json out;
    json req = json::parse(line);
    std::string sql = req.at("sql");
    std::vector<std::optional<std::string>> params;
    for (const json& p : opt<json>(req, "params", json::array())) {
      if (p.is_null())
        params.push_back(std::nullopt);
      else
        params.push_back(p.is_string() ? p.get<std::string>() : p.dump());
    }
    std::vector<double> times;
    sess.show_fallback.clear();
    auto handled = sess.handle(sql);
    if (!sess.show_fallback.empty()) sql = sess.show_fallback;
    if (handled) {
      out = *handled;
    } else {
      for (int k = 0; k < repeat; ++k) {
        auto t0 = std::chrono::steady_clock::now();
        out = json::object();
        try {
          PreparedCatalogQuery p = engine.prepare(sql, {}, session);
          CatalogResult r = engine.execute(p, params, session);
          json cols = json::array();
          for (const ResultColumn& c : r.columns) cols.push_back(json::array({c.name, c.type.oid}));
          json rows = json::array();
          for (const Row& row : r.rows) {
            json jr = json::array();
            for (size_t i = 0; i < row.size(); ++i)
              jr.push_back(row[i].is_null()
                               ? json(nullptr)
                               : json(engine.text(p, row[i], r.columns[i].type, session)));
            rows.push_back(std::move(jr));
          }
          out["columns"] = std::move(cols);
          out["rows"] = std::move(rows);
        } catch (const CatalogError& e) {
          out["error"] = {{"sqlstate", e.error.sqlstate}, {"message", e.error.message}};
        } catch (const std::exception& e) {
          out["error"] = {{"sqlstate", "XX000"}, {"message", std::string("internal: ") + e.what()}};
        }
        times.push_back(
            std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0)
                .count());
      }
      std::sort(times.begin(), times.end());
      out["micros"] = times[times.size() / 2];
    }
    std::cout << out.dump(-1, ' ', false, json::error_handler_t::replace) << "\n" << std::flush;
  }
  return 0;
}
