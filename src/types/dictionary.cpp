// src/types/dictionary.cpp
// Dictionary-encoded and run-end-encoded columns, decoded to their value type: the value
// encoder runs once over the range of dictionary entries / runs the slice uses, then the
// cells are gathered per row.
#include <algorithm>

#include "arrow_util.hpp"
#include "encoders.hpp"

namespace riffq::types::detail {
namespace {

// Reads an integer of `width` bytes (signed) at element i.
// A negative width means unsigned.
inline int64_t read_int(const void* base, int width, int64_t i) {
  switch (width) {
    case 1:
      return static_cast<const int8_t*>(base)[i];
    case -1:
      return static_cast<const uint8_t*>(base)[i];
    case 2:
      return static_cast<const int16_t*>(base)[i];
    case -2:
      return static_cast<const uint16_t*>(base)[i];
    case 4:
      return static_cast<const int32_t*>(base)[i];
    case -4:
      return static_cast<const uint32_t*>(base)[i];
    default:
      return static_cast<const int64_t*>(base)[i];
  }
}

int int_width(char f) {
  switch (f) {
    case 'c':
      return 1;
    case 'C':
      return -1;
    case 's':
      return 2;
    case 'S':
      return -2;
    case 'i':
      return 4;
    case 'I':
      return -4;
    case 'l':
    case 'L':
      return 8;
    default:
      return 0;
  }
}

class DictionaryEncoder final : public ColumnEncoder {
 public:
  DictionaryEncoder(ColumnEncoderPtr values, int width)
      : ColumnEncoder(values->type()), values_(std::move(values)), width_(width) {}
  bool binary_supported() const override { return values_->binary_supported(); }
  JsonKind json_kind() const override { return values_->json_kind(); }

  bool encode(const ArrowArray& a, int64_t offset, int64_t count, wire::Format format,
              CellBuffer& out, std::string* error) override {
    const void* idx = buffer<void>(a, 1);
    int64_t lo = INT64_MAX;
    int64_t hi = -1;
    for_each_valid(a, offset, count, [&](int64_t i) {
      const int64_t k = read_int(idx, width_, i);
      lo = std::min(lo, k);
      hi = std::max(hi, k);
    });
    scratch_.clear();
    if (hi >= 0) {
      if (a.dictionary == nullptr || lo < 0 || hi >= a.dictionary->length) {
        return fail(error, "dictionary index out of range");
      }
      if (!values_->encode(*a.dictionary, lo, hi - lo + 1, format, scratch_, error)) return false;
    }
    for_each_slot(a, offset, count, out, [&](int64_t i) {
      out.append_copy(scratch_, static_cast<size_t>(read_int(idx, width_, i) - lo));
    });
    return true;
  }

 private:
  template <typename F>
  static void for_each_valid(const ArrowArray& a, int64_t offset, int64_t count, F&& f) {
    const uint8_t* v = validity(a);
    const int64_t base = a.offset + offset;
    for (int64_t i = 0; i < count; ++i) {
      if (v == nullptr || bit_set(v, base + i)) f(base + i);
    }
  }

  ColumnEncoderPtr values_;
  int width_;
  CellBuffer scratch_;
};

class RunEndEncoder final : public ColumnEncoder {
 public:
  RunEndEncoder(ColumnEncoderPtr values, int width)
      : ColumnEncoder(values->type()), values_(std::move(values)), width_(width) {}
  bool binary_supported() const override { return values_->binary_supported(); }
  JsonKind json_kind() const override { return values_->json_kind(); }

  bool encode(const ArrowArray& a, int64_t offset, int64_t count, wire::Format format,
              CellBuffer& out, std::string* error) override {
    if (count == 0) return true;
    if (a.n_children != 2) return fail(error, "run-end encoded array without two children");
    const ArrowArray& ends = *a.children[0];
    const ArrowArray& vals = *a.children[1];
    const void* base = buffer<void>(ends, 1);
    const int64_t nruns = ends.length;
    auto run_end = [&](int64_t r) { return read_int(base, width_, ends.offset + r); };
    // First run whose end is greater than logical position j.
    auto find_run = [&](int64_t j) {
      int64_t lo = 0;
      int64_t hi = nruns;
      while (lo < hi) {
        const int64_t mid = lo + (hi - lo) / 2;
        if (run_end(mid) > j) {
          hi = mid;
        } else {
          lo = mid + 1;
        }
      }
      return lo;
    };
    const int64_t first = a.offset + offset;
    const int64_t r0 = find_run(first);
    const int64_t r1 = find_run(first + count - 1);
    if (r1 >= nruns || r1 >= vals.length) return fail(error, "run-end encoded array is too short");
    scratch_.clear();
    if (!values_->encode(vals, r0, r1 - r0 + 1, format, scratch_, error)) return false;
    int64_t r = r0;
    for (int64_t k = 0; k < count; ++k) {
      while (run_end(r) <= first + k) ++r;
      out.append_copy(scratch_, static_cast<size_t>(r - r0));
    }
    return true;
  }

 private:
  ColumnEncoderPtr values_;
  int width_;
  CellBuffer scratch_;
};

}  // namespace

ColumnEncoderPtr make_dictionary_encoder(const ArrowSchema& field, const EncodeOptions& options,
                                         std::string* error) {
  const int width = field.format && field.format[0] && !field.format[1] ? int_width(field.format[0]) : 0;
  if (width == 0) {
    fail(error, "invalid dictionary index type \"" + std::string(field.format ? field.format : "") + "\"");
    return nullptr;
  }
  ColumnEncoderPtr values = make_column_encoder(*field.dictionary, options, error);
  if (!values) return nullptr;
  return std::make_unique<DictionaryEncoder>(std::move(values), width);
}

ColumnEncoderPtr make_run_end_encoder(const ArrowSchema& field, const EncodeOptions& options,
                                      std::string* error) {
  if (field.n_children != 2) {
    fail(error, "run-end encoded field without run_ends and values children");
    return nullptr;
  }
  const char* ef = field.children[0]->format;
  const int width = ef && ef[0] && !ef[1] ? int_width(ef[0]) : 0;
  if (width != 2 && width != 4 && width != 8) {
    fail(error, "invalid run_ends type");
    return nullptr;
  }
  ColumnEncoderPtr values = make_column_encoder(*field.children[1], options, error);
  if (!values) return nullptr;
  return std::make_unique<RunEndEncoder>(std::move(values), width);
}

}  // namespace riffq::types::detail
