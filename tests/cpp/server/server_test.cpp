// server_test.cpp — the C++ core serving Arrow streams with no Python: libpq clients against a
// Server with a C++ Application (threads, cancel, many clients, shutdown).
#include "riffq/server/server.hpp"

#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "support/arrow_builder.hpp"

namespace riffq::server {
namespace {

// A stream of `n` int64 rows 0..n-1 in one column "n", produced lazily in batches of 1000.
struct CountingStream {
  int64_t n, next = 0;
  static int get_schema(ArrowArrayStream* s, ArrowSchema* out) {
    (void)s;
    auto schema =
        riffq::test::export_schema(riffq::test::field("+s", {riffq::test::field("l", {}, "n")}));
    *out = schema.s;
    schema.s.release = nullptr;
    return 0;
  }
  static int get_next(ArrowArrayStream* s, ArrowArray* out) {
    auto* self = static_cast<CountingStream*>(s->private_data);
    if (self->next >= self->n) {
      out->release = nullptr;
      return 0;
    }
    int64_t len = std::min<int64_t>(1000, self->n - self->next);
    std::vector<std::optional<int64_t>> v(static_cast<size_t>(len));
    for (int64_t i = 0; i < len; ++i) v[static_cast<size_t>(i)] = self->next + i;
    self->next += len;
    auto arr =
        riffq::test::export_array(riffq::test::struct_of({riffq::test::prim<int64_t>(v)}, len));
    *out = arr.a;
    arr.a.release = nullptr;
    return 0;
  }
  static const char* last_error(ArrowArrayStream*) { return ""; }
  static void release(ArrowArrayStream* s) {
    delete static_cast<CountingStream*>(s->private_data);
    s->release = nullptr;
  }
  static types::OwnedStream make(int64_t n) {
    types::OwnedStream st;
    st.st = {get_schema, get_next, last_error, release, new CountingStream{n}};
    return st;
  }
};

// Answers "count N" with N rows, "sleep" never (until cancelled), anything else with a tag.
class TestApp : public Application {
 public:
  std::atomic<int> disconnects{0};
  std::atomic<int> cancels{0};
  std::vector<QueryReplyFn> parked;
  std::vector<std::shared_ptr<const std::atomic<bool>>> parked_flags;
  std::vector<uint64_t> admitted_ids;
  std::mutex mu;
  bool password_required() const override { return false; }
  void admit(const ClientInfo& client, const session::AdmissionRequest& r,
             AdmissionReplyFn reply) override {
    {
      std::lock_guard lock(mu);
      admitted_ids.push_back(client.connection_id);
    }
    session::AdmissionReply a;
    a.ok = r.user != "blocked";
    if (!a.ok) a.error = PgError::fatal(sqlstate::INVALID_AUTHORIZATION, "blocked user");
    reply(std::move(a));
  }
  void query(const ClientInfo&, session::HandlerCall call, QueryReplyFn reply) override {
    if (call.sql.rfind("count ", 0) == 0) {
      session::HandlerReply r;
      r.kind = session::HandlerReply::Kind::ROWS;
      r.stream = CountingStream::make(std::stoll(call.sql.substr(6)));
      reply(std::move(r));
    } else if (call.sql == "bad schema") {
      session::HandlerReply r;
      r.kind = session::HandlerReply::Kind::ROWS;
      r.stream = CountingStream::make(1);
      r.stream.st.get_schema = [](ArrowArrayStream*, ArrowSchema*) { return 5; };  // EIO
      reply(std::move(r));
    } else if (call.sql == "sleep") {
      std::lock_guard lock(mu);
      parked.push_back(std::move(reply));  // never answered
      parked_flags.push_back(call.cancelled);
    } else {
      reply(session::HandlerReply::make_tag("OK"));
    }
  }
  void disconnected(const ClientInfo&) override { ++disconnects; }
  void statement_cancelled(const ClientInfo&) override { ++cancels; }
};

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    app_ = std::make_shared<TestApp>();
    ServerConfig cfg;
    cfg.listen_address = "127.0.0.1:0";
    server_ = std::make_unique<Server>(cfg, app_);
    server_->bind();
    thread_ = std::thread([this] { server_->run(); });
  }
  void TearDown() override {
    server_->stop();
    thread_.join();
  }
  PGconn* connect(const std::string& user = "u") {
    std::string dsn = "host=127.0.0.1 port=" + std::to_string(server_->port()) + " user=" + user +
                      " dbname=d connect_timeout=5";
    return PQconnectdb(dsn.c_str());
  }
  std::shared_ptr<TestApp> app_;
  std::unique_ptr<Server> server_;
  std::thread thread_;
};

TEST_F(ServerTest, StreamsRowsToLibpq) {
  PGconn* c = connect();
  ASSERT_EQ(PQstatus(c), CONNECTION_OK) << PQerrorMessage(c);
  PGresult* r = PQexec(c, "count 2500");
  ASSERT_EQ(PQresultStatus(r), PGRES_TUPLES_OK) << PQerrorMessage(c);
  EXPECT_EQ(PQntuples(r), 2500);
  EXPECT_STREQ(PQgetvalue(r, 2499, 0), "2499");
  EXPECT_EQ(PQftype(r, 0), 20u);
  EXPECT_STREQ(PQcmdTuples(r), "2500");
  PQclear(r);
  PQfinish(c);
}

TEST_F(ServerTest, ManyClientsInParallel) {
  std::vector<std::thread> ts;
  std::atomic<int> ok{0};
  for (int i = 0; i < 16; ++i) {
    ts.emplace_back([&] {
      PGconn* c = connect();
      for (int q = 0; q < 20 && PQstatus(c) == CONNECTION_OK; ++q) {
        PGresult* r = PQexec(c, "count 100");
        if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 100) ++ok;
        PQclear(r);
      }
      PQfinish(c);
    });
  }
  for (auto& t : ts) t.join();
  EXPECT_EQ(ok.load(), 16 * 20);
}

TEST_F(ServerTest, RejectedAdmissionAndDisconnectNotice) {
  PGconn* c = connect("blocked");
  EXPECT_EQ(PQstatus(c), CONNECTION_BAD);
  EXPECT_NE(std::string(PQerrorMessage(c)).find("blocked user"), std::string::npos);
  PQfinish(c);
  PGconn* ok = connect();
  ASSERT_EQ(PQstatus(ok), CONNECTION_OK);
  PQfinish(ok);
  for (int i = 0; i < 100 && app_->disconnects.load() < 2; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(app_->disconnects.load(), 2);
}

TEST_F(ServerTest, AStreamWithoutASchemaIsAnErrorNotAHang) {
  PGconn* c = connect();
  ASSERT_EQ(PQstatus(c), CONNECTION_OK);
  for (const char* sql : {"bad schema", "count 2"}) {  // the session goes on afterwards
    PGresult* r = PQexec(c, sql);
    if (std::string(sql) == "bad schema") {
      EXPECT_EQ(PQresultStatus(r), PGRES_FATAL_ERROR);
      EXPECT_STREQ(PQresultErrorField(r, PG_DIAG_SQLSTATE), "XX000");
    } else {
      EXPECT_EQ(PQntuples(r), 2);
    }
    PQclear(r);
  }
  PQfinish(c);
}

TEST_F(ServerTest, StatementTimeoutCancelsAPendingQueryWith57014) {
  PGconn* c = connect();
  ASSERT_EQ(PQstatus(c), CONNECTION_OK);
  PQclear(PQexec(c, "SET statement_timeout = '150ms'"));
  PGresult* r = PQexec(c, "sleep");  // never answered: only the timeout ends it
  ASSERT_EQ(PQresultStatus(r), PGRES_FATAL_ERROR);
  EXPECT_STREQ(PQresultErrorField(r, PG_DIAG_SQLSTATE), "57014");
  EXPECT_STREQ(PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY),
               "canceling statement due to statement timeout");
  PQclear(r);
  r = PQexec(c, "count 3");  // the session goes on, and a quick statement is not cancelled
  EXPECT_EQ(PQntuples(r), 3);
  PQclear(r);
  PQfinish(c);
  std::lock_guard lock(app_->mu);
  for (auto& reply : app_->parked) reply(session::HandlerReply::make_tag("LATE"));
  app_->parked.clear();
}

TEST_F(ServerTest, CancelRequestStopsAPendingQuery) {
  PGconn* c = connect();
  ASSERT_EQ(PQstatus(c), CONNECTION_OK);
  ASSERT_EQ(PQsendQuery(c, "sleep"), 1);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  PGcancel* cancel = PQgetCancel(c);
  char err[256];
  ASSERT_EQ(PQcancel(cancel, err, sizeof err), 1) << err;
  PQfreeCancel(cancel);
  PGresult* r = PQgetResult(c);
  ASSERT_EQ(PQresultStatus(r), PGRES_FATAL_ERROR);
  EXPECT_STREQ(PQresultErrorField(r, PG_DIAG_SQLSTATE), "57014");
  PQclear(r);
  while ((r = PQgetResult(c)) != nullptr) PQclear(r);
  // The application heard of it, and the call's own flag says so.
  for (int i = 0; i < 250 && app_->cancels.load() == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(app_->cancels.load(), 1);
  {
    std::lock_guard lock(app_->mu);
    ASSERT_EQ(app_->parked_flags.size(), 1u);
    EXPECT_TRUE(app_->parked_flags[0]->load());
  }
  r = PQexec(c, "count 3");
  EXPECT_EQ(PQntuples(r), 3);
  PQclear(r);
  PQfinish(c);
  // A late reply to the cancelled call is dropped without harm.
  std::lock_guard lock(app_->mu);
  for (auto& reply : app_->parked) reply(session::HandlerReply::make_tag("LATE"));
  app_->parked.clear();  // replies reference the server: drop them
}

// The fields of the ErrorResponse a server sends to an idle libpq connection before closing it.
struct IdleError {
  std::string severity, sqlstate, message;
};

IdleError read_idle_error(PGconn* c) {
  IdleError e;
  // libpq hands an ErrorResponse read while idle to the notice receiver.
  PQsetNoticeReceiver(
      c,
      [](void* arg, const PGresult* r) {
        auto field = [r](int code) {
          const char* v = PQresultErrorField(r, code);
          return std::string(v ? v : "");
        };
        *static_cast<IdleError*>(arg) = {field(PG_DIAG_SEVERITY_NONLOCALIZED),
                                         field(PG_DIAG_SQLSTATE), field(PG_DIAG_MESSAGE_PRIMARY)};
      },
      &e);
  while (e.sqlstate.empty()) {
    bool open = PQconsumeInput(c) == 1;
    PQisBusy(c);  // parses what was read
    if (!open || !e.sqlstate.empty()) break;
    pollfd p{PQsocket(c), POLLIN, 0};
    if (::poll(&p, 1, 10000) != 1) break;  // neither spoke nor closed
  }
  return e;
}

TEST_F(ServerTest, StopTerminatesIdleSessionsWith57P01) {
  PGconn* c = connect();
  ASSERT_EQ(PQstatus(c), CONNECTION_OK);
  server_->stop();
  thread_.join();
  thread_ = std::thread([] {});  // TearDown joins
  IdleError e = read_idle_error(c);
  EXPECT_EQ(e.severity, "FATAL");
  EXPECT_EQ(e.sqlstate, "57P01");
  EXPECT_EQ(e.message, "terminating connection due to administrator command");
  PQfinish(c);
}

TEST_F(ServerTest, IdleInTransactionTimeoutClosesWith25P03) {
  PGconn* c = connect();
  ASSERT_EQ(PQstatus(c), CONNECTION_OK);
  PQclear(PQexec(c, "SET idle_in_transaction_session_timeout = '200ms'"));
  PGconn* outside = connect();  // idle outside a transaction: kept
  PQclear(PQexec(outside, "SET idle_in_transaction_session_timeout = '200ms'"));
  PQclear(PQexec(c, "begin"));  // the TestApp answers "OK"; the status comes from BEGIN
  ASSERT_EQ(PQtransactionStatus(c), PQTRANS_INTRANS);
  IdleError e = read_idle_error(c);
  EXPECT_EQ(e.severity, "FATAL");
  EXPECT_EQ(e.sqlstate, "25P03");
  EXPECT_EQ(e.message, "terminating connection due to idle-in-transaction timeout");
  PGresult* r = PQexec(outside, "count 2");
  EXPECT_EQ(PQntuples(r), 2);
  PQclear(r);
  PQfinish(c);
  PQfinish(outside);
}

// A socket that connects and closes without a startup packet (a port probe).
void probe(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ::close(fd);
}

TEST_F(ServerTest, ConnectionIdsStartAtOneAndProbesTakeNone) {
  probe(server_->port());
  for (int i = 0; i < 2; ++i) {
    PGconn* c = connect();
    ASSERT_EQ(PQstatus(c), CONNECTION_OK);
    PQfinish(c);
  }
  std::lock_guard lock(app_->mu);
  EXPECT_EQ(app_->admitted_ids, (std::vector<uint64_t>{1, 2}));
}

TEST(ServerAddress, ParsesHostPortForms) {
  std::string host;
  uint16_t port = 0;
  parse_listen_address("127.0.0.1:5433", host, port);
  EXPECT_EQ(host, "127.0.0.1");
  EXPECT_EQ(port, 5433);
  parse_listen_address("[::1]:6000", host, port);
  EXPECT_EQ(host, "::1");
  parse_listen_address("localhost:1", host, port);
  EXPECT_EQ(host, "localhost");
  EXPECT_THROW(parse_listen_address("nohost", host, port), std::invalid_argument);
  EXPECT_THROW(parse_listen_address("a:70000", host, port), std::invalid_argument);
  EXPECT_THROW(parse_listen_address("::1:5", host, port), std::invalid_argument);
}

TEST(ServerBind, BusyPortThrows) {
  auto app = std::make_shared<TestApp>();
  ServerConfig cfg;
  cfg.listen_address = "127.0.0.1:0";
  Server a(cfg, app);
  a.bind();
  cfg.listen_address = "127.0.0.1:" + std::to_string(a.port());
  Server b(cfg, app);
  EXPECT_THROW(b.bind(), std::system_error);
}

}  // namespace
}  // namespace riffq::server
