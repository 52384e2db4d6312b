// arrow_import.hpp — turning what a Python handler passes to its callback into an Arrow C
// stream (PyCapsule interface, __arrow_c_stream__, IPC bytes, the tuple fallback).
#pragma once

#include <nanobind/nanobind.h>

#include <string>

#include "riffq/types/arrow_c_abi.hpp"

namespace riffq::bindings {

// Takes ownership of the ArrowArrayStream behind `result`. Returns false and sets *error
// (a message for the client) when the object is not usable. Requires the GIL.
bool import_arrow_stream(nanobind::handle result, types::OwnedStream& out, std::string* error);

}  // namespace riffq::bindings
