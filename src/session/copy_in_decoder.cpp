// copy_in_decoder.cpp — COPY FROM STDIN data → Arrow columns, as PostgreSQL 15's
// copyfromparse.c reads it: lines (CopyReadLineText, the "\." end marker), text fields
// (CopyReadAttributesText: backslash escapes, NULL compared before de-escaping), CSV fields
// (CopyReadAttributesCSV: quotes, escapes, FORCE_NOT_NULL / FORCE_NULL), HEADER [MATCH], and
// binary tuples (client::CopyBinaryDecoder). Values go through the types' text input
// (types::text_to_binary) into client::ColumnBuilder — the builders the client uses.
#include <algorithm>
#include <cstring>

#include "riffq/catalog/builtin_data.hpp"
#include "riffq/common/utf8.hpp"
#include "riffq/session/copy_in.hpp"

namespace riffq::session {
namespace {

using Format = sql::CopySpec::Format;

constexpr size_t MAX_COPY_DATA_DISPLAY = 100;  // copyfrom.c: CONTEXT shows at most this much

// limit_printout_length: cut at a character boundary, "..." appended.
std::string printable(std::string_view s) {
  if (s.size() <= MAX_COPY_DATA_DISPLAY) return std::string(s);
  size_t n = MAX_COPY_DATA_DISPLAY;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xc0) == 0x80) --n;
  return std::string(s.substr(0, n)) + "...";
}

// Types whose text input is the identity (text, json, …): their fields are kept as they are.
bool text_is_value(uint32_t oid, int32_t typmod) {
  switch (oid) {
    case 25:
    case 705:
    case 114:
    case 142:
    case 19:
      return true;
    case 1042:
    case 1043:
      return typmod < 4;
    default:
      return false;
  }
}

client::ColumnSpec spec_for(const CopyInColumn& c, bool binary, bool* convert) {
  client::TypeOptions opts;
  opts.numeric = client::NumericMode::Decimal;
  opts.uuid = client::UuidMode::String;
  client::ColumnSpec spec;
  spec.name = c.name;
  spec.oid = c.type_oid;
  spec.typmod = c.typmod;
  *convert = !binary && types::has_text_input(c.type_oid) && !text_is_value(c.type_oid, c.typmod);
  // Types without a binary decoder: raw bytes in binary format, their text otherwise.
  const client::ColumnKind opaque = binary ? client::ColumnKind::Unknown : client::ColumnKind::Text;
  if (uint32_t element = client::builtin_array_element(c.type_oid); element != 0) {
    auto leaf = std::make_shared<client::ColumnSpec>();
    client::map_builtin_scalar(element, -1, opts, leaf.get());
    if (leaf->cast_to_text || leaf->kind == client::ColumnKind::Unknown || !(*convert || binary)) {
      spec.kind = opaque;
      *convert = false;
      return spec;
    }
    spec.kind = client::ColumnKind::List;
    spec.list_depth = 1;
    spec.exact_depth = true;  // never fold a 2-D array into a list silently: refused below
    spec.element = std::move(leaf);
    return spec;
  }
  client::map_builtin_scalar(c.type_oid, c.typmod, opts, &spec);
  if (spec.cast_to_text || spec.kind == client::ColumnKind::Unknown) {
    spec.kind = opaque;
    spec.cast_to_text = false;
    *convert = false;
  }
  return spec;
}

// Width of a fixed-size binary value, 0 for variable ones.
size_t binary_width(client::ColumnKind k) {
  using K = client::ColumnKind;
  switch (k) {
    case K::Bool:
      return 1;
    case K::Int16:
      return 2;
    case K::Int32:
    case K::Oid:
    case K::Float32:
    case K::Date:
      return 4;
    case K::Int64:
    case K::Float64:
    case K::Time:
    case K::Timestamp:
    case K::TimestampTz:
    case K::Money:
      return 8;
    case K::Interval:
    case K::Duration:
    case K::UuidBinary:
    case K::UuidString:
      return 16;
    default:
      return 0;
  }
}

}  // namespace

// 0A000 for a multi-dimensional array: a list column holds one dimension, and folding the
// others away would change the value (the catalog records no declared dimensions).
PgError CopyInDecoder::array_depth_error(size_t col, const std::string& why) const {
  PgError e = PgError::error(sqlstate::FEATURE_NOT_SUPPORTED,
                             "COPY FROM STDIN cannot keep an " + why + " in column \"" +
                                 columns_[col].name + "\": arrays arrive as one-dimensional lists");
  e.hint = "Send one-dimensional arrays (unnest or flatten the others first).";
  return e;
}

CopyInDecoder::CopyInDecoder(CopyInPlan plan)
    : plan_(std::move(plan)), input_(plan_.date_order, plan_.time_zone) {
  if (!plan_.columns.empty()) set_columns(plan_.columns);
  for (size_t r = 0; r < plan_.relation.size(); ++r) {
    if (!plan_.relation[r].not_null) continue;
    int col = -1;
    for (size_t i = 0; i < plan_.columns.size(); ++i)
      if (plan_.columns[i].name == plan_.relation[r].name) col = static_cast<int>(i);
    not_null_.emplace_back(r, col);
  }
  if (plan_.spec.format == Format::BINARY) {
    binary_ = std::make_unique<client::CopyBinaryDecoder>(&builders_, [this](size_t n) {
      std::vector<CopyInColumn> cols(n);
      for (size_t i = 0; i < n; ++i) cols[i].name = "column" + std::to_string(i + 1);
      set_columns(std::move(cols));
    });
  }
}

CopyInDecoder::~CopyInDecoder() = default;

bool CopyInDecoder::set_columns(std::vector<CopyInColumn> columns) {
  const bool binary = plan_.spec.format == Format::BINARY;
  columns_ = std::move(columns);
  specs_.clear();
  builders_.clear();
  convert_.assign(columns_.size(), false);
  for (size_t i = 0; i < columns_.size(); ++i) {
    bool convert = false;
    specs_.push_back(spec_for(columns_[i], binary, &convert));
    convert_[i] = convert;
  }
  for (const auto& s : specs_) builders_.emplace_back(s);
  force_not_null_.assign(columns_.size(), false);
  force_null_.assign(columns_.size(), false);
  auto mark = [&](const std::vector<std::string>& names, std::vector<bool>& flags,
                  const char* option) {
    for (const auto& n : names) {
      auto it = std::find_if(columns_.begin(), columns_.end(),
                             [&](const CopyInColumn& c) { return c.name == n; });
      if (it == columns_.end())
        return fail(PgError::error("42P10", std::string(option) + " column \"" + n +
                                                "\" not referenced by COPY"),
                    "");
      flags[static_cast<size_t>(it - columns_.begin())] = true;
    }
    return true;
  };
  return mark(plan_.spec.force_not_null, force_not_null_, "FORCE_NOT_NULL") &&
         mark(plan_.spec.force_null, force_null_, "FORCE_NULL");
}

bool CopyInDecoder::fail(PgError e, std::string context) {
  if (failed_) return false;
  e.context = std::move(context);
  error_ = std::move(e);
  failed_ = true;
  return false;
}

std::string CopyInDecoder::line_context() const {
  return "COPY " + plan_.table + ", line " + std::to_string(line_no_) + ": \"" + printable(line_) +
         "\"";
}

int64_t CopyInDecoder::batch_rows() const {
  return rows_ - batch_start_;
}

size_t CopyInDecoder::batch_bytes() const {
  size_t n = 0;
  for (const auto& b : builders_) n += b.byte_size();
  return n;
}

void CopyInDecoder::take_batch(ArrowArray* out) {
  std::vector<ArrowArray> children(builders_.size());
  for (size_t i = 0; i < builders_.size(); ++i) builders_[i].finish(&children[i]);
  client::export_struct_array(children, rows_ - batch_start_, out);
  batch_start_ = rows_;
}

void CopyInDecoder::export_schema(ArrowSchema* out) const {
  client::export_schema(specs_, out);
}

bool CopyInDecoder::feed(std::string_view data) {
  if (failed_) return false;
  if (binary_) {
    const int64_t before = binary_->rows();
    const bool ok = binary_->feed(reinterpret_cast<const uint8_t*>(data.data()), data.size()) !=
                    client::DecodeStatus::Failed;
    // The complete rows come first, as PostgreSQL inserts (and checks) each before the next.
    for (int64_t r = before; r < binary_->rows() && !not_null_.empty(); ++r)
      if (!check_not_null(r - batch_start_, r + 1)) return false;
    if (!ok) return binary_error();
    rows_ = binary_->rows();
    return !failed_;
  }
  return feed_text(data, false);
}

bool CopyInDecoder::finish() {
  if (failed_) return false;
  if (binary_) {
    if (!binary_->header_done())  // as ReceiveCopyBinaryHeader: before any line, no CONTEXT
      return fail(
          PgError::error(sqlstate::BAD_COPY_FILE_FORMAT, "COPY file signature not recognized"), "");
    if (binary_->pending() > 0) {
      const int col = binary_->incomplete_column();
      std::string where = "COPY " + plan_.table + ", line " + std::to_string(binary_->rows() + 1);
      if (col >= 0 && static_cast<size_t>(col) < columns_.size())
        where += ", column " + columns_[static_cast<size_t>(col)].name;
      return fail(PgError::error(sqlstate::BAD_COPY_FILE_FORMAT, "unexpected EOF in COPY data"),
                  where);
    }
    return true;
  }
  return feed_text({}, true);
}

bool CopyInDecoder::binary_error() {
  const int64_t line = binary_->rows() + 1;
  const int col = binary_->error_column();
  if (!binary_->header_done())  // header errors come before any line: no CONTEXT
    return fail(PgError::error(sqlstate::BAD_COPY_FILE_FORMAT, binary_->error()), "");
  if (col >= 0 && static_cast<size_t>(col) < columns_.size()) {
    const std::string where = "COPY " + plan_.table + ", line " + std::to_string(line) +
                              ", column " + columns_[static_cast<size_t>(col)].name;
    const std::string& why = binary_->error();
    if (size_t at = why.find(client::kArrayDepthError); at != std::string::npos)
      return fail(array_depth_error(static_cast<size_t>(col), why.substr(at)), where);
    // As the receive functions: a short value runs out of message (pq_getmsg*); anything
    // else malformed or left unread is "incorrect binary data format".
    const size_t width = binary_width(specs_[static_cast<size_t>(col)].kind);
    if (width > 0 && static_cast<size_t>(binary_->error_field_length()) < width)
      return fail(PgError::error(sqlstate::PROTOCOL_VIOLATION, "insufficient data left in message"),
                  where);
    return fail(
        PgError::error(sqlstate::INVALID_BINARY_REPRESENTATION, "incorrect binary data format"),
        where);
  }
  return fail(PgError::error(sqlstate::BAD_COPY_FILE_FORMAT, binary_->error()),
              "COPY " + plan_.table + ", line " + std::to_string(line));
}

// Splits complete lines off the buffered bytes. A newline ends a line unless a backslash
// escapes it (text) or it is inside quotes (CSV).
bool CopyInDecoder::feed_text(std::string_view data, bool at_end) {
  std::string_view buf = data;
  if (!pending_.empty()) {
    pending_.append(data);
    buf = pending_;
  }
  const bool csv = plan_.spec.format == Format::CSV;
  size_t pos = 0;
  while (!ended_ && pos < buf.size()) {
    size_t eol = std::string_view::npos;
    if (!csv) {
      for (size_t from = pos;;) {
        const void* hit = std::memchr(buf.data() + from, '\n', buf.size() - from);
        if (hit == nullptr) break;
        const size_t nl = static_cast<size_t>(static_cast<const char*>(hit) - buf.data());
        size_t backslashes = 0;
        while (nl - backslashes > pos && buf[nl - backslashes - 1] == '\\') ++backslashes;
        if (backslashes % 2 == 0) {
          eol = nl;
          break;
        }
        from = nl + 1;
      }
    } else {
      const char q = plan_.spec.quote, esc = plan_.spec.escape;
      bool in_quote = false;
      for (size_t i = pos; i < buf.size(); ++i) {
        const char c = buf[i];
        if (in_quote && c == esc && esc != q && i + 1 < buf.size() &&
            (buf[i + 1] == q || buf[i + 1] == esc)) {
          ++i;
        } else if (c == q) {
          in_quote = !in_quote;
        } else if (c == '\n' && !in_quote) {
          eol = i;
          break;
        }
      }
    }
    if (eol == std::string_view::npos) {
      if (!at_end) break;
      eol = buf.size();  // the last line needs no newline
    }
    std::string_view line = buf.substr(pos, eol - pos);
    pos = eol + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    ++line_no_;
    if (!text_line(line)) return false;
  }
  if (pos >= buf.size() || ended_) {
    pending_.clear();
  } else if (buf.data() == pending_.data()) {
    pending_.erase(0, pos);
  } else {
    pending_.assign(buf.substr(pos));
  }
  return true;
}

bool CopyInDecoder::text_line(std::string_view line) {
  line_ = line;
  if (line == "\\.") {  // end-of-data marker: the rest is ignored
    ended_ = true;
    return true;
  }
  const bool csv = plan_.spec.format == Format::CSV;
  if (!(csv ? split_csv(line) : split_text(line))) return false;
  if (line_no_ == 1 && plan_.spec.header) return header_line();
  if (columns_.empty()) {
    std::vector<CopyInColumn> cols(fields_.size());
    for (size_t i = 0; i < cols.size(); ++i) cols[i].name = "column" + std::to_string(i + 1);
    if (!set_columns(std::move(cols))) return false;
  }
  if (fields_.size() > columns_.size())
    return fail(
        PgError::error(sqlstate::BAD_COPY_FILE_FORMAT, "extra data after last expected column"),
        line_context());
  if (fields_.size() < columns_.size())
    return fail(PgError::error(sqlstate::BAD_COPY_FILE_FORMAT,
                               "missing data for column \"" + columns_[fields_.size()].name + "\""),
                line_context());
  for (size_t i = 0; i < columns_.size(); ++i) {
    if (csv && !fields_[i] && force_not_null_[i])
      fields_[i] = plan_.spec.null_string;
    else if (csv && fields_[i] && force_null_[i] && *fields_[i] == plan_.spec.null_string)
      fields_[i].reset();
    if (!append_value(i, fields_[i] ? &*fields_[i] : nullptr)) return false;
  }
  if (!not_null_.empty() && !check_not_null(rows_ - batch_start_, line_no_)) return false;
  ++rows_;
  return true;
}

bool CopyInDecoder::check_not_null(int64_t row, int64_t line) {
  for (const auto& [rel, col] : not_null_) {
    if (col >= 0 && !builders_[static_cast<size_t>(col)].is_null(row)) continue;
    PgError e = PgError::error("23502", "null value in column \"" + plan_.relation[rel].name +
                                            "\" of relation \"" + plan_.table +
                                            "\" violates not-null constraint");
    if (!binary_) {  // ExecBuildSlotValueDescription: output text, 64 bytes at most per value
      std::string detail;
      for (const auto& c : plan_.relation) {
        if (!detail.empty()) detail += ", ";
        const std::string* v = nullptr;
        for (size_t i = 0; i < columns_.size(); ++i)
          if (columns_[i].name == c.name && fields_[i]) v = &*fields_[i];
        if (v == nullptr) {
          detail += "null";
        } else if (v->size() <= 64) {
          detail += *v;
        } else {
          size_t n = 64;
          while (n > 0 && (static_cast<uint8_t>((*v)[n]) & 0xC0) == 0x80) --n;  // whole chars
          detail += v->substr(0, n) + "...";
        }
      }
      e.detail = "Failing row contains (" + detail + ").";
    }
    return fail(std::move(e), binary_ ? "COPY " + plan_.table + ", line " + std::to_string(line)
                                      : line_context());
  }
  return true;
}

bool CopyInDecoder::header_line() {
  if (columns_.empty()) {  // unknown columns: the header names them
    std::vector<CopyInColumn> cols(fields_.size());
    for (size_t i = 0; i < cols.size(); ++i)
      cols[i].name = fields_[i] ? *fields_[i] : "column" + std::to_string(i + 1);
    return set_columns(std::move(cols));
  }
  if (!plan_.spec.header_match) return true;
  if (fields_.size() != columns_.size())
    return fail(PgError::error(sqlstate::BAD_COPY_FILE_FORMAT,
                               "wrong number of fields in header line: got " +
                                   std::to_string(fields_.size()) + ", expected " +
                                   std::to_string(columns_.size())),
                line_context());
  for (size_t i = 0; i < fields_.size(); ++i) {
    const std::string field = std::to_string(i + 1);
    if (!fields_[i])
      return fail(PgError::error(sqlstate::BAD_COPY_FILE_FORMAT,
                                 "column name mismatch in header line field " + field +
                                     ": got null value (\"" + plan_.spec.null_string +
                                     "\"), expected \"" + columns_[i].name + "\""),
                  line_context());
    if (*fields_[i] != columns_[i].name)
      return fail(PgError::error(sqlstate::BAD_COPY_FILE_FORMAT,
                                 "column name mismatch in header line field " + field + ": got \"" +
                                     *fields_[i] + "\", expected \"" + columns_[i].name + "\""),
                  line_context());
  }
  return true;
}

bool CopyInDecoder::append_value(size_t col, const std::string* value) {
  client::ColumnBuilder& b = builders_[col];
  if (value == nullptr) {
    b.append_null();
    return true;
  }
  auto context = [&] {
    return "COPY " + plan_.table + ", line " + std::to_string(line_no_) + ", column " +
           columns_[col].name + ": \"" + printable(*value) + "\"";
  };
  std::string why;
  if (!convert_[col]) {
    if (auto bad = check_client_utf8(*value)) return fail(*bad, context());
    if (b.append(reinterpret_cast<const uint8_t*>(value->data()),
                 static_cast<int32_t>(value->size()), &why))
      return true;
  } else {
    scratch_.clear();
    PgError e;
    if (!types::text_to_binary(columns_[col].type_oid, columns_[col].typmod, *value, input_,
                               &scratch_, &e))
      return fail(std::move(e), context());
    if (b.append(reinterpret_cast<const uint8_t*>(scratch_.data()),
                 static_cast<int32_t>(scratch_.size()), &why))
      return true;
  }
  if (why.rfind(client::kArrayDepthError, 0) == 0)
    return fail(array_depth_error(col, why), context());
  return fail(PgError::error(sqlstate::INVALID_TEXT_REPRESENTATION, why), context());
}

// CopyReadAttributesText: fields end at an unescaped delimiter; NULL is the raw text equal to
// the NULL string; the rest is de-escaped (\b \f \n \r \t \v, \ooo, \xhh, else the char itself)
// by the reader of the embedded catalog data, which is COPY text too.
bool CopyInDecoder::split_text(std::string_view line) {
  fields_.clear();
  const char delim = plan_.spec.delimiter;
  size_t i = 0;
  while (true) {
    const size_t start = i;
    bool found_delim = false;
    while (i < line.size()) {
      if (line[i] == delim) {
        found_delim = true;
        break;
      }
      i += line[i] == '\\' && i + 1 < line.size() ? 2 : 1;  // an escaped char is data
    }
    const std::string_view raw = line.substr(start, i - start);
    if (raw == plan_.spec.null_string)
      fields_.emplace_back(std::nullopt);
    else
      fields_.emplace_back(catalog::copy_text_unescape(raw));
    if (!found_delim) break;
    ++i;
  }
  return true;
}

// CopyReadAttributesCSV: quoted sections (escape + quote or escape inside them), NULL only
// when unquoted and equal to the NULL string.
bool CopyInDecoder::split_csv(std::string_view line) {
  fields_.clear();
  quoted_.clear();
  const char delim = plan_.spec.delimiter, q = plan_.spec.quote, esc = plan_.spec.escape;
  size_t i = 0;
  while (true) {
    const size_t raw_start = i;
    std::string value;
    bool saw_quote = false, found_delim = false;
    size_t raw_end = line.size();
    while (i < line.size()) {
      char c = line[i++];
      if (c == delim) {
        found_delim = true;
        raw_end = i - 1;
        break;
      }
      if (c != q) {
        value.push_back(c);
        continue;
      }
      saw_quote = true;
      while (true) {  // inside quotes
        if (i >= line.size())
          return fail(
              PgError::error(sqlstate::BAD_COPY_FILE_FORMAT, "unterminated CSV quoted field"),
              line_context());
        c = line[i++];
        if (c == esc && i < line.size() && (line[i] == esc || line[i] == q)) {
          value.push_back(line[i++]);
          continue;
        }
        if (c == q) break;
        value.push_back(c);
      }
    }
    if (!saw_quote && line.substr(raw_start, raw_end - raw_start) == plan_.spec.null_string)
      fields_.emplace_back(std::nullopt);
    else
      fields_.emplace_back(std::move(value));
    quoted_.push_back(saw_quote);
    if (!found_delim) break;
  }
  return true;
}

}  // namespace riffq::session
