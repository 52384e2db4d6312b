// UTF-8 validation as PostgreSQL's pg_utf8_islegal, and its 22021 message.
#include "riffq/common/utf8.hpp"

#include <gtest/gtest.h>

#include <string>

namespace riffq {
namespace {

constexpr size_t npos = std::string_view::npos;

TEST(Utf8, WellFormedTextIsValid) {
  EXPECT_EQ(find_invalid_utf8(""), npos);
  EXPECT_EQ(find_invalid_utf8("select 'héllo', '日本', '😀'"), npos);
  EXPECT_EQ(find_invalid_utf8("\xf4\x8f\xbf\xbf"), npos);  // U+10FFFF
  EXPECT_EQ(find_invalid_utf8("\xed\x9f\xbf"), npos);      // U+D7FF, just below surrogates
  EXPECT_FALSE(check_client_utf8("select 1").has_value());
}

TEST(Utf8, IllFormedSequencesAreFound) {
  EXPECT_EQ(find_invalid_utf8("ab\xff"), 2u);
  EXPECT_EQ(find_invalid_utf8("a\xc0\x80"), 1u);         // overlong NUL
  EXPECT_EQ(find_invalid_utf8("\xe0\x80\x80"), 0u);      // overlong 3-byte form
  EXPECT_EQ(find_invalid_utf8("x\xed\xa0\x80"), 1u);     // a UTF-16 surrogate
  EXPECT_EQ(find_invalid_utf8("\xf4\x90\x80\x80"), 0u);  // past U+10FFFF
  EXPECT_EQ(find_invalid_utf8("\xf0\x9f\x98"), 0u);      // cut short
  EXPECT_EQ(find_invalid_utf8("\xc3\x28"), 0u);          // bad continuation
  EXPECT_EQ(find_invalid_utf8(std::string_view("a\0b", 3)), 1u);
  EXPECT_EQ(find_invalid_utf8("\x80"), 0u);  // a lone continuation byte
}

TEST(Utf8, ErrorIs22021WithPostgresText) {
  auto e = check_client_utf8("select '\xff\xfe'");
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->sqlstate, "22021");
  EXPECT_EQ(e->message, "invalid byte sequence for encoding \"UTF8\": 0xff");
  e = check_client_utf8("x\xc3\x28y");
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->message, "invalid byte sequence for encoding \"UTF8\": 0xc3 0x28");
  e = check_client_utf8("\xf0\x9f");  // the announced length is cut by the end of the text
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->message, "invalid byte sequence for encoding \"UTF8\": 0xf0 0x9f");
}

}  // namespace
}  // namespace riffq
