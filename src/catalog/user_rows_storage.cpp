// user_rows_storage.cpp — what CREATE TABLE makes besides the table's own rows: TOAST tables
// and their indexes, default operator classes of index keys, the internal triggers of foreign
// keys; and the shared helpers of user_rows.cpp (row building, type look-ups).
#include <algorithm>
#include <set>

#include "type_names.hpp"
#include "user_rows.hpp"

namespace riffq::catalog {
namespace user_rows {

Value int2_array(const std::vector<int64_t>& xs) {
  ArrayItems out;
  for (int64_t x : xs) out.push_back(Value::integer(x));
  return Value::array(std::move(out));
}

const Row* type_row(const CatalogSnapshot& s, Oid oid) {
  const Relation* t = s.relation("pg_catalog", "pg_type");
  static thread_local std::unordered_map<Oid, size_t> cache;
  static thread_local const void* cached_for = nullptr;
  if (cached_for != t->rows.get()) {
    cache.clear();
    for (size_t i = 0; i < t->rows->size(); ++i)
      cache[static_cast<Oid>((*t->rows)[i][0].as_int())] = i;
    cached_for = t->rows.get();
  }
  auto it = cache.find(oid);
  return it == cache.end() ? nullptr : &(*t->rows)[it->second];
}

Value type_field(const CatalogSnapshot& s, Oid type, std::string_view column) {
  const Row* r = type_row(s, type);
  int i = s.relation("pg_catalog", "pg_type")->column_index(column);
  return r && i >= 0 ? (*r)[static_cast<size_t>(i)] : Value::null();
}

TypeRef column_type(const UserColumn& c, const CatalogSnapshot& s) {
  if (c.type_name.empty()) return TypeRef{c.type_oid ? c.type_oid : toid::TEXT, c.typmod};
  std::string name = c.type_name;
  std::string lower;
  for (char ch : name) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  // The short names of riffq.helpers.to_arrow.
  if (lower == "str" || lower == "string") return TypeRef{toid::TEXT, -1};
  if (lower == "datetime") return TypeRef{toid::TIMESTAMP, -1};
  return parse_type_string(name, s);
}

// Whether CREATE TABLE makes a TOAST table (needs_toast_table): some column is variable-length
// without a small bound (text, arrays, numeric without precision, …) or the bounded ones may
// exceed TOAST_TUPLE_THRESHOLD together.
bool needs_toast(const Relation& rel, const CatalogSnapshot& s) {
  int64_t bounded = 0;
  for (const ColumnDef& c : rel.columns) {
    const TypeInfo* t = s.types.find(c.type.oid);
    if (t == nullptr || t->len != -1) continue;
    const Oid o = c.type.oid;
    if ((o == toid::VARCHAR || o == toid::BPCHAR) && c.type.typmod >= 4)
      bounded += (c.type.typmod - 4) * 4 + 4;
    else if (o == toid::NUMERIC && c.type.typmod >= 4)
      bounded += ((((c.type.typmod - 4) >> 16) & 0xffff) / 4 + 3) * 2;
    else
      return true;
  }
  return bounded > 2032;
}

// pg_toast.pg_toast_<table>: its pg_class row, attributes, and its unique index on
// (chunk_id, chunk_seq), as CREATE TABLE makes them.
void add_toast(TableAppender& app, CatalogSnapshot& s, Oid table, Oid toast, Oid index, Oid owner) {
  constexpr Oid PG_TOAST_NAMESPACE = 99;
  const std::string name = "pg_toast_" + std::to_string(table);
  auto cls = [&](Oid oid, const std::string& relname, char kind, int natts) {
    app.rows("pg_class")
        .push_back(
            RowBuilder(app.rel("pg_class"))
                .i("oid", oid)
                .t("relname", relname)
                .i("relnamespace", PG_TOAST_NAMESPACE)
                .i("relowner", owner)
                .i("relam", kind == 'i' ? 403 : 2)
                .i("relfilenode", oid)
                .i("relpages", kind == 'i' ? 1 : 0)
                .set("reltuples", Value::floating(kind == 'i' ? 0 : -1))
                .b("relhasindex", kind == 't')
                .t("relpersistence", "p")
                .t("relkind", std::string(1, kind))
                .i("relnatts", natts)
                .b("relispopulated", true)
                .t("relreplident", "n")
                .set("relfrozenxid", Value::text(kind == 'i' ? "0" : std::to_string(s.user_xmin)))
                .set("relminmxid", Value::text(kind == 'i' ? "0" : "1"))
                .set("relacl", Value::null())
                .set("reloptions", Value::null())
                .set("relpartbound", Value::null())
                .take());
    auto rel = std::make_shared<Relation>();
    rel->oid = oid;
    rel->namespace_oid = PG_TOAST_NAMESPACE;
    rel->schema = "pg_toast";
    rel->name = relname;
    rel->kind = kind;
    s.relations["pg_toast." + relname] = rel;
    s.relations_by_oid[oid] = rel.get();
  };
  auto att = [&](Oid rel, const char* attname, Oid type, int num) {
    app.rows("pg_attribute")
        .push_back(RowBuilder(app.rel("pg_attribute"))
                       .i("attrelid", rel)
                       .t("attname", attname)
                       .i("atttypid", type)
                       .i("attstattarget", num > 0 ? -1 : 0)
                       .set("attlen", type_field(s, type, "typlen"))
                       .i("attnum", num)
                       .i("attcacheoff", -1)
                       .i("atttypmod", -1)
                       .set("attbyval", type_field(s, type, "typbyval"))
                       .set("attalign", type_field(s, type, "typalign"))
                       .t("attstorage", "p")
                       .t("attcompression", "")
                       .b("attnotnull", num < 0)
                       .t("attidentity", "")
                       .t("attgenerated", "")
                       .b("attislocal", true)
                       .take());
  };
  cls(toast, name, 't', 3);
  for (const auto& [sys, num, type] :
       std::initializer_list<std::tuple<const char*, int, Oid>>{{"tableoid", -6, toid::OID},
                                                                {"cmax", -5, toid::CID},
                                                                {"xmax", -4, toid::XID},
                                                                {"cmin", -3, toid::CID},
                                                                {"xmin", -2, toid::XID},
                                                                {"ctid", -1, toid::TID}})
    att(toast, sys, type, num);
  att(toast, "chunk_id", toid::OID, 1);
  att(toast, "chunk_seq", toid::INT4, 2);
  att(toast, "chunk_data", 17, 3);
  cls(index, name + "_index", 'i', 2);
  att(index, "chunk_id", toid::OID, 1);
  att(index, "chunk_seq", toid::INT4, 2);
  app.rows("pg_index")
      .push_back(RowBuilder(app.rel("pg_index"))
                     .i("indexrelid", index)
                     .i("indrelid", toast)
                     .i("indnatts", 2)
                     .i("indnkeyatts", 2)
                     .b("indisunique", true)
                     .b("indisprimary", true)
                     .b("indimmediate", true)
                     .b("indisvalid", true)
                     .b("indisready", true)
                     .b("indislive", true)
                     .set("indkey", int2_array({1, 2}))
                     .set("indcollation", Value::array({Value::integer(0), Value::integer(0)}))
                     .set("indclass", Value::array({Value::integer(1981), Value::integer(1978)}))
                     .set("indoption", int2_array({0, 0}))
                     .set("indexprs", Value::null())
                     .set("indpred", Value::null())
                     .take());
}

// The default btree operator class for a column type (GetDefaultOpClass): an exact match, else
// array_ops for arrays and text_ops for other string types (varchar is binary-coercible).
Oid default_btree_opclass(const CatalogSnapshot& s, Oid type) {
  const Relation* opc = s.relation("pg_catalog", "pg_opclass");
  if (opc == nullptr) return 0;
  const int oid = opc->column_index("oid"), method = opc->column_index("opcmethod"),
            def = opc->column_index("opcdefault"), in = opc->column_index("opcintype");
  auto find = [&](Oid t) -> Oid {
    for (const Row& r : *opc->rows)
      if (r[static_cast<size_t>(method)].as_int() == 403 && r[static_cast<size_t>(def)].is_bool() &&
          r[static_cast<size_t>(def)].as_bool() && r[static_cast<size_t>(in)].as_int() == t)
        return static_cast<Oid>(r[static_cast<size_t>(oid)].as_int());
    return 0;
  };
  if (Oid o = find(type)) return o;
  if (s.types.is_array(type)) return find(toid::ANYARRAY);
  if (s.types.category(type) == 'S') return find(toid::TEXT);
  return 0;
}

void add_ri_triggers(TableAppender& app, Oid table, Oid referenced, Oid ref_index, Oid con,
                     const std::function<Oid(int)>& oid_at) {
  // NO ACTION on delete/update of the referenced table, checks on insert/update of this one
  // (RI_FKey_* functions, tgtype bits), as PostgreSQL 15 creates them.
  struct Ri {
    bool on_referenced;
    Oid func;
    int type;
  };
  static const Ri ri[] = {{true, 1654, 9}, {true, 1655, 17}, {false, 1644, 5}, {false, 1645, 17}};
  for (int k = 0; k < 4; ++k) {
    const Oid oid = oid_at(k);
    const Ri& t = ri[k];
    app.rows("pg_trigger")
        .push_back(RowBuilder(app.rel("pg_trigger"))
                       .i("oid", oid)
                       .i("tgrelid", t.on_referenced ? referenced : table)
                       .i("tgparentid", 0)
                       .t("tgname", std::string("RI_ConstraintTrigger_") +
                                        (t.on_referenced ? "a_" : "c_") + std::to_string(oid))
                       .i("tgfoid", t.func)
                       .i("tgtype", t.type)
                       .t("tgenabled", "O")
                       .b("tgisinternal", true)
                       .i("tgconstrrelid", t.on_referenced ? table : referenced)
                       .i("tgconstrindid", ref_index)
                       .i("tgconstraint", con)
                       .i("tgnargs", 0)
                       .set("tgattr", int2_array({}))
                       .t("tgargs", "\\x")
                       .set("tgqual", Value::null())
                       .set("tgoldtable", Value::null())
                       .set("tgnewtable", Value::null())
                       .take());
  }
}

void heap_order_pg_class(TableAppender& app, const std::vector<HeapEntry>& tables, size_t first) {
  std::vector<Row>& rows = app.rows("pg_class");
  const int oid_col = app.rel("pg_class").column_index("oid");
  std::unordered_map<Oid, double> pos;
  for (size_t k = first; k < rows.size(); ++k)
    pos[static_cast<Oid>(rows[k][static_cast<size_t>(oid_col)].as_int())] = static_cast<double>(k);
  std::set<Oid> triggered;
  for (const HeapEntry& t : tables)
    if (t.has_triggers) triggered.insert(t.table);
  for (const HeapEntry& t : tables) {
    if (t.toast_index != 0 && pos.count(t.toast_index)) pos[t.table] = pos[t.toast_index] + 0.5;
    double at = pos[t.table];
    if (t.last_key_index != 0 && pos.count(t.last_key_index))
      at = std::max(at, pos[t.last_key_index]);
    // Moves land between this table's key indexes and the next row inserted.
    double step = 0.5 / static_cast<double>(2 * t.fk_targets.size() + 1);
    auto move = [&](Oid oid) {
      if (!pos.count(oid) || !triggered.insert(oid).second) return;
      at += step;
      pos[oid] = at;
    };
    for (Oid target : t.fk_targets) {
      move(target);
      move(t.table);
    }
  }
  std::vector<std::pair<double, size_t>> order;
  for (size_t k = first; k < rows.size(); ++k)
    order.emplace_back(pos[static_cast<Oid>(rows[k][static_cast<size_t>(oid_col)].as_int())], k);
  std::stable_sort(order.begin(), order.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<Row> sorted;
  sorted.reserve(order.size());
  for (const auto& o : order) sorted.push_back(std::move(rows[o.second]));
  std::move(sorted.begin(), sorted.end(), rows.begin() + static_cast<std::ptrdiff_t>(first));
}

}  // namespace user_rows

bool user_relation_needs_toast(const UserRelation& r, const CatalogSnapshot& s) {
  using namespace user_rows;
  Relation rel;
  try {
    for (const UserColumn& c : r.columns)
      rel.columns.push_back(ColumnDef{c.name, column_type(c, s)});
  } catch (const CatalogError&) {
    return false;  // an unknown type: the snapshot build reports it
  }
  return needs_toast(rel, s);
}

}  // namespace riffq::catalog
