// session_functions.hpp — recognising `SELECT version(), current_schema(), …`: a SELECT with
// no FROM whose every target is a session function with constant arguments.
#pragma once

#include <pg_query/pg_query.pb-c.h>

#include "riffq/sql/statement.hpp"

namespace riffq::sql::detail {

// Fills info.session_calls and returns true when `select` is such a statement.
bool match_session_select(const PgQuery__SelectStmt* select, StatementInfo& info);

// True when the text may contain a session function (a cheap filter before parsing).
bool mentions_session_function(std::string_view sql);

}  // namespace riffq::sql::detail
