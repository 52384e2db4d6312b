// src/client/column_builder.cpp
// Decodes PostgreSQL binary values into Arrow buffers and exports them (C Data Interface).
#include "riffq/client/column_builder.hpp"

#include <arpa/inet.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <new>

#include "wire_read.hpp"

namespace riffq::client {

// ---- GrowBuffer -------------------------------------------------------------------------

GrowBuffer::GrowBuffer(GrowBuffer&& o) noexcept : data_(o.data_), size_(o.size_), cap_(o.cap_) {
  o.data_ = nullptr;
  o.size_ = o.cap_ = 0;
}

GrowBuffer& GrowBuffer::operator=(GrowBuffer&& o) noexcept {
  if (this != &o) {
    std::free(data_);
    data_ = o.data_;
    size_ = o.size_;
    cap_ = o.cap_;
    o.data_ = nullptr;
    o.size_ = o.cap_ = 0;
  }
  return *this;
}

GrowBuffer::~GrowBuffer() { std::free(data_); }

void GrowBuffer::grow(size_t need) {
  size_t cap = cap_ ? cap_ : 64;
  while (cap < need) cap *= 2;
  auto* p = static_cast<uint8_t*>(std::realloc(data_, cap));
  if (p == nullptr) throw std::bad_alloc();
  data_ = p;
  cap_ = cap;
}

void GrowBuffer::append(const void* p, size_t n) {
  if (n == 0) return;
  std::memcpy(extend(n), p, n);
}

void* GrowBuffer::release() {
  if (data_ == nullptr) grow(64);
  void* p = data_;
  data_ = nullptr;
  size_ = cap_ = 0;
  return p;
}

// ---- export -----------------------------------------------------------------------------

namespace {

struct ArrayPrivate {
  void* owned[3] = {nullptr, nullptr, nullptr};
  const void* buffers[3] = {nullptr, nullptr, nullptr};
  std::vector<ArrowArray*> children;
};

void release_array(ArrowArray* a) {
  if (a == nullptr || a->release == nullptr) return;
  auto* priv = static_cast<ArrayPrivate*>(a->private_data);
  for (ArrowArray* c : priv->children) {
    if (c->release) c->release(c);
    delete c;
  }
  for (void* b : priv->owned) std::free(b);
  delete priv;
  a->release = nullptr;
}

struct SchemaPrivate {
  std::string format;
  std::string name;
  std::vector<ArrowSchema*> children;
};

void release_schema(ArrowSchema* s) {
  if (s == nullptr || s->release == nullptr) return;
  auto* priv = static_cast<SchemaPrivate*>(s->private_data);
  for (ArrowSchema* c : priv->children) {
    if (c->release) c->release(c);
    delete c;
  }
  delete priv;
  s->release = nullptr;
}

void fill_schema(ArrowSchema* out, std::string format, std::string name, int64_t flags) {
  auto* priv = new SchemaPrivate{std::move(format), std::move(name), {}};
  out->format = priv->format.c_str();
  out->name = priv->name.c_str();
  out->metadata = nullptr;
  out->flags = flags;
  out->n_children = 0;
  out->children = nullptr;
  out->dictionary = nullptr;
  out->release = release_schema;
  out->private_data = priv;
}

void add_child(ArrowSchema* parent, ArrowSchema* child) {
  auto* priv = static_cast<SchemaPrivate*>(parent->private_data);
  priv->children.push_back(child);
  parent->n_children = static_cast<int64_t>(priv->children.size());
  parent->children = priv->children.data();
}

void export_column_schema(const ColumnSpec& spec, const std::string& name, int depth,
                          ArrowSchema* out) {
  if (spec.kind == ColumnKind::List && depth > 0) {
    fill_schema(out, "+l", name, ARROW_FLAG_NULLABLE);
    auto* child = new ArrowSchema{};
    export_column_schema(spec, "item", depth - 1, child);
    add_child(out, child);
    return;
  }
  const ColumnSpec& leaf = spec.kind == ColumnKind::List ? *spec.element : spec;
  fill_schema(out, leaf.arrow_format(), name, ARROW_FLAG_NULLABLE);
}

constexpr int64_t kPgEpochDays = 10957;                      // 1970-01-01 → 2000-01-01
constexpr int64_t kPgEpochMicros = 946684800LL * 1000000LL;  // same, in microseconds
constexpr int64_t kMicrosPerDay = 86400LL * 1000000LL;

const char kHex[] = "0123456789abcdef";

}  // namespace

void export_schema(const std::vector<ColumnSpec>& columns, ArrowSchema* out) {
  fill_schema(out, "+s", "", 0);
  for (const ColumnSpec& c : columns) {
    auto* child = new ArrowSchema{};
    export_column_schema(c, c.name, c.kind == ColumnKind::List ? c.list_depth : 0, child);
    add_child(out, child);
  }
}

void export_struct_array(std::vector<ArrowArray>& columns, int64_t length, ArrowArray* out) {
  auto* priv = new ArrayPrivate{};
  for (ArrowArray& c : columns) {
    auto* child = new ArrowArray(c);
    c.release = nullptr;
    priv->children.push_back(child);
  }
  priv->buffers[0] = nullptr;
  out->length = length;
  out->null_count = 0;
  out->offset = 0;
  out->n_buffers = 1;
  out->n_children = static_cast<int64_t>(priv->children.size());
  out->buffers = priv->buffers;
  out->children = priv->children.data();
  out->dictionary = nullptr;
  out->release = release_array;
  out->private_data = priv;
}

// ---- numeric ----------------------------------------------------------------------------

namespace {

constexpr uint16_t kNumericPos = 0x0000;
constexpr uint16_t kNumericNeg = 0x4000;
constexpr uint16_t kNumericNaN = 0xC000;
constexpr uint16_t kNumericPinf = 0xD000;
constexpr uint16_t kNumericNinf = 0xF000;

struct NumericHeader {
  int16_t ndigits;
  int16_t weight;
  uint16_t sign;
  int16_t dscale;
  const uint8_t* digits;
};

bool read_numeric(const uint8_t* p, int32_t len, NumericHeader* h) {
  if (len < 8) return false;
  h->ndigits = static_cast<int16_t>(read_be16(p));
  h->weight = static_cast<int16_t>(read_be16(p + 2));
  h->sign = read_be16(p + 4);
  h->dscale = static_cast<int16_t>(read_be16(p + 6));
  h->digits = p + 8;
  if (h->ndigits < 0 || h->dscale < 0) return false;
  if (len != 8 + 2 * static_cast<int32_t>(h->ndigits)) return false;
  if (h->sign != kNumericPos && h->sign != kNumericNeg && h->sign != kNumericNaN &&
      h->sign != kNumericPinf && h->sign != kNumericNinf)
    return false;
  for (int i = 0; i < h->ndigits; ++i)
    if (read_be16(h->digits + 2 * i) > 9999) return false;
  return true;
}

}  // namespace

bool numeric_to_string(const uint8_t* p, int32_t len, std::string* out) {
  NumericHeader h;
  out->clear();
  if (!read_numeric(p, len, &h)) return false;
  if (h.sign == kNumericNaN) return *out = "NaN", true;
  if (h.sign == kNumericPinf) return *out = "Infinity", true;
  if (h.sign == kNumericNinf) return *out = "-Infinity", true;
  auto digit = [&](int i) -> int { return i >= 0 && i < h.ndigits ? read_be16(h.digits + 2 * i) : 0; };
  if (h.sign == kNumericNeg) out->push_back('-');
  if (h.weight < 0) {
    out->push_back('0');
  } else {
    for (int i = 0; i <= h.weight; ++i) {
      const int d = digit(i);
      if (i == 0) {
        out->append(std::to_string(d));
      } else {
        const char buf[4] = {static_cast<char>('0' + d / 1000), static_cast<char>('0' + d / 100 % 10),
                             static_cast<char>('0' + d / 10 % 10), static_cast<char>('0' + d % 10)};
        out->append(buf, 4);
      }
    }
  }
  if (h.dscale > 0) {
    out->push_back('.');
    int produced = 0;
    for (int i = h.weight + 1; produced < h.dscale; ++i) {
      const int d = digit(i);
      const char buf[4] = {static_cast<char>('0' + d / 1000), static_cast<char>('0' + d / 100 % 10),
                           static_cast<char>('0' + d / 10 % 10), static_cast<char>('0' + d % 10)};
      for (int k = 0; k < 4 && produced < h.dscale; ++k, ++produced) out->push_back(buf[k]);
    }
  }
  return true;
}

int numeric_to_decimal(const uint8_t* p, int32_t len, int scale, __int128* out) {
  NumericHeader h;
  if (!read_numeric(p, len, &h)) return -1;
  if (h.sign == kNumericNaN || h.sign == kNumericPinf || h.sign == kNumericNinf) return 0;
  static const auto pow10 = [] {
    std::vector<unsigned __int128> t(39);
    t[0] = 1;
    for (int i = 1; i < 39; ++i) t[i] = t[i - 1] * 10;
    return t;
  }();
  const unsigned __int128 limit = pow10[38];
  unsigned __int128 acc = 0;
  for (int i = 0; i < h.ndigits; ++i) {
    const int d = read_be16(h.digits + 2 * i);
    if (d == 0) continue;
    const int e = 4 * (h.weight - i) + scale;  // decimal exponent of this group's unit digit
    unsigned __int128 v;
    if (e >= 0) {
      if (e > 38) return 0;
      v = static_cast<unsigned __int128>(d) * pow10[e];
    } else if (e > -4) {
      v = static_cast<unsigned __int128>(d) / pow10[-e];
    } else {
      continue;
    }
    acc += v;
    if (acc >= limit) return 0;
  }
  *out = h.sign == kNumericNeg ? -static_cast<__int128>(acc) : static_cast<__int128>(acc);
  return 1;
}

// ---- ColumnBuilder ----------------------------------------------------------------------

ColumnBuilder::ColumnBuilder(const ColumnSpec& spec)
    : kind_(spec.kind),
      precision_(spec.precision),
      scale_(spec.scale),
      exact_depth_(spec.exact_depth) {
  if (kind_ == ColumnKind::List) {
    depth_ = spec.list_depth < 1 ? 1 : spec.list_depth;
    if (depth_ > 1) {
      ColumnSpec inner = spec;
      inner.list_depth = depth_ - 1;
      child_ = std::make_unique<ColumnBuilder>(inner);
    } else {
      child_ = std::make_unique<ColumnBuilder>(*spec.element);
    }
  }
  switch (kind_) {
    case ColumnKind::Int16: width_ = 2; break;
    case ColumnKind::Int32: case ColumnKind::Oid: case ColumnKind::Float32:
    case ColumnKind::Date:
      width_ = 4; break;
    case ColumnKind::Int64: case ColumnKind::Float64: case ColumnKind::NumericFloat:
    case ColumnKind::Time: case ColumnKind::Timestamp: case ColumnKind::TimestampTz:
    case ColumnKind::Duration:
      width_ = 8; break;
    case ColumnKind::Interval: case ColumnKind::UuidBinary: case ColumnKind::NumericDecimal:
    case ColumnKind::Money:
      width_ = 16; break;
    default: width_ = 0; break;
  }
  if (width_ == 0 && kind_ != ColumnKind::Bool) offsets_.append("\0\0\0\0", 4);
}

size_t ColumnBuilder::byte_size() const {
  size_t n = validity_.size() + values_.size() + offsets_.size();
  if (child_) n += child_->byte_size();
  return n;
}

void ColumnBuilder::push_validity(bool valid) {
  if ((length_ & 7) == 0) *validity_.extend(1) = 0;
  if (valid) {
    validity_.data()[length_ >> 3] |= static_cast<uint8_t>(1u << (length_ & 7));
  } else {
    ++null_count_;
  }
}

void ColumnBuilder::append_null() {
  push_validity(false);
  if (width_ != 0) {
    std::memset(values_.extend(width_), 0, width_);
  } else if (kind_ == ColumnKind::Bool) {
    if ((length_ & 7) == 0) *values_.extend(1) = 0;
  } else {
    const auto off = static_cast<int32_t>(kind_ == ColumnKind::List ? child_->length() : var_bytes_);
    std::memcpy(offsets_.extend(4), &off, 4);
  }
  ++length_;
}

bool ColumnBuilder::append_var(const void* p, size_t n, std::string* error) {
  if (var_bytes_ + static_cast<int64_t>(n) > std::numeric_limits<int32_t>::max()) {
    *error = "column batch exceeds 2 GiB";
    return false;
  }
  push_validity(true);
  values_.append(p, n);
  var_bytes_ += static_cast<int64_t>(n);
  const auto off = static_cast<int32_t>(var_bytes_);
  std::memcpy(offsets_.extend(4), &off, 4);
  ++length_;
  return true;
}

#define RIFFQ_EXPECT_LEN(n)                                                  \
  if (len != (n)) {                                                          \
    *error = std::string("invalid length for ") + kind_name(kind_) + " value"; \
    return false;                                                            \
  }

bool ColumnBuilder::append(const uint8_t* p, int32_t len, std::string* error) {
  if (len < 0) {
    append_null();
    return true;
  }
  switch (kind_) {
    case ColumnKind::Bool: {
      RIFFQ_EXPECT_LEN(1);
      if ((length_ & 7) == 0) *values_.extend(1) = 0;
      if (p[0] != 0) values_.data()[length_ >> 3] |= static_cast<uint8_t>(1u << (length_ & 7));
      push_validity(true);
      ++length_;
      return true;
    }
    case ColumnKind::Int16: {
      RIFFQ_EXPECT_LEN(2);
      const uint16_t v = read_be16(p);
      std::memcpy(values_.extend(2), &v, 2);
      break;
    }
    case ColumnKind::Int32: case ColumnKind::Oid: case ColumnKind::Float32: {
      RIFFQ_EXPECT_LEN(4);
      const uint32_t v = read_be32(p);
      std::memcpy(values_.extend(4), &v, 4);
      break;
    }
    case ColumnKind::Int64: case ColumnKind::Float64: case ColumnKind::Time: {
      RIFFQ_EXPECT_LEN(8);
      const uint64_t v = read_be64(p);
      std::memcpy(values_.extend(8), &v, 8);
      break;
    }
    case ColumnKind::Date: {
      RIFFQ_EXPECT_LEN(4);
      const auto d = static_cast<int32_t>(read_be32(p));
      const int64_t v = static_cast<int64_t>(d) + kPgEpochDays;
      if (d == std::numeric_limits<int32_t>::max() || d == std::numeric_limits<int32_t>::min() ||
          v > std::numeric_limits<int32_t>::max()) {
        append_null();  // ±infinity
        return true;
      }
      const auto v32 = static_cast<int32_t>(v);
      std::memcpy(values_.extend(4), &v32, 4);
      break;
    }
    case ColumnKind::Timestamp: case ColumnKind::TimestampTz: {
      RIFFQ_EXPECT_LEN(8);
      const auto t = static_cast<int64_t>(read_be64(p));
      int64_t v;
      if (t == std::numeric_limits<int64_t>::max() || t == std::numeric_limits<int64_t>::min() ||
          __builtin_add_overflow(t, kPgEpochMicros, &v)) {
        append_null();  // ±infinity
        return true;
      }
      std::memcpy(values_.extend(8), &v, 8);
      break;
    }
    case ColumnKind::Interval: case ColumnKind::Duration: {
      RIFFQ_EXPECT_LEN(16);
      const auto micros = static_cast<int64_t>(read_be64(p));
      const auto days = static_cast<int32_t>(read_be32(p + 8));
      const auto months = static_cast<int32_t>(read_be32(p + 12));
      if (kind_ == ColumnKind::Interval) {
        int64_t nanos;
        if (__builtin_mul_overflow(micros, int64_t{1000}, &nanos)) {
          append_null();
          return true;
        }
        uint8_t* out = values_.extend(16);
        std::memcpy(out, &months, 4);
        std::memcpy(out + 4, &days, 4);
        std::memcpy(out + 8, &nanos, 8);
      } else {
        int64_t a, b, v;
        if (__builtin_mul_overflow(static_cast<int64_t>(months) * 30 + days, kMicrosPerDay, &a) ||
            __builtin_add_overflow(a, micros, &b)) {
          append_null();
          return true;
        }
        v = b;
        std::memcpy(values_.extend(8), &v, 8);
      }
      break;
    }
    case ColumnKind::UuidBinary: {
      RIFFQ_EXPECT_LEN(16);
      values_.append(p, 16);
      break;
    }
    case ColumnKind::UuidString: {
      RIFFQ_EXPECT_LEN(16);
      char buf[36];
      int o = 0;
      for (int i = 0; i < 16; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) buf[o++] = '-';
        buf[o++] = kHex[p[i] >> 4];
        buf[o++] = kHex[p[i] & 15];
      }
      return append_var(buf, 36, error);
    }
    case ColumnKind::Money: {
      RIFFQ_EXPECT_LEN(8);
      const __int128 v = static_cast<int64_t>(read_be64(p));
      std::memcpy(values_.extend(16), &v, 16);
      break;
    }
    case ColumnKind::NumericDecimal: {
      __int128 v = 0;
      const int r = numeric_to_decimal(p, len, scale_, &v);
      if (r < 0) {
        *error = "invalid numeric value";
        return false;
      }
      if (r == 0) {
        append_null();  // NaN, ±Infinity, or beyond the declared precision
        return true;
      }
      std::memcpy(values_.extend(16), &v, 16);
      break;
    }
    case ColumnKind::NumericString: case ColumnKind::NumericFloat: {
      std::string s;
      if (!numeric_to_string(p, len, &s)) {
        *error = "invalid numeric value";
        return false;
      }
      if (kind_ == ColumnKind::NumericString) return append_var(s.data(), s.size(), error);
      const double v = s == "NaN"         ? std::numeric_limits<double>::quiet_NaN()
                       : s == "Infinity"  ? std::numeric_limits<double>::infinity()
                       : s == "-Infinity" ? -std::numeric_limits<double>::infinity()
                                          : std::strtod(s.c_str(), nullptr);
      std::memcpy(values_.extend(8), &v, 8);
      break;
    }
    case ColumnKind::Jsonb: {
      if (len < 1 || p[0] != 1) {
        *error = "invalid jsonb value (unknown version)";
        return false;
      }
      return append_var(p + 1, static_cast<size_t>(len - 1), error);
    }
    case ColumnKind::Char: {
      if (len > 1) {
        *error = "invalid length for char value";
        return false;
      }
      if (len == 0 || p[0] == 0) return append_var("", 0, error);
      if (p[0] < 0x80) return append_var(p, 1, error);
      char buf[4] = {'\\', static_cast<char>('0' + ((p[0] >> 6) & 7)),
                     static_cast<char>('0' + ((p[0] >> 3) & 7)), static_cast<char>('0' + (p[0] & 7))};
      return append_var(buf, 4, error);
    }
    case ColumnKind::Inet: {
      // family (2 = IPv4, 3 = IPv6), mask bits, is_cidr, address length, address bytes
      if (len < 4 || len != 4 + p[3] || !((p[0] == 2 && p[3] == 4) || (p[0] == 3 && p[3] == 16))) {
        *error = "invalid inet value";
        return false;
      }
      const int max_bits = p[0] == 2 ? 32 : 128;
      if (p[1] > max_bits) {
        *error = "invalid inet mask";
        return false;
      }
      char buf[INET6_ADDRSTRLEN + 8];
      if (inet_ntop(p[0] == 2 ? AF_INET : AF_INET6, p + 4, buf, INET6_ADDRSTRLEN) == nullptr) {
        *error = "invalid inet value";
        return false;
      }
      std::string s = buf;
      if (p[2] != 0 || p[1] != max_bits) s += "/" + std::to_string(p[1]);
      return append_var(s.data(), s.size(), error);
    }
    case ColumnKind::Text: case ColumnKind::Bytea: case ColumnKind::Unknown:
      return append_var(p, static_cast<size_t>(len), error);
    case ColumnKind::List:
      return append_array(p, len, error);
  }
  push_validity(true);
  ++length_;
  return true;
}

#undef RIFFQ_EXPECT_LEN

void ColumnBuilder::append_list_entries(int64_t count, int64_t each) {
  for (int64_t i = 0; i < count; ++i) {
    push_validity(true);
    const auto off = static_cast<int32_t>(child_->length() + (i + 1) * each);
    std::memcpy(offsets_.extend(4), &off, 4);
    ++length_;
  }
}

bool ColumnBuilder::append_array(const uint8_t* p, int32_t len, std::string* error) {
  // ndim, has-null flag, element OID, ndim × (length, lower bound), then the elements.
  constexpr int kMaxDims = 6;  // MAXDIM in PostgreSQL
  if (len < 12) {
    *error = "invalid array value (short header)";
    return false;
  }
  const auto ndim = static_cast<int32_t>(read_be32(p));
  if (ndim < 0 || ndim > kMaxDims || len < 12 + 8 * ndim) {
    *error = "invalid array value (dimensions)";
    return false;
  }
  int64_t dims[kMaxDims];
  int64_t total = ndim > 0 ? 1 : 0;
  for (int i = 0; i < ndim; ++i) {
    const auto d = static_cast<int32_t>(read_be32(p + 12 + 8 * i));
    if (d < 0 || (total *= d) > len) {  // every element needs ≥ 4 bytes
      *error = "invalid array value (dimension length)";
      return false;
    }
    dims[i] = d;
  }
  // Fit ndim onto this column's depth: extra leading dimensions are folded into the first,
  // missing ones are treated as length 1; an empty array is an empty outer list.
  int64_t eff[kMaxDims + 1];
  const int depth = depth_;
  if (exact_depth_ && ndim > 0 && ndim != depth) {
    *error = kArrayDepthError + std::to_string(ndim) + " dimensions";
    return false;
  }
  if (total == 0) {
    append_list_entries(1, 0);
    return true;
  }
  if (ndim >= depth) {
    eff[0] = 1;
    for (int i = 0; i <= ndim - depth; ++i) eff[0] *= dims[i];
    for (int k = 1; k < depth; ++k) eff[k] = dims[ndim - depth + k];
  } else {
    for (int k = 0; k < depth - ndim; ++k) eff[k] = 1;
    for (int i = 0; i < ndim; ++i) eff[depth - ndim + i] = dims[i];
  }
  // Validate every element's length before appending anything.
  const uint8_t* q = p + 12 + 8 * ndim;
  const uint8_t* end = p + len;
  for (int64_t i = 0; i < total; ++i) {
    if (end - q < 4) {
      *error = "invalid array value (truncated element)";
      return false;
    }
    const auto el = static_cast<int32_t>(read_be32(q));
    q += 4;
    if (el < -1 || (el > 0 && end - q < el)) {
      *error = "invalid array value (element length)";
      return false;
    }
    if (el > 0) q += el;
  }
  if (q != end) {
    *error = "invalid array value (trailing bytes)";
    return false;
  }
  // Level k holds prod(eff[0..k-1]) lists of eff[k] entries each.
  ColumnBuilder* level = this;
  int64_t count = 1;
  for (int k = 0; k < depth; ++k) {
    level->append_list_entries(count, eff[k]);
    count *= eff[k];
    level = level->child_.get();
  }
  q = p + 12 + 8 * ndim;
  for (int64_t i = 0; i < total; ++i) {
    const auto el = static_cast<int32_t>(read_be32(q));
    q += 4;
    if (!level->append(q, el, error)) return false;
    if (el > 0) q += el;
  }
  return true;
}

void ColumnBuilder::finish(ArrowArray* out) {
  auto* priv = new ArrayPrivate{};
  const bool has_validity = null_count_ > 0;
  int n = 0;
  if (has_validity) {
    priv->owned[0] = validity_.release();
  } else {
    validity_ = GrowBuffer();
  }
  priv->buffers[n++] = priv->owned[0];
  if (kind_ == ColumnKind::List) {
    priv->owned[1] = offsets_.release();
    priv->buffers[n++] = priv->owned[1];
    auto* child = new ArrowArray{};
    child_->finish(child);
    priv->children.push_back(child);
  } else if (width_ != 0 || kind_ == ColumnKind::Bool) {
    priv->owned[1] = values_.release();
    priv->buffers[n++] = priv->owned[1];
  } else {
    priv->owned[1] = offsets_.release();
    priv->owned[2] = values_.release();
    priv->buffers[n++] = priv->owned[1];
    priv->buffers[n++] = priv->owned[2];
  }
  out->length = length_;
  out->null_count = null_count_;
  out->offset = 0;
  out->n_buffers = n;
  out->n_children = static_cast<int64_t>(priv->children.size());
  out->buffers = priv->buffers;
  out->children = priv->children.empty() ? nullptr : priv->children.data();
  out->dictionary = nullptr;
  out->release = release_array;
  out->private_data = priv;
  length_ = 0;
  null_count_ = 0;
  var_bytes_ = 0;
  if (width_ == 0 && kind_ != ColumnKind::Bool) offsets_.append("\0\0\0\0", 4);
}

}  // namespace riffq::client
