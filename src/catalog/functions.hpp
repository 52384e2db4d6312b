// functions.hpp — the scalar, set-returning and aggregate functions of the catalog engine,
// looked up by name; PostgreSQL's built-ins that catalog queries call, with their real results.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "plan.hpp"

namespace riffq::catalog {

struct FuncArgs {
  const std::vector<Value>& values;
  const std::vector<TypeRef>& types;
  const EvalContext& ctx;
  TypeRef result;
  ExecState& st() const { return *ctx.state; }
  const CatalogSnapshot& cat() const { return ctx.state->cat; }
};

struct FunctionDef {
  std::string name;
  std::vector<Oid> args;  // declared argument types (0 = any type, kept as it is)
  int min_args = -1;      // -1: args.size()
  bool variadic = false;  // the last declared type repeats
  Oid result = 0;         // 0: result_fn decides (or the first argument's type)
  bool strict = true;     // a NULL argument gives NULL without calling impl
  bool foldable = true;   // may be evaluated once when its arguments are constants
  std::function<TypeRef(const std::vector<TypeRef>&, const CatalogSnapshot&)> result_fn;
  std::function<Value(const FuncArgs&)> impl;
  // Set-returning functions: rows of `columns` (one column named after the function if empty).
  bool srf = false;
  std::vector<std::pair<std::string, Oid>> columns;
  std::function<std::vector<Row>(const FuncArgs&)> srf_impl;
};

// A scalar function taking `args` and returning `result`, for the built-in tables.
inline FunctionDef fn(std::string name, std::vector<Oid> args, Oid result,
                      std::function<Value(const FuncArgs&)> impl) {
  FunctionDef d;
  d.name = std::move(name);
  d.args = std::move(args);
  d.result = result;
  d.impl = std::move(impl);
  return d;
}

struct AggregateDef {
  std::string name;
  int nargs = 1;  // 0: count(*)
  std::function<TypeRef(const std::vector<TypeRef>&, const CatalogSnapshot&)> result;
  // inputs: one entry per aggregated row (after FILTER / DISTINCT / ORDER BY), the argument values.
  std::function<Value(const std::vector<std::vector<Value>>& inputs, TypeRef result)> finish;
};

// Candidates registered under `name` (lower-case, without schema).
const std::vector<FunctionDef>& functions_named(std::string_view name);
const AggregateDef* aggregate_named(std::string_view name);
bool is_window_only(std::string_view name);  // row_number, rank, lag, …

// Registration (one file per family).
using FunctionTable = std::unordered_map<std::string, std::vector<FunctionDef>>;
void add_catalog_functions(FunctionTable& t);  // format_type, pg_get_*, *_is_visible, …
void add_general_functions(FunctionTable& t);  // text, arrays, math, session functions
void add_server_functions(FunctionTable& t);   // server state: statistics, locks, partitions
void add_format_function(FunctionTable& t);    // format()
// quote_literal's result: '…' with quotes doubled, E'…' (backslashes doubled) when x has any.
std::string quote_literal(const std::string& x);
void add_aggregates(std::unordered_map<std::string, AggregateDef>& t);

}  // namespace riffq::catalog
