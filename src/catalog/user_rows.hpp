// user_rows.hpp — building catalog rows for registered objects (user_rows.cpp,
// user_rows_storage.cpp): a row builder addressed by column name, the copy-on-write appender of
// catalog tables, and the storage-level objects CREATE TABLE makes besides the table (TOAST
// tables, operator classes of indexes, foreign-key triggers).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "catalog_snapshot.hpp"
#include "type_oids.hpp"

namespace riffq::catalog::user_rows {

// A row of a catalog table under construction, addressed by column name.
class RowBuilder {
 public:
  explicit RowBuilder(const Relation& rel) : rel_(rel), row_(rel.columns.size()) {
    for (size_t i = 0; i < rel.columns.size(); ++i) {
      Oid t = rel.columns[i].type.oid;
      if (t == toid::BOOL)
        row_[i] = Value::boolean(false);
      else if (t == toid::INT2 || t == toid::INT4 || t == toid::INT8 || t == toid::OID ||
               t == toid::REGPROC)
        row_[i] = Value::integer(0);
      else if (t == toid::FLOAT4 || t == toid::FLOAT8)
        row_[i] = Value::floating(0);
    }
  }
  RowBuilder& set(std::string_view col, Value v) {
    int i = rel_.column_index(col);
    if (i >= 0) row_[static_cast<size_t>(i)] = std::move(v);
    return *this;
  }
  RowBuilder& i(std::string_view col, int64_t v) { return set(col, Value::integer(v)); }
  RowBuilder& t(std::string_view col, std::string v) { return set(col, Value::text(std::move(v))); }
  RowBuilder& b(std::string_view col, bool v) { return set(col, Value::boolean(v)); }
  Row take() { return std::move(row_); }

 private:
  const Relation& rel_;
  Row row_;
};

struct TableAppender {
  CatalogSnapshot& snap;
  std::unordered_map<std::string, std::shared_ptr<std::vector<Row>>> fresh;

  // The rows of schema.name, copied once from the built-in rows so new rows can be added.
  std::vector<Row>& rows(const std::string& name) {
    auto it = fresh.find(name);
    if (it != fresh.end()) return *it->second;
    auto rel_it = snap.relations.find("pg_catalog." + name);
    auto copy = std::make_shared<Relation>(*rel_it->second);
    auto rows = std::make_shared<std::vector<Row>>(*copy->rows);
    copy->rows = rows;
    rel_it->second = copy;
    fresh[name] = rows;
    return *rows;
  }
  const Relation& rel(const std::string& name) { return *snap.relations.at("pg_catalog." + name); }
};

Value int2_array(const std::vector<int64_t>& xs);
const Row* type_row(const CatalogSnapshot& s, Oid oid);
Value type_field(const CatalogSnapshot& s, Oid type, std::string_view column);
TypeRef column_type(const UserColumn& c, const CatalogSnapshot& s);
bool needs_toast(const Relation& rel, const CatalogSnapshot& s);
void add_toast(TableAppender& app, CatalogSnapshot& s, Oid table, Oid toast, Oid index, Oid owner);
Oid default_btree_opclass(const CatalogSnapshot& s, Oid type);
// The four internal triggers of a foreign key of `table` referencing `referenced`; oid(k) gives
// the k-th trigger's OID.
void add_ri_triggers(TableAppender& app, Oid table, Oid referenced, Oid ref_index, Oid con,
                     const std::function<Oid(int)>& oid);

// A registered table as PostgreSQL's pg_class heap sees it: CREATE TABLE inserts its row, a
// TOAST table moves it (reltoastrelid is an update) after the TOAST index, and the first
// trigger on a table (a foreign key's, referenced table first) moves it again, after the keys'
// indexes. Updated rows go to the end of the heap, so a scan without ORDER BY sees that order.
struct HeapEntry {
  Oid table = 0;
  Oid toast_index = 0;     // 0: no TOAST table
  Oid last_key_index = 0;  // 0: no primary or unique key
  std::vector<Oid> fk_targets;
  bool has_triggers = false;  // registered with triggers of its own already
};

// Reorders pg_class's rows from `first` on (the registered ones, in OID order) into heap order.
void heap_order_pg_class(TableAppender& app, const std::vector<HeapEntry>& tables, size_t first);

}  // namespace riffq::catalog::user_rows
