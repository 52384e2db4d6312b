// tests/cpp/client/copy_decoder_test.cpp
// The binary COPY decoder: framing, partial input, malformed input, random buffers.
#include "riffq/client/copy_decoder.hpp"

#include <gtest/gtest.h>

#include <random>

#include "copy_test_util.hpp"

namespace riffq::client {
namespace {

using test::Bytes;

std::vector<ColumnBuilder> make_builders(const std::vector<ColumnSpec>& specs) {
  std::vector<ColumnBuilder> out;
  for (const ColumnSpec& s : specs) out.emplace_back(s);
  return out;
}

std::string two_rows() {
  Bytes x;
  x.raw(test::copy_header());
  x.i16(2).field(test::be32(7)).field("hello");
  x.i16(2).null().field("");
  x.raw(test::copy_trailer());
  return x.b;
}

TEST(CopyDecoder, DecodesIntsTextAndNulls) {
  auto cols = make_builders({test::spec(ColumnKind::Int32), test::spec(ColumnKind::Text)});
  CopyBinaryDecoder d(&cols);
  const std::string in = two_rows();
  ASSERT_EQ(d.feed(reinterpret_cast<const uint8_t*>(in.data()), in.size()), DecodeStatus::Finished);
  EXPECT_EQ(d.rows(), 2);
  types::OwnedArray a, b;
  cols[0].finish(a.get());
  cols[1].finish(b.get());
  EXPECT_EQ(a.a.length, 2);
  EXPECT_EQ(a.a.null_count, 1);
  EXPECT_EQ(test::value<int32_t>(a.a, 0), 7);
  EXPECT_FALSE(test::valid(a.a, 1));
  EXPECT_EQ(test::str(b.a, 0), "hello");
  EXPECT_EQ(test::str(b.a, 1), "");
  EXPECT_EQ(b.a.null_count, 0);
}

TEST(CopyDecoder, ByteByByteEqualsWhole) {
  auto cols = make_builders({test::spec(ColumnKind::Int32), test::spec(ColumnKind::Text)});
  CopyBinaryDecoder d(&cols);
  const std::string in = two_rows();
  DecodeStatus st = DecodeStatus::NeedMoreData;
  for (size_t i = 0; i < in.size(); ++i) {
    ASSERT_EQ(st, DecodeStatus::NeedMoreData) << "at byte " << i;
    st = d.feed(reinterpret_cast<const uint8_t*>(in.data()) + i, 1);
  }
  EXPECT_EQ(st, DecodeStatus::Finished);
  EXPECT_EQ(d.rows(), 2);
  EXPECT_EQ(cols[1].length(), 2);
}

TEST(CopyDecoder, PartialTupleIsNotDecoded) {
  auto cols = make_builders({test::spec(ColumnKind::Int32), test::spec(ColumnKind::Text)});
  CopyBinaryDecoder d(&cols);
  const std::string in = two_rows();
  const size_t cut = test::copy_header().size() + 2 + 8 + 4 + 2;  // inside "hello"
  EXPECT_EQ(d.feed(reinterpret_cast<const uint8_t*>(in.data()), cut), DecodeStatus::NeedMoreData);
  EXPECT_EQ(cols[0].length(), 0);
  EXPECT_EQ(d.pending(), cut - test::copy_header().size());
}

TEST(CopyDecoder, BadSignatureFails) {
  auto cols = make_builders({test::spec(ColumnKind::Int32)});
  CopyBinaryDecoder d(&cols);
  const std::string in = "PGCOPX\n";
  EXPECT_EQ(d.feed(reinterpret_cast<const uint8_t*>(in.data()), in.size()), DecodeStatus::Failed);
  EXPECT_FALSE(d.error().empty());
}

TEST(CopyDecoder, WrongFieldCountFails) {
  auto cols = make_builders({test::spec(ColumnKind::Int32)});
  CopyBinaryDecoder d(&cols);
  const std::string in = Bytes().raw(test::copy_header()).i16(3).b;
  EXPECT_EQ(d.feed(reinterpret_cast<const uint8_t*>(in.data()), in.size()), DecodeStatus::Failed);
}

TEST(CopyDecoder, NegativeLengthFails) {
  auto cols = make_builders({test::spec(ColumnKind::Text)});
  CopyBinaryDecoder d(&cols);
  const std::string in = Bytes().raw(test::copy_header()).i16(1).i32(-7).b;
  EXPECT_EQ(d.feed(reinterpret_cast<const uint8_t*>(in.data()), in.size()), DecodeStatus::Failed);
}

TEST(CopyDecoder, WrongValueWidthFails) {
  auto cols = make_builders({test::spec(ColumnKind::Int32)});
  CopyBinaryDecoder d(&cols);
  const std::string in = Bytes().raw(test::copy_header()).i16(1).field("abc").b;
  EXPECT_EQ(d.feed(reinterpret_cast<const uint8_t*>(in.data()), in.size()), DecodeStatus::Failed);
  EXPECT_NE(d.error().find("int4"), std::string::npos);
}

TEST(CopyDecoder, HugeLengthWaitsForData) {
  auto cols = make_builders({test::spec(ColumnKind::Bytea)});
  CopyBinaryDecoder d(&cols);
  const std::string in = Bytes().raw(test::copy_header()).i16(1).i32(0x7fffffff).raw("ab").b;
  EXPECT_EQ(d.feed(reinterpret_cast<const uint8_t*>(in.data()), in.size()), DecodeStatus::NeedMoreData);
  EXPECT_EQ(cols[0].length(), 0);
}

TEST(CopyDecoder, DataAfterTrailerFails) {
  auto cols = make_builders({test::spec(ColumnKind::Int32), test::spec(ColumnKind::Text)});
  CopyBinaryDecoder d(&cols);
  const std::string in = two_rows() + "x";
  EXPECT_EQ(d.feed(reinterpret_cast<const uint8_t*>(in.data()), in.size()), DecodeStatus::Failed);
}

TEST(CopyDecoder, OidHeaderFlagRejected) {
  auto cols = make_builders({test::spec(ColumnKind::Int32)});
  CopyBinaryDecoder d(&cols);
  const std::string in = Bytes().raw(std::string("PGCOPY\n\xff\r\n\0", 11)).i32(1 << 16).i32(0).b;
  EXPECT_EQ(d.feed(reinterpret_cast<const uint8_t*>(in.data()), in.size()), DecodeStatus::Failed);
}

std::vector<ColumnSpec> fuzz_specs() {
  ColumnSpec dec = test::spec(ColumnKind::NumericDecimal);
  dec.precision = 20;
  dec.scale = 4;
  return {test::spec(ColumnKind::Int32),       test::spec(ColumnKind::Text),
          test::spec(ColumnKind::NumericString), dec,
          test::list_spec(ColumnKind::Int32, 2), test::spec(ColumnKind::Jsonb),
          test::spec(ColumnKind::Interval),    test::spec(ColumnKind::Bool),
          test::spec(ColumnKind::Date),        test::spec(ColumnKind::Char),
          test::spec(ColumnKind::Inet),        test::spec(ColumnKind::TimestampTz),
          test::spec(ColumnKind::UuidString),  test::spec(ColumnKind::NumericFloat)};
}

void export_all(std::vector<ColumnBuilder>& cols) {
  for (ColumnBuilder& c : cols) {
    types::OwnedArray a;
    c.finish(a.get());
  }
}

TEST(CopyDecoder, RandomBuffersNeverCrash) {
  std::mt19937 rng(12345);
  const auto specs = fuzz_specs();
  for (int iter = 0; iter < 10000; ++iter) {
    auto cols = make_builders(specs);
    CopyBinaryDecoder d(&cols);
    std::string buf = iter % 2 ? test::copy_header() : std::string();
    const size_t n = rng() % 256;
    for (size_t i = 0; i < n; ++i) buf.push_back(static_cast<char>(rng() & 0xff));
    size_t pos = 0;
    while (pos < buf.size()) {
      const size_t chunk = 1 + rng() % 64;
      const size_t take = std::min(chunk, buf.size() - pos);
      if (d.feed(reinterpret_cast<const uint8_t*>(buf.data()) + pos, take) != DecodeStatus::NeedMoreData) break;
      pos += take;
    }
    if (d.error().empty()) export_all(cols);
  }
}

TEST(CopyDecoder, MutatedValidStreamsNeverCrash) {
  std::mt19937 rng(777);
  const auto specs = fuzz_specs();
  Bytes row;
  row.i16(static_cast<int16_t>(specs.size()));
  row.field(test::be32(42)).field("text");
  row.field(test::numeric(0, 0, 2, {12, 3400}));
  row.field(test::numeric(1, 0x4000, 4, {1, 2345, 6789}));
  row.field(test::int4_array({2, 2}, {1, 2, INT32_MIN, 4}));
  row.field(std::string("\x01{\"a\":1}", 8));
  row.field(test::be64(1000) + test::be32(2) + test::be32(3));
  row.field(std::string("\x01", 1));
  row.field(test::be32(100));
  row.field("x");
  row.field(std::string("\x02\x20\x00\x04\x01\x02\x03\x04", 8));
  row.field(test::be64(-5));
  row.field(std::string(16, '\x11'));
  row.field(test::numeric(0, 0, 1, {7, 5000}));
  const std::string valid = test::copy_header() + row.b + row.b + test::copy_trailer();
  {
    auto cols = make_builders(specs);
    CopyBinaryDecoder d(&cols);
    ASSERT_EQ(d.feed(reinterpret_cast<const uint8_t*>(valid.data()), valid.size()), DecodeStatus::Finished)
        << d.error();
    export_all(cols);
  }
  for (int iter = 0; iter < 20000; ++iter) {
    std::string buf = valid;
    const int flips = 1 + static_cast<int>(rng() % 4);
    for (int f = 0; f < flips; ++f) buf[rng() % buf.size()] = static_cast<char>(rng() & 0xff);
    if (rng() % 4 == 0) buf.resize(rng() % buf.size());
    auto cols = make_builders(specs);
    CopyBinaryDecoder d(&cols);
    d.feed(reinterpret_cast<const uint8_t*>(buf.data()), buf.size());
    if (d.error().empty()) export_all(cols);
  }
}

}  // namespace
}  // namespace riffq::client
