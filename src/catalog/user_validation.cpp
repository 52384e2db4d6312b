// user_validation.cpp — the checks CREATE TABLE makes, over registered relations.
#include "user_validation.hpp"

#include <algorithm>
#include <set>

#include "riffq/common/pg_error.hpp"
#include "user_rows.hpp"

namespace riffq::catalog {
namespace {

// The column names of a foreign key's target: `self`, a registered relation, or a built-in one.
std::vector<std::string> target_columns(const UserRelation& self, const std::string& self_schema,
                                        const std::string& schema, const std::string& table,
                                        const RegisteredRelation& registered,
                                        const CatalogSnapshot& builtin) {
  auto names = [](const UserRelation& r) {
    std::vector<std::string> out;
    for (const UserColumn& c : r.columns) out.push_back(c.name);
    return out;
  };
  if (schema == self_schema && table == self.name) return names(self);
  if (const UserRelation* r = registered(schema, table)) return names(*r);
  if (const Relation* r = builtin.relation(schema, table)) {
    std::vector<std::string> out;
    for (const ColumnDef& c : r->columns) out.push_back(c.name);
    return out;
  }
  throw CatalogError("42P01", "relation \"" + schema + "." + table +
                                  "\" referenced by a foreign key does not exist");
}

bool contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

}  // namespace

void validate_relation(const UserRelation& rel, const std::string& schema,
                       const RegisteredRelation& registered, const CatalogSnapshot& builtin) {
  std::vector<std::string> columns;
  std::set<std::string> seen;
  for (const UserColumn& c : rel.columns) {
    if (!seen.insert(c.name).second)
      throw CatalogError("42701", "column \"" + c.name + "\" specified more than once");
    user_rows::column_type(c, builtin);  // throws for an unknown or malformed type
    columns.push_back(c.name);
  }
  auto key_columns = [&](const std::vector<std::string>& key) {
    for (const std::string& name : key)
      if (!contains(columns, name))
        throw CatalogError("42703", "column \"" + name + "\" named in key does not exist");
  };
  key_columns(rel.primary_key);
  for (const auto& key : rel.unique_keys) key_columns(key);
  for (const UserIndex& ix : rel.indexes)
    for (const std::string& name : ix.columns)
      if (!contains(columns, name))
        throw CatalogError("42703", "column \"" + name + "\" does not exist");
  std::set<std::string> checks;
  for (const UserCheck& ck : rel.checks)
    if (!ck.name.empty() && !checks.insert(ck.name).second)
      throw CatalogError("42710", "constraint \"" + ck.name + "\" for relation \"" + rel.name +
                                      "\" already exists");
  for (const UserForeignKey& fk : rel.foreign_keys) {
    const std::string ref_schema = fk.ref_schema.empty() ? schema : fk.ref_schema;
    std::vector<std::string> target =
        target_columns(rel, schema, ref_schema, fk.ref_table, registered, builtin);
    for (const std::string& name : fk.columns)
      if (!contains(columns, name))
        throw CatalogError(
            "42703", "column \"" + name + "\" referenced in foreign key constraint does not exist");
    for (const std::string& name : fk.ref_columns)
      if (!contains(target, name))
        throw CatalogError(
            "42703", "column \"" + name + "\" referenced in foreign key constraint does not exist");
    if (fk.columns.size() != fk.ref_columns.size())
      throw CatalogError("42830",
                         "number of referencing and referenced columns for foreign key disagree");
  }
}

}  // namespace riffq::catalog
