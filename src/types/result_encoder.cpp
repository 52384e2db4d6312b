// src/types/result_encoder.cpp
// ResultEncoder implementation: one ColumnEncoder per schema child, slices encoded column by
// column in chunks into cell buffers, then interleaved into DataRow messages.
#include "riffq/types/result_encoder.hpp"

#include <algorithm>

#include "encoders.hpp"
#include "riffq/types/column_encoder.hpp"
#include "riffq/types/row_assembler.hpp"

namespace riffq::types {
namespace {

constexpr int64_t CHUNK_ROWS = 4096;

// Forwards to an encoder owned elsewhere, so that a conversion can be tried (and dropped)
// without giving the original up.
class BorrowedEncoder final : public ColumnEncoder {
 public:
  explicit BorrowedEncoder(ColumnEncoder& e) : ColumnEncoder(e.type()), e_(e) {}
  bool binary_supported() const override { return e_.binary_supported(); }
  JsonKind json_kind() const override { return e_.json_kind(); }
  bool encode(const ArrowArray& array, int64_t offset, int64_t count, wire::Format format,
              CellBuffer& out, std::string* error) override {
    return e_.encode(array, offset, count, format, out, error);
  }

 private:
  ColumnEncoder& e_;
};

class ResultEncoderImpl final : public ResultEncoder {
 public:
  ResultEncoderImpl(OwnedSchema schema, std::vector<ColumnEncoderPtr> encoders,
                    std::vector<ColumnDescription> columns)
      : schema_(std::move(schema)),
        encoders_(std::move(encoders)),
        columns_(std::move(columns)),
        cells_(encoders_.size()) {}

  const std::vector<ColumnDescription>& columns() const override { return columns_; }
  bool binary_supported(size_t column) const override {
    return column < encoders_.size() && encoders_[column]->binary_supported();
  }
  void set_formats(const std::vector<wire::Format>& formats) override {
    for (size_t c = 0; c < columns_.size(); ++c) {
      columns_[c].format = c < formats.size() && binary_supported(c) ? formats[c] : wire::Format::TEXT;
    }
  }

  bool conform(const std::vector<ColumnDescription>& described, std::string* error) override {
    if (described.size() != encoders_.size()) {
      if (error) *error = "the result has " + std::to_string(encoders_.size()) +
                          " columns, the described one " + std::to_string(described.size());
      return false;
    }
    std::vector<ColumnEncoderPtr> conformed(encoders_.size());
    for (size_t c = 0; c < encoders_.size(); ++c) {
      const ColumnDescription& want = described[c];
      if (encoders_[c]->type().oid == want.type_oid) continue;
      conformed[c] = detail::conform_column(
          std::make_unique<BorrowedEncoder>(*encoders_[c]),
          PgTypeInfo{want.type_oid, want.typlen, want.typmod});
      if (!conformed[c]) {
        if (error) *error = "column \"" + want.name + "\" was described as type " +
                            std::to_string(want.type_oid) + " but is of type " +
                            std::to_string(encoders_[c]->type().oid);
        return false;
      }
    }
    for (size_t c = 0; c < encoders_.size(); ++c) {
      const ColumnDescription& want = described[c];
      const ColumnEncoder& e = conformed[c] ? *conformed[c] : *encoders_[c];
      if (want.format == wire::Format::BINARY && !e.binary_supported()) {
        if (error) *error = "column \"" + want.name + "\" has no binary form";
        return false;
      }
    }
    for (size_t c = 0; c < encoders_.size(); ++c) {
      if (conformed[c]) {
        owned_.push_back(std::move(encoders_[c]));  // the conforming encoder borrows it
        encoders_[c] = std::move(conformed[c]);
      }
      columns_[c] = described[c];
    }
    return true;
  }

  bool append_data_rows(const ArrowArray& batch, int64_t offset, int64_t count, std::string& out,
                        std::string* error) override {
    if (batch.n_children != static_cast<int64_t>(encoders_.size())) {
      if (error) *error = "record batch does not match the result schema";
      return false;
    }
    if (offset < 0 || count < 0 || offset + count > batch.length) {
      if (error) *error = "record batch slice out of range";
      return false;
    }
    for (int64_t done = 0; done < count;) {
      const int64_t n = std::min(CHUNK_ROWS, count - done);
      for (size_t c = 0; c < encoders_.size(); ++c) {
        cells_[c].clear();
        if (!encoders_[c]->encode(*batch.children[c], batch.offset + offset + done, n,
                                  columns_[c].format, cells_[c], error)) {
          return false;
        }
      }
      types::append_data_rows(cells_, 0, static_cast<size_t>(n), out);
      done += n;
    }
    return true;
  }

 private:
  OwnedSchema schema_;
  std::vector<ColumnEncoderPtr> encoders_;
  std::vector<ColumnEncoderPtr> owned_;  // originals wrapped by conforming encoders
  std::vector<ColumnDescription> columns_;
  std::vector<CellBuffer> cells_;
};

}  // namespace

std::unique_ptr<ResultEncoder> ResultEncoder::create(OwnedSchema schema,
                                                     const EncodeOptions& options,
                                                     std::string* error) {
  const ArrowSchema& s = schema.s;
  if (s.format == nullptr || std::string_view(s.format) != "+s") {
    if (error) *error = "result schema is not a struct (record batch) schema";
    return nullptr;
  }
  std::vector<ColumnEncoderPtr> encoders;
  std::vector<ColumnDescription> columns;
  for (int64_t c = 0; c < s.n_children; ++c) {
    const ArrowSchema& field = *s.children[c];
    std::string err;
    ColumnEncoderPtr e = make_column_encoder(field, options, &err);
    if (!e) {
      if (error) {
        *error = "column \"" + std::string(field.name ? field.name : "") + "\": " + err;
      }
      return nullptr;
    }
    ColumnDescription d;
    d.name = field.name ? field.name : "";
    d.type_oid = e->type().oid;
    d.typlen = e->type().typlen;
    d.typmod = e->type().typmod;
    columns.push_back(std::move(d));
    encoders.push_back(std::move(e));
  }
  return std::make_unique<ResultEncoderImpl>(std::move(schema), std::move(encoders),
                                             std::move(columns));
}

}  // namespace riffq::types
