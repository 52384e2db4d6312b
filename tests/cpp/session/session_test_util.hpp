// session_test_util.hpp — a Session driven by a FakeHost: output captured as messages, the
// application answered by a test-supplied responder, streams pumped synchronously.
#pragma once

#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "riffq/session/session.hpp"
#include "support/arrow_builder.hpp"

namespace riffq::session::test {

struct Message {
  char type;  // 0 for the single-byte SSL/GSS answers
  std::string body;
};

// An ArrowArrayStream over int64 batches of one column named `name`.
types::OwnedStream int_stream(const std::string& name, const std::vector<std::vector<int64_t>>& batches);

// An ArrowArrayStream of one batch (`fields` name the columns and give their formats).
types::OwnedStream table_stream(std::vector<riffq::test::SchemaNode> fields,
                                std::vector<riffq::test::ArrowNode> columns, int64_t length);

// A ROWS reply of one batch.
inline HandlerReply table_rows(std::vector<riffq::test::SchemaNode> fields,
                               std::vector<riffq::test::ArrowNode> columns, int64_t length) {
  HandlerReply r;
  r.kind = HandlerReply::Kind::ROWS;
  r.stream = table_stream(std::move(fields), std::move(columns), length);
  return r;
}

// A ROWS reply with one int64 column "v".
inline HandlerReply rows(const std::vector<std::vector<int64_t>>& batches) {
  HandlerReply r;
  r.kind = HandlerReply::Kind::ROWS;
  r.stream = int_stream("v", batches);
  return r;
}

class FakeHost : public SessionHost {
 public:
  std::function<HandlerReply(const HandlerCall&)> responder;
  std::function<AdmissionReply(const AdmissionRequest&)> admitter = [](const AdmissionRequest&) {
    return AdmissionReply{true, {}};
  };
  std::vector<HandlerCall> calls;
  std::vector<HandlerCall> copy_calls;  // COPY FROM STDIN calls: the test reads and answers them
  std::vector<AdmissionRequest> admissions;
  std::string output;
  bool closed = false;
  bool answer_handlers = true;  // false: keep calls pending (cancel tests)
  bool prefetch = true;         // run prefetch_rows() as the server does (false: stream jobs only)
  Session* session = nullptr;

  void send(std::string&& bytes) override { output += bytes; }
  void flush() override {}
  void start_tls() override {}
  void admit(AdmissionRequest r) override { admissions_pending_.push_back(std::move(r)); }
  void call_handler(HandlerCall c) override {
    if (c.copy_in)
      copy_calls.push_back(std::move(c));
    else
      calls_pending_.push_back(std::move(c));
  }
  void run_stream(StreamJob job) override { jobs_.push_back(std::move(job)); }
  void cancel_request(int32_t, int32_t) override {}
  void close() override { closed = true; }

  // Runs deferred work (admission, handler calls, stream pumps) until nothing is left.
  void settle();
  // Parses and clears the captured output.
  std::vector<Message> take_messages();

 private:
  std::deque<AdmissionRequest> admissions_pending_;
  std::deque<HandlerCall> calls_pending_;
  std::deque<StreamJob> jobs_;
};

// A session plus host, already through startup (unless password_required).
struct Harness {
  FakeHost host;
  std::unique_ptr<Session> session;
  explicit Harness(bool password_required = false, bool start = true);
  explicit Harness(SessionConfig cfg);
  void feed(const std::string& bytes) {
    session->receive(bytes);
    host.settle();
  }
  std::vector<Message> run(const std::string& bytes) {
    feed(bytes);
    return host.take_messages();
  }
};

// Frontend message builders.
std::string startup_packet(const std::vector<std::pair<std::string, std::string>>& params);
std::string query(const std::string& sql);
std::string parse(const std::string& name, const std::string& sql, std::vector<uint32_t> types = {});
std::string bind(const std::string& portal, const std::string& stmt,
                 const std::vector<std::optional<std::string>>& params = {},
                 std::vector<int16_t> result_formats = {});
std::string describe(char kind, const std::string& name);
std::string execute(const std::string& portal, int32_t max_rows = 0);
std::string sync();
std::string flush();
std::string password(const std::string& pw);
std::string copy_data(const std::string& data);
std::string copy_done();
std::string copy_fail(const std::string& message);

// "T" "D" "C" "Z" … of a message list, for compact assertions.
std::string types_of(const std::vector<Message>& msgs);
std::string command_tag(const Message& m);
std::string error_code(const Message& m);

}  // namespace riffq::session::test
