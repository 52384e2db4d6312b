// tests/cpp/support/arrow_builder.cpp
// Export of ArrowNode / SchemaNode trees to C Data structs, and the layout helpers.
#include "support/arrow_builder.hpp"

namespace riffq::test {
namespace {

struct ArrayPrivate {
  ArrowNode node;
  std::vector<const void*> buffer_ptrs;
  std::vector<ArrowArray*> child_ptrs;
  ArrowArray* dictionary = nullptr;
};

void release_array(ArrowArray* a) {
  auto* p = static_cast<ArrayPrivate*>(a->private_data);
  for (ArrowArray* c : p->child_ptrs) {
    if (c->release) c->release(c);
    delete c;
  }
  if (p->dictionary) {
    if (p->dictionary->release) p->dictionary->release(p->dictionary);
    delete p->dictionary;
  }
  delete p;
  a->release = nullptr;
}

void fill_array(const ArrowNode& node, ArrowArray* out) {
  auto* p = new ArrayPrivate{node, {}, {}, nullptr};
  for (const Buffer& b : p->node.buffers) {
    p->buffer_ptrs.push_back(b.present ? static_cast<const void*>(b.words.data()) : nullptr);
  }
  for (const ArrowNode& c : p->node.children) {
    auto* ca = new ArrowArray{};
    fill_array(c, ca);
    p->child_ptrs.push_back(ca);
  }
  if (p->node.dictionary) {
    p->dictionary = new ArrowArray{};
    fill_array(*p->node.dictionary, p->dictionary);
  }
  out->length = node.length;
  out->null_count = node.null_count;
  out->offset = node.offset;
  out->n_buffers = static_cast<int64_t>(p->buffer_ptrs.size());
  out->n_children = static_cast<int64_t>(p->child_ptrs.size());
  out->buffers = p->buffer_ptrs.data();
  out->children = p->child_ptrs.data();
  out->dictionary = p->dictionary;
  out->release = release_array;
  out->private_data = p;
}

struct SchemaPrivate {
  SchemaNode node;
  std::string metadata;
  std::vector<ArrowSchema*> child_ptrs;
  ArrowSchema* dictionary = nullptr;
};

void release_schema(ArrowSchema* s) {
  auto* p = static_cast<SchemaPrivate*>(s->private_data);
  for (ArrowSchema* c : p->child_ptrs) {
    if (c->release) c->release(c);
    delete c;
  }
  if (p->dictionary) {
    if (p->dictionary->release) p->dictionary->release(p->dictionary);
    delete p->dictionary;
  }
  delete p;
  s->release = nullptr;
}

void put_i32(std::string& s, int32_t v) { s.append(reinterpret_cast<const char*>(&v), 4); }

void fill_schema(const SchemaNode& node, ArrowSchema* out) {
  auto* p = new SchemaPrivate{node, {}, {}, nullptr};
  if (!node.metadata.empty()) {
    put_i32(p->metadata, static_cast<int32_t>(node.metadata.size()));
    for (const auto& [k, v] : node.metadata) {
      put_i32(p->metadata, static_cast<int32_t>(k.size()));
      p->metadata += k;
      put_i32(p->metadata, static_cast<int32_t>(v.size()));
      p->metadata += v;
    }
  }
  for (const SchemaNode& c : p->node.children) {
    auto* cs = new ArrowSchema{};
    fill_schema(c, cs);
    p->child_ptrs.push_back(cs);
  }
  if (p->node.dictionary) {
    p->dictionary = new ArrowSchema{};
    fill_schema(*p->node.dictionary, p->dictionary);
  }
  out->format = p->node.format.c_str();
  out->name = p->node.name.c_str();
  out->metadata = p->metadata.empty() ? nullptr : p->metadata.data();
  out->flags = node.flags;
  out->n_children = static_cast<int64_t>(p->child_ptrs.size());
  out->children = p->child_ptrs.data();
  out->dictionary = p->dictionary;
  out->release = release_schema;
  out->private_data = p;
}

Buffer bits_of(const std::vector<bool>& valid, int64_t* null_count) {
  *null_count = 0;
  if (valid.empty()) return Buffer::absent();
  std::vector<uint8_t> bits((valid.size() + 7) / 8, 0);
  for (size_t i = 0; i < valid.size(); ++i) {
    if (valid[i]) {
      bits[i / 8] |= static_cast<uint8_t>(1u << (i % 8));
    } else {
      ++*null_count;
    }
  }
  return Buffer::from(bits);
}

}  // namespace

types::OwnedArray export_array(const ArrowNode& node) {
  types::OwnedArray a;
  fill_array(node, &a.a);
  return a;
}

types::OwnedSchema export_schema(const SchemaNode& node) {
  types::OwnedSchema s;
  fill_schema(node, &s.s);
  return s;
}

SchemaNode field(std::string format, std::vector<SchemaNode> children, std::string name) {
  SchemaNode s;
  s.format = std::move(format);
  s.children = std::move(children);
  s.name = std::move(name);
  return s;
}

SchemaNode extension_field(std::string format, const std::string& extension_name) {
  SchemaNode s = field(std::move(format));
  s.metadata["ARROW:extension:name"] = extension_name;
  s.metadata["ARROW:extension:metadata"] = "";
  return s;
}

ArrowNode bools(const std::vector<std::optional<bool>>& v) {
  ArrowNode n;
  n.length = static_cast<int64_t>(v.size());
  std::vector<uint8_t> bits((v.size() + 7) / 8, 0);
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i].value_or(false)) bits[i / 8] |= static_cast<uint8_t>(1u << (i % 8));
  }
  n.buffers.push_back(validity_of(v, &n.null_count));
  n.buffers.push_back(Buffer::from(bits));
  return n;
}

ArrowNode strings(const std::vector<std::optional<std::string>>& v, bool large) {
  ArrowNode n;
  n.length = static_cast<int64_t>(v.size());
  std::string data;
  std::vector<int64_t> offsets{0};
  for (const auto& s : v) {
    if (s) data += *s;
    offsets.push_back(static_cast<int64_t>(data.size()));
  }
  n.buffers.push_back(validity_of(v, &n.null_count));
  if (large) {
    n.buffers.push_back(Buffer::from(offsets));
  } else {
    std::vector<int32_t> o32(offsets.begin(), offsets.end());
    n.buffers.push_back(Buffer::from(o32));
  }
  n.buffers.push_back(Buffer::from_bytes(data.data(), data.size()));
  return n;
}

ArrowNode string_views(const std::vector<std::optional<std::string>>& v) {
  ArrowNode n;
  n.length = static_cast<int64_t>(v.size());
  std::string data[2];
  std::vector<uint8_t> views(v.size() * 16, 0);
  for (size_t i = 0; i < v.size(); ++i) {
    const std::string s = v[i].value_or("");
    const auto len = static_cast<int32_t>(s.size());
    uint8_t* view = views.data() + i * 16;
    std::memcpy(view, &len, 4);
    if (len <= 12) {
      std::memcpy(view + 4, s.data(), s.size());
    } else {
      const int32_t index = static_cast<int32_t>(i % 2);
      const auto off = static_cast<int32_t>(data[index].size());
      data[index] += s;
      std::memcpy(view + 4, s.data(), 4);
      std::memcpy(view + 8, &index, 4);
      std::memcpy(view + 12, &off, 4);
    }
  }
  n.buffers.push_back(validity_of(v, &n.null_count));
  n.buffers.push_back(Buffer::from(views));
  n.buffers.push_back(Buffer::from_bytes(data[0].data(), data[0].size()));
  n.buffers.push_back(Buffer::from_bytes(data[1].data(), data[1].size()));
  std::vector<int64_t> sizes{static_cast<int64_t>(data[0].size()), static_cast<int64_t>(data[1].size())};
  n.buffers.push_back(Buffer::from(sizes));
  return n;
}

ArrowNode fixed_binary(const std::vector<std::optional<std::string>>& v, int width) {
  ArrowNode n;
  n.length = static_cast<int64_t>(v.size());
  std::string data;
  for (const auto& s : v) {
    std::string cell = s.value_or("");
    cell.resize(static_cast<size_t>(width), '\0');
    data += cell;
  }
  n.buffers.push_back(validity_of(v, &n.null_count));
  n.buffers.push_back(Buffer::from_bytes(data.data(), data.size()));
  return n;
}

ArrowNode list_of(ArrowNode child, const std::vector<std::optional<int64_t>>& lengths, bool large) {
  ArrowNode n;
  n.length = static_cast<int64_t>(lengths.size());
  std::vector<int64_t> offsets{0};
  for (const auto& l : lengths) offsets.push_back(offsets.back() + l.value_or(0));
  n.buffers.push_back(validity_of(lengths, &n.null_count));
  if (large) {
    n.buffers.push_back(Buffer::from(offsets));
  } else {
    std::vector<int32_t> o32(offsets.begin(), offsets.end());
    n.buffers.push_back(Buffer::from(o32));
  }
  n.children.push_back(std::move(child));
  return n;
}

ArrowNode fixed_list_of(ArrowNode child, int64_t size, std::vector<bool> valid) {
  ArrowNode n;
  n.length = size == 0 ? static_cast<int64_t>(valid.size()) : child.length / size;
  n.buffers.push_back(bits_of(valid, &n.null_count));
  n.children.push_back(std::move(child));
  return n;
}

ArrowNode list_view_of(ArrowNode child,
                       const std::vector<std::optional<std::pair<int32_t, int32_t>>>& views) {
  ArrowNode n;
  n.length = static_cast<int64_t>(views.size());
  std::vector<int32_t> offsets, sizes;
  for (const auto& v : views) {
    offsets.push_back(v ? v->first : 0);
    sizes.push_back(v ? v->second : 0);
  }
  n.buffers.push_back(validity_of(views, &n.null_count));
  n.buffers.push_back(Buffer::from(offsets));
  n.buffers.push_back(Buffer::from(sizes));
  n.children.push_back(std::move(child));
  return n;
}

ArrowNode struct_of(std::vector<ArrowNode> children, int64_t length, std::vector<bool> valid) {
  ArrowNode n;
  n.length = length;
  n.buffers.push_back(bits_of(valid, &n.null_count));
  n.children = std::move(children);
  return n;
}

ArrowNode slice(ArrowNode node, int64_t off, int64_t len) {
  node.offset += off;
  node.length = len;
  node.null_count = -1;
  return node;
}

}  // namespace riffq::test
