// query_args.hpp — Bind parameters → Python values for the handler's `query_args`.
#pragma once

#include <nanobind/nanobind.h>

#include <vector>

#include "riffq/session/handler_types.hpp"

namespace riffq::bindings {

// Decodes each parameter by its type OID and format code. Requires the GIL.
nanobind::list decode_query_args(const std::vector<session::QueryArg>& args);

}  // namespace riffq::bindings
