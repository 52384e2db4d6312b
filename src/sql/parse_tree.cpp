// parse_tree.cpp — libpg_query parses, memoized in a small LRU keyed by the statement text.
#include "riffq/sql/parse_tree.hpp"

#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>

#include <string>

#include "riffq/sql/text_cache.hpp"

namespace riffq::sql {
namespace {

std::shared_ptr<const ParsedSql> parse_uncached(std::string_view sql) {
  std::string text(sql);  // libpg_query wants a NUL-terminated string
  auto out = std::make_shared<ParsedSql>();
  PgQueryProtobufParseResult res = pg_query_parse_protobuf(text.c_str());
  if (res.error != nullptr) {
    out->error =
        ParseError{res.error->message ? res.error->message : "syntax error", res.error->cursorpos};
    pg_query_free_protobuf_parse_result(res);
    return out;
  }
  PgQuery__ParseResult* tree = pg_query__parse_result__unpack(
      nullptr, res.parse_tree.len, reinterpret_cast<const uint8_t*>(res.parse_tree.data));
  pg_query_free_protobuf_parse_result(res);
  if (tree != nullptr)
    out->tree =
        std::shared_ptr<const PgQuery__ParseResult>(tree, [](const PgQuery__ParseResult* t) {
          pg_query__parse_result__free_unpacked(const_cast<PgQuery__ParseResult*>(t), nullptr);
        });
  return out;
}

}  // namespace

std::shared_ptr<const ParsedSql> parse_tree(std::string_view sql) {
  static auto* cache = new TextCache<ParsedSql>();  // never destroyed: used until exit
  return cache->get(sql, parse_uncached);
}

}  // namespace riffq::sql
