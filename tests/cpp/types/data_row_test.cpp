// tests/cpp/types/data_row_test.cpp
// Byte-level checks of DataRow framing (lengths, field counts, NULL = -1), RowDescription
// metadata, error paths, and the pg_types lookup functions. No PostgreSQL needed.
#include <gtest/gtest.h>

#include "riffq/types/pg_types.hpp"
#include "riffq/types/row_assembler.hpp"
#include "type_test_util.hpp"

namespace riffq::test {
namespace {

TEST(DataRow, FramingBytes) {
  std::vector<types::CellBuffer> cols(2);
  cols[0].append_cell("ab");
  cols[0].append_null();
  cols[1].append_null();
  cols[1].append_cell("");
  std::string out = "X";
  types::append_data_rows(cols, 0, 2, out);
  const std::string expected = std::string("X") +
                               std::string("D\0\0\0\x10\0\x02\0\0\0\x02" "ab\xff\xff\xff\xff", 17) +
                               std::string("D\0\0\0\x0e\0\x02\xff\xff\xff\xff\0\0\0\0", 15);
  EXPECT_EQ(hex(out), hex(expected));
}

TEST(DataRow, MultiColumnBatchAndDescription) {
  SchemaNode top = field("+s", {field("i", {}, "id"), field("u", {}, "name"), field("d:7,3", {}, "amount")});
  ArrowNode batch = struct_of({prim<int32_t>({1, 2, std::nullopt}), strings({"x", std::nullopt, "zz"}),
                               prim<__int128>({1234, -5, 0})},
                              3);
  std::string error;
  auto enc = types::ResultEncoder::create(export_schema(top), {}, &error);
  ASSERT_TRUE(enc) << error;
  ASSERT_EQ(enc->columns().size(), 3u);
  EXPECT_EQ(enc->columns()[0].name, "id");
  EXPECT_EQ(enc->columns()[0].type_oid, 23u);
  EXPECT_EQ(enc->columns()[0].typlen, 4);
  EXPECT_EQ(enc->columns()[1].name, "name");
  EXPECT_EQ(enc->columns()[1].typlen, -1);
  EXPECT_EQ(enc->columns()[2].typmod, ((7 << 16) | 3) + 4);
  enc->set_formats({wire::Format::BINARY, wire::Format::TEXT, wire::Format::TEXT});
  EXPECT_EQ(enc->columns()[0].format, wire::Format::BINARY);
  types::OwnedArray arr = export_array(batch);
  std::string out;
  ASSERT_TRUE(enc->append_data_rows(arr.a, 1, 2, out, &error)) << error;
  // row 1: int4 2 (binary), NULL, "-0.005"; row 2: NULL, "zz", "0.000"
  const std::string row1 = std::string("D\0\0\0\x1c\0\x03\0\0\0\x04\0\0\0\x02\xff\xff\xff\xff\0\0\0\x06-0.005", 29);
  const std::string row2 = std::string("D\0\0\0\x19\0\x03\xff\xff\xff\xff\0\0\0\x02zz\0\0\0\x05" "0.000", 26);
  EXPECT_EQ(hex(out), hex(row1 + row2));
  std::string bad;
  EXPECT_FALSE(enc->append_data_rows(arr.a, 2, 5, bad, &error));
}

TEST(DataRow, UnsupportedTypeFailsCreate) {
  SchemaNode top = field("+s", {field("+ud:0,1", {field("i"), field("u")}, "u")});
  std::string error;
  EXPECT_FALSE(types::ResultEncoder::create(export_schema(top), {}, &error));
  EXPECT_NE(error.find("cannot be sent"), std::string::npos) << error;
}

TEST(DataRow, ManyRowsCrossChunks) {
  std::vector<std::optional<int64_t>> v;
  for (int64_t i = 0; i < 10000; ++i) v.push_back(i % 7 == 0 ? std::nullopt : std::optional<int64_t>(i));
  Encoded e = encode_column(field("l"), prim<int64_t>(v), {}, wire::Format::TEXT);
  ASSERT_TRUE(e.ok) << e.error;
  ASSERT_EQ(e.cells.size(), v.size());
  for (size_t i = 0; i < v.size(); ++i) {
    ASSERT_EQ(e.cells[i], v[i] ? std::optional<std::string>(std::to_string(*v[i])) : std::nullopt);
  }
}

TEST(PgTypes, NamesAndArrays) {
  EXPECT_EQ(types::pg_type_name(23), "int4");
  EXPECT_EQ(types::pg_type_name(1007), "_int4");
  EXPECT_EQ(types::pg_type_name(3802), "jsonb");
  EXPECT_EQ(types::pg_type_name(999999), "");
  EXPECT_EQ(types::pg_array_type(2950).oid, 2951u);
  EXPECT_EQ(types::pg_array_type(2950).name, "_uuid");
  EXPECT_EQ(types::pg_array_type(2249).oid, 2287u);
  EXPECT_EQ(types::pg_array_type(705).oid, 0u);
  EXPECT_EQ(types::pg_element_type(1185), 1184u);
  EXPECT_EQ(types::pg_element_type(23), 0u);
  EXPECT_EQ(types::pg_typlen(1186), 16);
  EXPECT_EQ(types::pg_typlen(1082), 4);
  EXPECT_EQ(types::pg_typlen(1009), -1);
}

}  // namespace
}  // namespace riffq::test
