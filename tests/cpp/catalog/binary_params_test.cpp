// Binary parameters read back as text (binary_param_text): array_recv's format as array_out
// prints it — what asyncpg sends for `$1::oid[]` / `$1::text[]` in catalog statements.
#include <gtest/gtest.h>

#include "riffq/catalog/engine.hpp"

namespace riffq::catalog {
namespace {

void be32(std::string& out, int64_t v) {
  for (int i = 3; i >= 0; --i)
    out += static_cast<char>((static_cast<uint64_t>(v) >> (8 * i)) & 0xff);
}

// A binary array: dims as (size, lower bound), elements as raw bytes or nullopt for NULL.
std::string array(Oid elem, std::vector<std::pair<int, int>> dims,
                  std::vector<std::optional<std::string>> items) {
  std::string out;
  be32(out, static_cast<int64_t>(dims.size()));
  bool nulls = false;
  for (auto& i : items) nulls = nulls || !i;
  be32(out, nulls ? 1 : 0);
  be32(out, elem);
  for (auto [size, lower] : dims) be32(out, size), be32(out, lower);
  for (auto& i : items) {
    be32(out, i ? static_cast<int64_t>(i->size()) : -1);
    if (i) out += *i;
  }
  return out;
}

std::string int4(int32_t v) {
  std::string out;
  be32(out, v);
  return out;
}

TEST(BinaryParams, ArraysReadAsArrayOutText) {
  EXPECT_EQ(binary_param_text(array(26, {{3, 1}}, {int4(16384), int4(2200), int4(11)}), 1028),
            "{16384,2200,11}");
  EXPECT_EQ(binary_param_text(
                array(25, {{4, 1}},
                      {std::string("a b"), std::string(""), std::nullopt, std::string("x\"y")}),
                1009),
            "{\"a b\",\"\",NULL,\"x\\\"y\"}");
  EXPECT_EQ(binary_param_text(array(25, {{1, 1}}, {std::string("null")}), 1009), "{\"null\"}");
  EXPECT_EQ(binary_param_text(
                array(23, {{2, 1}, {2, 1}}, {int4(1), int4(2), int4(3), std::nullopt}), 1007),
            "{{1,2},{3,NULL}}");
  EXPECT_EQ(binary_param_text(array(23, {{2, 0}}, {int4(5), int4(6)}), 1007), "[0:1]={5,6}");
  EXPECT_EQ(binary_param_text(array(23, {}, {}), 1007), "{}");
}

TEST(BinaryParams, MalformedArraysAreRefused) {
  std::string ok = array(23, {{2, 1}}, {int4(1), int4(2)});
  EXPECT_EQ(binary_param_text(ok.substr(0, ok.size() - 1), 1007), std::nullopt);  // truncated
  EXPECT_EQ(binary_param_text(ok + "x", 1007), std::nullopt);                     // trailing bytes
  EXPECT_EQ(binary_param_text(array(25, {{1, 1}}, {std::string("a")}), 1007),
            std::nullopt);  // element type is not the parameter's
  EXPECT_EQ(binary_param_text(array(23, {{1, 1}}, {std::string("abc")}), 1007),
            std::nullopt);  // an int4 of three bytes
}

}  // namespace
}  // namespace riffq::catalog
