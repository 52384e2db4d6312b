// src/client/copy_writer.cpp
// Arrow record batches → binary COPY FROM STDIN tuples (the reverse of column_builder.cpp).
#include "riffq/client/copy_writer.hpp"

#include <libpq-fe.h>

#include <cstring>
#include <memory>
#include <utility>

#include "riffq/client/pg_connection.hpp"
#include "wire_read.hpp"

namespace riffq::client {

namespace {

constexpr int64_t kPgEpochDays = 10957;
constexpr int64_t kPgEpochMicros = 946684800LL * 1000000LL;

enum class Enc {
  Bool, I8, U8, I16, U16, I32, U32, I64, U64, F32, F64, Utf8, LargeUtf8, Utf8View,
  Binary, LargeBinary, BinaryView, FixedBinary, Date32, Date64, Time32, Time64, Timestamp,
  Duration, IntervalMdn, Decimal128, List, LargeList, Dictionary,
};

struct FieldEnc {
  Enc enc = Enc::Bool;
  int64_t unit_div = 1;  // value / unit_div * unit_mul = microseconds
  int64_t unit_mul = 1;
  int scale = 0;
  int width = 0;
  std::string pg_type;
  uint32_t oid = 0;                  // element OID when this is an array element
  std::shared_ptr<FieldEnc> element;  // List / LargeList: the item; Dictionary: the values
  char index_format = 0;              // Dictionary: the index type's format character
};

uint32_t oid_of(const std::string& pg_type) {
  static const std::pair<const char*, uint32_t> table[] = {
      {"boolean", 16}, {"smallint", 21}, {"integer", 23}, {"bigint", 20}, {"real", 700},
      {"double precision", 701}, {"text", 25}, {"bytea", 17}, {"date", 1082},
      {"time without time zone", 1083}, {"timestamp without time zone", 1114},
      {"timestamp with time zone", 1184}, {"interval", 1186}};
  for (const auto& [name, oid] : table)
    if (pg_type == name) return oid;
  return pg_type.rfind("numeric", 0) == 0 ? 1700 : 0;
}

bool unit_to_micros(char u, FieldEnc* f) {
  switch (u) {
    case 's': f->unit_mul = 1000000; return true;
    case 'm': f->unit_mul = 1000; return true;
    case 'u': return true;
    case 'n': f->unit_div = 1000; return true;
    default: return false;
  }
}

bool classify(const ArrowSchema& s, FieldEnc* f, std::string* error) {
  const std::string fmt = s.format ? s.format : "";
  auto bad = [&] {
    *error = "unsupported Arrow type '" + fmt + "' for column '" + (s.name ? s.name : "") + "'";
    return false;
  };
  if (s.dictionary != nullptr) {
    // Dictionary-encoded (polars Categorical / Enum, pandas category): write the values.
    if (fmt.size() != 1 || std::string("csilCSIL").find(fmt[0]) == std::string::npos) return bad();
    auto values = std::make_shared<FieldEnc>();
    if (!classify(*s.dictionary, values.get(), error)) return false;
    if (values->enc == Enc::Dictionary || values->element) return bad();
    f->enc = Enc::Dictionary;
    f->index_format = fmt[0];
    f->pg_type = values->pg_type;
    f->element = std::move(values);
    return true;
  }
  if (fmt == "+l" || fmt == "+L") {
    if (s.n_children != 1) return bad();
    auto elem = std::make_shared<FieldEnc>();
    if (!classify(*s.children[0], elem.get(), error)) return false;
    elem->oid = oid_of(elem->pg_type);
    if (elem->element || elem->oid == 0) return bad();  // nested lists: not rectangular-safe
    f->enc = fmt == "+l" ? Enc::List : Enc::LargeList;
    f->pg_type = elem->pg_type + "[]";
    f->element = std::move(elem);
    return true;
  }
  if (fmt == "b") return f->enc = Enc::Bool, f->pg_type = "boolean", true;
  if (fmt == "c") return f->enc = Enc::I8, f->pg_type = "smallint", true;
  if (fmt == "C") return f->enc = Enc::U8, f->pg_type = "smallint", true;
  if (fmt == "s") return f->enc = Enc::I16, f->pg_type = "smallint", true;
  if (fmt == "S") return f->enc = Enc::U16, f->pg_type = "integer", true;
  if (fmt == "i") return f->enc = Enc::I32, f->pg_type = "integer", true;
  if (fmt == "I") return f->enc = Enc::U32, f->pg_type = "bigint", true;
  if (fmt == "l") return f->enc = Enc::I64, f->pg_type = "bigint", true;
  if (fmt == "L") return f->enc = Enc::U64, f->pg_type = "bigint", true;
  if (fmt == "f") return f->enc = Enc::F32, f->pg_type = "real", true;
  if (fmt == "g") return f->enc = Enc::F64, f->pg_type = "double precision", true;
  if (fmt == "u") return f->enc = Enc::Utf8, f->pg_type = "text", true;
  if (fmt == "U") return f->enc = Enc::LargeUtf8, f->pg_type = "text", true;
  if (fmt == "vu") return f->enc = Enc::Utf8View, f->pg_type = "text", true;
  if (fmt == "z") return f->enc = Enc::Binary, f->pg_type = "bytea", true;
  if (fmt == "Z") return f->enc = Enc::LargeBinary, f->pg_type = "bytea", true;
  if (fmt == "vz") return f->enc = Enc::BinaryView, f->pg_type = "bytea", true;
  if (fmt.rfind("w:", 0) == 0) {
    f->enc = Enc::FixedBinary;
    f->width = std::atoi(fmt.c_str() + 2);
    f->pg_type = "bytea";
    return f->width > 0 || bad();
  }
  if (fmt == "tdD") return f->enc = Enc::Date32, f->pg_type = "date", true;
  if (fmt == "tdm") return f->enc = Enc::Date64, f->pg_type = "date", true;
  if (fmt.size() == 3 && fmt[0] == 't' && fmt[1] == 't') {
    f->enc = (fmt[2] == 's' || fmt[2] == 'm') ? Enc::Time32 : Enc::Time64;
    f->pg_type = "time without time zone";
    return unit_to_micros(fmt[2], f) || bad();
  }
  if (fmt.size() >= 4 && fmt[0] == 't' && fmt[1] == 's' && fmt[3] == ':') {
    f->enc = Enc::Timestamp;
    f->pg_type = fmt.size() > 4 ? "timestamp with time zone" : "timestamp without time zone";
    return unit_to_micros(fmt[2], f) || bad();
  }
  if (fmt.size() == 3 && fmt[0] == 't' && fmt[1] == 'D') {
    f->enc = Enc::Duration;
    f->pg_type = "interval";
    return unit_to_micros(fmt[2], f) || bad();
  }
  if (fmt == "tin") return f->enc = Enc::IntervalMdn, f->pg_type = "interval", true;
  if (fmt.rfind("d:", 0) == 0) {
    int p = 0, sc = 0, bits = 128;
    if (std::sscanf(fmt.c_str(), "d:%d,%d,%d", &p, &sc, &bits) < 2 || bits != 128 || sc < 0) return bad();
    f->enc = Enc::Decimal128;
    f->scale = sc;
    f->pg_type = p >= 1 && p <= 1000 && sc <= p
                     ? "numeric(" + std::to_string(p) + "," + std::to_string(sc) + ")"
                     : "numeric";
    return true;
  }
  return bad();
}

bool is_valid(const ArrowArray& a, int64_t i) {
  if (a.null_count == 0 || a.buffers[0] == nullptr) return true;
  const auto* bits = static_cast<const uint8_t*>(a.buffers[0]);
  const int64_t j = i + a.offset;
  return (bits[j >> 3] >> (j & 7)) & 1;
}

template <typename T>
T value_at(const ArrowArray& a, int64_t i) {
  T v;
  std::memcpy(&v, static_cast<const uint8_t*>(a.buffers[1]) + (i + a.offset) * sizeof(T), sizeof(T));
  return v;
}

void put16(std::string* out, uint16_t v) {
  uint8_t b[2];
  write_be16(b, v);
  out->append(reinterpret_cast<char*>(b), 2);
}
void put32(std::string* out, uint32_t v) {
  uint8_t b[4];
  write_be32(b, v);
  out->append(reinterpret_cast<char*>(b), 4);
}
void put64(std::string* out, uint64_t v) {
  uint8_t b[8];
  write_be64(b, v);
  out->append(reinterpret_cast<char*>(b), 8);
}

void put_bytes(std::string* out, const void* p, size_t n) {
  put32(out, static_cast<uint32_t>(n));
  out->append(static_cast<const char*>(p), n);
}

void put_numeric(std::string* out, __int128 v, int scale) {
  const bool neg = v < 0;
  unsigned __int128 a = neg ? -static_cast<unsigned __int128>(v) : static_cast<unsigned __int128>(v);
  std::string d;
  while (a > 0) {
    d.insert(d.begin(), static_cast<char>('0' + static_cast<int>(a % 10)));
    a /= 10;
  }
  while (static_cast<int>(d.size()) <= scale) d.insert(d.begin(), '0');
  std::string ip = d.substr(0, d.size() - static_cast<size_t>(scale));
  std::string fp = d.substr(d.size() - static_cast<size_t>(scale));
  while (ip.size() % 4) ip.insert(ip.begin(), '0');
  while (fp.size() % 4) fp.push_back('0');
  std::vector<uint16_t> groups;
  for (size_t i = 0; i < ip.size(); i += 4) groups.push_back(static_cast<uint16_t>(std::stoi(ip.substr(i, 4))));
  int weight = static_cast<int>(ip.size() / 4) - 1;
  for (size_t i = 0; i < fp.size(); i += 4) groups.push_back(static_cast<uint16_t>(std::stoi(fp.substr(i, 4))));
  size_t first = 0;
  while (first < groups.size() && groups[first] == 0) ++first, --weight;
  size_t last = groups.size();
  while (last > first && groups[last - 1] == 0) --last;
  const auto n = static_cast<uint16_t>(last - first);
  if (n == 0) weight = 0;
  put32(out, 8 + 2u * n);
  put16(out, n);
  put16(out, static_cast<uint16_t>(static_cast<int16_t>(weight)));
  put16(out, neg && n ? 0x4000 : 0x0000);
  put16(out, static_cast<uint16_t>(scale));
  for (size_t i = first; i < last; ++i) put16(out, groups[i]);
}

bool put_view(std::string* out, const ArrowArray& a, int64_t i) {
  const auto* views = static_cast<const uint8_t*>(a.buffers[1]) + (i + a.offset) * 16;
  int32_t len;
  std::memcpy(&len, views, 4);
  if (len <= 12) {
    put_bytes(out, views + 4, static_cast<size_t>(len));
    return true;
  }
  int32_t buf, off;
  std::memcpy(&buf, views + 8, 4);
  std::memcpy(&off, views + 12, 4);
  if (buf < 0 || 2 + buf >= a.n_buffers - 1) return false;
  put_bytes(out, static_cast<const uint8_t*>(a.buffers[2 + buf]) + off, static_cast<size_t>(len));
  return true;
}

bool encode_value(const FieldEnc& f, const ArrowArray& a, int64_t i, std::string* out,
                  std::string* error) {
  if (!is_valid(a, i)) {
    put32(out, 0xffffffffu);
    return true;
  }
  auto micros = [&](int64_t v, int64_t* r) {
    if (f.unit_div > 1) {
      *r = v / f.unit_div - ((v % f.unit_div) < 0 ? 1 : 0);
      return true;
    }
    return !__builtin_mul_overflow(v, f.unit_mul, r);
  };
  switch (f.enc) {
    case Enc::Bool: {
      const auto* bits = static_cast<const uint8_t*>(a.buffers[1]);
      const int64_t j = i + a.offset;
      put32(out, 1);
      out->push_back(static_cast<char>((bits[j >> 3] >> (j & 7)) & 1));
      return true;
    }
    case Enc::I8: put32(out, 2); put16(out, static_cast<uint16_t>(value_at<int8_t>(a, i))); return true;
    case Enc::U8: put32(out, 2); put16(out, value_at<uint8_t>(a, i)); return true;
    case Enc::I16: put32(out, 2); put16(out, static_cast<uint16_t>(value_at<int16_t>(a, i))); return true;
    case Enc::U16: put32(out, 4); put32(out, value_at<uint16_t>(a, i)); return true;
    case Enc::I32: put32(out, 4); put32(out, static_cast<uint32_t>(value_at<int32_t>(a, i))); return true;
    case Enc::U32: put32(out, 8); put64(out, value_at<uint32_t>(a, i)); return true;
    case Enc::I64: put32(out, 8); put64(out, static_cast<uint64_t>(value_at<int64_t>(a, i))); return true;
    case Enc::U64: {
      const uint64_t v = value_at<uint64_t>(a, i);
      if (v > static_cast<uint64_t>(INT64_MAX)) return *error = "uint64 value out of bigint range", false;
      put32(out, 8);
      put64(out, v);
      return true;
    }
    case Enc::F32: put32(out, 4); put32(out, value_at<uint32_t>(a, i)); return true;
    case Enc::F64: put32(out, 8); put64(out, value_at<uint64_t>(a, i)); return true;
    case Enc::Utf8: case Enc::Binary: {
      const auto* off = static_cast<const int32_t*>(a.buffers[1]) + a.offset + i;
      put_bytes(out, static_cast<const uint8_t*>(a.buffers[2]) + off[0], static_cast<size_t>(off[1] - off[0]));
      return true;
    }
    case Enc::LargeUtf8: case Enc::LargeBinary: {
      const auto* off = static_cast<const int64_t*>(a.buffers[1]) + a.offset + i;
      put_bytes(out, static_cast<const uint8_t*>(a.buffers[2]) + off[0], static_cast<size_t>(off[1] - off[0]));
      return true;
    }
    case Enc::Utf8View: case Enc::BinaryView:
      if (!put_view(out, a, i)) return *error = "invalid string view", false;
      return true;
    case Enc::FixedBinary:
      put_bytes(out, static_cast<const uint8_t*>(a.buffers[1]) + (i + a.offset) * f.width,
                static_cast<size_t>(f.width));
      return true;
    case Enc::Date32:
      put32(out, 4);
      put32(out, static_cast<uint32_t>(static_cast<int32_t>(value_at<int32_t>(a, i) - kPgEpochDays)));
      return true;
    case Enc::Date64: {
      const int64_t ms = value_at<int64_t>(a, i);
      const int64_t days = ms / 86400000 - ((ms % 86400000) < 0 ? 1 : 0);
      put32(out, 4);
      put32(out, static_cast<uint32_t>(static_cast<int32_t>(days - kPgEpochDays)));
      return true;
    }
    case Enc::Time32: case Enc::Time64: case Enc::Timestamp: case Enc::Duration: {
      const int64_t raw = f.enc == Enc::Time32 ? value_at<int32_t>(a, i) : value_at<int64_t>(a, i);
      int64_t us;
      if (!micros(raw, &us)) return *error = "temporal value out of range", false;
      if (f.enc == Enc::Timestamp) {
        if (__builtin_sub_overflow(us, kPgEpochMicros, &us)) return *error = "timestamp out of range", false;
      }
      if (f.enc == Enc::Duration) {
        put32(out, 16);
        put64(out, static_cast<uint64_t>(us));
        put32(out, 0);
        put32(out, 0);
        return true;
      }
      put32(out, 8);
      put64(out, static_cast<uint64_t>(us));
      return true;
    }
    case Enc::IntervalMdn: {
      const uint8_t* p = static_cast<const uint8_t*>(a.buffers[1]) + (i + a.offset) * 16;
      int32_t months, days;
      int64_t nanos;
      std::memcpy(&months, p, 4);
      std::memcpy(&days, p + 4, 4);
      std::memcpy(&nanos, p + 8, 8);
      put32(out, 16);
      put64(out, static_cast<uint64_t>(nanos / 1000));
      put32(out, static_cast<uint32_t>(days));
      put32(out, static_cast<uint32_t>(months));
      return true;
    }
    case Enc::Decimal128:
      put_numeric(out, value_at<__int128>(a, i), f.scale);
      return true;
    case Enc::Dictionary: {
      int64_t idx = 0;
      switch (f.index_format) {
        case 'c': idx = value_at<int8_t>(a, i); break;
        case 'C': idx = value_at<uint8_t>(a, i); break;
        case 's': idx = value_at<int16_t>(a, i); break;
        case 'S': idx = value_at<uint16_t>(a, i); break;
        case 'i': idx = value_at<int32_t>(a, i); break;
        case 'I': idx = value_at<uint32_t>(a, i); break;
        default: idx = value_at<int64_t>(a, i); break;
      }
      if (a.dictionary == nullptr || idx < 0 || idx >= a.dictionary->length)
        return *error = "dictionary index out of range", false;
      return encode_value(*f.element, *a.dictionary, idx, out, error);
    }
    case Enc::List: case Enc::LargeList: {
      int64_t begin, end;
      if (f.enc == Enc::List) {
        const auto* off = static_cast<const int32_t*>(a.buffers[1]) + a.offset + i;
        begin = off[0];
        end = off[1];
      } else {
        const auto* off = static_cast<const int64_t*>(a.buffers[1]) + a.offset + i;
        begin = off[0];
        end = off[1];
      }
      const ArrowArray& child = *a.children[0];
      bool has_null = false;
      for (int64_t j = begin; j < end; ++j) has_null = has_null || !is_valid(child, j);
      const size_t len_at = out->size();
      put32(out, 0);  // patched below
      put32(out, end > begin ? 1 : 0);
      put32(out, has_null ? 1 : 0);
      put32(out, f.element->oid);
      if (end > begin) {
        put32(out, static_cast<uint32_t>(end - begin));
        put32(out, 1);
      }
      for (int64_t j = begin; j < end; ++j)
        if (!encode_value(*f.element, child, j, out, error)) return false;
      write_be32(reinterpret_cast<uint8_t*>(out->data() + len_at),
                 static_cast<uint32_t>(out->size() - len_at - 4));
      return true;
    }
  }
  return false;
}

}  // namespace

bool natural_pg_types(const ArrowSchema& schema, std::vector<std::string>* types,
                      std::string* error) {
  types->clear();
  for (int64_t c = 0; c < schema.n_children; ++c) {
    FieldEnc f;
    if (!classify(*schema.children[c], &f, error)) return false;
    types->push_back(f.pg_type);
  }
  return true;
}

bool encode_copy_batch(const ArrowSchema& schema, const ArrowArray& batch, std::string* out,
                       std::string* error) {
  const int64_t ncols = schema.n_children;
  if (batch.n_children != ncols) return *error = "batch does not match its schema", false;
  std::vector<FieldEnc> encs(static_cast<size_t>(ncols));
  for (int64_t c = 0; c < ncols; ++c)
    if (!classify(*schema.children[c], &encs[static_cast<size_t>(c)], error)) return false;
  for (int64_t r = 0; r < batch.length; ++r) {
    put16(out, static_cast<uint16_t>(ncols));
    for (int64_t c = 0; c < ncols; ++c) {
      if (!encode_value(encs[static_cast<size_t>(c)], *batch.children[c], r + batch.offset, out, error))
        return false;
    }
  }
  return true;
}

int64_t copy_arrow_stream(PgConnection* conn, const std::string& table,
                          const std::string& columns_sql, ArrowArrayStream* stream,
                          std::string* error) {
  PGconn* c = conn->raw();
  types::OwnedSchema schema;
  if (stream->get_schema(stream, schema.get()) != 0) {
    const char* e = stream->get_last_error(stream);
    *error = e ? e : "cannot read the Arrow stream's schema";
    return -1;
  }
  std::vector<std::string> pg_types;
  if (!natural_pg_types(schema.s, &pg_types, error)) return -1;
  const std::string sql = "COPY " + table + " " + columns_sql + " FROM STDIN (FORMAT binary)";
  PGresult* r = PQexec(c, sql.c_str());
  if (PQresultStatus(r) != PGRES_COPY_IN) {
    *error = PQresultErrorMessage(r);
    PQclear(r);
    return -1;
  }
  PQclear(r);
  std::string buf("PGCOPY\n\xff\r\n\0", 11);
  buf.append(8, '\0');
  int64_t rows = 0;
  std::string err;
  bool ok = true;
  for (;;) {
    types::OwnedArray batch;
    if (stream->get_next(stream, batch.get()) != 0) {
      const char* e = stream->get_last_error(stream);
      err = e ? e : "Arrow stream failed";
      ok = false;
      break;
    }
    if (!batch.valid()) break;
    if (!encode_copy_batch(schema.s, batch.a, &buf, &err)) {
      ok = false;
      break;
    }
    rows += batch.a.length;
    if (buf.size() >= (1u << 20)) {
      if (PQputCopyData(c, buf.data(), static_cast<int>(buf.size())) != 1) {
        err = PQerrorMessage(c);
        ok = false;
        break;
      }
      buf.clear();
    }
  }
  if (ok) {
    put16(&buf, 0xffff);
    if (PQputCopyData(c, buf.data(), static_cast<int>(buf.size())) != 1) {
      err = PQerrorMessage(c);
      ok = false;
    }
  }
  PQputCopyEnd(c, ok ? nullptr : err.c_str());
  while (PGresult* x = PQgetResult(c)) {
    if (PQresultStatus(x) != PGRES_COMMAND_OK && ok) {
      err = PQresultErrorMessage(x);
      ok = false;
    }
    PQclear(x);
  }
  if (!ok) {
    while (!err.empty() && err.back() == '\n') err.pop_back();
    *error = err;
    return -1;
  }
  return rows;
}

}  // namespace riffq::client
