// statement_splitter.cpp — splitting a Query string into statements with libpg_query's scanner.
#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>

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
  // Split at ';' tokens outside parentheses, using PostgreSQL's own scanner so that
  // semicolons in strings, quoted identifiers, dollar quotes and comments do not count.
  // (pg_query_split_with_scanner drops statements that do not start with a known keyword,
  // which would silently lose other dialects' statements.)
  std::string text(sql);
  PgQueryScanResult scan = pg_query_scan(text.c_str());
  PgQuery__ScanResult* tokens =
      scan.error ? nullptr
                 : pg_query__scan_result__unpack(nullptr, scan.pbuf.len,
                                                 reinterpret_cast<const uint8_t*>(scan.pbuf.data));
  if (tokens == nullptr) {
    out.push_back(trimmed(sql, 0, sql.size()));  // cannot even be scanned: the handler decides
  } else {
    int depth = 0;
    size_t begin = 0;
    auto emit = [&](size_t end) {
      StatementRange range = trimmed(sql, begin, end);
      if (range.length > 0 && !is_empty_query(sql.substr(range.offset, range.length)))
        out.push_back(range);
    };
    for (size_t i = 0; i < tokens->n_tokens; ++i) {
      const PgQuery__ScanToken* t = tokens->tokens[i];
      if (t->token == PG_QUERY__TOKEN__ASCII_40) {
        ++depth;
      } else if (t->token == PG_QUERY__TOKEN__ASCII_41) {
        if (depth > 0) --depth;
      } else if (t->token == PG_QUERY__TOKEN__ASCII_59 && depth == 0) {
        emit(static_cast<size_t>(t->start));
        begin = static_cast<size_t>(t->end);
      }
    }
    emit(sql.size());
    pg_query__scan_result__free_unpacked(tokens, nullptr);
  }
  pg_query_free_scan_result(scan);
  if (out.empty()) out.push_back(trimmed(sql, 0, sql.size()));
  return out;
}

}  // namespace riffq::sql
