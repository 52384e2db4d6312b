// catalog_registration.cpp — Python registration calls → catalog::UserCatalog.
#include "catalog_registration.hpp"

#include <nanobind/stl/string.h>

namespace nb = nanobind;

namespace riffq::bindings {
namespace {

std::vector<std::string> string_list(nb::handle h, const char* what) {
  std::vector<std::string> out;
  if (h.is_none()) return out;
  if (nb::isinstance<nb::str>(h)) {
    out.push_back(nb::cast<std::string>(h));
    return out;
  }
  for (nb::handle item : h) {
    if (!nb::isinstance<nb::str>(item))
      throw nb::type_error((std::string(what) + " must be a list of column names").c_str());
    out.push_back(nb::cast<std::string>(item));
  }
  return out;
}

}  // namespace

// The engine checks each object alone (types, keys, foreign-key targets): a mistake is the
// caller's ValueError and leaves what was registered unchanged.
template <typename F>
void CatalogRegistry::install(F&& change) {
  try {
    change(*engine_);
  } catch (const catalog::CatalogError& e) {
    throw nb::value_error(e.error.message.c_str());
  }
}

void CatalogRegistry::register_database(const std::string& db) {
  install([&](catalog::CatalogEngine& e) { e.add_database(db); });
}

void CatalogRegistry::register_schema(const std::string& db, const std::string& schema) {
  install([&](catalog::CatalogEngine& e) { e.add_schema(db, schema); });
}

void CatalogRegistry::register_table(const std::string& db, const std::string& schema,
                                     const std::string& table, nb::handle columns,
                                     nb::handle primary_key, nb::handle unique,
                                     nb::handle foreign_keys, nb::handle indexes,
                                     nb::handle comment, const std::string& kind,
                                     nb::handle view_sql, nb::handle checks) {
  catalog::UserRelation rel;
  rel.name = table;
  auto relkind = catalog::relation_kind(kind);
  if (!relkind) throw nb::value_error("kind must be 'table', 'view' or 'materialized_view'");
  rel.kind = *relkind;
  if (!nb::isinstance<nb::list>(columns) && !nb::isinstance<nb::tuple>(columns))
    throw nb::type_error("columns must be a list of single-key dicts");
  for (nb::handle item : columns) {
    if (!nb::isinstance<nb::dict>(item)) throw nb::type_error("each column must be a dict");
    nb::dict d = nb::borrow<nb::dict>(item);
    if (nb::len(d) != 1) throw nb::value_error("each column must be a single-key dict");
    for (auto [k, v] : d) {
      if (!nb::isinstance<nb::dict>(v)) throw nb::type_error("column spec must be a dict");
      nb::dict spec = nb::borrow<nb::dict>(v);
      if (!spec.contains("type")) throw nb::value_error("column spec is missing 'type'");
      if (!spec.contains("nullable")) throw nb::value_error("column spec is missing 'nullable'");
      catalog::UserColumn c;
      c.name = nb::cast<std::string>(k);
      c.type_name = nb::cast<std::string>(spec["type"]);
      c.nullable = nb::cast<bool>(spec["nullable"]);
      if (spec.contains("default") && !spec["default"].is_none())
        c.default_expr = nb::cast<std::string>(nb::str(spec["default"]));
      if (spec.contains("comment") && !spec["comment"].is_none())
        c.comment = nb::cast<std::string>(spec["comment"]);
      rel.columns.push_back(std::move(c));
    }
  }
  rel.primary_key = string_list(primary_key, "primary_key");
  if (!unique.is_none())
    for (nb::handle u : unique) rel.unique_keys.push_back(string_list(u, "unique"));
  if (!foreign_keys.is_none())
    for (nb::handle f : foreign_keys) {
      if (!nb::isinstance<nb::dict>(f)) throw nb::type_error("each foreign key must be a dict");
      nb::dict d = nb::borrow<nb::dict>(f);
      catalog::UserForeignKey fk;
      fk.columns = string_list(d["columns"], "columns");
      std::string ref = nb::cast<std::string>(d["references"]);
      size_t dot = ref.find('.');
      if (dot != std::string::npos) {
        fk.ref_schema = ref.substr(0, dot);
        fk.ref_table = ref.substr(dot + 1);
      } else {
        fk.ref_table = ref;
      }
      fk.ref_columns =
          d.contains("ref_columns") ? string_list(d["ref_columns"], "ref_columns") : fk.columns;
      if (d.contains("name")) fk.name = nb::cast<std::string>(d["name"]);
      rel.foreign_keys.push_back(std::move(fk));
    }
  if (!indexes.is_none())
    for (nb::handle i : indexes) {
      nb::dict d = nb::borrow<nb::dict>(i);
      catalog::UserIndex ix;
      ix.name = nb::cast<std::string>(d["name"]);
      ix.columns = string_list(d["columns"], "columns");
      ix.unique = d.contains("unique") && nb::cast<bool>(d["unique"]);
      rel.indexes.push_back(std::move(ix));
    }
  if (!checks.is_none())
    for (nb::handle c : checks) {
      if (!nb::isinstance<nb::dict>(c)) throw nb::type_error("each check must be a dict");
      nb::dict d = nb::borrow<nb::dict>(c);
      if (!d.contains("expr")) throw nb::value_error("a check is missing 'expr'");
      catalog::UserCheck ck;
      ck.expr = nb::cast<std::string>(d["expr"]);
      if (d.contains("name") && !d["name"].is_none()) ck.name = nb::cast<std::string>(d["name"]);
      rel.checks.push_back(std::move(ck));
    }
  if (!comment.is_none()) rel.comment = nb::cast<std::string>(comment);
  if (!view_sql.is_none()) rel.view_definition = nb::cast<std::string>(view_sql);

  install([&](catalog::CatalogEngine& e) { e.add_relation(db, schema, std::move(rel)); });
}

}  // namespace riffq::bindings
