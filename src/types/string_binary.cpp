// src/types/string_binary.cpp
// String and binary encoders: utf8/large_utf8/utf8_view → text (json with the arrow.json
// extension), binary/large_binary/binary_view/fixed_size_binary → bytea (hex or escape text),
// fixed_size_binary(16) with the arrow.uuid extension → uuid.
#include <charconv>

#include "arrow_util.hpp"
#include "encoders.hpp"
#include "riffq/types/pg_types.hpp"

namespace riffq::types::detail {
namespace {

enum class Layout : uint8_t { OFFSETS32, OFFSETS64, VIEW, FIXED };
enum class Output : uint8_t { TEXT, BYTEA, UUID };

constexpr char HEX[] = "0123456789abcdef";

// The bytes of slot i (physical index).
inline std::string_view slot(const ArrowArray& a, Layout layout, int32_t width, int64_t i) {
  const char* data = buffer<char>(a, 2);
  switch (layout) {
    case Layout::OFFSETS32: {
      const int32_t* off = buffer<int32_t>(a, 1);
      return {data + off[i], static_cast<size_t>(off[i + 1] - off[i])};
    }
    case Layout::OFFSETS64: {
      const int64_t* off = buffer<int64_t>(a, 1);
      return {data + off[i], static_cast<size_t>(off[i + 1] - off[i])};
    }
    case Layout::VIEW: {
      const char* view = buffer<char>(a, 1) + i * 16;
      int32_t len;
      std::memcpy(&len, view, 4);
      if (len <= 12) return {view + 4, static_cast<size_t>(len)};
      int32_t index, off;
      std::memcpy(&index, view + 8, 4);
      std::memcpy(&off, view + 12, 4);
      return {buffer<char>(a, 2 + index) + off, static_cast<size_t>(len)};
    }
    case Layout::FIXED:
      return {buffer<char>(a, 1) + i * width, static_cast<size_t>(width)};
  }
  return {};
}

void put_bytea_hex(std::string& out, std::string_view v) {
  out.append("\\x");
  const size_t at = out.size();
  out.resize(at + v.size() * 2);
  char* p = out.data() + at;
  for (unsigned char c : v) {
    *p++ = HEX[c >> 4];
    *p++ = HEX[c & 15];
  }
}

// bytea_output = escape (byteaout): backslash doubled, non-printable bytes as \ooo.
void put_bytea_escape(std::string& out, std::string_view v) {
  for (unsigned char c : v) {
    if (c == '\\') {
      out.append("\\\\");
    } else if (c < 0x20 || c > 0x7e) {
      out.push_back('\\');
      out.push_back(static_cast<char>('0' + (c >> 6)));
      out.push_back(static_cast<char>('0' + ((c >> 3) & 7)));
      out.push_back(static_cast<char>('0' + (c & 7)));
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
}

void put_uuid(std::string& out, std::string_view v) {
  for (size_t k = 0; k < 16; ++k) {
    if (k == 4 || k == 6 || k == 8 || k == 10) out.push_back('-');
    const auto c = static_cast<unsigned char>(v[k]);
    out.push_back(HEX[c >> 4]);
    out.push_back(HEX[c & 15]);
  }
}

class StringBinaryEncoder final : public ColumnEncoder {
 public:
  StringBinaryEncoder(PgTypeInfo type, Layout layout, int32_t width, Output output, bool hex)
      : ColumnEncoder(type), layout_(layout), width_(width), output_(output), hex_(hex) {}
  JsonKind json_kind() const override {
    return type_.oid == oid::JSON ? JsonKind::JSON : JsonKind::STRING;
  }

  bool encode(const ArrowArray& a, int64_t offset, int64_t count, wire::Format format,
              CellBuffer& out, std::string*) override {
    const bool binary = format == wire::Format::BINARY;
    out.reserve(static_cast<size_t>(count), 0);
    if (binary || output_ == Output::TEXT) {
      for_each_slot(a, offset, count, out,
                    [&](int64_t i) { out.append_cell(slot(a, layout_, width_, i)); });
      return true;
    }
    std::string& b = out.bytes();
    for_each_slot(a, offset, count, out, [&](int64_t i) {
      const std::string_view v = slot(a, layout_, width_, i);
      const size_t mark = out.begin();
      if (output_ == Output::UUID) {
        put_uuid(b, v);
      } else if (hex_) {
        put_bytea_hex(b, v);
      } else {
        put_bytea_escape(b, v);
      }
      out.commit(mark);
    });
    return true;
  }

 private:
  Layout layout_;
  int32_t width_;
  Output output_;
  bool hex_;
};

}  // namespace

ColumnEncoderPtr make_string_binary_encoder(std::string_view f, std::string_view extension,
                                            const EncodeOptions& options, std::string* error) {
  const bool hex = options.bytea_hex;
  const bool json = extension == "arrow.json";
  const PgTypeInfo text_type{json ? oid::JSON : oid::TEXT, -1, -1};
  const PgTypeInfo bytea_type{oid::BYTEA, -1, -1};
  if (f == "u") return std::make_unique<StringBinaryEncoder>(text_type, Layout::OFFSETS32, 0, Output::TEXT, hex);
  if (f == "U") return std::make_unique<StringBinaryEncoder>(text_type, Layout::OFFSETS64, 0, Output::TEXT, hex);
  if (f == "vu") return std::make_unique<StringBinaryEncoder>(text_type, Layout::VIEW, 0, Output::TEXT, hex);
  if (f == "z") return std::make_unique<StringBinaryEncoder>(bytea_type, Layout::OFFSETS32, 0, Output::BYTEA, hex);
  if (f == "Z") return std::make_unique<StringBinaryEncoder>(bytea_type, Layout::OFFSETS64, 0, Output::BYTEA, hex);
  if (f == "vz") return std::make_unique<StringBinaryEncoder>(bytea_type, Layout::VIEW, 0, Output::BYTEA, hex);
  if (f.size() > 2 && f[0] == 'w' && f[1] == ':') {
    int32_t width = 0;
    auto r = std::from_chars(f.data() + 2, f.data() + f.size(), width);
    if (r.ec == std::errc() && r.ptr == f.data() + f.size() && width >= 0) {
      if (width == 16 && extension == "arrow.uuid") {
        return std::make_unique<StringBinaryEncoder>(PgTypeInfo{oid::UUID, 16, -1}, Layout::FIXED,
                                                     16, Output::UUID, hex);
      }
      return std::make_unique<StringBinaryEncoder>(bytea_type, Layout::FIXED, width, Output::BYTEA, hex);
    }
  }
  fail(error, "unsupported Arrow string/binary type \"" + std::string(f) + "\"");
  return nullptr;
}

}  // namespace riffq::types::detail
