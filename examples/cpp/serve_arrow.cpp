// serve_arrow.cpp — the C++ core with no Python: a PostgreSQL server whose every query answers
// with a generated Arrow stream (one int64 column "n", `select N` rows).
//
//   serve_arrow 127.0.0.1:5433        then: psql -h 127.0.0.1 -p 5433 -U me -c "select 5"
#include <riffq/server/server.hpp>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

// A minimal Arrow C stream producing batches of up to 1024 rows of 0..n-1.
struct Counting {
  int64_t n, next = 0;

  static int get_schema(ArrowArrayStream*, ArrowSchema* out) {
    auto* child = new ArrowSchema{"l", "n", nullptr, 0, 0, nullptr, nullptr, nullptr, nullptr};
    child->release = [](ArrowSchema* s) { s->release = nullptr; };
    *out = ArrowSchema{"+s", "", nullptr, 0, 1, new ArrowSchema*[1]{child}, nullptr, nullptr, nullptr};
    out->release = [](ArrowSchema* s) {
      delete s->children[0];
      delete[] s->children;
      s->release = nullptr;
    };
    return 0;
  }
  struct Batch {
    int64_t* values;
    const void* child_buffers[2];
    const void* parent_buffers[1];
    ArrowArray child;
    ArrowArray* children[1];
  };
  static int get_next(ArrowArrayStream* st, ArrowArray* out) {
    auto* self = static_cast<Counting*>(st->private_data);
    if (self->next >= self->n) {
      out->release = nullptr;
      return 0;
    }
    int64_t len = std::min<int64_t>(1024, self->n - self->next);
    auto* b = new Batch{};
    b->values = new int64_t[len];
    for (int64_t i = 0; i < len; ++i) b->values[i] = self->next + i;
    self->next += len;
    b->child_buffers[0] = nullptr;  // no validity bitmap: no NULLs
    b->child_buffers[1] = b->values;
    b->child = ArrowArray{len, 0, 0, 2, 0, b->child_buffers, nullptr, nullptr, nullptr, nullptr};
    b->child.release = [](ArrowArray* a) { a->release = nullptr; };
    b->children[0] = &b->child;
    b->parent_buffers[0] = nullptr;
    *out = ArrowArray{len, 0, 0, 1, 1, b->parent_buffers, b->children, nullptr, nullptr, b};
    out->release = [](ArrowArray* a) {
      auto* batch = static_cast<Batch*>(a->private_data);
      delete[] batch->values;
      delete batch;
      a->release = nullptr;
    };
    return 0;
  }
  static const char* last_error(ArrowArrayStream*) { return ""; }
  static void release(ArrowArrayStream* st) {
    delete static_cast<Counting*>(st->private_data);
    st->release = nullptr;
  }
};

class CountingApp : public riffq::server::Application {
 public:
  bool password_required() const override { return false; }
  void admit(const riffq::server::ClientInfo&, const riffq::session::AdmissionRequest&,
             riffq::server::AdmissionReplyFn reply) override {
    reply(riffq::session::AdmissionReply{true, {}});
  }
  void query(const riffq::server::ClientInfo&, riffq::session::HandlerCall call,
             riffq::server::QueryReplyFn reply) override {
    // "select N" → N rows; anything else → one row.
    int64_t n = 1;
    if (auto pos = call.sql.find_first_of("0123456789"); pos != std::string::npos)
      n = std::strtoll(call.sql.c_str() + pos, nullptr, 10);
    riffq::session::HandlerReply r;
    r.kind = riffq::session::HandlerReply::Kind::ROWS;
    r.stream.st = {Counting::get_schema, Counting::get_next, Counting::last_error, Counting::release,
                   new Counting{n}};
    reply(std::move(r));
  }
  void disconnected(const riffq::server::ClientInfo&) override {}
};

}  // namespace

int main(int argc, char** argv) {
  riffq::server::ServerConfig config;
  config.listen_address = argc > 1 ? argv[1] : "127.0.0.1:5433";
  config.handle_signals = true;  // Ctrl-C / SIGTERM stop the server gracefully
  riffq::server::Server server(config, std::make_shared<CountingApp>());
  try {
    server.bind();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "serve_arrow: %s\n", e.what());
    return 1;
  }
  std::printf("serving on port %u\n", static_cast<unsigned>(server.port()));
  std::fflush(stdout);
  server.run();
  return 0;
}
