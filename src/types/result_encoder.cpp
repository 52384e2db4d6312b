// src/types/result_encoder.cpp
// ResultEncoder implementation: one ColumnEncoder per schema child, slices encoded column by
// column in chunks into cell buffers, then interleaved into DataRow messages.
#include "riffq/types/result_encoder.hpp"

#include <algorithm>

#include "riffq/types/column_encoder.hpp"
#include "riffq/types/row_assembler.hpp"

namespace riffq::types {
namespace {

constexpr int64_t CHUNK_ROWS = 4096;

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
