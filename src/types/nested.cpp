// src/types/nested.cpp
// List encoders: list, large_list, fixed_size_list, list_view and large_list_view of T →
// T[] (array_out / array_send formats). Directly nested lists become one multidimensional
// array when every level is rectangular; otherwise the value is an error, since PostgreSQL
// arrays cannot be ragged.
#include <algorithm>
#include <charconv>

#include "arrow_util.hpp"
#include "encoders.hpp"
#include "riffq/types/pg_types.hpp"
#include "text_quote.hpp"

namespace riffq::types::detail {
namespace {

constexpr int MAXDIM = 6;  // PostgreSQL's array dimension limit

enum class ListKind : uint8_t { L32, L64, FIXED, V32, V64 };

struct Level {
  ListKind kind;
  int64_t fixed = 0;
};

// Logical child range of list slot p (physical index).
inline void list_range(const ArrowArray& a, const Level& lv, int64_t p, int64_t* start,
                       int64_t* len) {
  switch (lv.kind) {
    case ListKind::L32: {
      const int32_t* o = buffer<int32_t>(a, 1);
      *start = o[p];
      *len = o[p + 1] - o[p];
      return;
    }
    case ListKind::L64: {
      const int64_t* o = buffer<int64_t>(a, 1);
      *start = o[p];
      *len = o[p + 1] - o[p];
      return;
    }
    case ListKind::FIXED:
      *start = p * lv.fixed;
      *len = lv.fixed;
      return;
    case ListKind::V32:
      *start = buffer<int32_t>(a, 1)[p];
      *len = buffer<int32_t>(a, 2)[p];
      return;
    case ListKind::V64:
      *start = buffer<int64_t>(a, 1)[p];
      *len = buffer<int64_t>(a, 2)[p];
      return;
  }
}

bool parse_level(std::string_view f, Level* lv) {
  if (f == "+l") {
    lv->kind = ListKind::L32;
  } else if (f == "+L") {
    lv->kind = ListKind::L64;
  } else if (f == "+vl") {
    lv->kind = ListKind::V32;
  } else if (f == "+vL") {
    lv->kind = ListKind::V64;
  } else if (f.size() > 3 && f.substr(0, 3) == "+w:") {
    lv->kind = ListKind::FIXED;
    auto r = std::from_chars(f.data() + 3, f.data() + f.size(), lv->fixed);
    return r.ec == std::errc() && lv->fixed >= 0;
  } else {
    return false;
  }
  return true;
}

class ListEncoder final : public ColumnEncoder {
 public:
  ListEncoder(std::vector<Level> levels, ColumnEncoderPtr leaf, uint32_t array_oid, bool json)
      : ColumnEncoder({array_oid, -1, -1}),
        levels_(std::move(levels)),
        leaf_(std::move(leaf)),
        json_(json) {}
  bool binary_supported() const override { return leaf_->binary_supported(); }
  JsonKind json_kind() const override { return json_ ? JsonKind::JSON : JsonKind::STRING; }

  bool encode(const ArrowArray& a, int64_t offset, int64_t count, wire::Format format,
              CellBuffer& out, std::string* error) override {
    rows_.clear();
    idx_.clear();
    int64_t lo = INT64_MAX;
    int64_t hi = -1;
    const ArrowArray* leaf_array = &a;
    for (size_t l = 0; l < levels_.size(); ++l) {
      if (leaf_array->n_children < 1) return fail(error, "list array without a child array");
      leaf_array = leaf_array->children[0];
    }
    for (int64_t k = 0; k < count; ++k) {
      Row row;
      row.first = idx_.size();
      if (!is_valid(a, offset + k)) {
        row.null = true;
        rows_.push_back(row);
        continue;
      }
      int64_t start, len;
      list_range(a, levels_[0], a.offset + offset + k, &start, &len);
      cur_.clear();
      for (int64_t j = 0; j < len; ++j) cur_.push_back(start + j);
      row.dims[0] = len;
      const ArrowArray* level_array = &a;
      for (size_t l = 1; l < levels_.size(); ++l) {
        level_array = level_array->children[0];
        next_.clear();
        int64_t expect = -1;
        for (int64_t e : cur_) {
          if (!is_valid(*level_array, e)) {
            return fail(error, "a NULL inner list cannot be sent as part of a PostgreSQL array");
          }
          int64_t s, n;
          list_range(*level_array, levels_[l], level_array->offset + e, &s, &n);
          if (expect >= 0 && n != expect) {
            return fail(error, "non-rectangular nested list cannot be sent as a PostgreSQL array");
          }
          expect = n;
          for (int64_t j = 0; j < n; ++j) next_.push_back(s + j);
        }
        row.dims[l] = expect < 0 ? 0 : expect;
        cur_.swap(next_);
      }
      row.ndim = static_cast<int>(levels_.size());
      if (cur_.empty()) row.ndim = 0;  // any zero-length dimension: an empty array
      for (int64_t e : cur_) {
        lo = std::min(lo, e);
        hi = std::max(hi, e);
        idx_.push_back(e);
      }
      rows_.push_back(row);
    }
    leaf_cells_.clear();
    if (hi >= 0 && !leaf_->encode(*leaf_array, lo, hi - lo + 1, format, leaf_cells_, error)) {
      return false;
    }
    const bool binary = format == wire::Format::BINARY;
    std::string& b = out.bytes();
    for (const Row& row : rows_) {
      if (row.null) {
        out.append_null();
        continue;
      }
      const size_t mark = out.begin();
      if (binary) {
        put_binary(b, row, lo);
      } else if (row.ndim == 0) {
        b.append(json_ ? "[]" : "{}");
      } else {
        size_t pos = row.first;
        put_text(b, row, 0, lo, &pos);
      }
      out.commit(mark);
    }
    return true;
  }

 private:
  struct Row {
    bool null = false;
    int ndim = 0;
    int64_t dims[MAXDIM] = {};
    size_t first = 0;  // first leaf index in idx_
  };

  size_t leaf_count(const Row& row) const {
    if (row.ndim == 0) return 0;
    size_t n = 1;
    for (int d = 0; d < row.ndim; ++d) n *= static_cast<size_t>(row.dims[d]);
    return n;
  }

  // array_out text ("{1,NULL}"), or in JSON mode the JSON array to_jsonb gives ("[1, null]").
  void put_text(std::string& b, const Row& row, int level, int64_t lo, size_t* pos) const {
    b.push_back(json_ ? '[' : '{');
    for (int64_t j = 0; j < row.dims[level]; ++j) {
      if (j > 0) b.append(json_ ? ", " : ",");
      if (level + 1 < row.ndim) {
        put_text(b, row, level + 1, lo, pos);
      } else {
        const size_t c = static_cast<size_t>(idx_[(*pos)++] - lo);
        if (json_) {
          put_json_value(b, leaf_cells_, c, leaf_->json_kind());
        } else if (leaf_cells_.is_null(c)) {
          b.append("NULL");
        } else {
          put_array_element(b, leaf_cells_.cell(c));
        }
      }
    }
    b.push_back(json_ ? ']' : '}');
  }

  void put_binary(std::string& b, const Row& row, int64_t lo) const {
    const size_t n = leaf_count(row);
    bool has_null = false;
    for (size_t k = 0; k < n; ++k) {
      if (leaf_cells_.is_null(static_cast<size_t>(idx_[row.first + k] - lo))) has_null = true;
    }
    put_be32(b, static_cast<uint32_t>(row.ndim));
    put_be32(b, has_null ? 1 : 0);
    put_be32(b, leaf_->type().oid);
    for (int d = 0; d < row.ndim; ++d) {
      put_be32(b, static_cast<uint32_t>(row.dims[d]));
      put_be32(b, 1);
    }
    for (size_t k = 0; k < n; ++k) {
      const size_t c = static_cast<size_t>(idx_[row.first + k] - lo);
      put_be32(b, static_cast<uint32_t>(leaf_cells_.length(c)));
      if (!leaf_cells_.is_null(c)) b.append(leaf_cells_.cell(c));
    }
  }

  std::vector<Level> levels_;
  ColumnEncoderPtr leaf_;
  bool json_;
  std::vector<Row> rows_;
  std::vector<int64_t> idx_, cur_, next_;
  CellBuffer leaf_cells_;
};

}  // namespace

ColumnEncoderPtr make_list_encoder(const ArrowSchema& field, const EncodeOptions& options,
                                   std::string* error) {
  std::vector<Level> levels;
  const ArrowSchema* f = &field;
  Level lv;
  while (f->dictionary == nullptr && f->format != nullptr && parse_level(f->format, &lv)) {
    if (f->n_children != 1) {
      fail(error, "Arrow list type without exactly one child");
      return nullptr;
    }
    if (levels.size() == MAXDIM) {
      fail(error, "number of array dimensions exceeds the maximum allowed (6)");
      return nullptr;
    }
    levels.push_back(lv);
    f = f->children[0];
  }
  if (levels.empty()) {
    fail(error, "unsupported Arrow list type \"" + std::string(field.format) + "\"");
    return nullptr;
  }
  ColumnEncoderPtr leaf = make_column_encoder(*f, options, error);
  if (!leaf) return nullptr;
  const PgArrayType at = pg_array_type(leaf->type().oid);
  if (at.oid == 0) {
    fail(error, "PostgreSQL type " + std::to_string(leaf->type().oid) + " has no array type");
    return nullptr;
  }
  return std::make_unique<ListEncoder>(std::move(levels), std::move(leaf), at.oid,
                                       options.json_values);
}

}  // namespace riffq::types::detail
