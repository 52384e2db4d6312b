// lazy_catalog.cpp — PythonApplication::lazy_catalog: a set_lazy_catalog source's rows
// (databases, schemas, relations, columns, settings) as a catalog::UserCatalog. Runs on a
// worker thread before each catalog statement; any error becomes XX000 for that statement.
#include <nanobind/stl/string.h>

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string_view>
#include <unordered_map>

#include "python_backend.hpp"

namespace riffq::bindings {
namespace {

[[noreturn]] void source_error(const std::string& what) {
  throw catalog::CatalogError(sqlstate::INTERNAL_ERROR, "lazy catalog source error: " + what);
}

// Calls source.method(*args, callback) and returns the rows given to the callback (none if it
// was not called), each checked to be a dict.
template <typename... Args>
std::vector<nb::dict> rows_of(nb::handle source, const char* method, Args&&... args) {
  nb::list collected;
  nb::object cb = nb::cpp_function([collected](nb::handle rows) {
    nb::list target = nb::borrow<nb::list>(collected);
    for (nb::handle r : rows) target.append(r);
  });
  source.attr(method)(std::forward<Args>(args)..., cb);
  std::vector<nb::dict> out;
  for (nb::handle r : collected) {
    if (!nb::isinstance<nb::dict>(r)) source_error(std::string(method) + "() rows must be dicts");
    out.push_back(nb::borrow<nb::dict>(r));
  }
  return out;
}

// The value of row[name], or a null handle when the row has no such key. Field names are
// interned Python strings made once (leaked on purpose, the GIL is held): a lookup neither
// creates nor hashes a key string. An unversioned source is read in full before every
// statement, so this runs for every field of every column of every table each time.
nb::handle lookup(const nb::dict& row, const char* name) {
  static std::unordered_map<std::string_view, PyObject*> keys;
  auto it = keys.find(name);
  if (it == keys.end()) {
    PyObject* key = PyUnicode_InternFromString(name);
    if (key == nullptr) throw nb::python_error();
    it = keys.emplace(name, key).first;
  }
  PyObject* value = PyDict_GetItemWithError(row.ptr(), it->second);  // borrowed
  if (value == nullptr && PyErr_Occurred()) throw nb::python_error();
  return value;
}

template <typename T>
T cast_field(nb::handle value, const char* method, const char* name) {
  try {
    return nb::cast<T>(value);
  } catch (const std::exception&) {
    source_error(std::string(method) + "() row has a bad '" + name + "'");
  }
}

template <typename T>
T field(const nb::dict& row, const char* method, const char* name) {
  nb::handle value = lookup(row, name);
  if (!value) source_error(std::string(method) + "() row is missing '" + name + "'");
  return cast_field<T>(value, method, name);
}

template <typename T>
std::optional<T> optional_field(const nb::dict& row, const char* method, const char* name) {
  nb::handle value = lookup(row, name);
  if (!value || value.is_none()) return std::nullopt;
  return cast_field<T>(value, method, name);
}

catalog::Oid oid_field(const nb::dict& row, const char* method, const char* name) {
  int64_t v = field<int64_t>(row, method, name);
  if (v <= 0 || v > 0xffffffffLL)
    source_error(std::string(method) + "() row has an invalid OID in '" + name + "'");
  return static_cast<catalog::Oid>(v);
}

void check_unique(std::set<std::string>& seen, const std::string& name, const std::string& what) {
  if (!seen.insert(name).second) source_error("duplicate " + what + " \"" + name + "\"");
}

// The same for the relations of a schema or the columns of a relation, checked once they are
// all read (their names no longer move): no copy of every name, no message built per item.
template <typename T, typename What>
void check_unique_names(const std::vector<T>& items, What what) {
  std::vector<std::string_view> names;
  names.reserve(items.size());
  for (const T& item : items) names.push_back(item.name);
  std::sort(names.begin(), names.end());
  if (auto it = std::adjacent_find(names.begin(), names.end()); it != names.end())
    source_error("duplicate " + what() + " \"" + std::string(*it) + "\"");
}

// A source with version(database, cb) says when its objects changed: while it answers the same
// version (compared as repr), the objects read last time are reused without asking for them,
// and the engine reuses their snapshot (the same pointer: no copy, no comparison). Keyed by
// source object and database.
struct VersionedObjects {
  std::string version;
  std::shared_ptr<const catalog::UserCatalog> objects;
};
std::mutex versions_mu;
std::map<std::pair<uintptr_t, std::string>, VersionedObjects> versions;

}  // namespace

std::shared_ptr<const catalog::UserCatalog> PythonApplication::lazy_catalog(
    const std::string& database) {
  nb::gil_scoped_acquire gil;
  nb::object source = callbacks_->lazy_catalog;
  catalog::UserCatalog out;
  std::optional<std::string> version;
  const auto key = std::make_pair(reinterpret_cast<uintptr_t>(source.ptr()), database);
  try {
    if (nb::hasattr(source, "version")) {
      nb::list box;
      nb::object cb =
          nb::cpp_function([box](nb::handle v) { nb::borrow<nb::list>(box).append(v); });
      source.attr("version")(database, cb);
      if (nb::len(box) == 0) source_error("version() did not call its callback");
      version = nb::cast<std::string>(nb::repr(box[0]));
      std::lock_guard<std::mutex> lock(versions_mu);
      if (auto it = versions.find(key); it != versions.end() && it->second.version == *version)
        return it->second.objects;
    }
    std::set<std::string> dbs;
    for (const nb::dict& d : rows_of(source, "databases")) {
      catalog::UserDatabase db;
      db.oid = oid_field(d, "databases", "oid");
      db.name = field<std::string>(d, "databases", "name");
      if (auto dba = optional_field<int64_t>(d, "databases", "datdba"))
        db.owner = static_cast<catalog::Oid>(*dba);
      check_unique(dbs, db.name, "database");
      out.databases.push_back(std::move(db));
    }
    for (catalog::UserDatabase& db : out.databases) {
      if (db.name != database) continue;  // only the session's database is read in full
      std::set<std::string> schemas;
      for (const nb::dict& s : rows_of(source, "schemas", db.name)) {
        catalog::UserSchema schema;
        schema.oid = oid_field(s, "schemas", "oid");
        schema.name = field<std::string>(s, "schemas", "name");
        if (auto o = optional_field<int64_t>(s, "schemas", "owner_oid"))
          schema.owner = static_cast<catalog::Oid>(*o);
        check_unique(schemas, schema.name, "schema");
        for (const nb::dict& r : rows_of(source, "relations", db.name, schema.name)) {
          catalog::UserRelation rel;
          rel.oid = oid_field(r, "relations", "oid");
          rel.rowtype_oid = oid_field(r, "relations", "reltype_oid");
          rel.name = field<std::string>(r, "relations", "name");
          std::string kind = optional_field<std::string>(r, "relations", "kind").value_or("table");
          auto relkind = catalog::relation_kind(kind);
          if (!relkind) source_error("relations() row has an unknown kind '" + kind + "'");
          rel.kind = *relkind;
          if (auto o = optional_field<int64_t>(r, "relations", "owner_oid"))
            rel.owner = static_cast<catalog::Oid>(*o);
          rel.has_index = optional_field<bool>(r, "relations", "has_index").value_or(false);
          rel.has_rules = optional_field<bool>(r, "relations", "has_rules").value_or(false);
          rel.has_triggers = optional_field<bool>(r, "relations", "has_triggers").value_or(false);
          rel.row_security = optional_field<bool>(r, "relations", "row_security").value_or(false);
          for (const nb::dict& c : rows_of(source, "columns", db.name, schema.name, rel.name)) {
            catalog::UserColumn col;
            col.name = field<std::string>(c, "columns", "name");
            col.type_oid = oid_field(c, "columns", "type_oid");
            col.nullable = field<bool>(c, "columns", "nullable");
            rel.columns.push_back(std::move(col));
          }
          check_unique_names(rel.columns, [&] { return "column of " + rel.name + ":"; });
          schema.relations.push_back(std::move(rel));
        }
        check_unique_names(schema.relations,
                           [&] { return "relation in schema " + schema.name + ":"; });
        db.schemas.push_back(std::move(schema));
      }
    }
    for (const char* method : {"config", "settings"}) {
      if (!nb::hasattr(source, method)) continue;
      for (const nb::dict& s : rows_of(source, method))
        out.settings.emplace_back(field<std::string>(s, method, "name"),
                                  field<std::string>(s, method, "setting"));
    }
  } catch (nb::python_error& e) {
    log_exception("lazy catalog source", e);
    source_error(exception_text(e));
  }
  auto objects = std::make_shared<const catalog::UserCatalog>(std::move(out));
  if (version) {
    std::lock_guard<std::mutex> lock(versions_mu);
    versions[key] = VersionedObjects{*version, objects};
  }
  return objects;
}

}  // namespace riffq::bindings
