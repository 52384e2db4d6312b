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

}  // namespace

void prefetch_rows(HandlerReply& reply, const PrefetchSpec& spec) {
  if (!spec.enabled || reply.kind != HandlerReply::Kind::ROWS || reply.cursor) return;
  std::string why;
  auto encoder = types::ResultEncoder::create(std::move(reply.schema), spec.encode_options, &why);
  if (!encoder) {
    reply = HandlerReply::make_error(PgError::error(sqlstate::FEATURE_NOT_SUPPORTED, why));
    return;
  }
  encoder->set_formats(resolve_formats(spec.result_formats, *encoder));
  auto cursor = std::make_shared<ResultCursor>();
  cursor->stream = std::move(reply.stream);
  cursor->encoder = std::move(encoder);
  cursor->copy = spec.copy;
  cursor->copy_header_pending = spec.copy && spec.copy->format == sql::CopySpec::Format::BINARY;
  if (spec.copy) {
    if (auto e = check_copy_columns(*spec.copy, *cursor->encoder)) {
      reply = HandlerReply::make_error(std::move(*e));
      return;
    }
  }
  StringSink sink(reply.prefetched);
  std::atomic<bool> never{false};
  reply.prefetch_outcome = cursor->pump(spec.max_rows, sink, never, PREFETCH_BYTES);
  reply.cursor = std::move(cursor);
}

}  // namespace riffq::session
