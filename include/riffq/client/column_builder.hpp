// riffq/client/column_builder.hpp
// Arrow C Data builders for one result column: appends PostgreSQL binary values (the format
// of binary COPY and of binary result columns) straight into Arrow buffers, and exports
// them as an ArrowArray. No Arrow library; every length from the wire is bounds-checked.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "riffq/client/column_spec.hpp"
#include "riffq/types/arrow_c_abi.hpp"

namespace riffq::client {

// A malloc'ed, growable byte buffer whose storage can be handed to an ArrowArray.
class GrowBuffer {
 public:
  GrowBuffer() = default;
  GrowBuffer(const GrowBuffer&) = delete;
  GrowBuffer& operator=(const GrowBuffer&) = delete;
  GrowBuffer(GrowBuffer&& o) noexcept;
  GrowBuffer& operator=(GrowBuffer&& o) noexcept;
  ~GrowBuffer();

  uint8_t* data() { return data_; }
  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  // Appends n uninitialised bytes and returns a pointer to them.
  uint8_t* extend(size_t n) {
    if (size_ + n > cap_) grow(size_ + n);
    uint8_t* p = data_ + size_;
    size_ += n;
    return p;
  }
  void append(const void* p, size_t n);
  void reserve(size_t n) {
    if (n > cap_) grow(n);
  }
  // Gives up the storage (never nullptr: at least 64 bytes are allocated).
  void* release();

 private:
  void grow(size_t need);
  uint8_t* data_ = nullptr;
  size_t size_ = 0;
  size_t cap_ = 0;
};

// Builds one column (or one level of a list column) of the current batch.
class ColumnBuilder {
 public:
  explicit ColumnBuilder(const ColumnSpec& spec);
  ColumnBuilder(const ColumnBuilder&) = delete;
  ColumnBuilder& operator=(const ColumnBuilder&) = delete;
  ColumnBuilder(ColumnBuilder&&) noexcept = default;
  ColumnBuilder& operator=(ColumnBuilder&&) noexcept = default;

  // Appends one value in PostgreSQL binary format; len < 0 is NULL. Returns false (and sets
  // *error) when the bytes are not a valid value of the column's type.
  bool append(const uint8_t* p, int32_t len, std::string* error);
  void append_null();

  int64_t length() const { return length_; }
  // Whether value i of the current batch is NULL.
  bool is_null(int64_t i) const { return (validity_.data()[i >> 3] & (1u << (i & 7))) == 0; }
  // Bytes held by this column's buffers (to cut batches by size).
  size_t byte_size() const;
  // Moves the batch into *out (release set) and starts an empty batch.
  void finish(ArrowArray* out);

 private:
  void push_validity(bool valid);
  bool append_var(const void* p, size_t n, std::string* error);
  bool append_array(const uint8_t* p, int32_t len, std::string* error);
  void append_list_entries(int64_t count, int64_t each);

  ColumnKind kind_ = ColumnKind::Unknown;
  int precision_ = 0;
  int scale_ = 0;
  int depth_ = 0;                         // List levels below and including this one
  bool exact_depth_ = false;              // List: see ColumnSpec::exact_depth
  std::unique_ptr<ColumnBuilder> child_;  // List: next level
  int64_t length_ = 0;
  int64_t null_count_ = 0;
  size_t width_ = 0;  // fixed-width value size in bytes; 0 for bool / variable / list
  GrowBuffer validity_;
  GrowBuffer values_;   // fixed-width values, bool bits, or variable data
  GrowBuffer offsets_;  // int32 offsets (variable and list)
  int64_t var_bytes_ = 0;
};

// The start of append()'s error for an array whose dimensionality a List column with
// exact_depth refuses ("array of 2 dimensions").
inline constexpr const char* kArrayDepthError = "array of ";

// Arrow export helpers: a struct ("+s") schema with one child per column, and a struct
// array over finished column arrays (the C stream's record batch convention).
void export_schema(const std::vector<ColumnSpec>& columns, ArrowSchema* out);
void export_struct_array(std::vector<ArrowArray>& columns, int64_t length, ArrowArray* out);

// Formats a PostgreSQL binary numeric as its text form; false on malformed input.
bool numeric_to_string(const uint8_t* p, int32_t len, std::string* out);
// Decodes a PostgreSQL binary numeric into an unscaled decimal128 with `scale` digits.
// Returns 1 on success, 0 for NaN/±Infinity/overflow (stored as NULL), -1 on malformed input.
int numeric_to_decimal(const uint8_t* p, int32_t len, int scale, __int128* out);

}  // namespace riffq::client
