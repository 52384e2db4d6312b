// parameter_casts.hpp — parameter types found in a libpg_query protobuf parse tree: explicit
// `$n::type` casts first, then types inferred from context (see parameter_casts.cpp).
#pragma once

#include <vector>

#include "riffq/sql/statement.hpp"

namespace riffq::sql::detail {

// `root` is any PgQuery__* protobuf-c message (a statement node). For each parameter the first
// entry counts: explicit casts come before inferred types.
std::vector<ParamCast> find_parameter_casts(const void* root);

}  // namespace riffq::sql::detail
