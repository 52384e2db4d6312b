// fuzz_sql.cpp — libFuzzer target: the SQL front door on arbitrary text (statement splitter,
// statement analyzer, session-select detection), as every query passes through it.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "riffq/sql/statement.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view sql(reinterpret_cast<const char*>(data), size);
  for (const auto& range : riffq::sql::split_statements(sql)) {
    if (range.offset > sql.size() || range.length > sql.size() - range.offset) __builtin_trap();
    std::string_view one = sql.substr(range.offset, range.length);
    riffq::sql::analyze_statement(one);
    riffq::sql::may_be_session_select(one);
  }
  riffq::sql::is_empty_query(sql);
  riffq::sql::first_keyword(sql);
  riffq::sql::analyze_statement(sql);
  return 0;
}
