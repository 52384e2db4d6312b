// catalog_snapshot.cpp — the built-in catalog converted to typed rows (once per process) and
// the look-ups over it; user_rows.cpp adds the registered objects of one database.
#include "catalog_snapshot.hpp"

#include <algorithm>

#include "riffq/catalog/builtin_data.hpp"
#include "riffq/catalog/engine.hpp"
#include "riffq/common/ascii.hpp"
#include "type_oids.hpp"

namespace riffq::catalog {

int Relation::column_index(std::string_view column) const {
  for (size_t i = 0; i < columns.size(); ++i)
    if (columns[i].name == column) return static_cast<int>(i);
  return -1;
}

const Relation* CatalogSnapshot::relation(std::string_view schema, std::string_view name) const {
  std::string key;
  key.reserve(schema.size() + name.size() + 1);
  key.append(schema).append(".").append(name);
  auto it = relations.find(key);
  return it == relations.end() ? nullptr : it->second.get();
}

const Relation* CatalogSnapshot::relation_by_oid(Oid oid) const {
  auto it = relations_by_oid.find(oid);
  return it == relations_by_oid.end() ? nullptr : it->second;
}

const Relation* CatalogSnapshot::lookup_relation(std::string_view name,
                                                 const std::vector<std::string>& path) const {
  bool catalog_listed = std::find(path.begin(), path.end(), "pg_catalog") != path.end();
  if (!catalog_listed)
    if (const Relation* r = relation("pg_catalog", name)) return r;
  for (const auto& schema : path)
    if (const Relation* r = relation(schema, name)) return r;
  return nullptr;
}

Oid CatalogSnapshot::namespace_oid(std::string_view name) const {
  auto it = namespace_by_name.find(std::string(name));
  return it == namespace_by_name.end() ? 0 : it->second;
}

std::string CatalogSnapshot::namespace_name(Oid oid) const {
  auto it = namespaces.find(oid);
  return it == namespaces.end() ? "" : it->second;
}

std::string CatalogSnapshot::role_name(Oid oid) const {
  auto it = roles.find(oid);
  return it == roles.end() ? "" : it->second;
}

Oid CatalogSnapshot::role_oid(std::string_view name) const {
  for (const auto& [oid, n] : roles)
    if (n == name) return oid;
  return 0;
}

const ProcInfo* CatalogSnapshot::proc(Oid oid) const {
  auto it = procs_.find(oid);
  return it == procs_.end() ? nullptr : &it->second;
}

std::vector<const ProcInfo*> CatalogSnapshot::procs_named(std::string_view name) const {
  std::vector<const ProcInfo*> out;
  auto [b, e] = procs_by_name_.equal_range(std::string(name));
  for (auto it = b; it != e; ++it) out.push_back(proc(it->second));
  return out;
}

std::optional<std::string> CatalogSnapshot::description(Oid objoid, Oid classoid,
                                                        int32_t subid) const {
  auto it = descriptions_.find({objoid, classoid, subid});
  if (it == descriptions_.end()) return std::nullopt;
  return it->second;
}

std::optional<std::string> CatalogSnapshot::shared_description(Oid objoid, Oid classoid) const {
  auto it = shared_descriptions_.find({objoid, classoid});
  if (it == shared_descriptions_.end()) return std::nullopt;
  return it->second;
}

std::optional<std::string> CatalogSnapshot::session_setting(const SessionInfo& session,
                                                            std::string_view name) const {
  if (!session.setting) return std::nullopt;
  if (overridden_settings.count(ascii_lower(name)) && session.setting_is_default &&
      session.setting_is_default(name))
    return std::nullopt;
  return session.setting(name);
}

namespace {

std::optional<std::string> text_at(const BuiltinTable& t, const BuiltinRow& r,
                                   std::string_view col) {
  int i = t.column_index(col);
  return i < 0 ? std::nullopt : r[static_cast<size_t>(i)];
}

int64_t int_at(const BuiltinTable& t, const BuiltinRow& r, std::string_view col) {
  auto v = text_at(t, r, col);
  return v ? std::stoll(*v) : 0;
}

TypeRegistry builtin_types(const BuiltinCatalog& b) {
  TypeRegistry reg;
  const BuiltinTable* pg_type = b.table("pg_catalog", "pg_type");
  for (const BuiltinRow& r : pg_type->rows) {
    TypeInfo t;
    t.oid = static_cast<Oid>(int_at(*pg_type, r, "oid"));
    t.name = *text_at(*pg_type, r, "typname");
    t.namespace_oid = static_cast<Oid>(int_at(*pg_type, r, "typnamespace"));
    t.len = static_cast<int16_t>(int_at(*pg_type, r, "typlen"));
    t.type = (*text_at(*pg_type, r, "typtype"))[0];
    t.category = (*text_at(*pg_type, r, "typcategory"))[0];
    t.preferred = *text_at(*pg_type, r, "typispreferred") == "t";
    t.delim = (*text_at(*pg_type, r, "typdelim"))[0];
    t.elem = static_cast<Oid>(int_at(*pg_type, r, "typelem"));
    t.array = static_cast<Oid>(int_at(*pg_type, r, "typarray"));
    t.basetype = static_cast<Oid>(int_at(*pg_type, r, "typbasetype"));
    t.typmod = static_cast<int32_t>(int_at(*pg_type, r, "typtypmod"));
    t.relid = static_cast<Oid>(int_at(*pg_type, r, "typrelid"));
    reg.add(std::move(t));
  }
  const BuiltinTable* cast = b.table("pg_catalog", "pg_cast");
  for (const BuiltinRow& r : cast->rows)
    if (*text_at(*cast, r, "castcontext") == "i")
      reg.add_implicit_cast(static_cast<Oid>(int_at(*cast, r, "castsource")),
                            static_cast<Oid>(int_at(*cast, r, "casttarget")));
  return reg;
}

std::shared_ptr<Relation> typed_table(const BuiltinTable& t, const CatalogSnapshot& cat, char kind,
                                      Oid nsp) {
  auto rel = std::make_shared<Relation>();
  rel->oid = t.oid;
  rel->namespace_oid = nsp;
  rel->schema = t.schema;
  rel->name = t.name;
  rel->kind = kind;
  for (const auto& c : t.columns)
    rel->columns.push_back(ColumnDef{c.name, TypeRef{c.type_oid, c.typmod}, c.not_null});
  auto rows = std::make_shared<std::vector<Row>>();
  rows->reserve(t.rows.size());
  std::vector<TypeRef> types;
  for (const auto& c : rel->columns) types.push_back(c.type);
  for (const BuiltinRow& r : t.rows) {
    Row row;
    row.reserve(r.size());
    for (size_t i = 0; i < r.size(); ++i) {
      if (!r[i]) {
        row.emplace_back();
        continue;
      }
      try {
        row.push_back(input_text(*r[i], types[i], cat));
      } catch (const CatalogError&) {
        row.push_back(Value::text(*r[i]));  // a type we do not model (pg_lsn, anyarray): its text
      }
    }
    rows->push_back(std::move(row));
  }
  rel->rows = std::move(rows);
  if (!t.xmins.empty()) rel->xmins = std::make_shared<const std::vector<uint32_t>>(t.xmins);
  return rel;
}

}  // namespace

// The built-in part of every snapshot, built once.
std::shared_ptr<const CatalogSnapshot> builtin_snapshot() {
  static const std::shared_ptr<const CatalogSnapshot> snap = [] {
    const BuiltinCatalog& b = builtin_catalog();
    auto s = std::make_shared<CatalogSnapshot>();
    s->types = builtin_types(b);
    const BuiltinTable* nsp = b.table("pg_catalog", "pg_namespace");
    for (const BuiltinRow& r : nsp->rows) {
      Oid oid = static_cast<Oid>(int_at(*nsp, r, "oid"));
      std::string name = *text_at(*nsp, r, "nspname");
      s->namespaces[oid] = name;
      s->namespace_by_name[name] = oid;
    }
    auto add = [&](std::shared_ptr<Relation> rel) {
      s->relations[rel->schema + "." + rel->name] = rel;
    };
    for (const BuiltinTable& t : b.tables) add(typed_table(t, *s, 'r', s->namespace_oid(t.schema)));
    for (const BuiltinView& v : b.views) {
      auto rel = std::make_shared<Relation>();
      rel->oid = v.oid;
      rel->namespace_oid = s->namespace_oid(v.schema);
      rel->schema = v.schema;
      rel->name = v.name;
      rel->kind = 'v';
      for (const auto& c : v.columns)
        rel->columns.push_back(ColumnDef{c.name, TypeRef{c.type_oid, c.typmod}, false});
      rel->view_sql = v.definition;
      s->view_defs[v.oid] = v.definition;
      add(rel);
    }
    // Views PostgreSQL computes in C: their rows come from the dump.
    for (const BuiltinTable* p : {&b.settings, &b.available_extensions}) {
      auto rel = typed_table(*p, *s, 'v', 11);
      rel->schema = "pg_catalog";
      add(rel);
      if (p == &b.settings) s->settings = rel;
    }
    s->keywords = typed_table(b.keywords, *s, 'v', 11);
    for (const BuiltinTable& f : b.function_rows)
      s->function_rows[f.name] = typed_table(f, *s, 'v', 11);
    for (const BuiltinTable& t : b.tables)
      for (uint32_t x : t.xmins) s->user_xmin = std::max(s->user_xmin, x + 1);
    s->next_xid = s->user_xmin + 1;
    for (auto& [key, rel] : s->relations) s->relations_by_oid[rel->oid] = rel.get();
    // The other pg_class entries (indexes, TOAST tables, sequences) exist for regclass only.
    const BuiltinTable* cls = b.table("pg_catalog", "pg_class");
    for (const BuiltinRow& r : cls->rows) {
      const Oid oid = static_cast<Oid>(int_at(*cls, r, "oid"));
      if (s->relations_by_oid.count(oid)) continue;
      auto rel = std::make_shared<Relation>();
      rel->oid = oid;
      rel->namespace_oid = static_cast<Oid>(int_at(*cls, r, "relnamespace"));
      rel->schema = s->namespace_name(rel->namespace_oid);
      rel->name = *text_at(*cls, r, "relname");
      rel->kind = (*text_at(*cls, r, "relkind"))[0];
      s->relations_by_oid[oid] = rel.get();
      s->relations[rel->schema + "." + rel->name] = rel;
    }
    // Tables the dump leaves out (pg_statistic, pg_largeobject*) are empty here, as in a
    // cluster where nothing was analyzed and no large object made: pg_stats has no rows.
    const BuiltinTable* att = b.table("pg_catalog", "pg_attribute");
    for (const BuiltinRow& r : cls->rows) {
      if (*text_at(*cls, r, "relkind") != "r") continue;
      auto it = s->relations_by_oid.find(static_cast<Oid>(int_at(*cls, r, "oid")));
      if (it == s->relations_by_oid.end() || it->second->rows) continue;
      auto rel = std::make_shared<Relation>(*it->second);
      for (const BuiltinRow& a : att->rows)
        if (static_cast<Oid>(int_at(*att, a, "attrelid")) == rel->oid &&
            int_at(*att, a, "attnum") > 0)
          rel->columns.push_back(
              ColumnDef{*text_at(*att, a, "attname"),
                        TypeRef{static_cast<Oid>(int_at(*att, a, "atttypid")),
                                static_cast<int32_t>(int_at(*att, a, "atttypmod"))},
                        *text_at(*att, a, "attnotnull") == "t"});
      rel->rows = std::make_shared<const std::vector<Row>>();
      it->second = rel.get();
      s->relations[rel->schema + "." + rel->name] = rel;
    }

    const BuiltinTable* authid = b.table("pg_catalog", "pg_authid");
    for (const BuiltinRow& r : authid->rows)
      s->roles[static_cast<Oid>(int_at(*authid, r, "oid"))] = *text_at(*authid, r, "rolname");
    const BuiltinTable* proc = b.table("pg_catalog", "pg_proc");
    for (const BuiltinRow& r : proc->rows) {
      ProcInfo p;
      p.oid = static_cast<Oid>(int_at(*proc, r, "oid"));
      p.name = *text_at(*proc, r, "proname");
      p.namespace_oid = static_cast<Oid>(int_at(*proc, r, "pronamespace"));
      p.result_type = static_cast<Oid>(int_at(*proc, r, "prorettype"));
      p.returns_set = *text_at(*proc, r, "proretset") == "t";
      std::string args = text_at(*proc, r, "proargtypes").value_or("");
      size_t pos = 0;
      while (pos < args.size()) {
        size_t sp = args.find(' ', pos);
        if (sp == std::string::npos) sp = args.size();
        if (sp > pos)
          p.arg_types.push_back(static_cast<Oid>(std::stoul(args.substr(pos, sp - pos))));
        pos = sp + 1;
      }
      s->procs_by_name_.emplace(p.name, p.oid);
      s->procs_.emplace(p.oid, std::move(p));
    }
    const BuiltinTable* desc = b.table("pg_catalog", "pg_description");
    for (const BuiltinRow& r : desc->rows)
      s->descriptions_[{static_cast<Oid>(int_at(*desc, r, "objoid")),
                        static_cast<Oid>(int_at(*desc, r, "classoid")),
                        static_cast<int32_t>(int_at(*desc, r, "objsubid"))}] =
          *text_at(*desc, r, "description");
    const BuiltinTable* shdesc = b.table("pg_catalog", "pg_shdescription");
    for (const BuiltinRow& r : shdesc->rows)
      s->shared_descriptions_[{static_cast<Oid>(int_at(*shdesc, r, "objoid")),
                               static_cast<Oid>(int_at(*shdesc, r, "classoid"))}] =
          *text_at(*shdesc, r, "description");
    for (const auto& def : b.definitions) s->builtin_defs[def.function][def.oid] = def.text;
    return s;
  }();
  return snap;
}

std::shared_ptr<const CatalogSnapshot::RowIndex> CatalogSnapshot::index(
    const std::vector<Row>& rows, int column) const {
  std::lock_guard<std::mutex> lock(index_cache_.mu);
  auto& slot = index_cache_.by_rows[{&rows, column}];
  if (!slot) {
    auto idx = std::make_shared<RowIndex>();
    idx->reserve(rows.size());
    for (size_t i = 0; i < rows.size(); ++i)
      idx->emplace(hash_value(rows[i][static_cast<size_t>(column)]), i);
    slot = std::move(idx);
  }
  return slot;
}

}  // namespace riffq::catalog
