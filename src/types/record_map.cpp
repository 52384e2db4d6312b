// src/types/record_map.cpp
// struct → record (record_out text "(a,b)" / record_send binary) and map → jsonb (a JSON
// object with jsonb's key order: shorter keys first, then bytewise; the last duplicate wins).
#include <algorithm>
#include <charconv>

#include "arrow_util.hpp"
#include "encoders.hpp"
#include "riffq/types/pg_types.hpp"
#include "text_quote.hpp"

namespace riffq::types::detail {
namespace {

// Sorts indexes into jsonb's object key order: shorter keys first, then bytewise (stable, so
// of equal keys the last one stays last, and callers keep only that one).
template <typename KeyOf>
void jsonb_key_order(std::vector<size_t>& order, KeyOf key_of) {
  std::stable_sort(order.begin(), order.end(), [&](size_t x, size_t y) {
    const std::string_view kx = key_of(x), ky = key_of(y);
    if (kx.size() != ky.size()) return kx.size() < ky.size();
    return kx < ky;
  });
}

class StructEncoder final : public ColumnEncoder {
 public:
  StructEncoder(std::vector<ColumnEncoderPtr> fields, std::vector<std::string> names, bool json)
      : ColumnEncoder({oid::RECORD, -1, -1}),
        fields_(std::move(fields)),
        names_(std::move(names)),
        json_(json),
        cells_(fields_.size()) {
    for (size_t c = 0; c < names_.size(); ++c) order_.push_back(c);
    jsonb_key_order(order_, [&](size_t c) { return std::string_view(names_[c]); });
  }
  JsonKind json_kind() const override { return json_ ? JsonKind::JSON : JsonKind::STRING; }
  bool binary_supported() const override {
    return std::all_of(fields_.begin(), fields_.end(),
                       [](const ColumnEncoderPtr& f) { return f->binary_supported(); });
  }

  bool encode(const ArrowArray& a, int64_t offset, int64_t count, wire::Format format,
              CellBuffer& out, std::string* error) override {
    if (a.n_children != static_cast<int64_t>(fields_.size())) {
      return fail(error, "struct array does not match its schema");
    }
    for (size_t c = 0; c < fields_.size(); ++c) {
      cells_[c].clear();
      if (!fields_[c]->encode(*a.children[c], a.offset + offset, count, format, cells_[c], error)) {
        return false;
      }
    }
    const bool binary = format == wire::Format::BINARY;
    std::string& b = out.bytes();
    for (int64_t k = 0; k < count; ++k) {
      if (!is_valid(a, offset + k)) {
        out.append_null();
        continue;
      }
      const size_t mark = out.begin();
      const size_t row = static_cast<size_t>(k);
      if (binary) {
        put_be32(b, static_cast<uint32_t>(fields_.size()));
        for (size_t c = 0; c < fields_.size(); ++c) {
          put_be32(b, fields_[c]->type().oid);
          put_be32(b, static_cast<uint32_t>(cells_[c].length(row)));
          if (!cells_[c].is_null(row)) b.append(cells_[c].cell(row));
        }
      } else if (json_) {
        b.push_back('{');
        bool first = true;
        for (size_t j = 0; j < order_.size(); ++j) {
          const size_t c = order_[j];
          if (j + 1 < order_.size() && names_[c] == names_[order_[j + 1]]) continue;
          if (!first) b.append(", ");
          first = false;
          put_json_string(b, names_[c]);
          b.append(": ");
          put_json_value(b, cells_[c], row, fields_[c]->json_kind());
        }
        b.push_back('}');
      } else {
        b.push_back('(');
        for (size_t c = 0; c < fields_.size(); ++c) {
          if (c > 0) b.push_back(',');
          if (!cells_[c].is_null(row)) put_record_field(b, cells_[c].cell(row));
        }
        b.push_back(')');
      }
      out.commit(mark);
    }
    return true;
  }

 private:
  std::vector<ColumnEncoderPtr> fields_;
  std::vector<std::string> names_;
  bool json_;
  std::vector<size_t> order_;
  std::vector<CellBuffer> cells_;
};

class MapEncoder final : public ColumnEncoder {
 public:
  MapEncoder(ColumnEncoderPtr keys, ColumnEncoderPtr values)
      : ColumnEncoder({oid::JSONB, -1, -1}), keys_(std::move(keys)), values_(std::move(values)) {}
  JsonKind json_kind() const override { return JsonKind::JSON; }

  bool encode(const ArrowArray& a, int64_t offset, int64_t count, wire::Format format,
              CellBuffer& out, std::string* error) override {
    if (count == 0) return true;
    if (a.n_children != 1 || a.children[0]->n_children != 2) {
      return fail(error, "map array does not match its schema");
    }
    const ArrowArray& entries = *a.children[0];
    const int32_t* off = buffer<int32_t>(a, 1);
    const int64_t p0 = a.offset + offset;
    const int64_t lo = off[p0];
    const int64_t hi = off[p0 + count];
    key_cells_.clear();
    value_cells_.clear();
    const int64_t base = entries.offset + lo;
    if (!keys_->encode(*entries.children[0], base, hi - lo, wire::Format::TEXT, key_cells_, error) ||
        !values_->encode(*entries.children[1], base, hi - lo, wire::Format::TEXT, value_cells_,
                         error)) {
      return false;
    }
    const bool binary = format == wire::Format::BINARY;
    std::string& b = out.bytes();
    for (int64_t k = 0; k < count; ++k) {
      if (!is_valid(a, offset + k)) {
        out.append_null();
        continue;
      }
      order_.clear();
      for (int64_t e = off[p0 + k]; e < off[p0 + k + 1]; ++e) {
        const size_t c = static_cast<size_t>(e - lo);
        if (key_cells_.is_null(c)) return fail(error, "map key cannot be null");
        order_.push_back(c);
      }
      jsonb_key_order(order_, [&](size_t c) { return key_cells_.cell(c); });
      const size_t mark = out.begin();
      if (binary) b.push_back('\x01');  // jsonb binary format version
      b.push_back('{');
      bool first = true;
      for (size_t j = 0; j < order_.size(); ++j) {
        // Of equal keys, jsonb keeps the last one.
        if (j + 1 < order_.size() && key_cells_.cell(order_[j]) == key_cells_.cell(order_[j + 1])) {
          continue;
        }
        if (!first) b.append(", ");
        first = false;
        put_json_string(b, key_cells_.cell(order_[j]));
        b.append(": ");
        put_json_value(b, value_cells_, order_[j], values_->json_kind());
      }
      b.push_back('}');
      out.commit(mark);
    }
    return true;
  }

 private:
  ColumnEncoderPtr keys_;
  ColumnEncoderPtr values_;
  CellBuffer key_cells_;
  CellBuffer value_cells_;
  std::vector<size_t> order_;
};

}  // namespace

ColumnEncoderPtr make_struct_encoder(const ArrowSchema& field, const EncodeOptions& options,
                                     std::string* error) {
  std::vector<ColumnEncoderPtr> fields;
  std::vector<std::string> names;
  for (int64_t c = 0; c < field.n_children; ++c) {
    ColumnEncoderPtr e = make_column_encoder(*field.children[c], options, error);
    if (!e) return nullptr;
    fields.push_back(std::move(e));
    names.emplace_back(field.children[c]->name ? field.children[c]->name : "");
  }
  return std::make_unique<StructEncoder>(std::move(fields), std::move(names), options.json_values);
}

ColumnEncoderPtr make_map_encoder(const ArrowSchema& field, const EncodeOptions& options,
                                  std::string* error) {
  if (field.n_children != 1 || field.children[0]->n_children != 2) {
    fail(error, "Arrow map type without a key/value entries struct");
    return nullptr;
  }
  const ArrowSchema& entries = *field.children[0];
  ColumnEncoderPtr keys = make_column_encoder(*entries.children[0], options, error);
  if (!keys) return nullptr;
  // Values are rendered as inside jsonb: nested lists/structs as JSON, timestamps in ISO form.
  EncodeOptions value_options = options;
  value_options.json_values = true;
  value_options.date_style = DateStyleKind::ISO;
  ColumnEncoderPtr values = make_column_encoder(*entries.children[1], value_options, error);
  if (!values) return nullptr;
  return std::make_unique<MapEncoder>(std::move(keys), std::move(values));
}

}  // namespace riffq::types::detail
