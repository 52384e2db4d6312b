// src/client/copy_decoder.cpp
// Binary COPY stream decoding: PGCOPY signature, flags, header extension, then tuples of
// (int16 field count, field count × (int32 length | -1, bytes)), then the int16 -1 trailer.
#include "riffq/client/copy_decoder.hpp"

#include <algorithm>
#include <cstring>

#include "wire_read.hpp"

namespace riffq::client {

namespace {
constexpr uint8_t kSignature[11] = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', 0xff, '\r', '\n', 0};
constexpr size_t kHeaderFixed = 11 + 4 + 4;  // signature, flags, extension length
constexpr uint32_t kMaxHeaderExtension = 1u << 20;
}  // namespace

DecodeStatus CopyBinaryDecoder::fail(std::string msg) {
  status_ = DecodeStatus::Failed;
  error_ = std::move(msg);
  carry_.clear();
  return status_;
}

DecodeStatus CopyBinaryDecoder::feed(const uint8_t* data, size_t len) {
  if (status_ != DecodeStatus::NeedMoreData) {
    if (status_ == DecodeStatus::Finished && len > 0)
      return fail("received copy data after EOF marker");
    return status_;
  }
  if (carry_.empty()) {
    const size_t used = decode(data, data + len);
    if (status_ != DecodeStatus::Failed) carry_.assign(data + used, data + len);
  } else {
    carry_.insert(carry_.end(), data, data + len);
    const size_t used = decode(carry_.data(), carry_.data() + carry_.size());
    if (status_ != DecodeStatus::Failed)
      carry_.erase(carry_.begin(), carry_.begin() + static_cast<std::ptrdiff_t>(used));
  }
  if (status_ == DecodeStatus::Finished && !carry_.empty())
    return fail("received copy data after EOF marker");
  return status_;
}

int CopyBinaryDecoder::incomplete_column() const {
  if (!header_done_ || carry_.size() < 2) return -1;
  const uint8_t* p = carry_.data() + 2;
  const uint8_t* end = carry_.data() + carry_.size();
  int col = 0;
  while (end - p >= 4) {
    const auto flen = static_cast<int32_t>(read_be32(p));
    p += 4;
    if (flen > 0 && end - p < flen) return col;
    if (flen > 0) p += flen;
    ++col;
  }
  return col;
}

size_t CopyBinaryDecoder::decode(const uint8_t* p, const uint8_t* end) {
  const uint8_t* start = p;
  if (!header_done_) {
    if (static_cast<size_t>(end - p) < kHeaderFixed) {
      // Check what has arrived of the signature so garbage fails early.
      const size_t n = std::min(static_cast<size_t>(end - p), sizeof kSignature);
      if (std::memcmp(p, kSignature, n) != 0) fail("COPY file signature not recognized");
      return 0;
    }
    if (std::memcmp(p, kSignature, sizeof kSignature) != 0) {
      fail("COPY file signature not recognized");
      return 0;
    }
    const uint32_t flags = read_be32(p + 11);
    if (flags & (1u << 16)) {
      fail("invalid COPY file header (WITH OIDS)");
      return 0;
    }
    if (flags & 0xfffe0000u) {  // bits 17-31 are critical: unknown ones must be refused
      fail("unrecognized critical flags in COPY file header");
      return 0;
    }
    const uint32_t ext = read_be32(p + 15);
    if (ext > kMaxHeaderExtension) {
      fail("invalid COPY file header (wrong length)");
      return 0;
    }
    if (static_cast<size_t>(end - p) < kHeaderFixed + ext) return 0;
    p += kHeaderFixed + ext;
    header_done_ = true;
  }
  std::string err;
  while (end - p >= 2) {
    const auto nfields = static_cast<int16_t>(read_be16(p));
    if (nfields == -1) {
      status_ = DecodeStatus::Finished;
      return static_cast<size_t>(p + 2 - start);
    }
    if (columns_->empty() && infer_ && nfields > 0) infer_(static_cast<size_t>(nfields));
    const size_t ncols = columns_->size();
    if (nfields < 0 || static_cast<size_t>(nfields) != ncols) {
      fail("row field count is " + std::to_string(nfields) + ", expected " + std::to_string(ncols));
      return 0;
    }
    // Check that the whole tuple has arrived before decoding any of it.
    const uint8_t* q = p + 2;
    bool complete = true;
    for (size_t i = 0; i < ncols; ++i) {
      if (end - q < 4) {
        complete = false;
        break;
      }
      const auto flen = static_cast<int32_t>(read_be32(q));
      q += 4;
      if (flen < -1) {
        fail("invalid field size");
        return 0;
      }
      if (flen > 0) {
        if (end - q < flen) {
          complete = false;
          break;
        }
        q += flen;
      }
    }
    if (!complete) break;
    q = p + 2;
    for (size_t i = 0; i < ncols; ++i) {
      const auto flen = static_cast<int32_t>(read_be32(q));
      q += 4;
      if (!(*columns_)[i].append(q, flen, &err)) {
        fail("column " + std::to_string(i + 1) + ": " + err);
        error_column_ = static_cast<int>(i);
        error_length_ = flen;
        return 0;
      }
      if (flen > 0) q += flen;
    }
    ++rows_;
    p = q;
  }
  return static_cast<size_t>(p - start);
}

}  // namespace riffq::client
