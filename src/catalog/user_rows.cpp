// user_rows.cpp — the registered objects of one database as catalog rows: pg_database,
// pg_namespace, pg_class (tables, views, indexes), pg_type (row and array types),
// pg_attribute (with the system columns), pg_attrdef, pg_constraint, pg_index, pg_description;
// plus the definitions pg_get_constraintdef / pg_get_indexdef / pg_get_viewdef print.
#include <algorithm>
#include <set>

#include "catalog_snapshot.hpp"
#include "check_exprs.hpp"
#include "riffq/common/ascii.hpp"
#include "type_names.hpp"
#include "type_oids.hpp"
#include "user_rows.hpp"
#include "user_validation.hpp"

namespace riffq::catalog {

std::shared_ptr<const CatalogSnapshot> builtin_snapshot();

namespace {

using namespace user_rows;

constexpr Oid BOOTSTRAP_SUPERUSER = 10;
constexpr Oid PG_CLASS_OID = 1259, PG_NAMESPACE_OID = 2615, PG_CONSTRAINT_OID = 2606;

std::string column_list(const std::vector<std::string>& cols) {
  std::string out;
  for (size_t i = 0; i < cols.size(); ++i) out += (i ? ", " : "") + quote_ident(cols[i]);
  return out;
}

}  // namespace

std::shared_ptr<const CatalogSnapshot> CatalogSnapshot::build(
    const UserCatalog& user, std::string_view database,
    const std::unordered_map<std::string, Oid>& oids) {
  auto base = builtin_snapshot();
  auto s = std::make_shared<CatalogSnapshot>(*base);
  s->database = std::string(database);
  TableAppender app{*s, {}};
  auto oid_of = [&](const std::string& key) {
    auto it = oids.find(key);
    return it == oids.end() ? Oid{0} : it->second;
  };

  // pg_database: the built-in databases plus every registered one.
  for (const UserDatabase& d : user.databases) {
    bool exists = false;
    const Relation& pdb = app.rel("pg_database");
    for (const Row& r : *pdb.rows) exists = exists || (r[1].is_text() && r[1].as_text() == d.name);
    if (exists) continue;
    const Row* tmpl = nullptr;
    for (const Row& r : *pdb.rows)
      if (r[1].is_text() && r[1].as_text() == "postgres") tmpl = &r;
    Row row = *tmpl;
    row[0] = Value::integer(d.oid ? d.oid : oid_of("d:" + d.name));
    row[1] = Value::text(d.name);
    int dba = pdb.column_index("datdba");
    if (dba >= 0)
      row[static_cast<size_t>(dba)] = Value::integer(d.owner.value_or(BOOTSTRAP_SUPERUSER));
    app.rows("pg_database").push_back(std::move(row));
  }
  for (const Row& r : *app.rel("pg_database").rows)
    if (r[1].is_text() && r[1].as_text() == database)
      s->database_oid = static_cast<Oid>(r[0].as_int());

  // A lazy source's settings replace pg_settings values by name.
  if (!user.settings.empty() && s->settings) {
    auto rel = std::make_shared<Relation>(*s->settings);
    auto rows = std::make_shared<std::vector<Row>>(*rel->rows);
    int name_col = rel->column_index("name"), setting_col = rel->column_index("setting"),
        source_col = rel->column_index("source");
    for (const auto& [name, value] : user.settings)
      for (Row& r : *rows)
        if (r[static_cast<size_t>(name_col)].is_text() &&
            r[static_cast<size_t>(name_col)].as_text() == name) {
          r[static_cast<size_t>(setting_col)] = Value::text(value);
          if (source_col >= 0)
            r[static_cast<size_t>(source_col)] = Value::text("configuration file");
          s->overridden_settings.insert(ascii_lower(name));
        }
    rel->rows = rows;
    s->settings = rel;
    s->relations["pg_catalog.pg_settings"] = rel;
    s->relations_by_oid[rel->oid] = rel.get();
  }

  const UserDatabase* db = user.database(database);
  if (db == nullptr) return s;
  // COMMENT ON: what obj_description reads, and the pg_description row clients join to.
  auto describe = [&](Oid objoid, Oid classoid, int32_t subid, const std::string& text) {
    s->descriptions_[{objoid, classoid, subid}] = text;
    app.rows("pg_description")
        .push_back(RowBuilder(app.rel("pg_description"))
                       .i("objoid", objoid)
                       .i("classoid", classoid)
                       .i("objsubid", subid)
                       .t("description", text)
                       .take());
  };
  std::string dbkey = db->name + ".";

  for (const UserSchema& sc : db->schemas) {
    Oid nsp = s->namespace_oid(sc.name);
    if (nsp == 0) {
      nsp = sc.oid ? sc.oid : oid_of("s:" + dbkey + sc.name);
      s->namespaces[nsp] = sc.name;
      s->namespace_by_name[sc.name] = nsp;
      app.rows("pg_namespace")
          .push_back(RowBuilder(app.rel("pg_namespace"))
                         .i("oid", nsp)
                         .t("nspname", sc.name)
                         .i("nspowner", sc.owner.value_or(BOOTSTRAP_SUPERUSER))
                         .set("nspacl", Value::null())
                         .take());
    }
    if (sc.comment) describe(nsp, PG_NAMESPACE_OID, 0, *sc.comment);
  }
  // Relations in two passes: every name first (foreign keys may point forward), then rows.
  struct Placed {
    const UserSchema* schema;
    const UserRelation* rel;
    Oid oid, nsp;
    std::string key;
  };
  std::vector<Placed> placed;
  std::unordered_map<std::string, const UserRelation*> by_name;  // "schema.name"
  std::unordered_map<Oid, size_t> placed_by_oid;
  for (const UserSchema& sc : db->schemas)
    for (const UserRelation& r : sc.relations) by_name[sc.name + "." + r.name] = &r;
  auto registered = [&](const std::string& schema, const std::string& name) -> const UserRelation* {
    auto it = by_name.find(schema + "." + name);
    return it == by_name.end() ? nullptr : it->second;
  };
  for (const UserSchema& sc : db->schemas)
    for (const UserRelation& r : sc.relations) {
      validate_relation(r, sc.name, registered, *base);
      std::string key = dbkey + sc.name + "." + r.name;
      Oid oid = r.oid ? r.oid : oid_of("r:" + key);
      Oid nsp = s->namespace_oid(sc.name);
      placed_by_oid[oid] = placed.size();
      placed.push_back(Placed{&sc, &r, oid, nsp, key});
      auto rel = std::make_shared<Relation>();
      rel->oid = oid;
      rel->namespace_oid = nsp;
      rel->schema = sc.name;
      rel->name = r.name;
      rel->kind = r.kind;
      for (const UserColumn& c : r.columns)
        rel->columns.push_back(ColumnDef{c.name, column_type(c, *s), !c.nullable});
      // User relations have no rows in the catalog engine: their data lives with the handler.
      rel->rows = std::make_shared<const std::vector<Row>>();
      s->relations[sc.name + "." + r.name] = rel;
      s->relations_by_oid[oid] = rel.get();
    }

  // Rows go into the catalog tables in OID order, the order CREATE statements gave them in
  // PostgreSQL (registration order across schemas), so a scan without ORDER BY sees its heap's.
  std::stable_sort(placed.begin(), placed.end(),
                   [](const Placed& a, const Placed& b) { return a.oid < b.oid; });
  for (size_t k = 0; k < placed.size(); ++k) placed_by_oid[placed[k].oid] = k;

  // Foreign keys are enforced by (internal) triggers on both tables: relhastriggers is set on
  // each, which is what makes psql look for them.
  std::set<Oid> referenced;
  for (const Placed& p : placed)
    for (const auto& fk : p.rel->foreign_keys)
      if (const Relation* t =
              s->relation(fk.ref_schema.empty() ? p.schema->name : fk.ref_schema, fk.ref_table))
        referenced.insert(t->oid);
  const size_t first_class_row = app.rows("pg_class").size();
  std::unordered_map<Oid, Oid> last_key_index;  // table → its last primary / unique key index
  for (const Placed& p : placed) {
    const UserRelation& r = *p.rel;
    const Relation& rel = *s->relations_by_oid.at(p.oid);
    Oid owner = r.owner.value_or(BOOTSTRAP_SUPERUSER);
    Oid rowtype = r.rowtype_oid ? r.rowtype_oid : oid_of("t:" + p.key);
    Oid arraytype = oid_of("a:" + p.key);
    bool has_index =
        r.has_index || !r.primary_key.empty() || !r.unique_keys.empty() || !r.indexes.empty();
    const Oid toast = oid_of("toast:" + p.key);  // assigned when the table needs one

    RowBuilder cls(app.rel("pg_class"));
    cls.i("oid", p.oid)
        .t("relname", r.name)
        .i("relnamespace", p.nsp)
        .i("reltype", rowtype)
        .i("relowner", owner)
        .i("relam", r.kind == 'v' ? 0 : 2)
        .i("relfilenode", r.kind == 'v' ? 0 : p.oid)
        .i("relpages", 0)
        .set("reltuples", Value::floating(-1))
        .b("relhasindex", has_index)
        .t("relpersistence", "p")
        .t("relkind", std::string(1, r.kind))
        .i("relnatts", static_cast<int64_t>(r.columns.size()))
        .i("relchecks", static_cast<int64_t>(r.checks.size()))
        .b("relhasrules", r.has_rules || r.kind == 'v')
        .b("relhastriggers",
           r.has_triggers || !r.foreign_keys.empty() || referenced.count(p.oid) > 0)
        .b("relrowsecurity", r.row_security)
        .b("relispopulated", true)
        .t("relreplident", r.kind == 'v' ? "n" : "d")
        .i("reltoastrelid", toast)
        // A table's relfrozenxid is the transaction that created it.
        .set("relfrozenxid", Value::text(r.kind == 'v' ? "0" : std::to_string(s->user_xmin)))
        .set("relminmxid", Value::text(r.kind == 'v' ? "0" : "1"))
        .set("relacl", Value::null())
        .set("reloptions", Value::null())
        .set("relpartbound", Value::null());
    app.rows("pg_class").push_back(cls.take());
    if (toast != 0) add_toast(app, *s, p.oid, toast, oid_of("toasti:" + p.key), owner);
    if (r.comment) describe(p.oid, PG_CLASS_OID, 0, *r.comment);

    // The row type and its array type, as CREATE TABLE makes them.
    const Row* tmpl = type_row(*s, 83);  // pg_class's row type: a composite to copy
    const Row* atmpl = type_row(*s, 273);
    if (tmpl && atmpl) {
      const Relation& pt = app.rel("pg_type");
      Row t = *tmpl;
      auto setc = [&](Row& row, const char* col, Value v) {
        int i = pt.column_index(col);
        if (i >= 0) row[static_cast<size_t>(i)] = std::move(v);
      };
      setc(t, "oid", Value::integer(rowtype));
      setc(t, "typname", Value::text(r.name));
      setc(t, "typnamespace", Value::integer(p.nsp));
      setc(t, "typowner", Value::integer(owner));
      setc(t, "typrelid", Value::integer(p.oid));
      setc(t, "typarray", Value::integer(arraytype));
      app.rows("pg_type").push_back(std::move(t));
      Row a = *atmpl;
      setc(a, "oid", Value::integer(arraytype));
      setc(a, "typname", Value::text("_" + r.name));
      setc(a, "typnamespace", Value::integer(p.nsp));
      setc(a, "typowner", Value::integer(owner));
      setc(a, "typelem", Value::integer(rowtype));
      app.rows("pg_type").push_back(std::move(a));
      TypeInfo ti;
      ti.oid = rowtype;
      ti.name = r.name;
      ti.namespace_oid = p.nsp;
      ti.type = 'c';
      ti.category = 'C';
      ti.array = arraytype;
      ti.relid = p.oid;
      s->types.add(ti);
      TypeInfo ai;
      ai.oid = arraytype;
      ai.name = "_" + r.name;
      ai.namespace_oid = p.nsp;
      ai.category = 'A';
      ai.elem = rowtype;
      s->types.add(ai);
    }

    // Columns: the system columns of a table, then the user's.
    if (r.kind != 'v') {
      struct Sys {
        const char* name;
        int num;
        Oid type;
      };
      static const Sys sys[] = {{"tableoid", -6, toid::OID}, {"cmax", -5, toid::CID},
                                {"xmax", -4, toid::XID},     {"cmin", -3, toid::CID},
                                {"xmin", -2, toid::XID},     {"ctid", -1, toid::TID}};
      for (const Sys& c : sys) {
        RowBuilder att(app.rel("pg_attribute"));
        att.i("attrelid", p.oid)
            .t("attname", c.name)
            .i("atttypid", c.type)
            .i("attstattarget", 0)
            .set("attlen", type_field(*s, c.type, "typlen"))
            .i("attnum", c.num)
            .i("attcacheoff", -1)
            .i("atttypmod", -1)
            .set("attbyval", type_field(*s, c.type, "typbyval"))
            .set("attalign", type_field(*s, c.type, "typalign"))
            .set("attstorage", type_field(*s, c.type, "typstorage"))
            .t("attcompression", "")
            .b("attnotnull", true)
            .t("attidentity", "")
            .t("attgenerated", "")
            .b("attislocal", true);
        app.rows("pg_attribute").push_back(att.take());
      }
    }
    for (size_t k = 0; k < r.columns.size(); ++k) {
      const UserColumn& c = r.columns[k];
      TypeRef ct = rel.columns[k].type;
      Oid collation = type_field(*s, ct.oid, "typcollation").is_int()
                          ? static_cast<Oid>(type_field(*s, ct.oid, "typcollation").as_int())
                          : 0;
      RowBuilder att(app.rel("pg_attribute"));
      att.i("attrelid", p.oid)
          .t("attname", c.name)
          .i("atttypid", ct.oid)
          .i("attstattarget", -1)
          .set("attlen", type_field(*s, ct.oid, "typlen"))
          .i("attnum", static_cast<int64_t>(k + 1))
          .i("attndims", s->types.is_array(ct.oid) ? 1 : 0)
          .i("attcacheoff", -1)
          .i("atttypmod", ct.typmod)
          .set("attbyval", type_field(*s, ct.oid, "typbyval"))
          .set("attalign", type_field(*s, ct.oid, "typalign"))
          .set("attstorage", type_field(*s, ct.oid, "typstorage"))
          .t("attcompression", "")
          .b("attnotnull", !c.nullable)
          .b("atthasdef", c.default_expr.has_value())
          .t("attidentity", "")
          .t("attgenerated", "")
          .b("attislocal", true)
          .i("attcollation", collation);
      app.rows("pg_attribute").push_back(att.take());
      if (c.comment) describe(p.oid, PG_CLASS_OID, static_cast<int32_t>(k + 1), *c.comment);
      if (c.default_expr) {
        Oid ad = oid_of("ad:" + p.key + "." + c.name);
        app.rows("pg_attrdef")
            .push_back(RowBuilder(app.rel("pg_attrdef"))
                           .i("oid", ad)
                           .i("adrelid", p.oid)
                           .i("adnum", static_cast<int64_t>(k + 1))
                           .t("adbin", *c.default_expr)
                           .take());
      }
    }
    if (r.view_definition) s->view_defs[p.oid] = *r.view_definition;
    if (r.kind == 'v' || r.kind == 'm') {
      // A view is a relation with an ON SELECT DO INSTEAD rule; its query tree is not kept.
      app.rows("pg_rewrite")
          .push_back(RowBuilder(app.rel("pg_rewrite"))
                         .i("oid", oid_of("rule:" + p.key))
                         .t("rulename", "_RETURN")
                         .i("ev_class", p.oid)
                         .t("ev_type", "1")
                         .t("ev_enabled", "O")
                         .b("is_instead", true)
                         .t("ev_qual", "<>")
                         .t("ev_action", "")
                         .take());
    }

    auto attnums = [&](const std::vector<std::string>& cols) {
      std::vector<int64_t> out;
      for (const auto& name : cols) {
        out.push_back(rel.column_index(name) + 1);  // validate_relation: every name exists
      }
      return out;
    };
    auto add_index = [&](const std::string& name, const std::vector<std::string>& cols, bool unique,
                         bool primary) {
      Oid idx = oid_of("i:" + p.key + "." + name);
      RowBuilder icls(app.rel("pg_class"));
      icls.i("oid", idx)
          .t("relname", name)
          .i("relnamespace", p.nsp)
          .i("relowner", owner)
          .i("relam", 403)
          .i("relfilenode", idx)
          .i("relpages", 1)
          .set("reltuples", Value::floating(0))
          .t("relpersistence", "p")
          .t("relkind", "i")
          .i("relnatts", static_cast<int64_t>(cols.size()))
          .b("relispopulated", true)
          .t("relreplident", "n")
          .set("relfrozenxid", Value::text("0"))
          .set("relminmxid", Value::text("0"))
          .set("relacl", Value::null())
          .set("reloptions", Value::null())
          .set("relpartbound", Value::null());
      app.rows("pg_class").push_back(icls.take());
      std::vector<int64_t> keys = attnums(cols);
      std::vector<int64_t> zeros(keys.size(), 0);
      // An index has attributes of its own (psql's \d index reads them).
      for (size_t k = 0; k < keys.size(); ++k) {
        const ColumnDef& col = rel.columns[static_cast<size_t>(keys[k] - 1)];
        const Value coll = type_field(*s, col.type.oid, "typcollation");
        RowBuilder att(app.rel("pg_attribute"));
        att.i("attrelid", idx)
            .t("attname", col.name)
            .i("atttypid", col.type.oid)
            .i("attstattarget", -1)
            .set("attlen", type_field(*s, col.type.oid, "typlen"))
            .i("attnum", static_cast<int64_t>(k + 1))
            .i("attndims", s->types.is_array(col.type.oid) ? 1 : 0)
            .i("attcacheoff", -1)
            .i("atttypmod", col.type.typmod)
            .set("attbyval", type_field(*s, col.type.oid, "typbyval"))
            .set("attalign", type_field(*s, col.type.oid, "typalign"))
            .set("attstorage", type_field(*s, col.type.oid, "typstorage"))
            .t("attcompression", "")
            .t("attidentity", "")
            .t("attgenerated", "")
            .b("attislocal", true)
            .i("attcollation", coll.is_int() ? coll.as_int() : 0);
        app.rows("pg_attribute").push_back(att.take());
      }
      ArrayItems collations, classes;
      for (int64_t k : keys) {
        Oid ct = rel.columns[static_cast<size_t>(k - 1)].type.oid;
        Value coll = type_field(*s, ct, "typcollation");
        collations.push_back(coll.is_int() ? coll : Value::integer(0));
        classes.push_back(Value::integer(default_btree_opclass(*s, ct)));
      }
      app.rows("pg_index")
          .push_back(RowBuilder(app.rel("pg_index"))
                         .i("indexrelid", idx)
                         .i("indrelid", p.oid)
                         .i("indnatts", static_cast<int64_t>(keys.size()))
                         .i("indnkeyatts", static_cast<int64_t>(keys.size()))
                         .b("indisunique", unique)
                         .b("indisprimary", primary)
                         .b("indimmediate", true)
                         .b("indisvalid", true)
                         .b("indisready", true)
                         .b("indislive", true)
                         .set("indkey", int2_array(keys))
                         .set("indcollation", Value::array(collations))
                         .set("indclass", Value::array(classes))
                         .set("indoption", int2_array(zeros))
                         .set("indexprs", Value::null())
                         .set("indpred", Value::null())
                         .take());
      s->index_defs[idx] = std::string("CREATE ") + (unique ? "UNIQUE " : "") + "INDEX " +
                           quote_ident(name) + " ON " + quote_ident(p.schema->name) + "." +
                           quote_ident(r.name) + " USING btree (" + column_list(cols) + ")";
      auto irel = std::make_shared<Relation>();
      irel->oid = idx;
      irel->namespace_oid = p.nsp;
      irel->schema = p.schema->name;
      irel->name = name;
      irel->kind = 'i';
      irel->rows = std::make_shared<const std::vector<Row>>();
      s->relations[p.schema->name + "." + name] = irel;
      s->relations_by_oid[idx] = irel.get();
      return idx;
    };
    auto add_constraint = [&](const std::string& name, char type, const std::vector<int64_t>& keys,
                              Oid index, Oid ref_rel, const std::vector<int64_t>& ref_keys,
                              const std::string& def, const std::string& expr = {}) {
      Oid con = oid_of("c:" + p.key + "." + name);
      RowBuilder row(app.rel("pg_constraint"));
      row.i("oid", con)
          .t("conname", name)
          .i("connamespace", p.nsp)
          .t("contype", std::string(1, type))
          .b("convalidated", true)
          .i("conrelid", p.oid)
          .i("conindid", index)
          .i("confrelid", ref_rel)
          .t("confupdtype", type == 'f' ? "a" : " ")
          .t("confdeltype", type == 'f' ? "a" : " ")
          .t("confmatchtype", type == 'f' ? "s" : " ")
          .b("conislocal", true)
          .b("connoinherit", type != 'c')  // PostgreSQL 15 sets it for keys and foreign keys
          .set("conkey", int2_array(keys))
          .set("confkey", ref_keys.empty() ? Value::null() : int2_array(ref_keys))
          .set("conpfeqop", Value::null())
          .set("conppeqop", Value::null())
          .set("conffeqop", Value::null())
          .set("confdelsetcols", Value::null())
          .set("conexclop", Value::null())
          .set("conbin", expr.empty() ? Value::null() : Value::text(expr));
      app.rows("pg_constraint").push_back(row.take());
      s->constraint_defs[con] = def;
      if (!expr.empty()) {
        // A CHECK depends on each column it reads (information_schema.constraint_column_usage).
        for (int64_t attnum : keys)
          app.rows("pg_depend")
              .push_back(RowBuilder(app.rel("pg_depend"))
                             .i("classid", PG_CONSTRAINT_OID)
                             .i("objid", con)
                             .i("objsubid", 0)
                             .i("refclassid", PG_CLASS_OID)
                             .i("refobjid", p.oid)
                             .i("refobjsubid", attnum)
                             .t("deptype", "a")
                             .take());
        const std::string pretty = pretty_check_expr(expr);
        s->constraint_defs_pretty[con] = "CHECK (" + pretty + ")";
        s->pretty_exprs[expr] = pretty;
      }
      // The dependencies information_schema.referential_constraints follows: a key's index
      // belongs to its constraint ('i'), a foreign key needs the referenced index ('n').
      if (index != 0) {
        const bool fk = type == 'f';
        app.rows("pg_depend")
            .push_back(RowBuilder(app.rel("pg_depend"))
                           .i("classid", fk ? PG_CONSTRAINT_OID : PG_CLASS_OID)
                           .i("objid", fk ? con : index)
                           .i("objsubid", 0)
                           .i("refclassid", fk ? PG_CLASS_OID : PG_CONSTRAINT_OID)
                           .i("refobjid", fk ? index : con)
                           .i("refobjsubid", 0)
                           .t("deptype", fk ? "n" : "i")
                           .take());
      }
    };
    // CREATE TABLE stores CHECK constraints with the table, before the keys' indexes.
    for (const UserCheck& ck : r.checks)
      add_constraint(check_name(r, ck), 'c', check_attnums(r, ck.expr), 0, 0, {},
                     "CHECK (" + ck.expr + ")", ck.expr);
    if (!r.primary_key.empty()) {
      std::string name = r.primary_key_name.empty() ? r.name + "_pkey" : r.primary_key_name;
      Oid idx = add_index(name, r.primary_key, true, true);
      last_key_index[p.oid] = idx;
      add_constraint(name, 'p', attnums(r.primary_key), idx, 0, {},
                     "PRIMARY KEY (" + column_list(r.primary_key) + ")");
    }
    for (const auto& uk : r.unique_keys) {
      std::string name = r.name;
      for (const auto& c : uk) name += "_" + c;
      name += "_key";
      Oid idx = add_index(name, uk, true, false);
      last_key_index[p.oid] = idx;
      add_constraint(name, 'u', attnums(uk), idx, 0, {}, "UNIQUE (" + column_list(uk) + ")");
    }
    for (const auto& ix : r.indexes) add_index(ix.name, ix.columns, ix.unique, false);
    for (const auto& fk : r.foreign_keys) {
      std::string ref_schema = fk.ref_schema.empty() ? p.schema->name : fk.ref_schema;
      const Relation* target = s->relation(ref_schema, fk.ref_table);  // validated to exist
      const std::vector<std::string>& ref_cols = fk.ref_columns;
      std::vector<int64_t> ref_keys;
      for (const auto& c : ref_cols) ref_keys.push_back(target->column_index(c) + 1);
      std::string name = fk.name;
      if (name.empty()) {
        name = r.name;
        for (const auto& c : fk.columns) name += "_" + c;
        name += "_fkey";
      }
      std::string target_name = ref_schema == "public"
                                    ? quote_ident(fk.ref_table)
                                    : quote_ident(ref_schema) + "." + quote_ident(fk.ref_table);
      // conindid of a foreign key is the referenced table's unique index on those columns.
      Oid ref_index = 0;
      if (auto q_it = placed_by_oid.find(target->oid); q_it != placed_by_oid.end()) {
        const Placed& q = placed[q_it->second];
        const UserRelation& tr = *q.rel;
        std::string ix;
        if (tr.primary_key == ref_cols)
          ix = tr.primary_key_name.empty() ? tr.name + "_pkey" : tr.primary_key_name;
        for (const auto& uk : tr.unique_keys)
          if (ix.empty() && uk == ref_cols) {
            ix = tr.name;
            for (const auto& c : uk) ix += "_" + c;
            ix += "_key";
          }
        for (const auto& i : tr.indexes)
          if (ix.empty() && i.unique && i.columns == ref_cols) ix = i.name;
        if (!ix.empty()) ref_index = oid_of("i:" + q.key + "." + ix);
      }
      add_constraint(name, 'f', attnums(fk.columns), ref_index, target->oid, ref_keys,
                     "FOREIGN KEY (" + column_list(fk.columns) + ") REFERENCES " + target_name +
                         "(" + column_list(ref_cols) + ")");
      // The internal triggers enforcing it.
      const std::string tg = "tg:" + p.key + "." + name + ".";
      add_ri_triggers(app, p.oid, target->oid, ref_index, oid_of("c:" + p.key + "." + name),
                      [&](int k) { return oid_of(tg + std::to_string(k)); });
    }
  }
  std::vector<HeapEntry> heap;
  for (const Placed& p : placed) {
    HeapEntry e{p.oid, 0, 0, {}};
    if (oid_of("toast:" + p.key) != 0) e.toast_index = oid_of("toasti:" + p.key);
    if (auto it = last_key_index.find(p.oid); it != last_key_index.end())
      e.last_key_index = it->second;
    e.has_triggers = p.rel->has_triggers;
    for (const auto& fk : p.rel->foreign_keys)
      if (const Relation* t =
              s->relation(fk.ref_schema.empty() ? p.schema->name : fk.ref_schema, fk.ref_table))
        e.fk_targets.push_back(t->oid);
    heap.push_back(std::move(e));
  }
  heap_order_pg_class(app, heap, first_class_row);
  (void)PG_CONSTRAINT_OID;
  return s;
}

}  // namespace riffq::catalog
