// frontend_messages_test.cpp — decoders for startup packets and typed frontend messages.
#include "riffq/wire/frontend_messages.hpp"

#include <gtest/gtest.h>

#include <random>

#include "wire_test_util.hpp"

namespace riffq::wire {
namespace {

using test::be16;
using test::be32;
using test::cstr;

std::string_view body_of(const std::string& packet) { return std::string_view(packet).substr(4); }

TEST(StartupPacket, ParametersInOrder) {
  std::string p = test::startup({{"user", "alice"}, {"database", "db"}, {"application_name", "x"}});
  auto d = decode_startup_packet(body_of(p));
  ASSERT_TRUE(d.ok());
  auto& m = std::get<StartupMessage>(*d.value);
  ASSERT_EQ(m.parameters.size(), 3u);
  EXPECT_EQ(*m.find("user"), "alice");
  EXPECT_EQ(m.parameters[2].first, "application_name");
}

TEST(StartupPacket, SpecialCodes) {
  auto ssl = decode_startup_packet(be32(SSL_REQUEST_CODE));
  ASSERT_TRUE(ssl.ok());
  EXPECT_TRUE(std::holds_alternative<SSLRequest>(*ssl.value));
  auto gss = decode_startup_packet(be32(GSSENC_REQUEST_CODE));
  EXPECT_TRUE(std::holds_alternative<GSSENCRequest>(*gss.value));
  auto cancel = decode_startup_packet(be32(CANCEL_REQUEST_CODE) + be32(7) + be32(-5));
  ASSERT_TRUE(cancel.ok());
  auto& c = std::get<CancelRequest>(*cancel.value);
  EXPECT_EQ(c.process_id, 7);
  EXPECT_EQ(c.secret_key, -5);
  EXPECT_FALSE(decode_startup_packet(be32(CANCEL_REQUEST_CODE) + be32(7)).ok());
}

TEST(StartupPacket, MissingTerminatorAndOldProtocol) {
  EXPECT_FALSE(decode_startup_packet(be32(PROTOCOL_3_0) + cstr("user")).ok());
  auto v2 = decode_startup_packet(be32(2 << 16) + std::string(1, '\0'));
  ASSERT_FALSE(v2.ok());
  EXPECT_EQ(v2.error.sqlstate, sqlstate::FEATURE_NOT_SUPPORTED);
}

TEST(FrontendMessage, Parse) {
  std::string body = cstr("s1") + cstr("select $1") + be16(2) + be32(23) + be32(0);
  auto d = decode_frontend_message(msg::PARSE, body);
  ASSERT_TRUE(d.ok());
  auto& p = std::get<Parse>(*d.value);
  EXPECT_EQ(p.statement, "s1");
  EXPECT_EQ(p.sql, "select $1");
  EXPECT_EQ(p.parameter_types, (std::vector<uint32_t>{23, 0}));
}

TEST(FrontendMessage, ParseCountBeyondBodyIsRejected) {
  std::string body = cstr("") + cstr("x") + be16(1000) + be32(23);
  EXPECT_FALSE(decode_frontend_message(msg::PARSE, body).ok());
}

TEST(FrontendMessage, BindWithNullAndFormats) {
  std::string body = cstr("p") + cstr("s") + be16(1) + be16(1) + be16(2) + be32(-1) + be32(3) +
                     "abc" + be16(1) + be16(1);
  auto d = decode_frontend_message(msg::BIND, body);
  ASSERT_TRUE(d.ok());
  auto& b = std::get<Bind>(*d.value);
  EXPECT_EQ(b.portal, "p");
  ASSERT_EQ(b.parameters.size(), 2u);
  EXPECT_FALSE(b.parameters[0].has_value());
  EXPECT_EQ(*b.parameters[1], "abc");
  EXPECT_EQ(b.result_formats, (std::vector<int16_t>{1}));
}

TEST(FrontendMessage, BindParameterLongerThanMessage) {
  std::string body = cstr("") + cstr("") + be16(0) + be16(1) + be32(100) + "ab" + be16(0);
  auto d = decode_frontend_message(msg::BIND, body);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error.sqlstate, sqlstate::PROTOCOL_VIOLATION);
}

TEST(FrontendMessage, TrailingBytesAreAnError) {
  EXPECT_FALSE(decode_frontend_message(msg::EXECUTE, cstr("") + be32(0) + "x").ok());
  EXPECT_TRUE(decode_frontend_message(msg::EXECUTE, cstr("") + be32(0)).ok());
}

TEST(FrontendMessage, DescribeAndCloseKinds) {
  auto d = decode_frontend_message(msg::DESCRIBE, "P" + cstr("portal"));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(std::get<Describe>(*d.value).kind, 'P');
  EXPECT_FALSE(decode_frontend_message(msg::DESCRIBE, "X" + cstr("")).ok());
  EXPECT_TRUE(decode_frontend_message(msg::CLOSE, "S" + cstr("s1")).ok());
}

TEST(FrontendMessage, QueryWithoutTerminatorIsRejected) {
  EXPECT_FALSE(decode_frontend_message(msg::QUERY, "select 1").ok());
}

TEST(FrontendMessage, RandomBodiesNeverCrash) {
  std::mt19937 gen(7);
  const char types[] = {msg::QUERY, msg::PARSE, msg::BIND, msg::DESCRIBE, msg::EXECUTE,
                        msg::CLOSE, msg::SYNC, msg::COPY_FAIL};
  for (int i = 0; i < 10000; ++i) {
    std::string body(gen() % 48, '\0');
    for (auto& c : body) c = static_cast<char>(gen() % 4 == 0 ? 0 : gen());
    auto d = decode_frontend_message(types[i % 8], body);
    if (!d.ok()) {
      EXPECT_FALSE(d.error.message.empty());
    }
  }
  for (int i = 0; i < 10000; ++i) {
    std::string body(gen() % 48, '\0');
    for (auto& c : body) c = static_cast<char>(gen() % 3 == 0 ? 0 : gen());
    auto d = decode_startup_packet(body);
    if (!d.ok()) {
      EXPECT_FALSE(d.error.message.empty());
    }
  }
}

}  // namespace
}  // namespace riffq::wire
