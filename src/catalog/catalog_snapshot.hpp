// catalog_snapshot.hpp — one database's emulated catalog at one moment: the built-in rows of
// PostgreSQL 15 plus the registered objects, as typed rows, with the look-ups that reg* types,
// format_type and the visibility functions need. Immutable once built; shared by statements.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "riffq/catalog/user_objects.hpp"
#include "riffq/catalog/value.hpp"
#include "type_registry.hpp"

namespace riffq::catalog {
struct SessionInfo;

struct ColumnDef {
  std::string name;
  TypeRef type;
  bool not_null = false;
};

struct Relation {
  Oid oid = 0;
  Oid namespace_oid = 0;
  std::string schema;
  std::string name;
  char kind = 'r';
  std::vector<ColumnDef> columns;
  std::shared_ptr<const std::vector<Row>> rows;  // base tables
  // Each row's xmin (built-in rows, from the dump); rows past its end were added for
  // registered objects and carry CatalogSnapshot::user_xmin.
  std::shared_ptr<const std::vector<uint32_t>> xmins;
  std::string view_sql;  // views: the defining query
  int column_index(std::string_view column) const;
};

struct ProcInfo {
  Oid oid = 0;
  std::string name;
  Oid namespace_oid = 11;
  std::vector<Oid> arg_types;
  Oid result_type = 0;
  bool returns_set = false;
  char language = 'i';   // 'i' internal, 's' sql
  std::string sql_body;  // SQL functions: prosrc
};

class CatalogSnapshot {
 public:
  TypeRegistry types;
  std::string database;
  // xmin of rows for registered objects, and the next transaction id age() counts from: just
  // past the dumped cluster's last one, as on a fresh server.
  uint32_t user_xmin = 0;
  uint32_t next_xid = 0;
  Oid database_oid = 0;

  const Relation* relation(std::string_view schema, std::string_view name) const;
  const Relation* relation_by_oid(Oid oid) const;
  // Resolves an unqualified name along the search path (pg_catalog first, as PostgreSQL).
  const Relation* lookup_relation(std::string_view name,
                                  const std::vector<std::string>& path) const;

  Oid namespace_oid(std::string_view name) const;  // 0 if unknown
  std::string namespace_name(Oid oid) const;       // "" if unknown
  std::string role_name(Oid oid) const;
  Oid role_oid(std::string_view name) const;
  const ProcInfo* proc(Oid oid) const;
  std::vector<const ProcInfo*> procs_named(std::string_view name) const;
  std::optional<std::string> description(Oid objoid, Oid classoid, int32_t subid) const;
  std::optional<std::string> shared_description(Oid objoid, Oid classoid) const;
  // Definitions kept as text for registered objects (pg_get_expr / _constraintdef / _indexdef).
  std::unordered_map<Oid, std::string> constraint_defs;  // pg_constraint.oid
  // pg_get_constraintdef(oid, true) where it differs (CHECK), and pg_get_expr(conbin, rel, true).
  std::unordered_map<Oid, std::string> constraint_defs_pretty;
  std::unordered_map<std::string, std::string> pretty_exprs;
  std::unordered_map<Oid, std::string> index_defs;    // index relation oid
  std::unordered_map<Oid, std::string> default_defs;  // pg_attrdef.oid
  std::unordered_map<Oid, std::string> view_defs;     // view relation oid → pg_get_viewdef
  // Results of pg_get_* functions for built-in objects, dumped from PostgreSQL: function → oid →
  // text.
  std::unordered_map<std::string, std::unordered_map<Oid, std::string>> builtin_defs;
  const std::string* definition(const std::string& function, Oid oid) const;

  // Builds the snapshot for `database` from the built-in rows and the registered objects.
  // `oids` gives the OIDs the engine assigned to objects registered without one (by key).
  static std::shared_ptr<const CatalogSnapshot> build(
      const UserCatalog& user, std::string_view database,
      const std::unordered_map<std::string, Oid>& oids);

  // Relations, by "schema.name".
  std::unordered_map<std::string, std::shared_ptr<Relation>> relations;
  std::unordered_map<Oid, const Relation*> relations_by_oid;
  std::unordered_map<Oid, std::string> namespaces;
  std::unordered_map<std::string, Oid> namespace_by_name;
  std::unordered_map<Oid, std::string> roles;
  std::unordered_map<Oid, ProcInfo> procs_;
  std::unordered_multimap<std::string, Oid> procs_by_name_;
  std::map<std::tuple<Oid, Oid, int32_t>, std::string> descriptions_;
  std::map<std::pair<Oid, Oid>, std::string> shared_descriptions_;
  // Rows of set-returning catalog functions taken from the dump (pg_settings, pg_get_keywords).
  std::shared_ptr<const Relation> settings;
  // Settings whose pg_settings row a registration overrode (they win over a session default).
  std::set<std::string> overridden_settings;
  // The session's value of a setting unless a registered override takes precedence.
  std::optional<std::string> session_setting(const SessionInfo& session,
                                             std::string_view name) const;
  std::shared_ptr<const Relation> keywords;
  // Hash indexes over base relation rows by column (hash of the value → row positions), built
  // on first use and shared by every statement on this snapshot.
  using RowIndex = std::unordered_multimap<size_t, size_t>;
  std::shared_ptr<const RowIndex> index(const std::vector<Row>& rows, int column) const;
  // Rows of set-returning functions PostgreSQL computes in C, by function name.
  std::unordered_map<std::string, std::shared_ptr<const Relation>> function_rows;

 private:
  // Copies of a snapshot (one per database with registered objects) start with no indexes.
  struct IndexCache {
    std::mutex mu;
    std::map<std::pair<const void*, int>, std::shared_ptr<const RowIndex>> by_rows;
    IndexCache() = default;
    IndexCache(const IndexCache&) {}
    IndexCache& operator=(const IndexCache&) { return *this; }
  };
  mutable IndexCache index_cache_;

 public:
};

// Whether CREATE TABLE would give this relation a TOAST table (a column of unbounded length).
bool user_relation_needs_toast(const UserRelation& r, const CatalogSnapshot& s);

// Text forms (PostgreSQL output functions) and parsing (input functions) of engine values.
std::string output_text(const Value& v, TypeRef type, const CatalogSnapshot& cat,
                        const std::vector<std::string>& search_path);
Value input_text(std::string_view text, TypeRef type, const CatalogSnapshot& cat);
// The binary (send) form of a value; false when the type has none.
bool binary_value(const Value& v, TypeRef type, const CatalogSnapshot& cat,
                  const std::vector<std::string>& path, std::string& out);
// Quotes an identifier as quote_ident does.
std::string quote_ident(std::string_view ident);
std::string format_type(const CatalogSnapshot& cat, Oid type, int32_t typmod);
// format_type with PostgreSQL's flags: typmod_given false prints "bpchar" rather than "character".
std::string format_type_flags(const CatalogSnapshot& cat, Oid type, int32_t typmod,
                              bool typmod_given);

}  // namespace riffq::catalog
