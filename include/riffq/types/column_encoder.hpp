// riffq/types/column_encoder.hpp
// Per-column encoders: one object per result column, chosen once from the Arrow format
// string, that turns a slice of an Arrow array into PostgreSQL text or binary cells in one
// tight loop. DataRow assembly (row_assembler.hpp) and COPY framing reuse the cells.
//
// INTERFACE ROUTINES
//   CellBuffer                    cells of one column slice: bytes + per-cell start/length (-1 NULL)
//   ColumnEncoder::encode(...)    appends one cell per row of a slice
//   make_column_encoder(...)      the encoder for one Arrow field (schema child) or an error
//
// NB: encoders never throw; a value that cannot be encoded returns false with *error set.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "riffq/types/arrow_c_abi.hpp"
#include "riffq/types/encode_options.hpp"
#include "riffq/wire/protocol.hpp"

namespace riffq::types {

// The cells of one column slice, in row order.
class CellBuffer {
 public:
  void clear() {
    bytes_.clear();
    starts_.clear();
    lengths_.clear();
  }
  size_t size() const { return lengths_.size(); }
  bool is_null(size_t i) const { return lengths_[i] < 0; }
  int32_t length(size_t i) const { return lengths_[i]; }
  std::string_view cell(size_t i) const {
    return lengths_[i] < 0 ? std::string_view()
                           : std::string_view(bytes_.data() + starts_[i], static_cast<size_t>(lengths_[i]));
  }
  size_t total_bytes() const { return bytes_.size(); }

  void append_null() {
    starts_.push_back(bytes_.size());
    lengths_.push_back(-1);
  }
  void append_cell(std::string_view v) {
    starts_.push_back(bytes_.size());
    lengths_.push_back(static_cast<int32_t>(v.size()));
    bytes_.append(v.data(), v.size());
  }
  // Copies cell i of another buffer (NULL stays NULL).
  void append_copy(const CellBuffer& other, size_t i) {
    if (other.is_null(i)) {
      append_null();
    } else {
      append_cell(other.cell(i));
    }
  }
  // Direct writing: mark = begin(); write into bytes(); commit(mark).
  size_t begin() const { return bytes_.size(); }
  std::string& bytes() { return bytes_; }
  void commit(size_t mark) {
    starts_.push_back(mark);
    lengths_.push_back(static_cast<int32_t>(bytes_.size() - mark));
  }
  void reserve(size_t cells, size_t bytes) {
    starts_.reserve(starts_.size() + cells);
    lengths_.reserve(lengths_.size() + cells);
    bytes_.reserve(bytes_.size() + bytes);
  }

 private:
  std::string bytes_;
  std::vector<uint64_t> starts_;
  std::vector<int32_t> lengths_;
};

// The PostgreSQL type a column is sent as (RowDescription fields).
struct PgTypeInfo {
  uint32_t oid = 25;
  int16_t typlen = -1;
  int32_t typmod = -1;
};

// How a value appears inside JSON (map → jsonb): bare number, true/false, raw JSON, string, or
// an ISO timestamp string that to_jsonb writes in XSD form ("2024-01-02T03:04:05+00:00").
enum class JsonKind : uint8_t { STRING, NUMBER, BOOL, JSON, TIMESTAMP, TIMESTAMPTZ };

class ColumnEncoder {
 public:
  explicit ColumnEncoder(PgTypeInfo type) : type_(type) {}
  virtual ~ColumnEncoder() = default;
  ColumnEncoder(const ColumnEncoder&) = delete;
  ColumnEncoder& operator=(const ColumnEncoder&) = delete;

  const PgTypeInfo& type() const { return type_; }
  virtual bool binary_supported() const { return true; }
  virtual JsonKind json_kind() const { return JsonKind::STRING; }

  // Appends one cell per row i in [offset, offset + count) of `array` (logical indexes: the
  // array's own offset is added inside) to `out`, in `format`.
  virtual bool encode(const ArrowArray& array, int64_t offset, int64_t count, wire::Format format,
                      CellBuffer& out, std::string* error) = 0;

 protected:
  PgTypeInfo type_;
};

using ColumnEncoderPtr = std::unique_ptr<ColumnEncoder>;

// The encoder for one Arrow field. Returns nullptr and sets *error when the type is not mapped.
ColumnEncoderPtr make_column_encoder(const ArrowSchema& field, const EncodeOptions& options,
                                     std::string* error);

}  // namespace riffq::types
