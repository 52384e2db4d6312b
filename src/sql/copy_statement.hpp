// copy_statement.hpp — recognising COPY (query) TO STDOUT / COPY table [(cols)] TO STDOUT.
#pragma once

#include <pg_query/pg_query.pb-c.h>

#include <string_view>

#include "riffq/sql/statement.hpp"

namespace riffq::sql::detail {

// Fills info.copy and returns true for a COPY … TO STDOUT that riffq can serve; false for
// anything else (COPY FROM, files, programs), which stays the handler's.
bool match_copy_to_stdout(const PgQuery__CopyStmt* copy, std::string_view text, StatementInfo& info);

// Fills info.copy and returns true for COPY table [(cols)] FROM STDIN. Options PostgreSQL
// refuses (or riffq does not implement) set copy->error_code / copy->error, as the session
// must answer them itself: no handler can take part in the copy-in subprotocol.
bool match_copy_from_stdin(const PgQuery__CopyStmt* copy, StatementInfo& info);

}  // namespace riffq::sql::detail
