// Reader of the embedded PostgreSQL 15 catalog (format in include/riffq/catalog/builtin_data.hpp).
#include "riffq/catalog/builtin_data.hpp"

#include <charconv>
#include <cstring>
#include <stdexcept>
#include <utility>

// Defined in builtin_data_blob.S: the data file followed by one NUL byte.
extern "C" const char riffq_catalog_data_begin[];
extern "C" const char riffq_catalog_data_end[];

namespace riffq::catalog {

namespace {

constexpr std::string_view kNull = "\\N";

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Appends the unescaped form of `field` to `out`, as PostgreSQL's CopyReadAttributesText does.
void unescape_into(std::string_view field, std::string& out) {
  const char* p = field.data();
  const char* end = p + field.size();
  while (p < end) {
    const char* backslash = static_cast<const char*>(std::memchr(p, '\\', end - p));
    if (backslash == nullptr) {
      out.append(p, end);
      return;
    }
    out.append(p, backslash);
    p = backslash + 1;
    if (p == end) return;  // a trailing lone backslash is dropped, as PostgreSQL does
    char c = *p++;
    switch (c) {
      case '0':
      case '1':
      case '2':
      case '3':
      case '4':
      case '5':
      case '6':
      case '7': {
        int value = c - '0';
        for (int i = 0; i < 2 && p < end && *p >= '0' && *p <= '7'; ++i) {
          value = (value << 3) + (*p++ - '0');
        }
        c = static_cast<char>(value & 0xff);
        break;
      }
      case 'x':
        if (p < end && hex_value(*p) >= 0) {
          int value = hex_value(*p++);
          if (p < end && hex_value(*p) >= 0) value = (value << 4) + hex_value(*p++);
          c = static_cast<char>(value);
        }
        break;
      case 'b':
        c = '\b';
        break;
      case 'f':
        c = '\f';
        break;
      case 'n':
        c = '\n';
        break;
      case 'r':
        c = '\r';
        break;
      case 't':
        c = '\t';
        break;
      case 'v':
        c = '\v';
        break;
      default:
        break;  // any other character stands for itself ("\\" -> "\")
    }
    out.push_back(c);
  }
}

std::string unescape(std::string_view field) {
  std::string out;
  if (field.find('\\') == std::string_view::npos) {
    out.assign(field);
  } else {
    out.reserve(field.size());
    unescape_into(field, out);
  }
  return out;
}

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  BuiltinCatalog parse() {
    BuiltinCatalog catalog;
    std::string_view line;
    size_t records = 0;
    bool header = true;
    while (next_line(line)) {
      if (header && !line.empty() && line.front() == '#') continue;
      header = false;
      split(line, fields_);
      const std::string_view tag = fields_[0];
      if (tag == "T") {
        expect_fields(7);
        catalog.tables.push_back(parse_table(1));
        parse_xmins(catalog.tables.back());
      } else if (tag == "V") {
        expect_fields(6);
        catalog.views.push_back(parse_view());
      } else if (tag == "P") {
        expect_fields(8);
        const std::string key(fields_[1]);
        BuiltinTable* target = key == "settings"               ? &catalog.settings
                               : key == "keywords"             ? &catalog.keywords
                               : key == "available_extensions" ? &catalog.available_extensions
                               : key == "srf" ? &catalog.function_rows.emplace_back()
                                              : nullptr;
        if (target == nullptr) fail("unknown pseudo table '" + key + "'");
        *target = parse_table(2);
      } else if (tag == "B") {
        expect_fields(3);
        BuiltinSqlBody body;
        body.proc_oid = to_uint32(fields_[1]);
        body.body = unescape(fields_[2]);
        if (!catalog.sql_bodies.empty() && catalog.sql_bodies.back().proc_oid >= body.proc_oid) {
          fail("SQL bodies out of order");
        }
        catalog.sql_bodies.push_back(std::move(body));
      } else if (tag == "F") {
        expect_fields(4);
        catalog.definitions.push_back(
            BuiltinDefinition{unescape(fields_[1]), to_uint32(fields_[2]), unescape(fields_[3])});
      } else if (tag == "END") {
        expect_fields(2);
        if (to_uint32(fields_[1]) != records) fail("record count does not match END");
        if (pos_ != text_.size()) fail("data after END");
        finish(catalog);
        return catalog;
      } else {
        fail("unknown record '" + std::string(tag.substr(0, 20)) + "'");
      }
      ++records;
    }
    fail("missing END record (truncated data)");
  }

 private:
  bool next_line(std::string_view& line) {
    if (pos_ >= text_.size()) return false;
    const char* start = text_.data() + pos_;
    const char* nl = static_cast<const char*>(std::memchr(start, '\n', text_.size() - pos_));
    if (nl == nullptr) {
      ++line_no_;
      fail("last line has no newline");
    }
    line = std::string_view(start, static_cast<size_t>(nl - start));
    pos_ += line.size() + 1;
    ++line_no_;
    return true;
  }

  void must_next_line(std::string_view& line) {
    if (!next_line(line)) fail("unexpected end of data");
  }

  static void split(std::string_view line, std::vector<std::string_view>& out) {
    out.clear();
    size_t start = 0;
    while (true) {
      const size_t tab = line.find('\t', start);
      if (tab == std::string_view::npos) {
        out.push_back(line.substr(start));
        return;
      }
      out.push_back(line.substr(start, tab - start));
      start = tab + 1;
    }
  }

  void expect_fields(size_t n) const {
    if (fields_.size() != n) {
      fail("'" + std::string(fields_[0]) + "' record has " + std::to_string(fields_.size()) +
           " fields, expected " + std::to_string(n));
    }
  }

  template <typename Int>
  Int to_int(std::string_view s) const {
    Int value{};
    const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (ec != std::errc() || ptr != s.data() + s.size() || s.empty()) {
      fail("bad number '" + std::string(s.substr(0, 20)) + "'");
    }
    return value;
  }
  uint32_t to_uint32(std::string_view s) const { return to_int<uint32_t>(s); }

  std::vector<BuiltinColumn> parse_columns(size_t count) {
    std::vector<BuiltinColumn> columns;
    columns.reserve(count);
    std::string_view line;
    for (size_t i = 0; i < count; ++i) {
      must_next_line(line);
      split(line, fields_);
      if (fields_[0] != "C") fail("expected a column record");
      expect_fields(5);
      if (fields_[4] != "t" && fields_[4] != "f") fail("bad not-null flag");
      columns.push_back(BuiltinColumn{unescape(fields_[1]), to_uint32(fields_[2]),
                                      to_int<int32_t>(fields_[3]), fields_[4] == "t"});
    }
    return columns;
  }

  // Table header fields from `first`: schema, name, oid, rowtype, ncols, nrows.
  BuiltinTable parse_table(size_t first) {
    BuiltinTable table;
    table.schema = unescape(fields_[first]);
    table.name = unescape(fields_[first + 1]);
    table.oid = to_uint32(fields_[first + 2]);
    table.rowtype_oid = to_uint32(fields_[first + 3]);
    const size_t ncols = to_uint32(fields_[first + 4]);
    const size_t nrows = to_uint32(fields_[first + 5]);
    table.columns = parse_columns(ncols);
    table.rows.reserve(nrows);
    std::string_view line;
    for (size_t r = 0; r < nrows; ++r) {
      must_next_line(line);
      split(line, fields_);
      if (fields_.size() != ncols) {
        fail("row has " + std::to_string(fields_.size()) + " fields, table " + table.name +
             " has " + std::to_string(ncols) + " columns");
      }
      BuiltinRow& row = table.rows.emplace_back();
      row.reserve(ncols);
      for (const std::string_view field : fields_) {
        if (field == kNull) {
          row.emplace_back(std::nullopt);
        } else if (field.find('\\') == std::string_view::npos) {
          row.emplace_back(std::in_place, field);
        } else {
          unescape_into(field, row.emplace_back(std::in_place).value());
        }
      }
    }
    return table;
  }

  // The optional X record after a table's rows: "xmin*count ..." in row order.
  void parse_xmins(BuiltinTable& table) {
    const size_t pos = pos_, line_no = line_no_;
    std::string_view line;
    if (!next_line(line) || line.substr(0, 2) != "X\t") {
      pos_ = pos;
      line_no_ = line_no;
      return;
    }
    line.remove_prefix(2);
    table.xmins.reserve(table.rows.size());
    while (!line.empty()) {
      size_t sp = line.find(' ');
      std::string_view run = line.substr(0, sp);
      line = sp == std::string_view::npos ? std::string_view() : line.substr(sp + 1);
      size_t star = run.find('*');
      if (star == std::string_view::npos) fail("bad xmin run");
      const uint32_t xmin = to_uint32(run.substr(0, star));
      const uint32_t count = to_uint32(run.substr(star + 1));
      table.xmins.insert(table.xmins.end(), count, xmin);
    }
    if (table.xmins.size() != table.rows.size()) fail("X record does not match the row count");
  }

  BuiltinView parse_view() {
    BuiltinView view;
    view.schema = unescape(fields_[1]);
    view.name = unescape(fields_[2]);
    view.oid = to_uint32(fields_[3]);
    view.rowtype_oid = to_uint32(fields_[4]);
    view.columns = parse_columns(to_uint32(fields_[5]));
    std::string_view line;
    must_next_line(line);
    split(line, fields_);
    if (fields_[0] != "D") fail("expected a definition record");
    expect_fields(2);
    view.definition = unescape(fields_[1]);
    return view;
  }

  void finish(BuiltinCatalog& catalog) const {
    const int name = catalog.settings.column_index("name");
    const int setting = catalog.settings.column_index("setting");
    if (name < 0 || setting < 0) fail("settings pseudo table lacks name/setting columns");
    for (const BuiltinRow& row : catalog.settings.rows) {
      if (row[name] == "server_version" && row[setting].has_value()) {
        catalog.server_version = *row[setting];
      }
    }
  }

  [[noreturn]] void fail(const std::string& what) const {
    throw std::runtime_error("builtin catalog data, line " + std::to_string(line_no_) + ": " +
                             what);
  }

  std::string_view text_;
  size_t pos_ = 0;
  size_t line_no_ = 0;
  std::vector<std::string_view> fields_;
};

}  // namespace

int BuiltinTable::column_index(std::string_view column) const {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].name == column) return static_cast<int>(i);
  }
  return -1;
}

const BuiltinTable* BuiltinCatalog::table(std::string_view schema, std::string_view name) const {
  for (const BuiltinTable& t : tables) {
    if (t.name == name && t.schema == schema) return &t;
  }
  return nullptr;
}

const BuiltinView* BuiltinCatalog::view(std::string_view schema, std::string_view name) const {
  for (const BuiltinView& v : views) {
    if (v.name == name && v.schema == schema) return &v;
  }
  return nullptr;
}

const BuiltinSqlBody* BuiltinCatalog::sql_body(uint32_t proc_oid) const {
  size_t lo = 0, hi = sql_bodies.size();
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    if (sql_bodies[mid].proc_oid < proc_oid) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo < sql_bodies.size() && sql_bodies[lo].proc_oid == proc_oid ? &sql_bodies[lo] : nullptr;
}

std::string copy_text_unescape(std::string_view field) {
  return unescape(field);
}

BuiltinCatalog parse_builtin_catalog(std::string_view text) {
  return Parser(text).parse();
}

std::string_view builtin_catalog_text() {
  return std::string_view(riffq_catalog_data_begin,
                          static_cast<size_t>(riffq_catalog_data_end - riffq_catalog_data_begin));
}

const BuiltinCatalog& builtin_catalog() {
  static const BuiltinCatalog catalog = parse_builtin_catalog(builtin_catalog_text());
  return catalog;
}

}  // namespace riffq::catalog
