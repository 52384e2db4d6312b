// The engine's 16-byte Value: scalars, text inline up to 14 bytes and shared beyond, arrays
// shared between copies; copies and moves keep each value intact.
#include <gtest/gtest.h>

#include "riffq/catalog/value.hpp"

namespace riffq::catalog {
namespace {

TEST(Value, ScalarsRoundTrip) {
  EXPECT_TRUE(Value::null().is_null());
  EXPECT_TRUE(Value::boolean(true).as_bool());
  EXPECT_FALSE(Value::boolean(false).as_bool());
  EXPECT_EQ(Value::integer(-9223372036854775807LL - 1).as_int(), -9223372036854775807LL - 1);
  EXPECT_EQ(Value::floating(-0.5).as_float(), -0.5);
  EXPECT_EQ(Value::integer(7).as_float(), 7.0);
}

TEST(Value, TextInlineAndSharedAcrossTheBoundary) {
  for (size_t n : {0, 1, 13, 14, 15, 16, 100, 100000}) {
    std::string s(n, 'x');
    if (n > 0) s[n - 1] = 'y';
    Value v = Value::text(s);
    ASSERT_TRUE(v.is_text());
    EXPECT_EQ(v.as_text(), s);
    Value copy = v;  // shares or copies the bytes
    Value moved = std::move(v);
    EXPECT_EQ(copy.as_text(), s);
    EXPECT_EQ(moved.as_text(), s);
    EXPECT_TRUE(v.is_null());  // NOLINT: a moved-from Value is NULL
    copy = moved;
    moved = Value::integer(1);  // the shared text stays alive through `copy`
    EXPECT_EQ(copy.as_text(), s);
  }
  EXPECT_EQ(Value::text(std::string("a\0b", 3)).as_text(), std::string_view("a\0b", 3));
}

TEST(Value, ArraysAreSharedByCopies) {
  ArrayItems items{Value::integer(1), Value::text(std::string(40, 'z')), Value::null()};
  items.lower = 0;
  Value a = Value::array(items);
  Value b = a;
  a = Value::null();
  ASSERT_TRUE(b.is_array());
  EXPECT_EQ(b.as_array().size(), 3u);
  EXPECT_EQ(b.as_array().lower, 0);
  EXPECT_EQ(b.as_array()[1].as_text(), std::string(40, 'z'));
  EXPECT_TRUE(b.as_array()[2].is_null());
  Row row{b, Value::text("t"), b};
  Row other = row;
  row.clear();
  EXPECT_EQ(other[0].as_array()[0].as_int(), 1);
  EXPECT_EQ(other[2].as_array().size(), 3u);
}

TEST(Value, ComparesAndHashesByContentNotStorage) {
  Value inline_text = Value::text("abc"), long_text = Value::text(std::string(20, 'a'));
  EXPECT_TRUE(values_equal(inline_text, Value::text(std::string("abc"))));
  EXPECT_EQ(hash_value(long_text), hash_value(Value::text(std::string(20, 'a'))));
  EXPECT_LT(compare_values(Value::text("abc"), Value::text(std::string(20, 'b'))), 0);
  EXPECT_EQ(sizeof(Value), 16u);
}

}  // namespace
}  // namespace riffq::catalog
