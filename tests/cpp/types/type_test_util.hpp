// tests/cpp/types/type_test_util.hpp
// Helpers for the types tests: encode one Arrow column through ResultEncoder and parse the
// DataRow bytes back (checking framing on the way), and a differential fixture that compares
// the cells with what PostgreSQL 15 prints for equivalent SQL expressions.
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "riffq/types/result_encoder.hpp"
#include "support/arrow_builder.hpp"
#include "support/pg_cluster.hpp"

namespace riffq::test {

using Cells = std::vector<std::optional<std::string>>;

struct Encoded {
  bool ok = false;
  std::string error;
  types::ColumnDescription column;
  Cells cells;
};

// Encodes `array` (column `f`) as a one-column record batch; parses and checks the DataRows.
Encoded encode_column(const SchemaNode& f, const ArrowNode& array, const types::EncodeOptions& o,
                      wire::Format format);

// Hex of bytes, for readable binary mismatches.
std::string hex(const std::optional<std::string>& v);

class TypesDiffTest : public PgClusterTest {
 protected:
  // Applies the session settings that correspond to `o` on the PostgreSQL connection.
  void apply_settings(const types::EncodeOptions& o);
  // PostgreSQL's text (or binary) output of each SQL expression, in order.
  Cells pg_values(const std::vector<std::string>& exprs, bool binary);
  // Expects our text (and, when `binary`, binary) cells to equal PostgreSQL's for `exprs`.
  void expect_pg(const SchemaNode& f, const ArrowNode& array, const std::vector<std::string>& exprs,
                 const types::EncodeOptions& o = {}, bool binary = true);
};

// 'text'::type literals as expressions (nullopt → NULL::type).
std::vector<std::string> literals(const std::string& type, const Cells& values);

}  // namespace riffq::test
