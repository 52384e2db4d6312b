// riffq/catalog/value.hpp
// Values of the catalog engine. A Value carries no type: the static type of the expression
// that produced it (TypeRef) decides how it prints and compares. Storage kinds:
//   Bool   bool
//   Int    int2/int4/int8, oid and the reg* aliases, xid, cid
//   Float  float4/float8/numeric
//   Text   text, name, varchar, bpchar, "char", pg_node_tree, aclitem, date/time types, …
//   Array  arrays, int2vector, oidvector (one dimension, lower bound 1)
#pragma once

#include <atomic>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "riffq/common/pg_error.hpp"

namespace riffq::catalog {

using Oid = uint32_t;

struct TypeRef {
  Oid oid = 0;
  int32_t typmod = -1;
  bool operator==(const TypeRef&) const = default;
};

class Value;
// The elements of a one-dimensional array; `lower` is its lower bound (1 unless the array came
// from an int2vector / oidvector, whose subscripts start at 0 and survive a cast to an array).
struct ArrayItems : std::vector<Value> {
  using std::vector<Value>::vector;
  int32_t lower = 1;
};

// 16 bytes, because a catalog of 10 000 tables holds millions of them: a kind byte, and either
// a scalar, text of up to 14 bytes inline, or a pointer to reference-counted shared text or
// array elements (copies share; the count is atomic since snapshots are read by every thread).
class Value {
 public:
  enum class Kind : uint8_t { NUL, BOOL, INT, FLOAT, TEXT, ARRAY };

  Value() noexcept { clear(); }
  Value(const Value& o) noexcept { copy_from(o); }
  Value(Value&& o) noexcept {
    std::memcpy(raw_, o.raw_, sizeof raw_);
    o.clear();
  }
  Value& operator=(const Value& o) noexcept {
    if (this != &o) {
      release();
      copy_from(o);
    }
    return *this;
  }
  Value& operator=(Value&& o) noexcept {
    if (this != &o) {
      release();
      std::memcpy(raw_, o.raw_, sizeof raw_);
      o.clear();
    }
    return *this;
  }
  ~Value() { release(); }

  static Value null() { return {}; }
  static Value boolean(bool b) { return scalar(Kind::BOOL, b ? 1 : 0); }
  static Value integer(int64_t i) { return scalar(Kind::INT, i); }
  static Value floating(double d) {
    int64_t bits;
    std::memcpy(&bits, &d, sizeof bits);
    return scalar(Kind::FLOAT, bits);
  }
  static Value text(std::string_view s);
  static Value array(ArrayItems items);

  Kind kind() const { return static_cast<Kind>(raw_[15]); }
  bool is_null() const { return kind() == Kind::NUL; }
  bool is_bool() const { return kind() == Kind::BOOL; }
  bool is_int() const { return kind() == Kind::INT; }
  bool is_float() const { return kind() == Kind::FLOAT; }
  bool is_text() const { return kind() == Kind::TEXT; }
  bool is_array() const { return kind() == Kind::ARRAY; }
  bool as_bool() const { return payload() != 0; }
  int64_t as_int() const { return payload(); }
  double as_float() const {
    if (is_int()) return static_cast<double>(as_int());
    int64_t bits = payload();
    double d;
    std::memcpy(&d, &bits, sizeof d);
    return d;
  }
  std::string_view as_text() const {
    if (raw_[14] != kHeap) return {reinterpret_cast<const char*>(raw_), raw_[14]};
    const SharedText* t = pointer<SharedText>();
    return {t->data(), t->size};
  }
  std::string text_string() const { return std::string(as_text()); }  // an owned copy
  const ArrayItems& as_array() const;

 private:
  static constexpr unsigned char kHeap = 0xff;  // raw_[14] of text held in a SharedText
  static constexpr size_t kInline = 14;
  struct SharedText {
    std::atomic<uint32_t> refs;
    uint32_t size;
    const char* data() const { return reinterpret_cast<const char*>(this + 1); }
  };
  struct SharedArray;

  static Value scalar(Kind k, int64_t bits) {
    Value x;
    std::memcpy(x.raw_, &bits, sizeof bits);
    x.raw_[15] = static_cast<unsigned char>(k);
    return x;
  }
  int64_t payload() const {
    int64_t bits;
    std::memcpy(&bits, raw_, sizeof bits);
    return bits;
  }
  template <typename T>
  T* pointer() const {
    T* p;
    std::memcpy(&p, raw_, sizeof p);
    return p;
  }
  bool shared() const { return is_array() || (is_text() && raw_[14] == kHeap); }
  void clear() noexcept { std::memset(raw_, 0, sizeof raw_); }
  // Inline fast paths: most values are scalars or short text, and rows are copied a lot
  // (joins, sorts); only shared text and arrays take the out-of-line reference counting.
  void copy_from(const Value& o) noexcept {
    std::memcpy(raw_, o.raw_, sizeof raw_);
    if (shared()) add_ref();
  }
  void release() noexcept {
    if (shared()) drop_ref();
  }
  void add_ref() const noexcept;
  void drop_ref() noexcept;  // and clear()

  alignas(8) unsigned char raw_[16];
};

static_assert(sizeof(Value) == 16);

using Row = std::vector<Value>;

// An error raised while binding or running a statement; reaches the client as an ErrorResponse.
struct CatalogError : std::exception {
  PgError error;
  explicit CatalogError(PgError e) : error(std::move(e)) {}
  CatalogError(std::string code, std::string message)
      : error(PgError::error(std::move(code), std::move(message))) {}
  const char* what() const noexcept override { return error.message.c_str(); }
};

// Three-way comparison with PostgreSQL's semantics for values of comparable types: numbers
// numerically, text bytewise (C collation), arrays element by element. NULLs must be handled by
// the caller (they sort last ascending).
int compare_values(const Value& a, const Value& b);
bool values_equal(const Value& a, const Value& b);
// Hash consistent with values_equal (ints and integral floats hash alike).
size_t hash_value(const Value& v);

struct ValueHash {
  size_t operator()(const Row& r) const;
};
struct ValueEq {
  bool operator()(const Row& a, const Row& b) const;
};

}  // namespace riffq::catalog
