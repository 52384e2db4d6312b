// riffq/client/scan_stream.hpp
// A running query read into Arrow record batches: Describe first (the schema exists before
// any row), then `COPY (query) TO STDOUT (FORMAT binary)` — or binary single-row results for
// statements COPY cannot run — decoded on a background thread into a bounded queue, and
// exported as an ArrowArrayStream. Cancel stops the server-side query.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "riffq/client/column_builder.hpp"
#include "riffq/client/column_spec.hpp"
#include "riffq/client/pg_connection.hpp"
#include "riffq/types/arrow_c_abi.hpp"

struct pg_cancel;

namespace riffq::client {

struct ScanOptions {
  TypeOptions types;
  Params params;
  bool has_params = false;
  std::vector<int> columns;  // projection: indices into the described columns; empty = all
  std::string where;         // SQL over `_c1 … _cN` (pushed predicate); only when wrappable
  int64_t limit = -1;        // row limit; only when wrappable
  int64_t batch_rows = 65536;
  int64_t batch_bytes = 64ll << 20;
  int queue_depth = 4;
  bool describe_only = false;  // no execution: the stream has the schema and no batches
};

class ScanStream {
 public:
  // Describes and starts the query; nullptr (and *error) when Describe fails.
  static std::unique_ptr<ScanStream> start(std::shared_ptr<PgConnection> conn, std::string sql,
                                           ScanOptions opts, std::string* error);
  ~ScanStream();
  ScanStream(const ScanStream&) = delete;
  ScanStream& operator=(const ScanStream&) = delete;

  const std::vector<ColumnSpec>& columns() const { return columns_; }
  void schema(ArrowSchema* out) const { export_schema(columns_, out); }
  // Waits for the next batch: true with out->release set, true with out->release == nullptr
  // at the end, false on error (see error()).
  bool next(ArrowArray* out);
  const std::string& error() const { return error_; }
  // Stops the query (server-side cancel) and the producer; later next() returns the end.
  void cancel();
  // Stops the scan from outside (the connection closes): next() then reports msg.
  void abort(const std::string& msg);
  // True when the query ran through binary COPY (false: row-by-row fallback).
  bool used_copy() const { return used_copy_; }
  // The statement text that was sent.
  const std::string& sent_sql() const { return sent_sql_; }

  // Moves the scan into an ArrowArrayStream (which then owns it).
  static void export_stream(std::unique_ptr<ScanStream> scan, ArrowArrayStream* out);

 private:
  ScanStream() = default;
  void run();
  bool run_copy(bool* fallback);
  bool run_rows();
  bool push_batch();
  bool batch_full();
  void fail(std::string msg);
  void cancel_server();  // server-side cancel only (the producer drains; next() reports)

  std::shared_ptr<PgConnection> conn_;
  std::vector<ColumnSpec> columns_;
  std::vector<int> decode_columns_;  // which result columns feed the builders (fallback)
  std::vector<ColumnBuilder> builders_;
  ScanOptions opts_;
  std::string copy_sql_;
  std::string row_sql_;
  std::string sent_sql_;
  bool wrappable_ = false;
  bool used_copy_ = false;
  int64_t batch_len_ = 0;
  int64_t batches_pushed_ = 0;
  pg_cancel* cancel_obj_ = nullptr;

  std::thread producer_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<ArrowArray> queue_;
  bool done_ = false;
  bool failed_ = false;
  bool aborted_ = false;
  std::atomic<bool> cancelled_{false};
  std::string error_;
  std::string last_error_;  // error text handed to get_last_error
};

}  // namespace riffq::client
