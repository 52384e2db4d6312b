// riffq/catalog/value.hpp
// Values of the catalog engine. A Value carries no type: the static type of the expression
// that produced it (TypeRef) decides how it prints and compares. Storage kinds:
//   Bool   bool
//   Int    int2/int4/int8, oid and the reg* aliases, xid, cid
//   Float  float4/float8/numeric
//   Text   text, name, varchar, bpchar, "char", pg_node_tree, aclitem, date/time types, …
//   Array  arrays, int2vector, oidvector (one dimension, lower bound 1)
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "riffq/common/pg_error.hpp"

namespace riffq::catalog {

using Oid = uint32_t;

struct TypeRef {
  Oid oid = 0;
  int32_t typmod = -1;
  bool operator==(const TypeRef&) const = default;
};

struct Value;
// The elements of a one-dimensional array; `lower` is its lower bound (1 unless the array came
// from an int2vector / oidvector, whose subscripts start at 0 and survive a cast to an array).
struct ArrayItems : std::vector<Value> {
  using std::vector<Value>::vector;
  int32_t lower = 1;
};

struct Value {
  std::variant<std::monostate, bool, int64_t, double, std::string,
               std::shared_ptr<const ArrayItems>>
      v;

  Value() = default;
  static Value null() { return {}; }
  static Value boolean(bool b) {
    Value x;
    x.v = b;
    return x;
  }
  static Value integer(int64_t i) {
    Value x;
    x.v = i;
    return x;
  }
  static Value floating(double d) {
    Value x;
    x.v = d;
    return x;
  }
  static Value text(std::string s) {
    Value x;
    x.v = std::move(s);
    return x;
  }
  static Value array(ArrayItems items) {
    Value x;
    x.v = std::make_shared<const ArrayItems>(std::move(items));
    return x;
  }

  bool is_null() const { return v.index() == 0; }
  bool is_bool() const { return v.index() == 1; }
  bool is_int() const { return v.index() == 2; }
  bool is_float() const { return v.index() == 3; }
  bool is_text() const { return v.index() == 4; }
  bool is_array() const { return v.index() == 5; }
  bool as_bool() const { return std::get<bool>(v); }
  int64_t as_int() const { return std::get<int64_t>(v); }
  double as_float() const { return is_int() ? static_cast<double>(as_int()) : std::get<double>(v); }
  const std::string& as_text() const { return std::get<std::string>(v); }
  const ArrayItems& as_array() const { return *std::get<std::shared_ptr<const ArrayItems>>(v); }
};

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
