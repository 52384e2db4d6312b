// type_names.hpp — PostgreSQL type names: the SQL-standard spellings format_type prints for
// built-in types, parsing a type name (as regtype input and casts do), typmods, and the
// look-up of names given to the reg* types.
#pragma once

#include <string>
#include <string_view>

#include "catalog_snapshot.hpp"

struct PgQuery__TypeName;

namespace riffq::catalog {

// format_type's special spellings ("integer", "character varying(40)", "timestamp with time
// zone"); empty when the type prints under its own name.
std::string builtin_type_display(Oid type, int32_t typmod, bool with_typmod, bool typmod_given);

// Resolves a parse-tree TypeName (with typmods and array bounds). Throws 42704 if unknown.
TypeRef resolve_type_name(const PgQuery__TypeName* tn, const CatalogSnapshot& cat);
// Parses and resolves a type name written as text ("int", "varchar(40)", "pg_catalog.int4[]").
TypeRef parse_type_string(std::string_view text, const CatalogSnapshot& cat);

// The OID named by `text` for a reg* type (regclass, regtype, regproc, regnamespace, regrole).
// Throws PostgreSQL's error when the name does not exist.
int64_t resolve_reg_name(std::string_view text, Oid reg_type, const CatalogSnapshot& cat);

// Splits a possibly qualified, possibly quoted name ("a.b", "\"A\".b") into lower-cased parts.
std::vector<std::string> split_qualified_name(std::string_view text);

}  // namespace riffq::catalog
