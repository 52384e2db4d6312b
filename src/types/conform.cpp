// src/types/conform.cpp
// Encoders that send a column as the type a client was already told (SPEC §3): when a
// handler's execution yields another type than its describe did, the values are converted
// where that is exact — any value to a text type (its text form is the text value, in both
// formats), a narrower integer to a wider one — and everything else is refused up front.
#include <charconv>
#include <cstring>

#include "encoders.hpp"

namespace riffq::types::detail {
namespace {

constexpr uint32_t INT2 = 21, INT4 = 23, INT8 = 20;

bool is_text_type(uint32_t oid) {
  return oid == 25 || oid == 1043 || oid == 19 || oid == 1042 || oid == 705;  // text … unknown
}

int integer_width(uint32_t oid) {
  return oid == INT2 ? 2 : oid == INT4 ? 4 : oid == INT8 ? 8 : 0;
}

// Any column as text, varchar, name, bpchar or unknown: the source's text form, which is also
// the binary form of these types.
class AsTextEncoder final : public ColumnEncoder {
 public:
  AsTextEncoder(PgTypeInfo type, ColumnEncoderPtr inner)
      : ColumnEncoder(type), inner_(std::move(inner)) {}
  bool encode(const ArrowArray& array, int64_t offset, int64_t count, wire::Format, CellBuffer& out,
              std::string* error) override {
    return inner_->encode(array, offset, count, wire::Format::TEXT, out, error);
  }

 private:
  ColumnEncoderPtr inner_;
};

// int2 → int4 / int8 and int4 → int8: the same text; binary re-encoded at the wider width.
class WiderIntegerEncoder final : public ColumnEncoder {
 public:
  WiderIntegerEncoder(PgTypeInfo type, ColumnEncoderPtr inner)
      : ColumnEncoder(type), inner_(std::move(inner)), width_(integer_width(type.oid)) {}
  bool encode(const ArrowArray& array, int64_t offset, int64_t count, wire::Format format,
              CellBuffer& out, std::string* error) override {
    if (format == wire::Format::TEXT)
      return inner_->encode(array, offset, count, format, out, error);
    scratch_.clear();
    if (!inner_->encode(array, offset, count, wire::Format::TEXT, scratch_, error)) return false;
    out.reserve(scratch_.size(), scratch_.size() * static_cast<size_t>(width_));
    for (size_t i = 0; i < scratch_.size(); ++i) {
      if (scratch_.is_null(i)) {
        out.append_null();
        continue;
      }
      std::string_view t = scratch_.cell(i);
      int64_t v = 0;
      auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
      if (ec != std::errc() || end != t.data() + t.size()) {
        if (error) *error = "not an integer: " + std::string(t);
        return false;
      }
      size_t mark = out.begin();
      auto u = static_cast<uint64_t>(v);
      for (int b = width_ - 1; b >= 0; --b) out.bytes().push_back(static_cast<char>(u >> (8 * b)));
      out.commit(mark);
    }
    return true;
  }

 private:
  ColumnEncoderPtr inner_;
  int width_;
  CellBuffer scratch_;
};

}  // namespace

ColumnEncoderPtr conform_column(ColumnEncoderPtr actual, const PgTypeInfo& wanted) {
  const uint32_t from = actual->type().oid;
  if (from == wanted.oid) return actual;
  if (is_text_type(wanted.oid)) return std::make_unique<AsTextEncoder>(wanted, std::move(actual));
  const int from_width = integer_width(from), to_width = integer_width(wanted.oid);
  if (from_width > 0 && to_width > from_width)
    return std::make_unique<WiderIntegerEncoder>(wanted, std::move(actual));
  return nullptr;
}

}  // namespace riffq::types::detail
