// parameter_casts.hpp — `$n::type` casts found in a libpg_query protobuf parse tree.
#pragma once

#include <vector>

#include "riffq/sql/statement.hpp"

namespace riffq::sql::detail {

// `root` is any PgQuery__* protobuf-c message (a statement node).
std::vector<ParamCast> find_parameter_casts(const void* root);

}  // namespace riffq::sql::detail
