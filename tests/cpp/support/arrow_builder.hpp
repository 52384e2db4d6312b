// tests/cpp/support/arrow_builder.hpp
// Hand-built Arrow C Data arrays and schemas for tests: ArrowNode / SchemaNode describe a tree
// with owned buffers; export_array / export_schema hand out C structs whose release callbacks
// free everything. Helpers build the common layouts (primitives with validity, strings,
// views, lists, structs) and slice them.
#pragma once

#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "riffq/types/arrow_c_abi.hpp"

namespace riffq::test {

// One owned buffer (8-byte aligned), or absent (a null pointer in the C struct).
struct Buffer {
  std::vector<uint64_t> words;
  size_t size = 0;
  bool present = true;

  static Buffer absent() {
    Buffer b;
    b.present = false;
    return b;
  }
  static Buffer from_bytes(const void* p, size_t n) {
    Buffer b;
    b.words.resize((n + 7) / 8 + 1, 0);
    if (n) std::memcpy(b.words.data(), p, n);
    b.size = n;
    return b;
  }
  template <typename T>
  static Buffer from(const std::vector<T>& v) {
    return from_bytes(v.data(), v.size() * sizeof(T));
  }
};

struct ArrowNode {
  int64_t length = 0;
  int64_t null_count = 0;
  int64_t offset = 0;
  std::vector<Buffer> buffers;
  std::vector<ArrowNode> children;
  std::shared_ptr<ArrowNode> dictionary;
};

struct SchemaNode {
  std::string format;
  std::string name;
  std::map<std::string, std::string> metadata;
  int64_t flags = ARROW_FLAG_NULLABLE;
  std::vector<SchemaNode> children;
  std::shared_ptr<SchemaNode> dictionary;
};

types::OwnedArray export_array(const ArrowNode& node);
types::OwnedSchema export_schema(const SchemaNode& node);

SchemaNode field(std::string format, std::vector<SchemaNode> children = {}, std::string name = "");
SchemaNode extension_field(std::string format, const std::string& extension_name);

// Validity bitmap from optionals; returns an absent buffer when nothing is null.
template <typename T>
Buffer validity_of(const std::vector<std::optional<T>>& v, int64_t* null_count) {
  *null_count = 0;
  std::vector<uint8_t> bits((v.size() + 7) / 8, 0);
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i].has_value()) {
      bits[i / 8] |= static_cast<uint8_t>(1u << (i % 8));
    } else {
      ++*null_count;
    }
  }
  return *null_count == 0 ? Buffer::absent() : Buffer::from(bits);
}

// Fixed-width primitive array (values of NULL slots are zero).
template <typename T>
ArrowNode prim(const std::vector<std::optional<T>>& v) {
  ArrowNode n;
  n.length = static_cast<int64_t>(v.size());
  std::vector<T> values(v.size(), T{});
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i]) values[i] = *v[i];
  }
  n.buffers.push_back(validity_of(v, &n.null_count));
  n.buffers.push_back(Buffer::from(values));
  return n;
}

ArrowNode bools(const std::vector<std::optional<bool>>& v);
// utf8/binary (int32 offsets) or large_utf8/large_binary (int64 offsets).
ArrowNode strings(const std::vector<std::optional<std::string>>& v, bool large = false);
// utf8_view / binary_view, with long values spread over two data buffers.
ArrowNode string_views(const std::vector<std::optional<std::string>>& v);
ArrowNode fixed_binary(const std::vector<std::optional<std::string>>& v, int width);
// list (int32 offsets) / large list: lengths per row, nullopt = NULL row.
ArrowNode list_of(ArrowNode child, const std::vector<std::optional<int64_t>>& lengths,
                  bool large = false);
// fixed_size_list of `size`; `valid` per row (empty = all valid).
ArrowNode fixed_list_of(ArrowNode child, int64_t size, std::vector<bool> valid = {});
// list_view with explicit offsets and sizes; nullopt = NULL row.
ArrowNode list_view_of(ArrowNode child, const std::vector<std::optional<std::pair<int32_t, int32_t>>>& views);
ArrowNode struct_of(std::vector<ArrowNode> children, int64_t length, std::vector<bool> valid = {});
// A slice view: same buffers, offset += off, length = len, null_count unknown (-1).
ArrowNode slice(ArrowNode node, int64_t off, int64_t len);

}  // namespace riffq::test
