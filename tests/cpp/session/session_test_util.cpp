// session_test_util.cpp — FakeHost, message builders and output parsing for session tests.
#include "session_test_util.hpp"

#include <atomic>

#include "riffq/wire/message_reader.hpp"
#include "riffq/wire/message_writer.hpp"
#include "wire/wire_test_util.hpp"

namespace riffq::session::test {
namespace {

using wire::test::be16;
using wire::test::be32;
using wire::test::cstr;
using wire::test::typed;

struct VectorStream {
  types::OwnedSchema schema;
  std::vector<types::OwnedArray> batches;
  size_t next = 0;
};

int get_schema(ArrowArrayStream* s, ArrowSchema* out) {
  auto* v = static_cast<VectorStream*>(s->private_data);
  // Hand out a fresh copy each time: rebuild from the stored description.
  *out = v->schema.s;
  v->schema.s.release = nullptr;
  return out->release ? 0 : 22;
}

int get_next(ArrowArrayStream* s, ArrowArray* out) {
  auto* v = static_cast<VectorStream*>(s->private_data);
  if (v->next >= v->batches.size()) {
    out->release = nullptr;
    return 0;
  }
  *out = v->batches[v->next].a;
  v->batches[v->next++].a.release = nullptr;
  return 0;
}

const char* last_error(ArrowArrayStream*) { return "test stream error"; }

void release(ArrowArrayStream* s) {
  delete static_cast<VectorStream*>(s->private_data);
  s->release = nullptr;
}

struct Sink : RowSink {
  std::string& out;
  explicit Sink(std::string& o) : out(o) {}
  bool write(std::string&& bytes) override {
    out += bytes;
    return true;
  }
};

types::OwnedStream stream_of(VectorStream* v) {
  types::OwnedStream s;
  s.st.get_schema = get_schema;
  s.st.get_next = get_next;
  s.st.get_last_error = last_error;
  s.st.release = release;
  s.st.private_data = v;
  return s;
}

}  // namespace

types::OwnedStream int_stream(const std::string& name,
                              const std::vector<std::vector<int64_t>>& batches) {
  auto* v = new VectorStream;
  riffq::test::SchemaNode root = riffq::test::field("+s", {riffq::test::field("l", {}, name)});
  v->schema = riffq::test::export_schema(root);
  for (const auto& b : batches) {
    std::vector<std::optional<int64_t>> values(b.begin(), b.end());
    auto col = riffq::test::prim<int64_t>(values);
    auto batch = riffq::test::struct_of({col}, static_cast<int64_t>(b.size()));
    v->batches.push_back(riffq::test::export_array(batch));
  }
  return stream_of(v);
}

types::OwnedStream table_stream(std::vector<riffq::test::SchemaNode> fields,
                                std::vector<riffq::test::ArrowNode> columns, int64_t length) {
  auto* v = new VectorStream;
  v->schema = riffq::test::export_schema(riffq::test::field("+s", std::move(fields)));
  v->batches.push_back(riffq::test::export_array(riffq::test::struct_of(std::move(columns), length)));
  return stream_of(v);
}

void FakeHost::settle() {
  while (!admissions_pending_.empty() || !calls_pending_.empty() || !jobs_.empty()) {
    if (!admissions_pending_.empty()) {
      auto r = std::move(admissions_pending_.front());
      admissions_pending_.pop_front();
      admissions.push_back(r);
      session->on_admission(admitter(r));
      continue;
    }
    if (!calls_pending_.empty()) {
      if (!answer_handlers) return;
      auto c = std::move(calls_pending_.front());
      calls_pending_.pop_front();
      calls.push_back(c);
      HandlerReply reply = responder(c);
      reply.sequence = c.sequence;
      if (reply.kind == HandlerReply::Kind::ROWS && !reply.schema.valid())
        reply.stream.st.get_schema(&reply.stream.st, reply.schema.get());
      if (prefetch) prefetch_rows(reply, c.prefetch);
      session->on_handler_reply(std::move(reply));
      continue;
    }
    auto job = std::move(jobs_.front());
    jobs_.pop_front();
    Sink sink(output);
    auto outcome = job.cursor->pump(job.max_rows, sink, *job.cancel);
    session->on_stream_done(std::move(outcome));
  }
}

std::vector<Message> FakeHost::take_messages() {
  std::vector<Message> out;
  size_t i = 0;
  while (i < output.size()) {
    char t = output[i];
    if ((t == 'N' || t == 'S') && (i + 1 == output.size() || output.size() - i < 5)) {
      out.push_back({0, std::string(1, t)});
      ++i;
      continue;
    }
    wire::MessageReader r(std::string_view(output).substr(i + 1, 4));
    uint32_t len = static_cast<uint32_t>(r.get_int32());
    out.push_back({t, output.substr(i + 5, len - 4)});
    i += len + 1;
  }
  output.clear();
  return out;
}

Harness::Harness(SessionConfig cfg) {
  session = std::make_unique<Session>(cfg, host, 1, 1, 1234);
  host.session = session.get();
  host.responder = [](const HandlerCall&) { return HandlerReply::make_tag("OK"); };
  feed(startup_packet({{"user", "alice"}, {"database", "db"}}));
  host.take_messages();
}

std::string copy_data(const std::string& data) {
  return typed('d', data);
}
std::string copy_done() {
  return typed('c', "");
}
std::string copy_fail(const std::string& message) {
  return typed('f', cstr(message));
}

Harness::Harness(bool password_required, bool start) {
  SessionConfig cfg;
  cfg.password_required = password_required;
  session = std::make_unique<Session>(cfg, host, 1, 1, 1234);
  host.session = session.get();
  host.responder = [](const HandlerCall&) { return HandlerReply::make_tag("OK"); };
  if (start) {
    feed(startup_packet({{"user", "alice"}, {"database", "db"}}));
    host.take_messages();
  }
}

std::string startup_packet(const std::vector<std::pair<std::string, std::string>>& params) {
  return wire::test::startup(params);
}

std::string query(const std::string& sql) { return typed('Q', cstr(sql)); }

std::string parse(const std::string& name, const std::string& sql, std::vector<uint32_t> types) {
  std::string body = cstr(name) + cstr(sql) + be16(static_cast<int16_t>(types.size()));
  for (auto t : types) body += be32(static_cast<int32_t>(t));
  return typed('P', body);
}

std::string bind(const std::string& portal, const std::string& stmt,
                 const std::vector<std::optional<std::string>>& params,
                 std::vector<int16_t> result_formats) {
  std::string body = cstr(portal) + cstr(stmt) + be16(0) + be16(static_cast<int16_t>(params.size()));
  for (auto& p : params) body += p ? be32(static_cast<int32_t>(p->size())) + *p : be32(-1);
  body += be16(static_cast<int16_t>(result_formats.size()));
  for (auto f : result_formats) body += be16(f);
  return typed('B', body);
}

std::string describe(char kind, const std::string& name) { return typed('D', std::string(1, kind) + cstr(name)); }
std::string execute(const std::string& portal, int32_t max_rows) { return typed('E', cstr(portal) + be32(max_rows)); }
std::string sync() { return typed('S', ""); }
std::string flush() { return typed('H', ""); }
std::string password(const std::string& pw) { return typed('p', cstr(pw)); }

std::string types_of(const std::vector<Message>& msgs) {
  std::string s;
  for (auto& m : msgs) s.push_back(m.type ? m.type : m.body[0]);
  return s;
}

std::string command_tag(const Message& m) { return m.body.substr(0, m.body.find('\0')); }

std::string error_code(const Message& m) {
  size_t pos = 0;
  while (pos < m.body.size() && m.body[pos] != '\0') {
    size_t end = m.body.find('\0', pos);
    if (m.body[pos] == 'C') return m.body.substr(pos + 1, end - pos - 1);
    pos = end + 1;
  }
  return "";
}

}  // namespace riffq::session::test
