// prefetch.cpp — encoding the first rows of a result on the thread that delivered it.
#include <atomic>

#include "riffq/session/copy_out.hpp"
#include "riffq/session/handler_types.hpp"

namespace riffq::session {
namespace {

// Enough for typical small results to complete without a separate stream job.
constexpr size_t PREFETCH_BYTES = 64 * 1024;

struct StringSink : RowSink {
  std::string& out;
  explicit StringSink(std::string& o) : out(o) {}
  bool write(std::string&& bytes) override {
    if (out.empty())
      out = std::move(bytes);
    else
      out += bytes;
    return true;
  }
};

// The reply becomes an error, still answering the same call (a reply without its sequence
// would be dropped as stale and leave the client waiting).
void fail(HandlerReply& reply, PgError error) {
  uint64_t sequence = reply.sequence;
  reply = HandlerReply::make_error(std::move(error));
  reply.sequence = sequence;
}

}  // namespace

void prefetch_rows(HandlerReply& reply, const PrefetchSpec& spec) {
  if (!spec.enabled || reply.kind != HandlerReply::Kind::ROWS || reply.cursor) return;
  PgError error;
  auto cursor = make_result_cursor(
      std::move(reply.schema), std::move(reply.stream), spec.encode_options, spec.result_formats,
      spec.described ? &*spec.described : nullptr, spec.origins.get(), &error);
  if (!cursor) {
    fail(reply, std::move(error));
    return;
  }
  cursor->copy = spec.copy;
  cursor->copy_header_pending = spec.copy && spec.copy->format == sql::CopySpec::Format::BINARY;
  if (spec.copy) {
    if (auto e = check_copy_columns(*spec.copy, *cursor->encoder)) {
      fail(reply, std::move(*e));
      return;
    }
  }
  StringSink sink(reply.prefetched);
  std::atomic<bool> never{false};
  reply.prefetch_outcome = cursor->pump(spec.max_rows, sink, never, PREFETCH_BYTES);
  reply.cursor = std::move(cursor);
}

}  // namespace riffq::session
