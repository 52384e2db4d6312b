// riffq/catalog/user_objects.hpp
// The objects a program registers for catalog emulation (eagerly with register_*, or from a
// lazy source on each statement): databases, schemas, relations and their columns, with what
// tools display beyond the original riffq: keys, foreign keys, indexes, defaults, comments.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "riffq/catalog/value.hpp"

namespace riffq::catalog {

struct UserColumn {
  std::string name;
  std::string type_name;  // any PostgreSQL type name ("int", "numeric(12,2)", "text[]") or empty
  Oid type_oid = 0;       // used when type_name is empty (lazy sources give OIDs)
  int32_t typmod = -1;
  bool nullable = true;
  std::optional<std::string> default_expr;  // SQL text, printed by pg_get_expr
  std::optional<std::string> comment;
  bool operator==(const UserColumn&) const = default;
};

struct UserForeignKey {
  std::string name;  // empty: PostgreSQL's default name
  std::vector<std::string> columns;
  std::string ref_schema;
  std::string ref_table;
  std::vector<std::string> ref_columns;
  bool operator==(const UserForeignKey&) const = default;
};

// A CHECK constraint; `expr` is written as pg_get_constraintdef(oid) prints it, without CHECK:
// "((share > (0)::numeric) AND (share <= (100)::numeric))".
struct UserCheck {
  std::string name;  // empty: PostgreSQL's default name
  std::string expr;
  bool operator==(const UserCheck&) const = default;
};

struct UserIndex {
  std::string name;
  std::vector<std::string> columns;
  bool unique = false;
  bool operator==(const UserIndex&) const = default;
};

struct UserRelation {
  Oid oid = 0;          // 0: assigned by the catalog
  Oid rowtype_oid = 0;  // 0: assigned
  std::string name;
  char kind = 'r';           // 'r' table, 'v' view, 'm' materialized view
  std::optional<Oid> owner;  // nullopt: the bootstrap superuser
  bool has_index = false;
  bool has_rules = false;
  bool has_triggers = false;
  bool row_security = false;
  std::vector<UserColumn> columns;
  std::vector<std::string> primary_key;
  std::string primary_key_name;  // empty: <table>_pkey
  std::vector<std::vector<std::string>> unique_keys;
  std::vector<UserForeignKey> foreign_keys;
  std::vector<UserIndex> indexes;
  std::vector<UserCheck> checks;
  std::optional<std::string> view_definition;  // SQL text of a view's query
  std::optional<std::string> comment;
  bool operator==(const UserRelation&) const = default;
};

// The relkind of a relation kind name ("table" 'r', "view" 'v', "materialized_view" or
// "matview" 'm'); nullopt for another name.
inline std::optional<char> relation_kind(std::string_view name) {
  if (name == "table") return 'r';
  if (name == "view") return 'v';
  if (name == "materialized_view" || name == "matview") return 'm';
  return std::nullopt;
}

struct UserSchema {
  Oid oid = 0;
  std::string name;
  std::optional<Oid> owner;
  std::vector<UserRelation> relations;
  std::optional<std::string> comment;
  bool operator==(const UserSchema&) const = default;
};

struct UserDatabase {
  Oid oid = 0;
  std::string name;
  std::optional<Oid> owner;
  std::vector<UserSchema> schemas;
  bool operator==(const UserDatabase&) const = default;
};

struct UserCatalog {
  std::vector<UserDatabase> databases;
  // pg_settings rows overridden by name (a lazy source's settings(cb)): name → setting.
  std::vector<std::pair<std::string, std::string>> settings;
  const UserDatabase* database(std::string_view name) const {
    for (const auto& d : databases)
      if (d.name == name) return &d;
    return nullptr;
  }
  bool operator==(const UserCatalog&) const = default;
};

}  // namespace riffq::catalog
