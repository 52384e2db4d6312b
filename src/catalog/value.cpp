// value.cpp — comparison and hashing of catalog engine values.
#include "riffq/catalog/value.hpp"

#include <cmath>
#include <cstdlib>
#include <functional>
#include <new>

namespace riffq::catalog {

struct Value::SharedArray {
  std::atomic<uint32_t> refs{1};
  ArrayItems items;
};

Value Value::text(std::string_view s) {
  Value x;
  x.raw_[15] = static_cast<unsigned char>(Kind::TEXT);
  if (s.size() <= kInline) {
    if (!s.empty()) std::memcpy(x.raw_, s.data(), s.size());
    x.raw_[14] = static_cast<unsigned char>(s.size());
    return x;
  }
  if (s.size() > UINT32_MAX) throw std::length_error("text value too long");
  void* mem = std::malloc(sizeof(SharedText) + s.size());
  if (mem == nullptr) throw std::bad_alloc();
  auto* t = new (mem) SharedText{{1}, static_cast<uint32_t>(s.size())};
  std::memcpy(const_cast<char*>(t->data()), s.data(), s.size());
  std::memcpy(x.raw_, &t, sizeof t);
  x.raw_[14] = kHeap;
  return x;
}

Value Value::array(ArrayItems items) {
  Value x;
  auto* a = new SharedArray{{1}, std::move(items)};
  std::memcpy(x.raw_, &a, sizeof a);
  x.raw_[15] = static_cast<unsigned char>(Kind::ARRAY);
  return x;
}

const ArrayItems& Value::as_array() const {
  return pointer<SharedArray>()->items;
}

void Value::add_ref() const noexcept {
  if (is_array())
    pointer<SharedArray>()->refs.fetch_add(1, std::memory_order_relaxed);
  else
    pointer<SharedText>()->refs.fetch_add(1, std::memory_order_relaxed);
}

void Value::drop_ref() noexcept {
  if (is_array()) {
    SharedArray* a = pointer<SharedArray>();
    if (a->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) delete a;
  } else {
    SharedText* t = pointer<SharedText>();
    if (t->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      t->~SharedText();
      std::free(t);
    }
  }
  clear();
}

int compare_values(const Value& a, const Value& b) {
  if (a.is_int() && b.is_int()) {
    int64_t x = a.as_int(), y = b.as_int();
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  if ((a.is_int() || a.is_float()) && (b.is_int() || b.is_float())) {
    double x = a.as_float(), y = b.as_float();
    // PostgreSQL orders NaN above every other number and equal to itself.
    if (std::isnan(x) || std::isnan(y)) return std::isnan(x) ? (std::isnan(y) ? 0 : 1) : -1;
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  if (a.is_text() && b.is_text()) {
    int c = a.as_text().compare(b.as_text());
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  if (a.is_bool() && b.is_bool())
    return static_cast<int>(a.as_bool()) - static_cast<int>(b.as_bool());
  if (a.is_array() && b.is_array()) {
    const ArrayItems& x = a.as_array();
    const ArrayItems& y = b.as_array();
    for (size_t i = 0; i < x.size() && i < y.size(); ++i) {
      // array_cmp: NULL elements sort after non-NULL ones and equal each other.
      if (x[i].is_null() || y[i].is_null()) {
        if (x[i].is_null() != y[i].is_null()) return x[i].is_null() ? 1 : -1;
        continue;
      }
      int c = compare_values(x[i], y[i]);
      if (c != 0) return c;
    }
    return x.size() < y.size() ? -1 : (x.size() > y.size() ? 1 : 0);
  }
  if (a.is_null() || b.is_null()) return a.is_null() == b.is_null() ? 0 : (a.is_null() ? 1 : -1);
  // Mixed storage kinds only meet after a failed coercion; order them by kind for stability.
  return a.kind() < b.kind() ? -1 : 1;
}

bool values_equal(const Value& a, const Value& b) {
  if (a.is_null() || b.is_null()) return a.is_null() && b.is_null();
  return compare_values(a, b) == 0;
}

size_t hash_value(const Value& v) {
  if (v.is_null()) return 0x9e3779b9;
  if (v.is_bool()) return v.as_bool() ? 1 : 2;
  if (v.is_int()) return std::hash<int64_t>{}(v.as_int());
  if (v.is_float()) {
    double d = v.as_float();
    if (d == std::floor(d) && std::fabs(d) < 9.2e18)
      return std::hash<int64_t>{}(static_cast<int64_t>(d));
    return std::hash<double>{}(d);
  }
  if (v.is_text()) return std::hash<std::string_view>{}(v.as_text());
  size_t h = 7;
  for (const Value& e : v.as_array()) h = h * 31 + hash_value(e);
  return h;
}

size_t ValueHash::operator()(const Row& r) const {
  size_t h = r.size();
  for (const Value& v : r) h = h * 1000003 ^ hash_value(v);
  return h;
}

bool ValueEq::operator()(const Row& a, const Row& b) const {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (!values_equal(a[i], b[i])) return false;
  return true;
}

}  // namespace riffq::catalog
