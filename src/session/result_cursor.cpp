// result_cursor.cpp — pulling Arrow batches and sending them as DataRows in bounded chunks.
#include "riffq/session/result_cursor.hpp"

#include "riffq/session/copy_out.hpp"

#include <algorithm>

namespace riffq::session {
namespace {

// Rows encoded per slice and bytes buffered before handing a chunk to the sink: small enough
// to keep memory flat, large enough to amortise the socket writes.
constexpr int64_t SLICE_ROWS = 4096;
constexpr size_t CHUNK_BYTES = 256 * 1024;

PgError canceled() {
  return PgError::error(sqlstate::QUERY_CANCELED, "canceling statement due to user request");
}

}  // namespace

ResultCursorPtr make_result_cursor(types::OwnedSchema schema, types::OwnedStream stream,
                                   const types::EncodeOptions& options,
                                   const std::vector<int16_t>& result_formats,
                                   const std::vector<types::ColumnDescription>* described,
                                   const std::vector<types::ColumnDescription>* origins,
                                   PgError* error) {
  std::string why;
  auto encoder = types::ResultEncoder::create(std::move(schema), options, &why);
  if (!encoder) {
    *error = PgError::error(sqlstate::FEATURE_NOT_SUPPORTED, why);
    return nullptr;
  }
  if (described == nullptr && origins != nullptr) apply_column_origins(*encoder, *origins);
  if (described != nullptr) {
    if (!encoder->conform(*described, &why)) {
      *error = PgError::error(sqlstate::FEATURE_NOT_SUPPORTED,
                              "cached plan must not change result type");
      error->detail = why;
      return nullptr;
    }
  } else {
    encoder->set_formats(resolve_formats(result_formats, *encoder));
  }
  auto cursor = std::make_shared<ResultCursor>();
  cursor->stream = std::move(stream);
  cursor->encoder = std::move(encoder);
  return cursor;
}

void apply_column_origins(types::ResultEncoder& encoder,
                          const std::vector<types::ColumnDescription>& origins) {
  constexpr uint32_t TEXT = 25, VARCHAR = 1043;
  std::vector<types::ColumnDescription> want = encoder.columns();
  if (origins.size() != want.size()) return;
  bool any = false;
  for (size_t i = 0; i < want.size(); ++i) {
    const types::ColumnDescription& o = origins[i];
    if (o.table_oid == 0 || o.name != want[i].name) continue;
    want[i].table_oid = o.table_oid;
    want[i].attnum = o.attnum;
    if (want[i].type_oid == TEXT && o.type_oid == VARCHAR) {
      want[i].type_oid = o.type_oid;
      want[i].typmod = o.typmod;
      want[i].typlen = o.typlen;
    }
    any = true;
  }
  // Cannot fail: the only conversion asked for is text to varchar (the same bytes).
  if (any) encoder.conform(want, nullptr);
}

std::vector<wire::Format> resolve_formats(const std::vector<int16_t>& codes,
                                          const types::ResultEncoder& encoder) {
  size_t n = encoder.columns().size();
  std::vector<wire::Format> f(n, wire::Format::TEXT);
  for (size_t i = 0; i < n; ++i) {
    int16_t code = codes.empty() ? 0 : codes.size() == 1 ? codes[0] : i < codes.size() ? codes[i] : 0;
    if (code == 1 && encoder.binary_supported(i)) f[i] = wire::Format::BINARY;
  }
  return f;
}

StreamOutcome ResultCursor::pump(int64_t max_rows, RowSink& sink, const std::atomic<bool>& cancel,
                                 size_t byte_budget) {
  StreamOutcome out;
  std::string chunk;
  std::string error;
  size_t sent = 0;
  auto flush_chunk = [&]() {
    if (chunk.empty()) return true;
    if (copy) {
      std::string rows;
      rows.reserve(chunk.size());
      datarows_to_copy_data(chunk, *copy, rows, copy_header_pending);
      chunk.swap(rows);
    }
    sent += chunk.size();
    bool ok = sink.write(std::move(chunk));
    chunk = std::string();
    chunk.reserve(CHUNK_BYTES + CHUNK_BYTES / 4);
    return ok;
  };
  chunk.reserve(CHUNK_BYTES + CHUNK_BYTES / 4);
  while (!exhausted) {
    if (cancel.load(std::memory_order_relaxed)) {
      out.error = canceled();
      break;
    }
    if (max_rows > 0 && out.rows >= max_rows) {
      out.suspended = true;
      break;
    }
    if (!batch.valid() || batch_offset >= batch.a.length) {
      batch.reset();
      batch_offset = 0;
      ArrowArray next{};
      int rc = stream.st.get_next(&stream.st, &next);
      if (rc != 0) {
        const char* msg = stream.st.get_last_error ? stream.st.get_last_error(&stream.st) : nullptr;
        out.error = PgError::error(sqlstate::INTERNAL_ERROR,
                                   std::string("error reading result stream: ") +
                                       (msg ? msg : std::to_string(rc)));
        exhausted = true;
        break;
      }
      if (next.release == nullptr) {
        exhausted = true;
        break;
      }
      batch.a = next;
      continue;
    }
    int64_t n = std::min<int64_t>(SLICE_ROWS, batch.a.length - batch_offset);
    if (max_rows > 0) n = std::min<int64_t>(n, max_rows - out.rows);
    if (!encoder->append_data_rows(batch.a, batch_offset, n, chunk, &error)) {
      out.error = PgError::error(sqlstate::INTERNAL_ERROR, error);
      exhausted = true;
      break;
    }
    batch_offset += n;
    out.rows += n;
    if (chunk.size() >= CHUNK_BYTES) {
      if (!flush_chunk()) {
        out.error = canceled();
        return out;
      }
      if (byte_budget > 0 && sent >= byte_budget) {
        out.paused = true;
        return out;
      }
    }
  }
  if (!flush_chunk() && !out.error) out.error = canceled();
  if (exhausted) {
    batch.reset();
    stream.reset();  // release the producer as soon as it is drained
  }
  return out;
}

}  // namespace riffq::session
