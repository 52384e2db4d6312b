// riffq/catalog/engine.hpp
// The catalog engine: answers statements that read pg_catalog / information_schema by running
// their PostgreSQL parse trees (libpg_query) over a model of the PostgreSQL 15 catalog that
// holds the built-in rows of a real PostgreSQL 15 and the objects the program registered.
//
// INTERFACE ROUTINES
//   CatalogEngine::set_objects(catalog)    replace the registered objects (next statement sees
//   them) CatalogEngine::prepare(sql, types, s)  parse + bind one statement (throws CatalogError)
//   CatalogEngine::execute(stmt, params)   run it: typed rows
//   CatalogEngine::text(value, type)       PostgreSQL's text output of a result value
//   reads_catalog(sql)                     does a statement read the catalog (routing)
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "riffq/catalog/user_objects.hpp"
#include "riffq/catalog/value.hpp"

namespace riffq::catalog {

class CatalogSnapshot;
struct Query;

// What the session knows that catalog functions report (current_user, settings, …).
struct SessionInfo {
  std::string database = "postgres";
  std::string user = "postgres";
  std::vector<std::string> search_path{"public"};  // "$user" removed; pg_catalog implicit
  std::function<std::optional<std::string>(std::string_view)> setting;  // current_setting
  // Whether the session still has the server's default for a setting (neither the startup
  // packet nor SET changed it): a registered settings override then shows instead.
  std::function<bool(std::string_view)> setting_is_default;
  int32_t backend_pid = 0;
  std::string server_version = "15.0";
};

struct ResultColumn {
  std::string name;
  TypeRef type;  // domains already reduced to their base type
  Oid table_oid = 0;
  int16_t attnum = 0;
  int16_t typlen = -1;  // pg_type.typlen of the type
};

// One bound statement, reusable for several executions (extended protocol).
struct PreparedCatalogQuery {
  std::shared_ptr<const CatalogSnapshot> snapshot;
  std::shared_ptr<Query> query;
  std::vector<ResultColumn> columns;
  std::vector<TypeRef> param_types;  // inferred from context; unknown stays text
};

struct CatalogResult {
  std::vector<ResultColumn> columns;
  std::vector<Row> rows;
};

class CatalogEngine {
 public:
  CatalogEngine();
  ~CatalogEngine();

  // Replaces the registered objects; statements prepared afterwards see them.
  void set_objects(UserCatalog objects);
  // Registration one object at a time (register_database / _schema / _table), creating the
  // database and schema when missing. Each relation is checked alone as CREATE TABLE checks it
  // and gets its OIDs, so registering n tables costs O(n) overall; the database's snapshot is
  // rebuilt on its next statement. A relation of the same name is replaced. Throws
  // CatalogError (nothing changes then).
  void add_database(const std::string& database);
  void add_schema(const std::string& database, const std::string& schema);
  void add_relation(const std::string& database, const std::string& schema, UserRelation rel);
  bool has_database(std::string_view name) const;
  // The snapshot for `database` (cached until the objects change).
  std::shared_ptr<const CatalogSnapshot> snapshot(std::string_view database) const;

  PreparedCatalogQuery prepare(std::string_view sql, const std::vector<Oid>& param_types,
                               const SessionInfo& session) const;
  // The same over a given snapshot (a lazy source's objects, from snapshot_of).
  PreparedCatalogQuery prepare(std::string_view sql, const std::vector<Oid>& param_types,
                               const SessionInfo& session,
                               std::shared_ptr<const CatalogSnapshot> snapshot) const;
  // A snapshot of `database` built from `objects` (a lazy source's answer), without replacing
  // the registered objects. OIDs the objects do not carry are assigned and kept, as for
  // set_objects. Throws CatalogError for objects that do not build. The same pointer as the
  // last call for `database`, or equal objects, reuse that call's snapshot.
  std::shared_ptr<const CatalogSnapshot> snapshot_of(std::shared_ptr<const UserCatalog> objects,
                                                     std::string_view database) const;
  // Types of the parameters of a statement the handler answers, as PostgreSQL would infer them
  // from the registered tables (comparisons with their columns, INSERT and UPDATE targets);
  // `known` are the declared or cast types. 0 where nothing says; never throws for bad SQL.
  std::vector<Oid> infer_parameter_types(std::string_view sql, const std::vector<Oid>& known,
                                         const SessionInfo& session) const;
  // The binary (send) form of a value; false when the type has none (aclitem, as PostgreSQL).
  bool binary(const PreparedCatalogQuery& stmt, const Value& v, TypeRef type,
              const SessionInfo& session, std::string& out) const;
  // params: text form (nullopt = NULL), one per parameter.
  CatalogResult execute(const PreparedCatalogQuery& stmt,
                        const std::vector<std::optional<std::string>>& params,
                        const SessionInfo& session) const;
  // PostgreSQL's text output of a value of `type` (regclass prints names, arrays {…}, …).
  std::string text(const PreparedCatalogQuery& stmt, const Value& v, TypeRef type,
                   const SessionInfo& session) const;

 private:
  void assign_oids(const UserCatalog& objects) const;  // mu_ held
  void assign_oid(const std::string& key) const;       // mu_ held
  void assign_relation_oids(const std::string& database, const std::string& schema,
                            const UserRelation& rel) const;                       // mu_ held
  UserSchema& schema_of(const std::string& database, const std::string& schema);  // mu_ held
  void index_objects();                                                           // mu_ held
  void drop_snapshot(std::string_view database) const;                            // mu_ held

  mutable std::mutex mu_;
  UserCatalog objects_;
  // Positions in objects_ by "database.schema.relation" (vectors only grow; replacing keeps a
  // position), so registration finds names in O(1).
  std::unordered_map<std::string, size_t> relation_pos_;
  mutable std::unordered_map<std::string, Oid> oids_;  // assigned OIDs by object key
  mutable Oid next_oid_ = 16384;                       // FirstNormalObjectId, as PostgreSQL
  mutable std::vector<std::pair<std::string, std::shared_ptr<const CatalogSnapshot>>> snapshots_;
  // The last lazy-source answer per database and its snapshot: a source that answers the same
  // objects again (the usual case, it is asked before every statement) reuses the snapshot.
  mutable std::unordered_map<std::string, std::pair<std::shared_ptr<const UserCatalog>,
                                                    std::shared_ptr<const CatalogSnapshot>>>
      lazy_snapshots_;
};

// A binary parameter of `type` as text (the engine reads parameters in text form); nullopt
// when the bytes are malformed or the type's binary form is not read.
std::optional<std::string> binary_param_text(std::string_view bytes, Oid type);

// Routing: true when `sql` (one statement) reads pg_catalog / information_schema relations or
// calls catalog functions (format_type, pg_get_*, has_*_privilege, …) or casts to reg* types.
bool reads_catalog(std::string_view sql);

// Routing with emulation off: true when the statement only looks up types (pg_type and its
// companions, to_regtype) as drivers do at connect.
bool is_type_introspection(std::string_view sql);

}  // namespace riffq::catalog
