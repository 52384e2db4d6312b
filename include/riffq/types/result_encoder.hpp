// riffq/types/result_encoder.hpp
// ResultEncoder: turns Arrow record batches (C Data Interface) into PostgreSQL DataRow
// messages, column by column, in text or binary format, plus the RowDescription metadata.
//
// INTERFACE ROUTINES
//   ResultEncoder::create(schema, options)   map every column to a PostgreSQL type (or fail)
//   columns()                                name / type OID / typlen / typmod per column
//   binary_supported(i)                      whether column i has a binary encoder
//   set_formats(formats)                     per-column result format (already 0/1/n-expanded)
//   append_data_rows(batch, offset, count, out)   DataRow messages for a slice of a batch
//
// NB: the encoder owns the schema; batches passed in must match it. Encoding never calls
// into Python and never takes the GIL.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "riffq/types/arrow_c_abi.hpp"
#include "riffq/types/encode_options.hpp"
#include "riffq/wire/field_description.hpp"
#include "riffq/wire/protocol.hpp"

namespace riffq::types {

// One RowDescription field (the wire layer's type; the encoder fills it in).
using ColumnDescription = wire::FieldDescription;

class ResultEncoder {
 public:
  virtual ~ResultEncoder() = default;

  // Builds an encoder for a record-batch schema (format "+s"). Returns nullptr and sets
  // *error when a column has an Arrow type that cannot be mapped.
  static std::unique_ptr<ResultEncoder> create(OwnedSchema schema, const EncodeOptions& options,
                                               std::string* error);

  virtual const std::vector<ColumnDescription>& columns() const = 0;
  virtual bool binary_supported(size_t column) const = 0;
  // formats.size() == columns().size(); binary only where binary_supported().
  virtual void set_formats(const std::vector<wire::Format>& formats) = 0;

  // Makes the rows match a RowDescription the client already holds (types and formats),
  // converting columns where that is exact (any type to text, a narrower integer to a wider
  // one). Returns false, changing nothing, when the result cannot be sent as described.
  virtual bool conform(const std::vector<ColumnDescription>& described, std::string* error) = 0;

  // Appends one DataRow message per row in [offset, offset + count) of `batch` (a struct
  // array matching the schema) to `out`. Returns false and sets *error on a value that
  // cannot be encoded (the rows appended so far stay valid messages).
  virtual bool append_data_rows(const ArrowArray& batch, int64_t offset, int64_t count,
                                std::string& out, std::string* error) = 0;
};

using ResultEncoderPtr = std::unique_ptr<ResultEncoder>;

}  // namespace riffq::types
