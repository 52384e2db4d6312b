// src/types/null.cpp
// The Arrow null type ("n") → text, every row NULL.
#include "arrow_util.hpp"
#include "encoders.hpp"
#include "riffq/types/pg_types.hpp"

namespace riffq::types::detail {
namespace {

class NullEncoder final : public ColumnEncoder {
 public:
  NullEncoder() : ColumnEncoder({oid::TEXT, -1, -1}) {}
  bool encode(const ArrowArray&, int64_t, int64_t count, wire::Format, CellBuffer& out,
              std::string*) override {
    out.reserve(static_cast<size_t>(count), 0);
    for (int64_t i = 0; i < count; ++i) out.append_null();
    return true;
  }
};

}  // namespace

ColumnEncoderPtr make_null_encoder() { return std::make_unique<NullEncoder>(); }

}  // namespace riffq::types::detail
