// riffq/types/arrow_c_abi.hpp
// The Arrow C Data Interface and C Stream Interface structs, as fixed by the Arrow
// specification ("The Arrow C data interface", "The Arrow C stream interface"). These are an
// ABI, not a library: any producer (pyarrow, DuckDB, polars, nanoarrow, …) fills them in.
#pragma once

#include <cstdint>

extern "C" {

#ifndef ARROW_C_DATA_INTERFACE
#define ARROW_C_DATA_INTERFACE

#define ARROW_FLAG_DICTIONARY_ORDERED 1
#define ARROW_FLAG_NULLABLE 2
#define ARROW_FLAG_MAP_KEYS_SORTED 4

struct ArrowSchema {
  const char* format;
  const char* name;
  const char* metadata;
  int64_t flags;
  int64_t n_children;
  struct ArrowSchema** children;
  struct ArrowSchema* dictionary;
  void (*release)(struct ArrowSchema*);
  void* private_data;
};

struct ArrowArray {
  int64_t length;
  int64_t null_count;
  int64_t offset;
  int64_t n_buffers;
  int64_t n_children;
  const void** buffers;
  struct ArrowArray** children;
  struct ArrowArray* dictionary;
  void (*release)(struct ArrowArray*);
  void* private_data;
};

#endif  // ARROW_C_DATA_INTERFACE

#ifndef ARROW_C_STREAM_INTERFACE
#define ARROW_C_STREAM_INTERFACE

struct ArrowArrayStream {
  int (*get_schema)(struct ArrowArrayStream*, struct ArrowSchema* out);
  int (*get_next)(struct ArrowArrayStream*, struct ArrowArray* out);
  const char* (*get_last_error)(struct ArrowArrayStream*);
  void (*release)(struct ArrowArrayStream*);
  void* private_data;
};

#endif  // ARROW_C_STREAM_INTERFACE

}  // extern "C"

namespace riffq::types {

// RAII owners that call release() exactly once.
struct OwnedSchema {
  ArrowSchema s{};
  OwnedSchema() = default;
  OwnedSchema(const OwnedSchema&) = delete;
  OwnedSchema& operator=(const OwnedSchema&) = delete;
  OwnedSchema(OwnedSchema&& o) noexcept : s(o.s) { o.s.release = nullptr; }
  OwnedSchema& operator=(OwnedSchema&& o) noexcept {
    if (this != &o) {
      reset();
      s = o.s;
      o.s.release = nullptr;
    }
    return *this;
  }
  ~OwnedSchema() { reset(); }
  void reset() {
    if (s.release) s.release(&s);
    s.release = nullptr;
  }
  ArrowSchema* get() { return &s; }
  bool valid() const { return s.release != nullptr; }
};

struct OwnedArray {
  ArrowArray a{};
  OwnedArray() = default;
  OwnedArray(const OwnedArray&) = delete;
  OwnedArray& operator=(const OwnedArray&) = delete;
  OwnedArray(OwnedArray&& o) noexcept : a(o.a) { o.a.release = nullptr; }
  OwnedArray& operator=(OwnedArray&& o) noexcept {
    if (this != &o) {
      reset();
      a = o.a;
      o.a.release = nullptr;
    }
    return *this;
  }
  ~OwnedArray() { reset(); }
  void reset() {
    if (a.release) a.release(&a);
    a.release = nullptr;
  }
  ArrowArray* get() { return &a; }
  bool valid() const { return a.release != nullptr; }
};

struct OwnedStream {
  ArrowArrayStream st{};
  OwnedStream() = default;
  OwnedStream(const OwnedStream&) = delete;
  OwnedStream& operator=(const OwnedStream&) = delete;
  OwnedStream(OwnedStream&& o) noexcept : st(o.st) { o.st.release = nullptr; }
  OwnedStream& operator=(OwnedStream&& o) noexcept {
    if (this != &o) {
      reset();
      st = o.st;
      o.st.release = nullptr;
    }
    return *this;
  }
  ~OwnedStream() { reset(); }
  void reset() {
    if (st.release) st.release(&st);
    st.release = nullptr;
  }
  ArrowArrayStream* get() { return &st; }
  bool valid() const { return st.release != nullptr; }
};

}  // namespace riffq::types
