// array_input_test.cpp — array_in / array_recv forms as PostgreSQL 15 writes and accepts them.
#include "riffq/types/array_input.hpp"

#include <gtest/gtest.h>

namespace riffq::types {
namespace {

using Elements = std::vector<std::optional<std::string>>;

ArrayInput text(const std::string& s) {
  ArrayInput a;
  std::string error;
  EXPECT_TRUE(parse_array_text(s, ',', a, &error)) << s << ": " << error;
  return a;
}

std::string text_error(const std::string& s) {
  ArrayInput a;
  std::string error;
  EXPECT_FALSE(parse_array_text(s, ',', a, &error)) << s;
  return error;
}

TEST(ArrayInput, TextOneDimensionWithNullsAndQuoting) {
  auto a = text(R"({1, NULL ,"NULL","a \"b\", c",  x y  ,\{,""})");
  EXPECT_EQ(a.dims, std::vector<int32_t>{7});
  EXPECT_EQ(a.elements, (Elements{"1", std::nullopt, "NULL", "a \"b\", c", "x y", "{", ""}));
}

TEST(ArrayInput, TextNestedAndDecoratedAndEmpty) {
  auto a = text("{{1,2},{3,NULL}}");
  EXPECT_EQ(a.dims, (std::vector<int32_t>{2, 2}));
  EXPECT_EQ(a.elements, (Elements{"1", "2", "3", std::nullopt}));
  a = text("[0:1]={7,8}");
  EXPECT_EQ(a.elements, (Elements{"7", "8"}));
  a = text("{}");
  EXPECT_TRUE(a.dims.empty());
  EXPECT_TRUE(a.elements.empty());
  a = text(" { {} } ");
  EXPECT_TRUE(a.elements.empty());
}

TEST(ArrayInput, TextMalformedIsRefused) {
  EXPECT_NE(text_error("1,2").find("malformed array literal"), std::string::npos);
  EXPECT_NE(text_error("{{1},{2,3}}").find("matching dimensions"), std::string::npos);
  EXPECT_NE(text_error("{1,{2}}").find("Unexpected"), std::string::npos);
  EXPECT_NE(text_error("{1,2} x").find("Junk"), std::string::npos);
  EXPECT_NE(text_error("{\"abc}").find("end of input"), std::string::npos);
  EXPECT_NE(text_error("{1,,2}").find("Unexpected"), std::string::npos);
  EXPECT_NE(text_error("{{{{{{{1}}}}}}}").find("maximum allowed"), std::string::npos);
}

std::string be32(int32_t v) {
  std::string s(4, '\0');
  for (int i = 0; i < 4; ++i) s[i] = static_cast<char>(static_cast<uint32_t>(v) >> (24 - 8 * i));
  return s;
}

TEST(ArrayInput, BinaryTwoDimensionsWithNull) {
  std::string b = be32(2) + be32(1) + be32(23) + be32(2) + be32(1) + be32(1) + be32(1);
  b += be32(4) + be32(5) + be32(-1);
  ArrayInput a;
  std::string error;
  ASSERT_TRUE(parse_array_binary(b, a, &error)) << error;
  EXPECT_EQ(a.element_oid, 23u);
  EXPECT_EQ(a.dims, (std::vector<int32_t>{2, 1}));
  EXPECT_EQ(a.elements, (Elements{be32(5), std::nullopt}));
}

TEST(ArrayInput, BinaryTruncatedOrOversizedIsRefused) {
  ArrayInput a;
  std::string error;
  std::string b = be32(1) + be32(0) + be32(23) + be32(3) + be32(1) + be32(4) + be32(5);
  EXPECT_FALSE(parse_array_binary(b, a, &error));  // three announced, one sent
  EXPECT_FALSE(parse_array_binary(be32(1) + be32(0), a, &error));
  std::string huge = be32(2) + be32(0) + be32(23) + be32(100000) + be32(1) + be32(100000) + be32(1);
  EXPECT_FALSE(parse_array_binary(huge, a, &error));
  EXPECT_NE(error.find("maximum"), std::string::npos);
  ASSERT_TRUE(parse_array_binary(be32(0) + be32(0) + be32(25), a, &error));  // '{}'
  EXPECT_TRUE(a.elements.empty());
}

}  // namespace
}  // namespace riffq::types
