// fuzz_copy_binary.cpp — libFuzzer target: the binary COPY decoder (client side) fed a stream
// in arbitrary chunks, into builders of every column kind.
//
// Input: byte 0 = number of columns (1..8), the next bytes pick each column's kind, byte
// after them = chunk size; the rest is the COPY stream.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "client/copy_test_util.hpp"
#include "riffq/client/copy_decoder.hpp"
#include "riffq/types/arrow_c_abi.hpp"

using namespace riffq::client;

namespace {

ColumnSpec pick(uint8_t b) {
  static const ColumnKind kinds[] = {
      ColumnKind::Bool,          ColumnKind::Int16,        ColumnKind::Int32,
      ColumnKind::Int64,         ColumnKind::Float32,      ColumnKind::Float64,
      ColumnKind::Oid,           ColumnKind::Text,         ColumnKind::Jsonb,
      ColumnKind::Char,          ColumnKind::Bytea,        ColumnKind::NumericDecimal,
      ColumnKind::NumericString, ColumnKind::NumericFloat, ColumnKind::Date,
      ColumnKind::Time,          ColumnKind::Timestamp,    ColumnKind::TimestampTz,
      ColumnKind::Interval,      ColumnKind::Duration,     ColumnKind::UuidBinary,
      ColumnKind::UuidString,    ColumnKind::Money,        ColumnKind::Inet,
      ColumnKind::Unknown};
  constexpr size_t N = sizeof kinds / sizeof kinds[0];
  if (b % (N + 1) == N) return test::list_spec(kinds[(b / (N + 1)) % 8], 1 + (b & 1));
  ColumnSpec s = test::spec(kinds[b % (N + 1)]);
  if (s.kind == ColumnKind::NumericDecimal) {
    s.precision = 1 + (b >> 3) % 38;
    s.scale = (b >> 1) % (s.precision + 1);
  }
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const size_t ncols = 1 + data[0] % 8;
  if (size < 2 + ncols) return 0;
  std::vector<ColumnBuilder> cols;
  for (size_t i = 0; i < ncols; ++i) cols.emplace_back(pick(data[1 + i]));
  const size_t chunk = 1 + data[1 + ncols] % 128;
  const uint8_t* p = data + 2 + ncols;
  const uint8_t* end = data + size;
  CopyBinaryDecoder decoder(&cols);
  DecodeStatus st = DecodeStatus::NeedMoreData;
  while (p < end && st == DecodeStatus::NeedMoreData) {
    size_t take = std::min<size_t>(chunk, static_cast<size_t>(end - p));
    st = decoder.feed(p, take);
    p += take;
  }
  if (decoder.error().empty())
    for (ColumnBuilder& c : cols) {  // exporting what was decoded must work too
      riffq::types::OwnedArray a;
      c.finish(a.get());
    }
  return 0;
}
