// src/types/encoders.hpp
// Internal factory functions, one per type family; encoder_registry.cpp dispatches to them
// from the Arrow format string. Each returns nullptr with *error set when unsupported.
#pragma once

#include <string>
#include <string_view>

#include "riffq/types/column_encoder.hpp"

namespace riffq::types::detail {

// bool, int8..int64, uint8..uint64 (format "b", "c", "C", "s", "S", "i", "I", "l", "L").
// `extension` is ARROW:extension:name: int8 with arrow.bool8 is bool.
ColumnEncoderPtr make_integer_encoder(char format, std::string_view extension, std::string* error);
// float16/32/64 ("e", "f", "g").
ColumnEncoderPtr make_floating_encoder(char format, const EncodeOptions& options,
                                       std::string* error);
// decimal "d:p,s[,bits]".
ColumnEncoderPtr make_decimal_encoder(std::string_view format, std::string* error);
// date/time/timestamp/duration/interval ("t…").
ColumnEncoderPtr make_temporal_encoder(std::string_view format, const EncodeOptions& options,
                                       std::string* error);
// utf8/binary families, fixed_size_binary, uuid, json. `extension` is ARROW:extension:name.
ColumnEncoderPtr make_string_binary_encoder(std::string_view format, std::string_view extension,
                                            const EncodeOptions& options, std::string* error);
// list, large_list, fixed_size_list, list_view, large_list_view.
ColumnEncoderPtr make_list_encoder(const ArrowSchema& field, const EncodeOptions& options,
                                   std::string* error);
// struct → record.
ColumnEncoderPtr make_struct_encoder(const ArrowSchema& field, const EncodeOptions& options,
                                     std::string* error);
// map → jsonb.
ColumnEncoderPtr make_map_encoder(const ArrowSchema& field, const EncodeOptions& options,
                                  std::string* error);
// dictionary-encoded field (schema.dictionary != nullptr).
ColumnEncoderPtr make_dictionary_encoder(const ArrowSchema& field, const EncodeOptions& options,
                                         std::string* error);
// run-end encoded "+r".
ColumnEncoderPtr make_run_end_encoder(const ArrowSchema& field, const EncodeOptions& options,
                                      std::string* error);
// null "n".
ColumnEncoderPtr make_null_encoder();

// `actual` re-expressed as the type `wanted` where every value converts exactly (conform.cpp);
// nullptr when it cannot.
ColumnEncoderPtr conform_column(ColumnEncoderPtr actual, const PgTypeInfo& wanted);

}  // namespace riffq::types::detail
