// check_exprs.hpp — registered CHECK constraints: the names PostgreSQL gives them, the columns
// their expressions read (conkey), and the pretty form pg_get_constraintdef(oid, true) prints.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "riffq/catalog/user_objects.hpp"

namespace riffq::catalog {

// The attnums of `rel`'s columns named in `expr`, each once in the order they first appear,
// as StoreRelCheck lists them in conkey.
std::vector<int64_t> check_attnums(const UserRelation& rel, const std::string& expr);

// The constraint's name: its own, else <table>_<column>_check when the expression reads one
// column and <table>_check otherwise (ChooseConstraintName; no suffix for duplicates here).
std::string check_name(const UserRelation& rel, const UserCheck& check);

// `expr` as PostgreSQL's deparser prints it with PRETTY_PAREN, from the form it prints
// without: no parentheses around the whole expression, around a constant before `::`, around a
// comparison or an AND/NOT inside AND/OR (an OR only inside OR), or around a function argument.
std::string pretty_check_expr(const std::string& expr);

}  // namespace riffq::catalog
