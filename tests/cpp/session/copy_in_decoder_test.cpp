// copy_in_decoder_test.cpp — CopyInDecoder: text, CSV and binary COPY data into Arrow columns,
// with PostgreSQL's errors and CONTEXT lines; CopyInChannel: the stream the application pulls.
#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "client/copy_test_util.hpp"
#include "riffq/session/copy_in.hpp"

namespace riffq::session {
namespace {

using client::test::Bytes;
using client::test::str;
using client::test::valid;
using client::test::value;

CopyInPlan plan(sql::CopySpec::Format format, std::vector<CopyInColumn> cols) {
  CopyInPlan p;
  p.spec.format = format;
  if (format == sql::CopySpec::Format::CSV) {
    p.spec.delimiter = ',';
    p.spec.null_string.clear();
  }
  p.table = "t";
  p.columns = std::move(cols);
  return p;
}

const std::vector<CopyInColumn> INT_TEXT = {{"a", 23, -1}, {"b", 25, -1}};

// A decoded batch: the struct array and its children.
struct Batch {
  ArrowArray a{};
  ~Batch() {
    if (a.release) a.release(&a);
  }
  const ArrowArray& col(int i) const { return *a.children[i]; }
};

TEST(CopyInDecoder, TextRowsWithNullsAndEscapes) {
  CopyInDecoder d(plan(sql::CopySpec::Format::TEXT, INT_TEXT));
  ASSERT_TRUE(d.feed("1\tplain\n\\N\ttab\\there\\\\\n3\t\\N\n"));
  ASSERT_TRUE(d.finish());
  EXPECT_EQ(d.rows(), 3);
  Batch b;
  d.take_batch(&b.a);
  ASSERT_EQ(b.a.length, 3);
  EXPECT_EQ(value<int32_t>(b.col(0), 0), 1);
  EXPECT_FALSE(valid(b.col(0), 1));
  EXPECT_EQ(str(b.col(1), 1), "tab\there\\");
  EXPECT_FALSE(valid(b.col(1), 2));
}

TEST(CopyInDecoder, LinesSplitAcrossChunksAndEndMarker) {
  const std::string data = "10\ta\\\nb\n20\t\\x41\\101\n\\.\nignored\tgarbage\n";
  CopyInDecoder d(plan(sql::CopySpec::Format::TEXT, INT_TEXT));
  for (char c : data) ASSERT_TRUE(d.feed(std::string_view(&c, 1)));
  ASSERT_TRUE(d.finish());
  Batch b;
  d.take_batch(&b.a);
  ASSERT_EQ(b.a.length, 2);
  EXPECT_EQ(str(b.col(1), 0), "a\nb");  // a backslash-escaped newline is data
  EXPECT_EQ(str(b.col(1), 1), "AA");
}

TEST(CopyInDecoder, LastLineWithoutNewline) {
  CopyInDecoder d(plan(sql::CopySpec::Format::TEXT, INT_TEXT));
  ASSERT_TRUE(d.feed("1\tx\n2\ty"));
  ASSERT_TRUE(d.finish());
  EXPECT_EQ(d.rows(), 2);
}

TEST(CopyInDecoder, CsvQuotesNullsAndMultilineFields) {
  CopyInPlan p = plan(sql::CopySpec::Format::CSV, INT_TEXT);
  CopyInDecoder d(std::move(p));
  ASSERT_TRUE(d.feed("1,\"a,\"\"b\"\"\nc\"\n2,\n3,\"\"\n"));
  ASSERT_TRUE(d.finish());
  Batch b;
  d.take_batch(&b.a);
  ASSERT_EQ(b.a.length, 3);
  EXPECT_EQ(str(b.col(1), 0), "a,\"b\"\nc");
  EXPECT_FALSE(valid(b.col(1), 1));  // unquoted empty = NULL
  EXPECT_TRUE(valid(b.col(1), 2));   // quoted empty = ''
  EXPECT_EQ(str(b.col(1), 2), "");
}

TEST(CopyInDecoder, CsvForceNotNullAndHeader) {
  CopyInPlan p = plan(sql::CopySpec::Format::CSV, INT_TEXT);
  p.spec.header = true;
  p.spec.force_not_null = {"b"};
  CopyInDecoder d(std::move(p));
  ASSERT_TRUE(d.feed("a,b\n1,\n"));
  ASSERT_TRUE(d.finish());
  Batch b;
  d.take_batch(&b.a);
  ASSERT_EQ(b.a.length, 1);
  EXPECT_TRUE(valid(b.col(1), 0));
}

TEST(CopyInDecoder, HeaderMatchMismatch) {
  CopyInPlan p = plan(sql::CopySpec::Format::CSV, INT_TEXT);
  p.spec.header = p.spec.header_match = true;
  CopyInDecoder d(std::move(p));
  EXPECT_FALSE(d.feed("a,x\n"));
  EXPECT_EQ(d.error().sqlstate, "22P04");
  EXPECT_EQ(d.error().message,
            "column name mismatch in header line field 2: got \"x\", expected \"b\"");
}

TEST(CopyInDecoder, BadValueNamesLineAndColumn) {
  CopyInDecoder d(plan(sql::CopySpec::Format::TEXT, INT_TEXT));
  EXPECT_FALSE(d.feed("1\tx\nabc\ty\n"));
  EXPECT_EQ(d.error().sqlstate, "22P02");
  EXPECT_EQ(d.error().message, "invalid input syntax for type integer: \"abc\"");
  EXPECT_EQ(d.error().context, "COPY t, line 2, column a: \"abc\"");
}

TEST(CopyInDecoder, MissingAndExtraColumns) {
  CopyInDecoder missing(plan(sql::CopySpec::Format::TEXT, INT_TEXT));
  EXPECT_FALSE(missing.feed("1\n"));
  EXPECT_EQ(missing.error().sqlstate, "22P04");
  EXPECT_EQ(missing.error().message, "missing data for column \"b\"");
  EXPECT_EQ(missing.error().context, "COPY t, line 1: \"1\"");
  CopyInDecoder extra(plan(sql::CopySpec::Format::TEXT, INT_TEXT));
  EXPECT_FALSE(extra.feed("1\ta\tb\n"));
  EXPECT_EQ(extra.error().message, "extra data after last expected column");
}

TEST(CopyInDecoder, UnterminatedCsvQuoteAtEnd) {
  CopyInDecoder d(plan(sql::CopySpec::Format::CSV, INT_TEXT));
  ASSERT_TRUE(d.feed("1,\"open\n"));
  EXPECT_FALSE(d.finish());
  EXPECT_EQ(d.error().sqlstate, "22P04");
  EXPECT_EQ(d.error().message, "unterminated CSV quoted field");
}

TEST(CopyInDecoder, UntypedColumnsAreTextNamedByPosition) {
  CopyInDecoder d(plan(sql::CopySpec::Format::TEXT, {}));
  EXPECT_FALSE(d.columns_known());
  ASSERT_TRUE(d.feed("x\ty\tz\n"));
  ASSERT_TRUE(d.columns_known());
  ASSERT_EQ(d.columns().size(), 3u);
  EXPECT_EQ(d.columns()[2].name, "column3");
}

TEST(CopyInDecoder, BinaryTuples) {
  std::string data = client::test::copy_header();
  data += Bytes().i16(2).i32(4).i32(7).field("seven").b;
  data += Bytes().i16(2).null().field("").b;
  data += client::test::copy_trailer();
  CopyInDecoder d(plan(sql::CopySpec::Format::BINARY, INT_TEXT));
  ASSERT_TRUE(d.feed(data));
  ASSERT_TRUE(d.finish());
  Batch b;
  d.take_batch(&b.a);
  ASSERT_EQ(b.a.length, 2);
  EXPECT_EQ(value<int32_t>(b.col(0), 0), 7);
  EXPECT_FALSE(valid(b.col(0), 1));
  EXPECT_EQ(str(b.col(1), 0), "seven");
}

TEST(CopyInDecoder, BinaryErrorsArePostgresWording) {
  CopyInDecoder sig(plan(sql::CopySpec::Format::BINARY, INT_TEXT));
  EXPECT_FALSE(sig.feed("PGCOPX\n\xff\r\n\0aaaaaaaa"));
  EXPECT_EQ(sig.error().sqlstate, "22P04");
  EXPECT_EQ(sig.error().message, "COPY file signature not recognized");

  CopyInDecoder count(plan(sql::CopySpec::Format::BINARY, INT_TEXT));
  EXPECT_FALSE(count.feed(client::test::copy_header() + Bytes().i16(3).b));
  EXPECT_EQ(count.error().message, "row field count is 3, expected 2");

  CopyInDecoder longer(plan(sql::CopySpec::Format::BINARY, INT_TEXT));
  EXPECT_FALSE(
      longer.feed(client::test::copy_header() + Bytes().i16(2).i32(6).i32(1).i16(1).null().b));
  EXPECT_EQ(longer.error().sqlstate, "22P03");
  EXPECT_EQ(longer.error().message, "incorrect binary data format");
  EXPECT_EQ(longer.error().context, "COPY t, line 1, column a");

  CopyInDecoder shorter(plan(sql::CopySpec::Format::BINARY, INT_TEXT));
  EXPECT_FALSE(shorter.feed(client::test::copy_header() + Bytes().i16(2).i32(2).i16(1).null().b));
  EXPECT_EQ(shorter.error().sqlstate, "08P01");
  EXPECT_EQ(shorter.error().message, "insufficient data left in message");

  CopyInDecoder cut(plan(sql::CopySpec::Format::BINARY, INT_TEXT));
  ASSERT_TRUE(cut.feed(client::test::copy_header() + Bytes().i16(2).i32(4).i32(9).i32(3).b));
  EXPECT_FALSE(cut.finish());
  EXPECT_EQ(cut.error().message, "unexpected EOF in COPY data");
  EXPECT_EQ(cut.error().context, "COPY t, line 1, column b");
}

// The channel's C stream: batches are cut by rows, the end of data ends the stream.
TEST(CopyInChannel, StreamYieldsBatchesThenEnds) {
  auto ch = std::make_shared<CopyInChannel>(plan(sql::CopySpec::Format::TEXT, INT_TEXT), 1 << 20,
                                            /*batch_rows=*/2);
  ASSERT_TRUE(ch->push("1\ta\n2\tb\n3\tc\n"));
  ch->finish();
  ArrowArrayStream s{};
  ch->export_stream(&s);
  ArrowSchema schema{};
  ASSERT_EQ(s.get_schema(&s, &schema), 0);
  EXPECT_EQ(schema.n_children, 2);
  EXPECT_STREQ(schema.children[0]->format, "i");
  schema.release(&schema);
  std::vector<int64_t> lengths;
  while (true) {
    ArrowArray a{};
    ASSERT_EQ(s.get_next(&s, &a), 0);
    if (a.release == nullptr) break;
    lengths.push_back(a.length);
    a.release(&a);
  }
  EXPECT_EQ(lengths, (std::vector<int64_t>{3}));  // one chunk decodes whole
  EXPECT_EQ(ch->rows(), 3);
  s.release(&s);
}

TEST(CopyInChannel, FullQueueRefusesAndRoomCallbackFires) {
  auto ch = std::make_shared<CopyInChannel>(plan(sql::CopySpec::Format::TEXT, INT_TEXT), 8);
  int woken = 0;
  ch->set_room_callback([&] { ++woken; });
  ASSERT_TRUE(ch->push("1\ta\n2\tb\n"));  // 8 bytes: now full
  EXPECT_FALSE(ch->push("3\tc\n"));
  ArrowArrayStream s{};
  ch->export_stream(&s);
  ArrowArray a{};
  std::thread consumer([&] { s.get_next(&s, &a); });
  // The consumer takes the chunk (room: the callback fires), then waits for more data.
  for (int i = 0; i < 1000 && woken == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  EXPECT_EQ(woken, 1);
  ASSERT_TRUE(ch->push("3\tc\n"));
  ch->finish();
  consumer.join();
  ASSERT_NE(a.release, nullptr);
  EXPECT_EQ(a.length, 3);
  a.release(&a);
  s.release(&s);
}

TEST(CopyInChannel, DecodeErrorEndsTheStreamWithContext) {
  auto ch = std::make_shared<CopyInChannel>(plan(sql::CopySpec::Format::TEXT, INT_TEXT));
  ASSERT_TRUE(ch->push("zz\ta\n"));
  ch->finish();
  ArrowArrayStream s{};
  ch->export_stream(&s);
  ArrowArray a{};
  EXPECT_NE(s.get_next(&s, &a), 0);
  EXPECT_STREQ(s.get_last_error(&s),
               "invalid input syntax for type integer: \"zz\" (CONTEXT: COPY t, line 1, column a: "
               "\"zz\")");
  ASSERT_TRUE(ch->error().has_value());
  EXPECT_EQ(ch->error()->sqlstate, "22P02");
  EXPECT_TRUE(ch->push("more"));  // failed: data is dropped, the producer never blocks
  s.release(&s);
}

TEST(CopyInChannel, CopyFailEndsTheReaderWithItsMessage) {
  auto ch = std::make_shared<CopyInChannel>(plan(sql::CopySpec::Format::TEXT, INT_TEXT));
  ArrowArrayStream s{};
  ch->export_stream(&s);
  ch->fail(PgError::error("57014", "COPY from stdin failed: nope"));
  ArrowArray a{};
  EXPECT_NE(s.get_next(&s, &a), 0);
  EXPECT_STREQ(s.get_last_error(&s), "COPY from stdin failed: nope");
  s.release(&s);
}

}  // namespace
}  // namespace riffq::session

namespace riffq::session {
namespace {

// 10 000 random uploads per format into typed columns (every text input function): each one
// decodes or fails with an error, never crashes or reads out of bounds (run under ASan).
TEST(CopyInDecoder, RandomInputNeverCrashes) {
  const std::vector<CopyInColumn> cols = {{"a", 23, -1},   {"b", 1700, (8 << 16 | 2) + 4},
                                          {"c", 1184, -1}, {"d", 1186, -1},
                                          {"e", 1007, -1}, {"f", 17, -1},
                                          {"g", 2950, -1}, {"h", 1082, -1}};
  const std::string alphabet = "0123456789-+.:e\t,\n\\\"{}NxPTZ aby";
  uint32_t seed = 12345;
  int decoded = 0;
  auto next = [&] {
    seed = seed * 1103515245u + 12345u;
    return seed >> 8;
  };
  for (auto format :
       {sql::CopySpec::Format::TEXT, sql::CopySpec::Format::CSV, sql::CopySpec::Format::BINARY}) {
    for (int round = 0; round < 10000; ++round) {
      std::string data =
          format == sql::CopySpec::Format::BINARY && round % 2 ? client::test::copy_header() : "";
      const size_t n = next() % 64;
      for (size_t i = 0; i < n; ++i)
        data.push_back(format == sql::CopySpec::Format::BINARY
                           ? static_cast<char>(next())
                           : alphabet[next() % alphabet.size()]);
      if (format == sql::CopySpec::Format::TEXT && round % 2 == 0) {
        // A valid row with a few characters changed: deep into every value parser.
        data =
            "1\t12.50\t2024-01-02 03:04:05+02\t1 day 02:00:00.5\t{1,NULL,3}\t\\\\x00ff\t"
            "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11\t2024-01-02\n";
        for (int k = 0; k < 3; ++k) data[next() % data.size()] = alphabet[next() % alphabet.size()];
      }
      CopyInDecoder d(plan(format, cols));
      if (d.feed(data) && d.finish() && d.rows() > 0) {
        Batch b;
        d.take_batch(&b.a);
        EXPECT_EQ(b.a.length, d.rows());
        ++decoded;
      }
    }
  }
  EXPECT_GT(decoded, 100);  // the mutated rows often still decode
}

}  // namespace
}  // namespace riffq::session
