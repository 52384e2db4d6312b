// user_validation.hpp — checking one registered relation the way CREATE TABLE checks it, without
// building any catalog rows: registering n tables checks each once (linear, not quadratic),
// and the snapshot build relies on the same checks.
#pragma once

#include <functional>
#include <string>

#include "catalog_snapshot.hpp"

namespace riffq::catalog {

// Throws CatalogError with PostgreSQL's SQLSTATE and message when `rel` (in `schema` of `db`)
// could not be created: a column named twice (42701), an unknown column type, a key or index
// column that does not exist (42703), a foreign key whose table (42P01) or columns (42703) do
// not exist or whose column counts disagree (42830). Foreign keys may name `rel` itself, a
// relation `registered` finds (schema, name → relation or null) or a built-in one.
using RegisteredRelation =
    std::function<const UserRelation*(const std::string& schema, const std::string& name)>;
void validate_relation(const UserRelation& rel, const std::string& schema,
                       const RegisteredRelation& registered, const CatalogSnapshot& builtin);

}  // namespace riffq::catalog
