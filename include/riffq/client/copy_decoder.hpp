// riffq/client/copy_decoder.hpp
// Streaming decoder of `COPY … TO STDOUT (FORMAT binary)` output: header, tuples, trailer.
// Bytes arrive in arbitrary chunks; each complete tuple is decoded into the column builders.
// No I/O. Malformed input is kept apart from incomplete input (three outcomes).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "riffq/client/column_builder.hpp"

namespace riffq::client {

enum class DecodeStatus {
  NeedMoreData,  // everything complete was decoded; the rest is buffered
  Finished,      // the trailer was seen
  Failed,        // malformed input; error() says why; the decoder stays failed
};

class CopyBinaryDecoder {
 public:
  // Called with the field count of the first tuple when *columns is empty, to create the
  // builders (COPY FROM STDIN into a table whose columns are unknown).
  using InferColumns = std::function<void(size_t nfields)>;

  explicit CopyBinaryDecoder(std::vector<ColumnBuilder>* columns, InferColumns infer = {})
      : columns_(columns), infer_(std::move(infer)) {}

  // Decodes every complete tuple in the bytes seen so far plus [data, data + len).
  DecodeStatus feed(const uint8_t* data, size_t len);

  // Messages are PostgreSQL's (copyfromparse.c). error_column() is the column whose value did
  // not decode (its bytes are not a valid binary value: 22P03), -1 for a framing error (22P04).
  const std::string& error() const { return error_; }
  int error_column() const { return error_column_; }
  int32_t error_field_length() const { return error_length_; }  // of the value that failed
  bool header_done() const { return header_done_; }
  // The column a cut-off tuple stops in (its field count read), or -1 at a tuple boundary.
  int incomplete_column() const;
  // Rows decoded since construction.
  int64_t rows() const { return rows_; }
  // Bytes buffered waiting for the rest of a tuple.
  size_t pending() const { return carry_.size(); }

 private:
  // Decodes from [p, end): returns the bytes consumed; sets status_.
  size_t decode(const uint8_t* p, const uint8_t* end);
  DecodeStatus fail(std::string msg);

  std::vector<ColumnBuilder>* columns_;
  std::vector<uint8_t> carry_;
  bool header_done_ = false;
  DecodeStatus status_ = DecodeStatus::NeedMoreData;
  std::string error_;
  int error_column_ = -1;
  int32_t error_length_ = 0;
  int64_t rows_ = 0;
  InferColumns infer_;
};

}  // namespace riffq::client
