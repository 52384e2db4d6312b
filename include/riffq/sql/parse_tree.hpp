// riffq/sql/parse_tree.hpp
// libpg_query parse trees, shared and memoized. Clients send the same statement texts again
// and again (pgbench, pools, BI tools' catalog queries), and libpg_query's protobuf round trip
// (pack in C, unpack here) costs more than the rest of a small statement's work; the front
// door, the catalog router and the binder each need the tree of the same text.
//
// INTERFACE ROUTINES
//   parse_tree(sql)   the tree (or the syntax error) of sql; thread-safe; trees are read-only
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

struct PgQuery__ParseResult;

namespace riffq::sql {

struct ParseError {
  std::string message;
  int cursorpos = 0;  // 1-based character position, 0 when unknown
};

struct ParsedSql {
  // Null when the text is not PostgreSQL SQL (error says why) or the tree could not be read.
  std::shared_ptr<const PgQuery__ParseResult> tree;
  std::optional<ParseError> error;
};

// The parse of sql. Results of recent texts are kept (a bounded LRU of short texts), so a
// repeated statement is parsed once; the tree must not be modified.
std::shared_ptr<const ParsedSql> parse_tree(std::string_view sql);

}  // namespace riffq::sql
