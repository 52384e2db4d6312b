// engine.cpp — CatalogEngine: snapshots per database, OIDs for registered objects, preparing
// and executing statements, and text output of results.
#include "riffq/catalog/engine.hpp"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "binder.hpp"
#include "catalog_snapshot.hpp"
#include "check_exprs.hpp"
#include "type_oids.hpp"
#include "user_validation.hpp"

namespace riffq::catalog {

std::shared_ptr<const CatalogSnapshot> builtin_snapshot();

CatalogEngine::CatalogEngine() = default;
CatalogEngine::~CatalogEngine() = default;

void CatalogEngine::set_objects(UserCatalog objects) {
  std::lock_guard<std::mutex> lock(mu_);
  assign_oids(objects);
  objects_ = std::move(objects);
  index_objects();
  snapshots_.clear();
}

void CatalogEngine::index_objects() {
  relation_pos_.clear();
  for (const UserDatabase& d : objects_.databases)
    for (const UserSchema& sc : d.schemas)
      for (size_t i = 0; i < sc.relations.size(); ++i)
        relation_pos_[d.name + "." + sc.name + "." + sc.relations[i].name] = i;
}

void CatalogEngine::drop_snapshot(std::string_view database) const {
  std::erase_if(snapshots_, [&](const auto& entry) { return entry.first == database; });
}

UserSchema& CatalogEngine::schema_of(const std::string& database, const std::string& schema) {
  UserDatabase* d = nullptr;
  for (UserDatabase& x : objects_.databases)
    if (x.name == database) d = &x;
  if (d == nullptr) {
    objects_.databases.push_back(UserDatabase{0, database, std::nullopt, {}});
    d = &objects_.databases.back();
    assign_oids(UserCatalog{{UserDatabase{0, database, std::nullopt, {}}}, {}});
    snapshots_.clear();  // every database's pg_database lists it
  }
  for (UserSchema& x : d->schemas)
    if (x.name == schema) return x;
  d->schemas.push_back(UserSchema{0, schema, std::nullopt, {}, std::nullopt});
  UserDatabase only{0, database, std::nullopt, {UserSchema{0, schema, std::nullopt, {}, {}}}};
  assign_oids(UserCatalog{{only}, {}});
  return d->schemas.back();
}

void CatalogEngine::add_database(const std::string& database) {
  add_schema(database, "public");
}

void CatalogEngine::add_schema(const std::string& database, const std::string& schema) {
  std::lock_guard<std::mutex> lock(mu_);
  schema_of(database, schema);
  drop_snapshot(database);
}

void CatalogEngine::add_relation(const std::string& database, const std::string& schema,
                                 UserRelation rel) {
  std::lock_guard<std::mutex> lock(mu_);
  auto registered = [&](const std::string& sc, const std::string& name) -> const UserRelation* {
    auto it = relation_pos_.find(database + "." + sc + "." + name);
    if (it == relation_pos_.end()) return nullptr;
    for (const UserDatabase& d : objects_.databases)
      if (d.name == database)
        for (const UserSchema& x : d.schemas)
          if (x.name == sc) return &x.relations[it->second];
    return nullptr;
  };
  validate_relation(rel, schema, registered, *builtin_snapshot());
  UserSchema& target = schema_of(database, schema);
  assign_relation_oids(database, schema, rel);
  const std::string key = database + "." + schema + "." + rel.name;
  if (auto it = relation_pos_.find(key); it != relation_pos_.end()) {
    target.relations[it->second] = std::move(rel);
  } else {
    relation_pos_[key] = target.relations.size();
    target.relations.push_back(std::move(rel));
  }
  drop_snapshot(database);
}

std::shared_ptr<const CatalogSnapshot> CatalogEngine::snapshot_of(
    std::shared_ptr<const UserCatalog> objects, std::string_view database) const {
  std::unordered_map<std::string, Oid> oids;
  const std::string db(database);
  {
    std::lock_guard<std::mutex> lock(mu_);
    // The same pointer is a source's cached answer (no comparison of every object); equal
    // objects are an unversioned source that answered the same again.
    if (auto it = lazy_snapshots_.find(db);
        it != lazy_snapshots_.end() &&
        (it->second.first == objects || *it->second.first == *objects))
      return it->second.second;
    assign_oids(*objects);
    oids = oids_;
  }
  auto snap = CatalogSnapshot::build(*objects, database, oids);
  std::lock_guard<std::mutex> lock(mu_);
  lazy_snapshots_[db] = {objects, snap};
  return snap;
}

// OIDs are assigned once per object key and kept, so re-registering keeps joins stable. They
// are taken in the order CREATE SCHEMA / CREATE TABLE / CREATE INDEX take them in PostgreSQL
// (table, array type, row type, defaults, TOAST table and index, keys, foreign keys with their
// triggers, then indexes), so objects created in the same order get the same OIDs.
void CatalogEngine::assign_oids(const UserCatalog& objects) const {
  const CatalogSnapshot& builtin = *builtin_snapshot();
  for (const UserDatabase& d : objects.databases) {
    if (d.name != "postgres" && d.name != "template0" && d.name != "template1")
      assign_oid("d:" + d.name);
    for (const UserSchema& s : d.schemas) {
      if (builtin.namespace_oid(s.name) == 0) assign_oid("s:" + d.name + "." + s.name);
      for (const UserRelation& r : s.relations) assign_relation_oids(d.name, s.name, r);
    }
  }
}

void CatalogEngine::assign_oid(const std::string& key) const {
  if (oids_.find(key) == oids_.end()) oids_[key] = next_oid_++;
}

void CatalogEngine::assign_relation_oids(const std::string& database, const std::string& schema,
                                         const UserRelation& r) const {
  const std::string key = database + "." + schema + "." + r.name;
  auto assign = [&](const std::string& k) { assign_oid(k); };
  assign("r:" + key);
  assign("a:" + key);
  assign("t:" + key);
  if (r.kind == 'v' || r.kind == 'm') assign("rule:" + key);  // its _RETURN rule
  for (const UserColumn& c : r.columns)
    if (c.default_expr) assign("ad:" + key + "." + c.name);
  for (const UserCheck& ck : r.checks) assign("c:" + key + "." + check_name(r, ck));
  if ((r.kind == 'r' || r.kind == 'm') && user_relation_needs_toast(r, *builtin_snapshot())) {
    assign("toast:" + key);
    assign("toasti:" + key);
  }
  if (!r.primary_key.empty()) {
    std::string name = r.primary_key_name.empty() ? r.name + "_pkey" : r.primary_key_name;
    assign("i:" + key + "." + name);
    assign("c:" + key + "." + name);
  }
  for (const auto& uk : r.unique_keys) {
    std::string name = r.name;
    for (const auto& c : uk) name += "_" + c;
    name += "_key";
    assign("i:" + key + "." + name);
    assign("c:" + key + "." + name);
  }
  for (const auto& fk : r.foreign_keys) {
    std::string name = fk.name;
    if (name.empty()) {
      name = r.name;
      for (const auto& c : fk.columns) name += "_" + c;
      name += "_fkey";
    }
    assign("c:" + key + "." + name);
    for (int k = 0; k < 4; ++k) assign("tg:" + key + "." + name + "." + std::to_string(k));
  }
  for (const auto& ix : r.indexes) assign("i:" + key + "." + ix.name);
}

bool CatalogEngine::has_database(std::string_view name) const {
  std::lock_guard<std::mutex> lock(mu_);
  if (objects_.database(name) != nullptr) return true;
  return name == "postgres" || name == "template1" || name == "template0";
}

std::shared_ptr<const CatalogSnapshot> CatalogEngine::snapshot(std::string_view database) const {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [name, snap] : snapshots_)
    if (name == database) return snap;
  auto snap = CatalogSnapshot::build(objects_, database, oids_);
  snapshots_.emplace_back(std::string(database), snap);
  return snap;
}

PreparedCatalogQuery CatalogEngine::prepare(std::string_view sql,
                                            const std::vector<Oid>& param_types,
                                            const SessionInfo& session) const {
  return prepare(sql, param_types, session, snapshot(session.database));
}

PreparedCatalogQuery CatalogEngine::prepare(std::string_view sql,
                                            const std::vector<Oid>& param_types,
                                            const SessionInfo& session,
                                            std::shared_ptr<const CatalogSnapshot> snapshot) const {
  PreparedCatalogQuery p;
  p.snapshot = std::move(snapshot);
  std::vector<TypeRef> params;
  for (Oid t : param_types) params.push_back(TypeRef{t, -1});
  p.query = bind_sql(sql, *p.snapshot, session, params);
  for (auto& t : params)
    if (t.oid == 0 || t.oid == toid::UNKNOWN) t = TypeRef{toid::TEXT, -1};
  p.param_types = params;
  for (const OutputColumn& c : p.query->columns) {
    ResultColumn rc;
    rc.name = c.name;
    rc.type = p.snapshot->types.base(c.type);
    if (rc.type.oid == toid::UNKNOWN) rc.type = TypeRef{toid::TEXT, -1};
    rc.table_oid = c.table_oid;
    rc.attnum = c.attnum;
    if (const TypeInfo* ti = p.snapshot->types.find(rc.type.oid)) rc.typlen = ti->len;
    p.columns.push_back(rc);
  }
  return p;
}

CatalogResult CatalogEngine::execute(const PreparedCatalogQuery& stmt,
                                     const std::vector<std::optional<std::string>>& params,
                                     const SessionInfo& session) const {
  CatalogResult r;
  r.columns = stmt.columns;
  uint64_t work = 0;
  {
    ExecState st{*stmt.snapshot, session, {}, {}, {}, {}, 0, session.search_path, {}};
    for (size_t i = 0; i < stmt.param_types.size(); ++i) {
      if (i >= params.size() || !params[i]) {
        st.params.push_back(Value::null());
        continue;
      }
      st.params.push_back(input_text(*params[i], stmt.param_types[i], *stmt.snapshot));
    }
    st.param_types = stmt.param_types;
    r.rows = stmt.query->run(st, nullptr);
    work = st.work;
  }
  // A statement that went through many rows freed many small intermediate rows; without a
  // trim glibc keeps them, and the server's RSS stays at the largest statement's peak.
  constexpr uint64_t kTrimAfterRows = 100000;
  if (work >= kTrimAfterRows) {
#if defined(__GLIBC__)
    malloc_trim(0);
#endif
  }
  return r;
}

std::string CatalogEngine::text(const PreparedCatalogQuery& stmt, const Value& v, TypeRef type,
                                const SessionInfo& session) const {
  return output_text(v, type, *stmt.snapshot, session.search_path);
}

bool CatalogEngine::binary(const PreparedCatalogQuery& stmt, const Value& v, TypeRef type,
                           const SessionInfo& session, std::string& out) const {
  return binary_value(v, type, *stmt.snapshot, session.search_path, out);
}

}  // namespace riffq::catalog
