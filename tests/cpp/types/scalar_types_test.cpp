// tests/cpp/types/scalar_types_test.cpp
// Differential tests of scalar types (bool, integers, floats, decimals, strings, bytea, uuid,
// json, null) against PostgreSQL 15, in text and binary, including NULLs and sliced arrays.
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <limits>

#include "type_test_util.hpp"

namespace riffq::test {
namespace {

using types::EncodeOptions;

class ScalarTypes : public TypesDiffTest {};

std::string g17(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v < 0 ? "-Infinity" : "Infinity";
  char b[64];
  std::snprintf(b, sizeof b, "%.17g", v);
  return b;
}

TEST_F(ScalarTypes, Bool) {
  expect_pg(field("b"), bools({true, false, std::nullopt, true}),
            literals("bool", {"t", "f", std::nullopt, "t"}));
  EXPECT_EQ(encode_column(field("b"), bools({true}), {}, wire::Format::TEXT).column.type_oid, 16u);
}

TEST_F(ScalarTypes, SignedIntegers) {
  expect_pg(field("c"), prim<int8_t>({-128, 127, std::nullopt, 0}),
            literals("int2", {"-128", "127", std::nullopt, "0"}));
  expect_pg(field("s"), prim<int16_t>({-32768, 32767, std::nullopt}),
            literals("int2", {"-32768", "32767", std::nullopt}));
  expect_pg(field("i"), prim<int32_t>({INT32_MIN, INT32_MAX, std::nullopt, -1}),
            literals("int4", {"-2147483648", "2147483647", std::nullopt, "-1"}));
  expect_pg(field("l"), prim<int64_t>({INT64_MIN, INT64_MAX, std::nullopt}),
            literals("int8", {"-9223372036854775808", "9223372036854775807", std::nullopt}));
}

TEST_F(ScalarTypes, UnsignedIntegersWiden) {
  Encoded e = encode_column(field("C"), prim<uint8_t>({255}), {}, wire::Format::TEXT);
  EXPECT_EQ(e.column.type_oid, 21u);
  EXPECT_EQ(e.column.typlen, 2);
  expect_pg(field("C"), prim<uint8_t>({255, 0, std::nullopt}), literals("int2", {"255", "0", std::nullopt}));
  expect_pg(field("S"), prim<uint16_t>({65535, 1}), literals("int4", {"65535", "1"}));
  expect_pg(field("I"), prim<uint32_t>({4294967295u, std::nullopt}),
            literals("int8", {"4294967295", std::nullopt}));
  expect_pg(field("L"), prim<uint64_t>({UINT64_MAX, 0, std::nullopt, 10000, 123456789}),
            literals("numeric", {"18446744073709551615", "0", std::nullopt, "10000", "123456789"}));
}

TEST_F(ScalarTypes, SlicedIntegers) {
  ArrowNode a = slice(prim<int32_t>({1, std::nullopt, 3, 4, std::nullopt, 6, 7, 8, 9, 10}), 3, 6);
  expect_pg(field("i"), a, literals("int4", {"4", std::nullopt, "6", "7", "8", "9"}));
}

const std::vector<double> DOUBLES = {1.0, 1e20, 1.5e-7, 0.1, -0.0, NAN, INFINITY, -INFINITY,
                                     1e15, 1e14, 123456789012345.6, 1e-4, 1e-5, DBL_MAX,
                                     5e-324, 1.0 / 3, -2.5, 100, 1e100, 1.7976931348623157e-300};

TEST_F(ScalarTypes, Float8Shortest) {
  std::vector<std::optional<double>> v(DOUBLES.begin(), DOUBLES.end());
  v.push_back(std::nullopt);
  Cells lits;
  for (auto& d : v) lits.push_back(d ? std::optional<std::string>(g17(*d)) : std::nullopt);
  expect_pg(field("g"), prim<double>(v), literals("float8", lits));
}

TEST_F(ScalarTypes, Float8ExtraFloatDigits) {
  std::vector<std::optional<double>> v(DOUBLES.begin(), DOUBLES.end());
  Cells lits;
  for (auto& d : v) lits.push_back(g17(*d));
  for (int extra : {0, -3, -15}) {
    EncodeOptions o;
    o.extra_float_digits = extra;
    expect_pg(field("g"), prim<double>(v), literals("float8", lits), o, false);
  }
}

TEST_F(ScalarTypes, Float4) {
  const std::vector<float> fs = {1.0f, 1e20f, 1.5e-7f, 0.1f, -0.0f, NAN, INFINITY, -INFINITY,
                                 1e6f, 123456.0f, 999999.0f, 1e-4f, 1e-5f, FLT_MAX, 1e-45f,
                                 3.4028235e38f, 1.0f / 3};
  std::vector<std::optional<float>> v(fs.begin(), fs.end());
  v.push_back(std::nullopt);
  Cells lits;
  for (auto& f : v) {
    lits.push_back(f ? std::optional<std::string>(g17(static_cast<double>(*f))) : std::nullopt);
  }
  expect_pg(field("f"), prim<float>(v), literals("float4", lits));
  EncodeOptions o;
  o.extra_float_digits = 0;
  expect_pg(field("f"), prim<float>(v), literals("float4", lits), o, false);
}

TEST_F(ScalarTypes, Float16) {
  // 1.5, 65504 (max), 2^-14 (min normal), 2^-24 (min subnormal), -2, inf, NaN
  std::vector<std::optional<uint16_t>> v = {0x3e00, 0x7bff, 0x0400, 0x0001, 0xc000, 0x7c00, 0x7e00,
                                            std::nullopt};
  expect_pg(field("e"), prim<uint16_t>(v),
            literals("float4", {"1.5", "65504", "6.103515625e-05", "5.9604644775390625e-08", "-2",
                                "Infinity", "NaN", std::nullopt}));
}

// decimal128 values from int64 (sign-extended to 16 bytes).
ArrowNode dec128(const std::vector<std::optional<int64_t>>& v) {
  std::vector<std::optional<__int128>> w;
  for (auto& x : v) w.push_back(x ? std::optional<__int128>(*x) : std::nullopt);
  return prim<__int128>(w);
}

TEST_F(ScalarTypes, Decimal128WithScale) {
  Encoded e = encode_column(field("d:10,2"), dec128({1}), {}, wire::Format::TEXT);
  EXPECT_EQ(e.column.type_oid, 1700u);
  EXPECT_EQ(e.column.typmod, ((10 << 16) | 2) + 4);
  expect_pg(field("d:10,2"), dec128({12345, -5, 0, std::nullopt, 100, -99999999, 10000}),
            literals("numeric(10,2)", {"123.45", "-0.05", "0", std::nullopt, "1.00", "-999999.99", "100"}));
  expect_pg(field("d:12,9"), dec128({1, -1000000000, 123456789012}),
            literals("numeric(12,9)", {"0.000000001", "-1", "123.456789012"}));
  expect_pg(field("d:5,0"), dec128({99999, -1, 0}), literals("numeric(5,0)", {"99999", "-1", "0"}));
}

TEST_F(ScalarTypes, Decimal128Extremes) {
  const __int128 max38 = static_cast<__int128>(9999999999999999999ull) * static_cast<__int128>(10000000000000000000ull) +
                         static_cast<__int128>(9999999999999999999ull);  // 38 nines
  expect_pg(field("d:38,0"), prim<__int128>({max38, -max38}),
            literals("numeric(38,0)", {"99999999999999999999999999999999999999",
                                       "-99999999999999999999999999999999999999"}));
  expect_pg(field("d:38,38"), prim<__int128>({max38, std::nullopt}),
            literals("numeric(38,38)", {"0.99999999999999999999999999999999999999", std::nullopt}));
}

TEST_F(ScalarTypes, Decimal256) {
  // -(2^200) and 2^255 - 1 as little-endian words.
  struct W {
    uint64_t w[4];
  };
  std::vector<std::optional<W>> v;
  W neg{};  // -(2^200): two's complement
  neg.w[3] = ~uint64_t{0} << 8;
  v.push_back(neg);
  W max{{~uint64_t{0}, ~uint64_t{0}, ~uint64_t{0}, ~uint64_t{0} >> 1}};
  v.push_back(max);
  v.push_back(W{{42, 0, 0, 0}});
  v.push_back(std::nullopt);
  expect_pg(field("d:76,10,256"), prim<W>(v),
            {"round(-(2::numeric ^ 200) / 10000000000, 10)",
             "round(((2::numeric ^ 255) - 1) / 10000000000, 10)", "round(42 / 10000000000.0, 10)",
             "NULL::numeric"});
}

TEST_F(ScalarTypes, DecimalNegativeScale) {
  expect_pg(field("d:5,-3"), dec128({12, -7, 0}), literals("numeric", {"12000", "-7000", "0"}));
}

const Cells TEXTS = {"hello", "", std::nullopt, "ünïcödé ✓", "tab\there", "a somewhat longer string value",
                     "quote'\"\\"};

TEST_F(ScalarTypes, Utf8AllLayouts) {
  expect_pg(field("u"), strings(TEXTS), literals("text", TEXTS));
  expect_pg(field("U"), strings(TEXTS, true), literals("text", TEXTS));
  expect_pg(field("vu"), string_views(TEXTS), literals("text", TEXTS));
  Cells tail(TEXTS.begin() + 2, TEXTS.end());
  expect_pg(field("u"), slice(strings(TEXTS), 2, 5), literals("text", tail));
  expect_pg(field("vu"), slice(string_views(TEXTS), 2, 5), literals("text", tail));
}

const Cells BLOBS = {std::string("\x00\x01\xff", 3), "", std::nullopt, "abc\\def", "\n\x7f\x80 ~",
                     "long enough to be out of line"};

std::vector<std::string> bytea_exprs(const Cells& v) {
  std::vector<std::string> out;
  for (auto& b : v) out.push_back(b ? "decode('" + hex(b) + "', 'hex')" : "NULL::bytea");
  return out;
}

TEST_F(ScalarTypes, ByteaHexAndEscape) {
  for (bool hexout : {true, false}) {
    EncodeOptions o;
    o.bytea_hex = hexout;
    expect_pg(field("z"), strings(BLOBS), bytea_exprs(BLOBS), o);
    expect_pg(field("Z"), strings(BLOBS, true), bytea_exprs(BLOBS), o);
    expect_pg(field("vz"), string_views(BLOBS), bytea_exprs(BLOBS), o);
  }
  Cells fixed = {"abcd", std::nullopt, std::string("\0\0\0\x01", 4)};
  expect_pg(field("w:4"), fixed_binary(fixed, 4), bytea_exprs(fixed));
  expect_pg(field("w:4"), slice(fixed_binary(fixed, 4), 1, 2), bytea_exprs({std::nullopt, fixed[2]}));
}

TEST_F(ScalarTypes, Uuid) {
  const std::string u1("\x12\x34\x56\x78\x9a\xbc\xde\xf0\x01\x23\x45\x67\x89\xab\xcd\xef", 16);
  const std::string u2(16, '\0');
  SchemaNode f = extension_field("w:16", "arrow.uuid");
  Encoded e = encode_column(f, fixed_binary({u1}, 16), {}, wire::Format::TEXT);
  EXPECT_EQ(e.column.type_oid, 2950u);
  EXPECT_EQ(e.column.typlen, 16);
  expect_pg(f, fixed_binary({u1, std::nullopt, u2}, 16),
            literals("uuid", {"12345678-9abc-def0-0123-456789abcdef", std::nullopt,
                              "00000000-0000-0000-0000-000000000000"}));
  // Without the extension it stays bytea.
  EXPECT_EQ(encode_column(field("w:16"), fixed_binary({u1}, 16), {}, wire::Format::TEXT).column.type_oid, 17u);
}

TEST_F(ScalarTypes, Json) {
  Cells docs = {"{\"a\": 1,  \"b\":[true,null]}", std::nullopt, "[]", "\"x\""};
  SchemaNode f = extension_field("u", "arrow.json");
  EXPECT_EQ(encode_column(f, strings(docs), {}, wire::Format::TEXT).column.type_oid, 114u);
  expect_pg(f, strings(docs), literals("json", docs));
}

TEST_F(ScalarTypes, NullType) {
  ArrowNode n;
  n.length = 3;
  n.null_count = 3;
  Encoded e = encode_column(field("n"), n, {}, wire::Format::TEXT);
  ASSERT_TRUE(e.ok) << e.error;
  EXPECT_EQ(e.column.type_oid, 25u);
  EXPECT_EQ(e.cells, Cells(3, std::nullopt));
  expect_pg(field("n"), n, literals("text", {std::nullopt, std::nullopt, std::nullopt}));
}

}  // namespace
}  // namespace riffq::test
