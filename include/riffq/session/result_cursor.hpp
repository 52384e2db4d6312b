// riffq/session/result_cursor.hpp
// ResultCursor: an Arrow stream being sent as DataRows, resumable across Executes (portal
// suspension). pump() runs off the I/O threads: it pulls batches from the producer, encodes
// them and hands bounded chunks to a RowSink, which applies backpressure by blocking.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "riffq/common/pg_error.hpp"
#include "riffq/types/arrow_c_abi.hpp"
#include "riffq/sql/statement.hpp"
#include "riffq/types/result_encoder.hpp"

namespace riffq::session {

class RowSink {
 public:
  virtual ~RowSink() = default;
  // Queues encoded messages. May block while the client is slow (backpressure). Returns false
  // when the connection is gone or the query was cancelled: stop producing.
  virtual bool write(std::string&& bytes) = 0;
};

struct StreamOutcome {
  int64_t rows = 0;        // DataRows sent by this pump() call
  bool suspended = false;  // stopped at max_rows (PortalSuspended)
  bool paused = false;     // stopped at the byte budget; more rows may follow
  std::optional<PgError> error;
};

struct ResultCursor {
  types::OwnedStream stream;
  types::ResultEncoderPtr encoder;
  std::optional<sql::CopySpec> copy;  // COPY TO STDOUT: rows leave as CopyData, not DataRow
  bool copy_header_pending = false;   // binary COPY: the PGCOPY header is not sent yet
  types::OwnedArray batch;  // current batch, partially sent
  int64_t batch_offset = 0;
  bool exhausted = false;

  // Sends up to max_rows rows (0 = all). `cancel` is polled between chunks. With
  // byte_budget > 0 it stops (paused) once that many bytes were handed to the sink.
  StreamOutcome pump(int64_t max_rows, RowSink& sink, const std::atomic<bool>& cancel,
                     size_t byte_budget = 0);
};

using ResultCursorPtr = std::shared_ptr<ResultCursor>;

// The cursor that sends a handler's rows: an encoder for the reply's schema with the formats of
// Bind's codes, or — when the client holds a RowDescription already (`described`) — one made
// to match it exactly (0A000 "cached plan must not change result type" when it cannot).
// Otherwise `origins` (may be null) fill in what the catalog knows (apply_column_origins).
// Takes the reply's schema and stream; nullptr with *error set on failure.
ResultCursorPtr make_result_cursor(types::OwnedSchema schema, types::OwnedStream stream,
                                   const types::EncodeOptions& options,
                                   const std::vector<int16_t>& result_formats,
                                   const std::vector<types::ColumnDescription>* described,
                                   const std::vector<types::ColumnDescription>* origins,
                                   PgError* error);

// Gives the result's columns the table OID and attnum of `origins` (one per column, table OID 0
// where unknown) as PostgreSQL fills them for a plain reference to a table's column, where the
// result's column has the same name; and the registered type where its bytes are the result's
// in both formats (varchar(n) for text). Anything else is left as the handler typed it.
void apply_column_origins(types::ResultEncoder& encoder,
                          const std::vector<types::ColumnDescription>& origins);

// Per-column result formats from Bind's codes (none = text, one = all, else one per column);
// binary only where the encoder has a binary form, so what is advertised is what is sent.
std::vector<wire::Format> resolve_formats(const std::vector<int16_t>& codes,
                                          const types::ResultEncoder& encoder);

}  // namespace riffq::session
