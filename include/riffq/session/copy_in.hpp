// riffq/session/copy_in.hpp
// COPY … FROM STDIN: what the client uploads, decoded into Arrow record batches that the
// application pulls through an ArrowArrayStream.
//
//   CopyInDecoder   CopyData bytes (text, CSV or binary format) → Arrow columns, with
//                   PostgreSQL's errors and CONTEXT lines ("COPY t, line 3, column x: …").
//   CopyInChannel   the bounded hand-off between the session (producer: CopyData payloads, on
//                   the connection's strand) and the application's reader (consumer: decodes on
//                   its own thread when it pulls a batch). Memory stays bounded whatever the
//                   upload's size: when the queue is full the session stops taking input, and
//                   the consumer's `room` callback resumes it.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "riffq/client/column_builder.hpp"
#include "riffq/client/copy_decoder.hpp"
#include "riffq/common/pg_error.hpp"
#include "riffq/sql/statement.hpp"
#include "riffq/types/arrow_c_abi.hpp"
#include "riffq/types/text_input.hpp"

namespace riffq::session {

// One column of the target: its name and PostgreSQL type (from the registered table, else
// text; binary format: unknown types arrive as raw bytes).
struct CopyInColumn {
  std::string name;
  uint32_t type_oid = 25;
  int32_t typmod = -1;
  bool not_null = false;  // NOT NULL without a default: a NULL is 23502, as PostgreSQL
};

// What is being copied: the statement's options, the table (as PostgreSQL names it in CONTEXT
// lines) and the columns. columns empty: unknown, taken from the first row (column1, …).
struct CopyInPlan {
  sql::CopySpec spec;
  std::string table;
  std::vector<CopyInColumn> columns;
  // The registered table's columns in order (empty: not registered), for NOT NULL columns the
  // COPY leaves out and the DETAIL "Failing row contains (…)".
  std::vector<CopyInColumn> relation;
  types::DateOrder date_order = types::DateOrder::MDY;
  std::string time_zone = "UTC";
};

class CopyInDecoder {
 public:
  explicit CopyInDecoder(CopyInPlan plan);
  ~CopyInDecoder();

  // Decodes every complete row in the bytes seen so far plus `data`; false on error().
  bool feed(std::string_view data);
  // End of data (CopyDone): the last line without a newline, a cut binary tuple, an open
  // CSV quote. False on error().
  bool finish();
  const PgError& error() const { return error_; }
  bool failed() const { return failed_; }

  bool columns_known() const { return !columns_.empty(); }
  const std::vector<CopyInColumn>& columns() const { return columns_; }
  int64_t rows() const { return rows_; }  // rows decoded (all batches)
  int64_t batch_rows() const;
  size_t batch_bytes() const;
  // The rows decoded since the last call as a struct array (columns_known() must hold).
  void take_batch(ArrowArray* out);
  void export_schema(ArrowSchema* out) const;

 private:
  bool set_columns(std::vector<CopyInColumn> columns);
  bool feed_text(std::string_view data, bool at_end);
  bool text_line(std::string_view line);
  bool split_text(std::string_view line);
  bool split_csv(std::string_view line);
  bool header_line();
  bool append_row();
  bool append_value(size_t col, const std::string* value);
  // 23502 for the first NOT NULL column the row `row` (of the current batch) leaves NULL.
  bool check_not_null(int64_t row, int64_t line);
  PgError array_depth_error(size_t col, const std::string& why) const;
  bool binary_error();
  bool fail(PgError e, std::string context);
  std::string line_context() const;

  CopyInPlan plan_;
  std::vector<CopyInColumn> columns_;
  std::vector<client::ColumnSpec> specs_;
  std::vector<client::ColumnBuilder> builders_;
  std::vector<bool> convert_;  // per column: run the type's text input (else keep the text)
  std::vector<bool> force_not_null_, force_null_;
  // NOT NULL columns of plan_.relation: (relation index, index in columns_ or -1 if not copied)
  std::vector<std::pair<size_t, int>> not_null_;
  types::TextInputContext input_;
  std::unique_ptr<client::CopyBinaryDecoder> binary_;
  std::string pending_;    // text/CSV: bytes of an unfinished line
  std::string_view line_;  // the line being decoded (for CONTEXT)
  std::vector<std::optional<std::string>> fields_;
  std::vector<bool> quoted_;
  std::string scratch_;
  int64_t line_no_ = 0;
  int64_t rows_ = 0;
  int64_t batch_start_ = 0;
  bool ended_ = false;  // saw the \. end-of-data line
  PgError error_;
  bool failed_ = false;
};

class CopyInChannel : public std::enable_shared_from_this<CopyInChannel> {
 public:
  // max_bytes: CopyData bytes queued before push() refuses more; batch_rows / batch_bytes:
  // where the consumer cuts record batches.
  CopyInChannel(CopyInPlan plan, size_t max_bytes = 4u << 20, int64_t batch_rows = 65536,
                size_t batch_bytes = 8u << 20);

  // Producer side (the session).
  // Queues a CopyData payload; false when the queue is full (keep it; retry after `room`).
  // Data for a channel that is closed or failed is dropped (true).
  bool push(std::string&& data);
  void finish();                  // CopyDone: the reader ends after the queued data
  void fail(const PgError& why);  // CopyFail / abort: the reader ends with this error
  void close();                   // the application answered: drop whatever still comes
  // Called on the consumer's thread when a full queue gains room.
  void set_room_callback(std::function<void()> room);

  // Consumer side (the application, any thread; blocks while waiting for data).
  // Exports the reader as a C stream (once). The stream keeps the channel alive.
  void export_stream(ArrowArrayStream* out);
  int64_t rows() const;
  // The decoding error (22P02, 22P04 …) that ended the reader, if any.
  std::optional<PgError> error() const;
  const CopyInPlan& plan() const { return plan_; }

 private:
  struct Stream;
  // Pulls and decodes until a batch is ready, the data ended, or it failed. 0, or an errno
  // with last_error_ set. *done: no batch (end of stream).
  int next_batch(ArrowArray* out);
  int get_schema(ArrowSchema* out);
  // Takes the next chunk (blocking); false at the end (or on failure).
  bool take_chunk(std::string& chunk);
  bool decode_until_columns();
  // 0 when the stream simply ends (closed), else EIO with last_error_ set.
  int end_or_error();

  CopyInPlan plan_;
  const size_t max_bytes_;
  const int64_t batch_rows_;
  const size_t batch_bytes_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::string> queue_;
  size_t queued_bytes_ = 0;
  bool finished_ = false;           // CopyDone
  bool closed_ = false;             // nobody reads any more: drop data
  std::optional<PgError> aborted_;  // CopyFail or a protocol error
  std::optional<PgError> decode_error_;
  std::function<void()> room_;
  bool producer_waiting_ = false;  // push() refused: tell the producer when there is room
  int64_t rows_ = 0;

  // Consumer-only state (one reader thread at a time).
  CopyInDecoder decoder_;
  bool decoder_done_ = false;
  std::string last_error_;
};

}  // namespace riffq::session
