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

#include "riffq/common/pg_error.hpp"
#include "riffq/types/arrow_c_abi.hpp"
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
  std::optional<PgError> error;
};

struct ResultCursor {
  types::OwnedStream stream;
  types::ResultEncoderPtr encoder;
  types::OwnedArray batch;  // current batch, partially sent
  int64_t batch_offset = 0;
  bool exhausted = false;

  // Sends up to max_rows rows (0 = all). `cancel` is polled between chunks.
  StreamOutcome pump(int64_t max_rows, RowSink& sink, const std::atomic<bool>& cancel);
};

using ResultCursorPtr = std::shared_ptr<ResultCursor>;

}  // namespace riffq::session
