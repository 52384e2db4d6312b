// copy_in_reader.hpp — riffq.CopyInReader, the reader a copy-in hook pulls the upload from.
#pragma once

#include <nanobind/nanobind.h>

#include <memory>
#include <string>
#include <vector>

#include "riffq/session/copy_in.hpp"

namespace riffq::bindings {

namespace nb = nanobind;

class CopyInReader {
 public:
  explicit CopyInReader(std::shared_ptr<session::CopyInChannel> channel)
      : channel_(std::move(channel)) {}
  nb::capsule arrow_c_stream(nb::handle requested_schema);
  std::vector<std::string> columns() const;
  const std::shared_ptr<session::CopyInChannel>& channel() const { return channel_; }

 private:
  std::shared_ptr<session::CopyInChannel> channel_;
  bool taken_ = false;
};

void bind_copy_in_reader(nb::module_& m);

}  // namespace riffq::bindings
