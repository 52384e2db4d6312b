// fuzz_catalog.cpp — libFuzzer target: the catalog engine's parse + bind of arbitrary SQL
// (CatalogEngine::prepare) over PostgreSQL 15's built-in catalog. Errors must be exceptions
// (the session turns them into an ErrorResponse at the statement boundary), never a crash, a
// hang or undefined behaviour.
#include <cstddef>
#include <cstdint>
#include <exception>
#include <string_view>

#include "riffq/catalog/engine.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const riffq::catalog::CatalogEngine engine;
  static const riffq::catalog::SessionInfo session;
  if (size > 4096) return 0;  // long inputs only slow the search down
  std::string_view sql(reinterpret_cast<const char*>(data), size);
  try {
    engine.prepare(sql, {}, session);
  } catch (const riffq::catalog::CatalogError&) {
  } catch (const std::exception&) {  // as catalog_query.cpp catches them: an XX000 error
  }
  return 0;
}
