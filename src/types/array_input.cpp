// src/types/array_input.cpp — array_in (text) and array_recv (binary) parsing, without element
// conversion (see array_input.hpp).
#include "riffq/types/array_input.hpp"

#include <cctype>

namespace riffq::types {
namespace {

constexpr int MAX_DIMS = 6;  // PostgreSQL's MAXDIM

bool fail(std::string* error, std::string msg) {
  if (error) *error = std::move(msg);
  return false;
}

bool is_space(char c) {
  return std::isspace(static_cast<unsigned char>(c)) != 0;
}

// A recursive-descent reader of one brace level; records the length of each dimension and
// checks that sub-arrays are rectangular.
class TextArrayReader {
 public:
  TextArrayReader(std::string_view s, char delim, ArrayInput& out, std::string* error)
      : s_(s), delim_(delim), out_(out), error_(error) {}

  bool read() {
    skip_spaces();
    if (pos_ < s_.size() && s_[pos_] == '[') {  // "[1:3]={…}": bounds are checked, then dropped
      while (pos_ < s_.size() && s_[pos_] != '=') ++pos_;
      if (pos_ == s_.size()) return malformed("missing \"=\" after array dimensions");
      ++pos_;
      skip_spaces();
    }
    if (pos_ >= s_.size() || s_[pos_] != '{')
      return malformed("Array value must start with \"{\" or dimension information.");
    if (!level(0)) return false;
    skip_spaces();
    if (pos_ != s_.size()) return malformed("Junk after closing right brace.");
    if (out_.elements.empty()) out_.dims.clear();
    return true;
  }

 private:
  bool level(size_t depth) {
    if (depth >= MAX_DIMS)
      return malformed("number of array dimensions exceeds the maximum allowed (6)");
    ++pos_;  // '{'
    int32_t count = 0;
    skip_spaces();
    if (pos_ < s_.size() && s_[pos_] == '}') {
      ++pos_;
      return record(depth, 0);
    }
    bool nested = pos_ < s_.size() && s_[pos_] == '{';
    while (true) {
      skip_spaces();
      if (pos_ >= s_.size()) return malformed("Unexpected end of input.");
      if (nested) {
        if (s_[pos_] != '{') return malformed("Unexpected array element.");
        if (!level(depth + 1)) return false;
      } else {
        if (s_[pos_] == '{') return malformed("Unexpected \"{\" character.");
        if (!element()) return false;
      }
      ++count;
      skip_spaces();
      if (pos_ >= s_.size()) return malformed("Unexpected end of input.");
      if (s_[pos_] == delim_) {
        ++pos_;
        continue;
      }
      if (s_[pos_] == '}') {
        ++pos_;
        break;
      }
      return malformed("Unexpected array element.");
    }
    if (nested && out_.dims.size() <= depth + 1)
      return malformed("Multidimensional arrays must have sub-arrays with matching dimensions.");
    if (!nested && out_.dims.size() > depth + 1)
      return malformed("Multidimensional arrays must have sub-arrays with matching dimensions.");
    return record(depth, count);
  }

  bool record(size_t depth, int32_t count) {
    if (out_.dims.size() <= depth) out_.dims.resize(depth + 1, -1);  // inner levels end first
    if (out_.dims[depth] == -1) {
      out_.dims[depth] = count;
      return true;
    }
    if (out_.dims[depth] != count)
      return malformed("Multidimensional arrays must have sub-arrays with matching dimensions.");
    return true;
  }

  bool element() {
    std::string v;
    bool quoted = false;
    bool any = false;
    size_t trailing_space = 0;  // unquoted trailing whitespace is not part of the value
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (c == '"') {
        quoted = true;
        any = true;
        ++pos_;
        while (true) {
          if (pos_ >= s_.size()) return malformed("Unexpected end of input.");
          char q = s_[pos_++];
          if (q == '"') break;
          if (q == '\\') {
            if (pos_ >= s_.size()) return malformed("Unexpected end of input.");
            q = s_[pos_++];
          }
          v.push_back(q);
        }
        trailing_space = 0;
        continue;
      }
      if (c == delim_ || c == '}') break;
      if (c == '{') return malformed("Unexpected \"{\" character.");
      if (c == '\\') {
        if (pos_ + 1 >= s_.size()) return malformed("Unexpected end of input.");
        v.push_back(s_[pos_ + 1]);
        pos_ += 2;
        any = true;
        trailing_space = 0;
        continue;
      }
      if (is_space(c)) {
        if (any) {
          v.push_back(c);
          ++trailing_space;
        }
        ++pos_;
        continue;
      }
      v.push_back(c);
      any = true;
      trailing_space = 0;
      ++pos_;
    }
    if (!any)
      return malformed("Unexpected \"" + std::string(1, pos_ < s_.size() ? s_[pos_] : ' ') +
                       "\" character.");
    v.resize(v.size() - trailing_space);
    if (!quoted && v.size() == 4 && (v[0] | 0x20) == 'n' && (v[1] | 0x20) == 'u' &&
        (v[2] | 0x20) == 'l' && (v[3] | 0x20) == 'l') {
      out_.elements.emplace_back(std::nullopt);
    } else {
      out_.elements.emplace_back(std::move(v));
    }
    return true;
  }

  void skip_spaces() {
    while (pos_ < s_.size() && is_space(s_[pos_])) ++pos_;
  }

  bool malformed(const std::string& detail) {
    return fail(error_, "malformed array literal: \"" + std::string(s_) + "\" (" + detail + ")");
  }

  std::string_view s_;
  char delim_;
  size_t pos_ = 0;
  ArrayInput& out_;
  std::string* error_;
};

int32_t load_i32(std::string_view s, size_t at) {
  uint32_t v = 0;
  for (size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(s[at + i]);
  return static_cast<int32_t>(v);
}

}  // namespace

bool parse_array_text(std::string_view text, char delimiter, ArrayInput& out, std::string* error) {
  out = ArrayInput{};
  return TextArrayReader(text, delimiter, out, error).read();
}

bool parse_array_binary(std::string_view b, ArrayInput& out, std::string* error) {
  out = ArrayInput{};
  if (b.size() < 12) return fail(error, "insufficient data left in message");
  const int32_t ndim = load_i32(b, 0);
  const int32_t flags = load_i32(b, 4);
  out.element_oid = static_cast<uint32_t>(load_i32(b, 8));
  if (ndim < 0 || ndim > MAX_DIMS)
    return fail(error, "invalid number of dimensions: " + std::to_string(ndim));
  if (flags != 0 && flags != 1) return fail(error, "invalid array flags");
  size_t at = 12;
  int64_t total = ndim > 0 ? 1 : 0;
  for (int32_t d = 0; d < ndim; ++d) {
    if (b.size() < at + 8) return fail(error, "insufficient data left in message");
    int32_t len = load_i32(b, at);
    if (len < 0) return fail(error, "array size exceeds the maximum allowed");
    out.dims.push_back(len);
    total *= len;
    if (total > (int64_t{1} << 27)) return fail(error, "array size exceeds the maximum allowed");
    at += 8;  // the lower bound is not kept: Python lists start at 0
  }
  out.elements.reserve(static_cast<size_t>(total));
  for (int64_t i = 0; i < total; ++i) {
    if (b.size() < at + 4) return fail(error, "insufficient data left in message");
    int32_t len = load_i32(b, at);
    at += 4;
    if (len == -1) {
      out.elements.emplace_back(std::nullopt);
      continue;
    }
    if (len < 0 || b.size() - at < static_cast<size_t>(len))
      return fail(error, "insufficient data left in message");
    out.elements.emplace_back(std::string(b.substr(at, static_cast<size_t>(len))));
    at += static_cast<size_t>(len);
  }
  if (at != b.size()) return fail(error, "incorrect binary data format in array");
  if (total == 0) out.dims.clear();
  return true;
}

}  // namespace riffq::types
