// tests/cpp/types/type_test_util.cpp
// encode_column with DataRow framing checks, and the PostgreSQL differential fixture.
#include "type_test_util.hpp"

#include <cstring>

namespace riffq::test {
namespace {

uint32_t be32(const std::string& s, size_t at) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data() + at);
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}

std::string quote_literal(const std::string& v) {
  std::string out = "'";
  for (char c : v) {
    if (c == '\'') out.push_back('\'');
    out.push_back(c);
  }
  out.push_back('\'');
  return out;
}

}  // namespace

Encoded encode_column(const SchemaNode& f, const ArrowNode& array, const types::EncodeOptions& o,
                      wire::Format format) {
  Encoded r;
  SchemaNode top = field("+s", {f});
  top.children[0].name = f.name.empty() ? "v" : f.name;
  ArrowNode batch = struct_of({array}, array.length);
  types::OwnedSchema schema = export_schema(top);
  types::OwnedArray arr = export_array(batch);
  auto enc = types::ResultEncoder::create(std::move(schema), o, &r.error);
  if (!enc) return r;
  r.column = enc->columns().at(0);
  if (format == wire::Format::BINARY && !enc->binary_supported(0)) {
    r.error = "binary not supported";
    return r;
  }
  enc->set_formats({format});
  std::string out;
  if (!enc->append_data_rows(arr.a, 0, array.length, out, &r.error)) return r;
  size_t at = 0;
  for (int64_t row = 0; row < array.length; ++row) {
    if (at + 7 > out.size() || out[at] != 'D') {
      ADD_FAILURE() << "bad DataRow header at " << at;
      return r;
    }
    const uint32_t len = be32(out, at + 1);
    const size_t end = at + 1 + len;
    EXPECT_LE(end, out.size());
    EXPECT_EQ(static_cast<unsigned char>(out[at + 5]), 0);
    EXPECT_EQ(static_cast<unsigned char>(out[at + 6]), 1);  // one field
    size_t p = at + 7;
    const auto flen = static_cast<int32_t>(be32(out, p));
    p += 4;
    if (flen < 0) {
      EXPECT_EQ(flen, -1);
      r.cells.emplace_back(std::nullopt);
    } else {
      r.cells.emplace_back(out.substr(p, static_cast<size_t>(flen)));
      p += static_cast<size_t>(flen);
    }
    EXPECT_EQ(p, end) << "DataRow length word does not match its fields";
    at = end;
  }
  EXPECT_EQ(at, out.size()) << "trailing bytes after the DataRows";
  r.ok = true;
  return r;
}

std::string hex(const std::optional<std::string>& v) {
  if (!v) return "NULL";
  static const char* digits = "0123456789abcdef";
  std::string h;
  for (unsigned char c : *v) {
    h.push_back(digits[c >> 4]);
    h.push_back(digits[c & 15]);
  }
  return h;
}

std::vector<std::string> literals(const std::string& type, const Cells& values) {
  std::vector<std::string> out;
  for (const auto& v : values) out.push_back(v ? quote_literal(*v) + "::" + type : "NULL::" + type);
  return out;
}

void TypesDiffTest::apply_settings(const types::EncodeOptions& o) {
  using types::DateStyleKind;
  using types::IntervalStyleKind;
  const char* style = o.date_style == DateStyleKind::ISO        ? "ISO"
                      : o.date_style == DateStyleKind::SQL      ? "SQL"
                      : o.date_style == DateStyleKind::GERMAN   ? "German"
                                                                : "Postgres";
  const char* order = o.date_order == types::DateOrder::DMY   ? "DMY"
                      : o.date_order == types::DateOrder::YMD ? "YMD"
                                                              : "MDY";
  const char* istyle = o.interval_style == IntervalStyleKind::POSTGRES           ? "postgres"
                       : o.interval_style == IntervalStyleKind::POSTGRES_VERBOSE ? "postgres_verbose"
                       : o.interval_style == IntervalStyleKind::SQL_STANDARD     ? "sql_standard"
                                                                                 : "iso_8601";
  pg().query_text("SET DateStyle = '" + std::string(style) + ", " + order + "'; SET IntervalStyle = '" +
                  istyle + "'; SET TimeZone = " + quote_literal(o.time_zone) +
                  "; SET extra_float_digits = " + std::to_string(o.extra_float_digits) +
                  "; SET bytea_output = '" + (o.bytea_hex ? "hex" : "escape") + "'");
}

Cells TypesDiffTest::pg_values(const std::vector<std::string>& exprs, bool binary) {
  std::string sql = "SELECT v FROM (";
  for (size_t i = 0; i < exprs.size(); ++i) {
    if (i > 0) sql += " UNION ALL ";
    sql += "SELECT " + std::to_string(i) + " AS n, (" + exprs[i] + ") AS v";
  }
  sql += ") s ORDER BY n";
  PgRows rows = binary ? pg().query_binary(sql) : pg().query_text(sql);
  Cells cells;
  for (auto& r : rows) cells.push_back(r.at(0));
  return cells;
}

void TypesDiffTest::expect_pg(const SchemaNode& f, const ArrowNode& array,
                              const std::vector<std::string>& exprs, const types::EncodeOptions& o,
                              bool binary) {
  ASSERT_EQ(static_cast<size_t>(array.length), exprs.size());
  apply_settings(o);
  Encoded text = encode_column(f, array, o, wire::Format::TEXT);
  ASSERT_TRUE(text.ok) << text.error;
  Cells expected = pg_values(exprs, false);
  ASSERT_EQ(expected.size(), text.cells.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(text.cells[i], expected[i]) << "text row " << i << " expr " << exprs[i] << " ours "
                                          << text.cells[i].value_or("NULL") << " pg "
                                          << expected[i].value_or("NULL");
  }
  if (!binary) return;
  Encoded bin = encode_column(f, array, o, wire::Format::BINARY);
  ASSERT_TRUE(bin.ok) << bin.error;
  Cells expected_bin = pg_values(exprs, true);
  ASSERT_EQ(expected_bin.size(), bin.cells.size());
  for (size_t i = 0; i < expected_bin.size(); ++i) {
    EXPECT_EQ(hex(bin.cells[i]), hex(expected_bin[i])) << "binary row " << i << " expr " << exprs[i];
  }
}

}  // namespace riffq::test
