// tests/cpp/client/column_builder_test.cpp
// Value decoding into Arrow (numeric, temporal, arrays, uuid, char) and the COPY encoder.
#include "riffq/client/column_builder.hpp"

#include <gtest/gtest.h>

#include <limits>

#include "copy_test_util.hpp"
#include "riffq/client/copy_decoder.hpp"
#include "riffq/client/copy_writer.hpp"
#include "riffq/client/pg_connection.hpp"

namespace riffq::client {
namespace {

bool append(ColumnBuilder& b, const std::string& v) {
  std::string err;
  return b.append(reinterpret_cast<const uint8_t*>(v.data()), static_cast<int32_t>(v.size()), &err);
}

std::string num_str(const std::string& bin) {
  std::string out;
  EXPECT_TRUE(numeric_to_string(reinterpret_cast<const uint8_t*>(bin.data()), static_cast<int32_t>(bin.size()), &out));
  return out;
}

TEST(Numeric, ToString) {
  EXPECT_EQ(num_str(test::numeric(0, 0, 2, {12, 3400})), "12.34");
  EXPECT_EQ(num_str(test::numeric(-1, 0x4000, 3, {10})), "-0.001");
  EXPECT_EQ(num_str(test::numeric(0, 0, 0, {})), "0");
  EXPECT_EQ(num_str(test::numeric(2, 0, 0, {1})), "100000000");
  EXPECT_EQ(num_str(test::numeric(0, 0xC000, 0, {})), "NaN");
  EXPECT_EQ(num_str(test::numeric(0, 0xD000, 0, {})), "Infinity");
  EXPECT_EQ(num_str(test::numeric(0, 0xF000, 0, {})), "-Infinity");
  std::string out;
  const std::string bad = test::numeric(0, 0, 0, {10000});
  EXPECT_FALSE(numeric_to_string(reinterpret_cast<const uint8_t*>(bad.data()), static_cast<int32_t>(bad.size()), &out));
}

TEST(Numeric, ToDecimal) {
  const std::string v = test::numeric(1, 0x4000, 4, {1, 2345, 6789});  // -12345.6789
  __int128 d = 0;
  ASSERT_EQ(numeric_to_decimal(reinterpret_cast<const uint8_t*>(v.data()), static_cast<int32_t>(v.size()), 4, &d), 1);
  EXPECT_TRUE(d == -123456789);
  ASSERT_EQ(numeric_to_decimal(reinterpret_cast<const uint8_t*>(v.data()), static_cast<int32_t>(v.size()), 6, &d), 1);
  EXPECT_TRUE(d == -12345678900);
  const std::string nan = test::numeric(0, 0xC000, 0, {});
  EXPECT_EQ(numeric_to_decimal(reinterpret_cast<const uint8_t*>(nan.data()), static_cast<int32_t>(nan.size()), 2, &d), 0);
  const std::string huge = test::numeric(10, 0, 0, {1});  // 10^40
  EXPECT_EQ(numeric_to_decimal(reinterpret_cast<const uint8_t*>(huge.data()), static_cast<int32_t>(huge.size()), 0, &d), 0);
}

TEST(Builder, DateInfinityIsNull) {
  ColumnBuilder b(test::spec(ColumnKind::Date));
  ASSERT_TRUE(append(b, test::be32(0)));
  ASSERT_TRUE(append(b, test::be32(std::numeric_limits<int32_t>::max())));
  ASSERT_TRUE(append(b, test::be32(-800000)));  // BC
  types::OwnedArray a;
  b.finish(a.get());
  EXPECT_EQ(test::value<int32_t>(a.a, 0), 10957);
  EXPECT_FALSE(test::valid(a.a, 1));
  EXPECT_EQ(test::value<int32_t>(a.a, 2), 10957 - 800000);
}

TEST(Builder, UuidString) {
  ColumnBuilder b(test::spec(ColumnKind::UuidString));
  ASSERT_TRUE(append(b, std::string("\x12\x34\x56\x78\x9a\xbc\xde\xf0\x01\x23\x45\x67\x89\xab\xcd\xef", 16)));
  types::OwnedArray a;
  b.finish(a.get());
  EXPECT_EQ(test::str(a.a, 0), "12345678-9abc-def0-0123-456789abcdef");
}

TEST(Builder, CharHighByteIsOctal) {
  ColumnBuilder b(test::spec(ColumnKind::Char));
  ASSERT_TRUE(append(b, "a"));
  ASSERT_TRUE(append(b, std::string("\xff", 1)));
  types::OwnedArray a;
  b.finish(a.get());
  EXPECT_EQ(test::str(a.a, 0), "a");
  EXPECT_EQ(test::str(a.a, 1), "\\377");
}

TEST(Builder, ArraysFitTheColumnDepth) {
  ColumnBuilder b(test::list_spec(ColumnKind::Int32, 2));
  ASSERT_TRUE(append(b, test::int4_array({2, 2}, {1, 2, INT32_MIN, 4})));
  ASSERT_TRUE(append(b, test::int4_array({}, {})));       // empty
  ASSERT_TRUE(append(b, test::int4_array({3}, {5, 6, 7})));  // 1-D into depth 2 → [[5,6,7]]
  b.append_null();
  types::OwnedArray a;
  b.finish(a.get());
  ASSERT_EQ(a.a.length, 4);
  const auto* outer = static_cast<const int32_t*>(a.a.buffers[1]);
  EXPECT_EQ(outer[0], 0);
  EXPECT_EQ(outer[1], 2);
  EXPECT_EQ(outer[2], 2);
  EXPECT_EQ(outer[3], 3);
  EXPECT_EQ(outer[4], 3);
  EXPECT_FALSE(test::valid(a.a, 3));
  const ArrowArray& mid = *a.a.children[0];
  ASSERT_EQ(mid.length, 3);
  const auto* inner = static_cast<const int32_t*>(mid.buffers[1]);
  EXPECT_EQ(inner[1], 2);
  EXPECT_EQ(inner[3], 7);
  const ArrowArray& leaf = *mid.children[0];
  ASSERT_EQ(leaf.length, 7);
  EXPECT_FALSE(test::valid(leaf, 2));
  EXPECT_EQ(test::value<int32_t>(leaf, 6), 7);
}

TEST(Builder, MalformedArrayRejected) {
  ColumnBuilder b(test::list_spec(ColumnKind::Int32, 1));
  std::string bad = test::int4_array({3}, {1, 2, 3});
  bad.resize(bad.size() - 1);
  EXPECT_FALSE(append(b, bad));
  EXPECT_FALSE(append(b, test::Bytes().i32(7).i32(0).i32(23).b));  // ndim 7
  EXPECT_FALSE(append(b, test::Bytes().i32(1).i32(0).i32(23).i32(1 << 30).i32(1).b));
}

TEST(Writer, EncodeThenDecodeRoundTrips) {
  std::vector<ColumnSpec> specs = {test::spec(ColumnKind::Int64, "a"), test::spec(ColumnKind::Text, "b")};
  ColumnSpec dec = test::spec(ColumnKind::NumericDecimal, "c");
  dec.precision = 12;
  dec.scale = 3;
  specs.push_back(dec);
  std::vector<ColumnBuilder> cols;
  for (const auto& s : specs) cols.emplace_back(s);
  std::string err;
  ASSERT_TRUE(append(cols[0], test::be64(-5)));
  ASSERT_TRUE(append(cols[1], "héllo"));
  ASSERT_TRUE(append(cols[2], test::numeric(0, 0x4000, 3, {12, 3400})));  // -12.340
  cols[0].append_null();
  cols[1].append_null();
  ASSERT_TRUE(append(cols[2], test::numeric(2, 0, 3, {1, 0, 5})));  // 100000005.000
  std::vector<ArrowArray> arrays(3);
  for (int i = 0; i < 3; ++i) cols[static_cast<size_t>(i)].finish(&arrays[static_cast<size_t>(i)]);
  types::OwnedArray batch;
  export_struct_array(arrays, 2, batch.get());
  types::OwnedSchema schema;
  export_schema(specs, schema.get());
  std::string wire = test::copy_header();
  ASSERT_TRUE(encode_copy_batch(schema.s, batch.a, &wire, &err)) << err;
  wire += test::copy_trailer();
  std::vector<ColumnBuilder> back;
  for (const auto& s : specs) back.emplace_back(s);
  CopyBinaryDecoder d(&back);
  ASSERT_EQ(d.feed(reinterpret_cast<const uint8_t*>(wire.data()), wire.size()), DecodeStatus::Finished) << d.error();
  types::OwnedArray a, b, c;
  back[0].finish(a.get());
  back[1].finish(b.get());
  back[2].finish(c.get());
  EXPECT_EQ(test::value<int64_t>(a.a, 0), -5);
  EXPECT_FALSE(test::valid(a.a, 1));
  EXPECT_EQ(test::str(b.a, 0), "héllo");
  EXPECT_TRUE(test::value<__int128>(c.a, 0) == -12340);
  EXPECT_TRUE(test::value<__int128>(c.a, 1) == static_cast<__int128>(100000005000));
  std::vector<std::string> types;
  ASSERT_TRUE(natural_pg_types(schema.s, &types, &err));
  EXPECT_EQ(types, (std::vector<std::string>{"bigint", "text", "numeric(12,3)"}));
}

}  // namespace
}  // namespace riffq::client

namespace riffq::client {
namespace {

TEST(Builder, InetAndCidrPrintLikePostgres) {
  ColumnBuilder b(test::spec(ColumnKind::Inet));
  ASSERT_TRUE(append(b, std::string("\x02\x20\x00\x04\x01\x02\x03\x04", 8)));  // 1.2.3.4
  ASSERT_TRUE(append(b, std::string("\x02\x08\x01\x04\x0a\x00\x00\x00", 8)));  // 10.0.0.0/8 cidr
  std::string v6(4 + 16, '\0');
  v6[0] = 3;
  v6[1] = static_cast<char>(128);
  v6[3] = 16;
  v6[19] = 1;  // ::1
  ASSERT_TRUE(append(b, v6));
  EXPECT_FALSE(append(b, std::string("\x02\x21\x00\x04\x01\x02\x03\x04", 8)));  // /33
  EXPECT_FALSE(append(b, std::string("\x02\x20\x00\x10\x01\x02\x03\x04", 8)));  // bad length
  types::OwnedArray a;
  b.finish(a.get());
  EXPECT_EQ(test::str(a.a, 0), "1.2.3.4");
  EXPECT_EQ(test::str(a.a, 1), "10.0.0.0/8");
  EXPECT_EQ(test::str(a.a, 2), "::1");
}

TEST(Builder, FinishStartsAFreshBatch) {
  ColumnBuilder b(test::spec(ColumnKind::Text));
  ASSERT_TRUE(append(b, "one"));
  b.append_null();
  types::OwnedArray first, second;
  b.finish(first.get());
  ASSERT_TRUE(append(b, "two"));
  b.finish(second.get());
  EXPECT_EQ(first.a.length, 2);
  EXPECT_EQ(first.a.null_count, 1);
  EXPECT_EQ(second.a.length, 1);
  EXPECT_EQ(second.a.null_count, 0);
  EXPECT_EQ(second.a.buffers[0], nullptr);
  EXPECT_EQ(test::str(second.a, 0), "two");
}

TEST(Writer, ListsBecomeOneDimensionalArrays) {
  std::vector<ColumnSpec> specs = {test::list_spec(ColumnKind::Int32, 1)};
  std::vector<ColumnBuilder> cols;
  cols.emplace_back(specs[0]);
  ASSERT_TRUE(append(cols[0], test::int4_array({3}, {1, INT32_MIN, 3})));
  ASSERT_TRUE(append(cols[0], test::int4_array({}, {})));
  cols[0].append_null();
  std::vector<ArrowArray> arrays(1);
  cols[0].finish(&arrays[0]);
  types::OwnedArray batch;
  export_struct_array(arrays, 3, batch.get());
  types::OwnedSchema schema;
  export_schema(specs, schema.get());
  std::string err, wire = test::copy_header();
  ASSERT_TRUE(encode_copy_batch(schema.s, batch.a, &wire, &err)) << err;
  wire += test::copy_trailer();
  std::vector<ColumnBuilder> back;
  back.emplace_back(specs[0]);
  CopyBinaryDecoder d(&back);
  ASSERT_EQ(d.feed(reinterpret_cast<const uint8_t*>(wire.data()), wire.size()), DecodeStatus::Finished) << d.error();
  types::OwnedArray a;
  back[0].finish(a.get());
  const auto* off = static_cast<const int32_t*>(a.a.buffers[1]);
  EXPECT_EQ(off[1], 3);
  EXPECT_EQ(off[2], 3);
  EXPECT_FALSE(test::valid(a.a, 2));
  EXPECT_FALSE(test::valid(*a.a.children[0], 1));
  EXPECT_EQ(test::value<int32_t>(*a.a.children[0], 2), 3);
  std::vector<std::string> types;
  ASSERT_TRUE(natural_pg_types(schema.s, &types, &err));
  EXPECT_EQ(types, std::vector<std::string>{"integer[]"});
}

TEST(Statement, KeywordAndStrip) {
  EXPECT_EQ(leading_keyword("  -- c\n /* x */ (SELECT 1)"), "select");
  EXPECT_EQ(leading_keyword("With x as (select 1) table x"), "with");
  EXPECT_EQ(leading_keyword("/* unterminated"), "");
  EXPECT_EQ(strip_statement("select 1 ;; \n"), "select 1");
}

}  // namespace
}  // namespace riffq::client
