// statement_splitter.cpp — splitting a Query string into statements with libpg_query's scanner.
#include <pg_query.h>

#include <cctype>

#include "riffq/sql/statement.hpp"

namespace riffq::sql {
namespace {

// Skips whitespace and comments from position i; returns the new position.
size_t skip_blank(std::string_view s, size_t i) {
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (std::isspace(c)) {
      ++i;
    } else if (c == '-' && i + 1 < s.size() && s[i + 1] == '-') {
      while (i < s.size() && s[i] != '\n') ++i;
    } else if (c == '/' && i + 1 < s.size() && s[i + 1] == '*') {
      int depth = 1;  // PostgreSQL block comments nest
      i += 2;
      while (i < s.size() && depth > 0) {
        if (s[i] == '/' && i + 1 < s.size() && s[i + 1] == '*') {
          ++depth;
          i += 2;
        } else if (s[i] == '*' && i + 1 < s.size() && s[i + 1] == '/') {
          --depth;
          i += 2;
        } else {
          ++i;
        }
      }
    } else {
      break;
    }
  }
  return i;
}

StatementRange trimmed(std::string_view sql, size_t begin, size_t end) {
  while (begin < end && std::isspace(static_cast<unsigned char>(sql[begin]))) ++begin;
  while (end > begin && std::isspace(static_cast<unsigned char>(sql[end - 1]))) --end;
  return {begin, end - begin};
}

}  // namespace

bool is_empty_query(std::string_view sql) {
  size_t i = 0;
  while (true) {
    i = skip_blank(sql, i);
    if (i < sql.size() && sql[i] == ';') {
      ++i;
      continue;
    }
    return i >= sql.size();
  }
}

std::string first_keyword(std::string_view sql) {
  size_t i = 0;
  while (true) {
    i = skip_blank(sql, i);
    if (i < sql.size() && sql[i] == '(') {
      ++i;
      continue;
    }
    break;
  }
  std::string word;
  while (i < sql.size() && (std::isalpha(static_cast<unsigned char>(sql[i])) || sql[i] == '_')) {
    word.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(sql[i]))));
    ++i;
  }
  return word;
}

std::vector<StatementRange> split_statements(std::string_view sql) {
  std::vector<StatementRange> out;
  if (is_empty_query(sql)) return out;
  // Fast path: no semicolon at all means one statement.
  if (sql.find(';') == std::string_view::npos) {
    out.push_back(trimmed(sql, 0, sql.size()));
    return out;
  }
  std::string text(sql);  // libpg_query needs a NUL-terminated string
  PgQuerySplitResult r = pg_query_split_with_scanner(text.c_str());
  if (r.error != nullptr || r.n_stmts == 0) {
    out.push_back(trimmed(sql, 0, sql.size()));
  } else {
    for (int i = 0; i < r.n_stmts; ++i) {
      size_t loc = static_cast<size_t>(r.stmts[i]->stmt_location);
      size_t len = static_cast<size_t>(r.stmts[i]->stmt_len);
      if (len == 0) len = sql.size() - loc;  // last statement without terminator
      if (loc > sql.size()) continue;
      if (loc + len > sql.size()) len = sql.size() - loc;
      StatementRange range = trimmed(sql, loc, loc + len);
      if (range.length == 0 || is_empty_query(sql.substr(range.offset, range.length))) continue;
      out.push_back(range);
    }
    if (out.empty()) out.push_back(trimmed(sql, 0, sql.size()));
  }
  pg_query_free_split_result(r);
  return out;
}

}  // namespace riffq::sql
