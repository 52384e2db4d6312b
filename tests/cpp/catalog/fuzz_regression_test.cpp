// fuzz_regression_test.cpp — inputs on which fuzz/fuzz_catalog.cpp found the catalog engine's
// binder crashing or invoking undefined behaviour: each must now end in a CatalogError (or
// bind), never crash. The same inputs are in fuzz/corpus/fuzz_catalog/ so the fuzzer replays
// them too.
#include <gtest/gtest.h>

#include "riffq/catalog/engine.hpp"

namespace riffq::catalog {
namespace {

// A prefix use of an operator that has no prefix form: the binder read the missing left
// operand (null shared_ptr).
TEST(CatalogFuzzRegression, PrefixOperatorWithoutLeftOperandIsAnError) {
  CatalogEngine engine;
  SessionInfo session;
  for (const char* sql :
       {"select count(*), max(oid) from pg_proc oupe having count(*) > 1 limit&& 3", "select && 3",
        "select operator(pg_catalog.=) 1", "select operator(pg_catalog.||) 'a'", "select ~~ 'a'",
        "select @> 1"}) {
    SCOPED_TRACE(sql);
    EXPECT_THROW(engine.prepare(sql, {}, session), CatalogError);
  }
  EXPECT_NO_THROW(engine.prepare("select -1, +2", {}, session));
}

// A float literal past double's range threw std::out_of_range from std::stod (the client saw
// "stod"); PostgreSQL answers 22003.
TEST(CatalogFuzzRegression, HugeNumericLiteralIs22003) {
  CatalogEngine engine;
  SessionInfo session;
  try {
    engine.prepare(
        "SELECT t.type FROM pg_type t WHERE t.oid = ANY( "
        "2E8888888888~8888888888988888888&8888888888::oid[])",
        {}, session);
    FAIL() << "no error";
  } catch (const CatalogError& e) {
    EXPECT_EQ(e.error.sqlstate, "22003");
    EXPECT_EQ(e.error.message, "value overflows numeric format");
  }
  EXPECT_NO_THROW(engine.prepare("select 2E-8888888888", {}, session));
}

}  // namespace
}  // namespace riffq::catalog
