// copy_out.cpp — COPY TO STDOUT framing and the text / CSV / binary row formats.
#include "riffq/session/copy_out.hpp"

#include "riffq/wire/message_reader.hpp"
#include "riffq/wire/message_writer.hpp"
#include "riffq/wire/protocol.hpp"

namespace riffq::session {
namespace {

using Format = sql::CopySpec::Format;

// The 11-byte signature of the binary COPY format, then flags and header-extension length.
constexpr char PGCOPY_SIGNATURE[] = "PGCOPY\n\377\r\n\0";

void put_text_field(std::string& line, std::string_view v, char delimiter) {
  for (char c : v) {
    switch (c) {
      case '\\': line += "\\\\"; break;
      case '\b': line += "\\b"; break;
      case '\f': line += "\\f"; break;
      case '\n': line += "\\n"; break;
      case '\r': line += "\\r"; break;
      case '\t': line += "\\t"; break;
      case '\v': line += "\\v"; break;
      default:
        if (c == delimiter) line.push_back('\\');
        line.push_back(c);
    }
  }
}

// single_column: a lone "\." would read back as the end-of-data marker, so it is quoted
// (copyto.c does this only for one-column rows).
void put_csv_field(std::string& line, std::string_view v, const sql::CopySpec& spec,
                   bool single_column) {
  bool quote = v.empty() ? spec.null_string.empty() : v == spec.null_string;
  if (!quote && single_column && v == "\\.") quote = true;
  for (char c : v)
    if (c == spec.delimiter || c == spec.quote || c == '\n' || c == '\r') quote = true;
  if (!quote) {
    line.append(v);
    return;
  }
  line.push_back(spec.quote);
  for (char c : v) {
    if (c == spec.quote || c == spec.escape) line.push_back(spec.escape);
    line.push_back(c);
  }
  line.push_back(spec.quote);
}

void begin_copy_data(std::string& out, size_t* len_pos) {
  out.push_back(wire::msg::COPY_DATA);
  *len_pos = out.size();
  out.append(4, '\0');
}

void put_binary_header(std::string& out) {
  out.append(PGCOPY_SIGNATURE, sizeof(PGCOPY_SIGNATURE) - 1);
  out.append(8, '\0');  // Int32 flags (no OIDs), Int32 header-extension length
}

void end_copy_data(std::string& out, size_t len_pos) {
  wire::MessageWriter::store_be32(out.data() + len_pos, static_cast<uint32_t>(out.size() - len_pos));
}

}  // namespace

void write_copy_out_start(std::string& out, const sql::CopySpec& spec,
                          const std::vector<wire::FieldDescription>& columns) {
  const bool binary = spec.format == Format::BINARY;
  wire::MessageWriter w(&out);
  w.begin(wire::msg::COPY_OUT_RESPONSE);
  w.put_int8(binary ? 1 : 0);
  w.put_int16(static_cast<int16_t>(columns.size()));
  for (size_t i = 0; i < columns.size(); ++i) w.put_int16(binary ? 1 : 0);
  w.end();
  if (!binary && spec.header) {
    size_t len_pos;
    begin_copy_data(out, &len_pos);
    for (size_t i = 0; i < columns.size(); ++i) {
      if (i) out.push_back(spec.delimiter);
      if (spec.format == Format::CSV)
        put_csv_field(out, columns[i].name, spec, columns.size() == 1);
      else
        put_text_field(out, columns[i].name, spec.delimiter);
    }
    out.push_back('\n');
    end_copy_data(out, len_pos);
  }
}

void datarows_to_copy_data(std::string_view datarows, const sql::CopySpec& spec, std::string& out,
                           bool& header_pending) {
  size_t pos = 0;
  while (pos + 5 <= datarows.size()) {
    wire::MessageReader header(datarows.substr(pos + 1, 4));
    size_t len = static_cast<uint32_t>(header.get_int32());
    std::string_view body = datarows.substr(pos + 5, len - 4);
    pos += 1 + len;
    if (spec.format == Format::BINARY) {
      // A binary COPY tuple is exactly a DataRow body: Int16 count, (Int32 length, bytes)*.
      size_t len_pos;
      begin_copy_data(out, &len_pos);
      if (header_pending) {
        put_binary_header(out);
        header_pending = false;
      }
      out.append(body);
      end_copy_data(out, len_pos);
      continue;
    }
    size_t len_pos;
    begin_copy_data(out, &len_pos);
    wire::MessageReader r(body);
    int16_t n = r.get_int16();
    for (int16_t i = 0; i < n && r.ok(); ++i) {
      if (i) out.push_back(spec.delimiter);
      int32_t flen = r.get_int32();
      if (flen < 0) {
        out.append(spec.null_string);
        continue;
      }
      std::string_view v = r.get_bytes(static_cast<size_t>(flen));
      if (spec.format == Format::CSV)
        put_csv_field(out, v, spec, n == 1);
      else
        put_text_field(out, v, spec.delimiter);
    }
    out.push_back('\n');
    end_copy_data(out, len_pos);
  }
}

std::optional<PgError> check_copy_columns(const sql::CopySpec& spec, const types::ResultEncoder& enc) {
  if (spec.format != Format::BINARY) return std::nullopt;
  for (size_t i = 0; i < enc.columns().size(); ++i) {
    if (!enc.binary_supported(i))
      return PgError::error(sqlstate::FEATURE_NOT_SUPPORTED,
                            "COPY BINARY is not supported for column \"" + enc.columns()[i].name + "\"");
  }
  return std::nullopt;
}

void write_copy_out_end(std::string& out, const sql::CopySpec& spec, bool header_pending) {
  wire::MessageWriter w(&out);
  if (spec.format == Format::BINARY) {
    w.begin(wire::msg::COPY_DATA);
    if (header_pending) put_binary_header(out);
    w.put_int16(-1);  // file trailer
    w.end();
  }
  w.begin(wire::msg::COPY_DONE);
  w.end();
}

}  // namespace riffq::session
