// fuzz_session.cpp — libFuzzer target: the frontend message decoder driving the whole session
// state machine (startup, SCRAM / password exchange, host-based rules, simple and extended
// query, COPY, transactions, catalog statements) with a host that answers synchronously.
//
// Input: byte 0 = configuration flags, byte 1 = how the rest is cut into reads, then the
// client's bytes. Flag 1 puts a valid StartupMessage in front so that the fuzzer spends its
// time after startup.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "riffq/catalog/engine.hpp"
#include "riffq/session/session.hpp"
#include "session/session_test_util.hpp"

using namespace riffq::session;

namespace {

std::shared_ptr<const riffq::catalog::CatalogEngine> engine() {
  static auto e = std::make_shared<const riffq::catalog::CatalogEngine>();
  return e;
}

std::shared_ptr<const ScramUsers> scram_users() {
  static auto u = [] {
    auto m = std::make_shared<ScramUsers>();
    (*m)["alice"] = ScramVerifier::from_password("pw", 16);  // few iterations: fast execs
    return m;
  }();
  return u;
}

std::shared_ptr<const HbaRules> hba() {
  static auto r = std::make_shared<const HbaRules>(HbaRules::parse(
      "host all mallory all reject\nhost all all 127.0.0.0/8 password\nhost all all all trust\n"));
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const uint8_t flags = data[0];
  const size_t chunk = 1 + data[1] % 64;
  std::string input(reinterpret_cast<const char*>(data) + 2, size - 2);
  if (flags & 1) input = test::startup_packet({{"user", "bob"}, {"database", "postgres"}}) + input;

  SessionConfig cfg;
  cfg.password_required = flags & 2;
  if (flags & 4) cfg.scram_users = scram_users();
  if (flags & 8) {
    cfg.catalog = engine();
    cfg.catalog_emulation = flags & 16;
  }
  if (flags & 32) cfg.hba = hba();
  cfg.client_address = "127.0.0.1";
  cfg.max_queued_input = 1 << 20;
  if (flags & 64) cfg.large_message_limit = 4096;

  test::FakeHost host;
  const uint8_t reply = flags >> 6;
  host.responder = [reply](const HandlerCall&) {
    switch (reply) {
      case 0:
        return HandlerReply::make_tag("OK");
      case 1:
        return HandlerReply::make_error(riffq::PgError::error("XX000", "handler failed"));
      default:
        return test::rows({{1, 2, 3}, {4}});
    }
  };
  Session session(cfg, host, 1, 1, 1234);
  host.session = &session;
  for (size_t pos = 0; pos < input.size() && !session.closed(); pos += chunk) {
    session.receive(std::string_view(input).substr(pos, chunk));
    host.settle();
    host.output.clear();
  }
  session.transport_closed();
  host.settle();
  return 0;
}
