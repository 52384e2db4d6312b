// backend_messages_test.cpp — encoders produce the exact bytes of the protocol docs.
#include "riffq/wire/backend_messages.hpp"

#include <gtest/gtest.h>

#include "riffq/wire/message_reader.hpp"

namespace riffq::wire {
namespace {

// Checks the framing of one message and returns its body.
std::string_view body(const std::string& out, char type) {
  EXPECT_GE(out.size(), 5u);
  EXPECT_EQ(out[0], type);
  MessageReader r(std::string_view(out).substr(1, 4));
  EXPECT_EQ(static_cast<size_t>(r.get_int32()), out.size() - 1);
  return std::string_view(out).substr(5);
}

TEST(BackendMessages, ReadyForQuery) {
  std::string out;
  write_ready_for_query(out, TransactionStatus::FAILED);
  EXPECT_EQ(out, std::string("Z\0\0\0\5E", 6));
}

TEST(BackendMessages, ErrorResponseFields) {
  std::string out;
  PgError e = PgError::error("42P01", "relation \"t\" does not exist");
  e.hint = "check the name";
  e.position = 15;
  write_error_response(out, e);
  auto b = body(out, msg::ERROR_RESPONSE);
  auto z = [](const char* f) { return std::string(f) + std::string(1, '\0'); };
  std::string expected = z("SERROR") + z("VERROR") + z("C42P01") +
                         z("Mrelation \"t\" does not exist") + z("Hcheck the name") + z("P15") +
                         std::string(1, '\0');
  EXPECT_EQ(b, expected);
}

TEST(BackendMessages, EmbeddedNulCannotDesynchronise) {
  std::string out;
  write_command_complete(out, std::string("SELECT\0 1", 9));
  auto b = body(out, msg::COMMAND_COMPLETE);
  EXPECT_EQ(b, std::string("SELECT  1\0", 10));
}

TEST(BackendMessages, RowDescription) {
  std::string out;
  FieldDescription c;
  c.name = "n";
  c.type_oid = 1700;
  c.typlen = -1;
  c.typmod = ((12 << 16) | 2) + 4;
  c.format = Format::BINARY;
  write_row_description(out, {c});
  MessageReader r(body(out, msg::ROW_DESCRIPTION));
  EXPECT_EQ(r.get_int16(), 1);
  EXPECT_EQ(r.get_cstring(), "n");
  EXPECT_EQ(r.get_int32(), 0);
  EXPECT_EQ(r.get_int16(), 0);
  EXPECT_EQ(r.get_int32(), 1700);
  EXPECT_EQ(r.get_int16(), -1);
  EXPECT_EQ(r.get_int32(), ((12 << 16) | 2) + 4);
  EXPECT_EQ(r.get_int16(), 1);
  EXPECT_TRUE(r.at_end());
}

TEST(BackendMessages, ParameterDescriptionAndNegotiate) {
  std::string out;
  write_parameter_description(out, {23, 25});
  MessageReader r(body(out, msg::PARAMETER_DESCRIPTION));
  EXPECT_EQ(r.get_int16(), 2);
  EXPECT_EQ(r.get_int32(), 23);
  EXPECT_EQ(r.get_int32(), 25);
  EXPECT_TRUE(r.at_end());
  out.clear();
  write_negotiate_protocol_version(out, PROTOCOL_3_0, {"_pq_.x"});
  MessageReader n(body(out, msg::NEGOTIATE_PROTOCOL_VERSION));
  EXPECT_EQ(n.get_int32(), PROTOCOL_3_0);
  EXPECT_EQ(n.get_int32(), 1);
  EXPECT_EQ(n.get_cstring(), "_pq_.x");
  EXPECT_TRUE(n.at_end());
}

}  // namespace
}  // namespace riffq::wire
