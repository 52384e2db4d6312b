// plan.hpp — bound statements of the catalog engine: typed expressions and query plans that
// the binder builds from libpg_query parse trees and the executor runs over a snapshot.
//
// Rows: every FROM item of one query level produces rows as wide as the whole level (its own
// columns at its offset, the rest NULL), so joins merge rows and expressions address columns
// by (levels up, index) without knowing how the FROM clause was nested.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "catalog_snapshot.hpp"
#include "riffq/catalog/engine.hpp"

namespace riffq::catalog {

struct ExecState;
struct Query;

struct EvalContext {
  const Row* row = nullptr;
  const EvalContext* outer = nullptr;
  ExecState* state = nullptr;
  const std::vector<Value>* params = nullptr;  // $n (statement parameters or SQL-function args)

  // A context for a row of a query level nested in `outer` (params carried along).
  static EvalContext nested(const Row* row, const EvalContext* outer, ExecState& st);
};

struct Expr {
  TypeRef type;
  virtual ~Expr() = default;
  virtual Value eval(const EvalContext& ctx) const = 0;
  // A literal (or a tree of literals) whose value does not depend on any row.
  virtual bool is_const() const { return false; }
  // Calls f on each direct child expression (for analysis passes).
  virtual void children(const std::function<void(const Expr&)>& f) const { (void)f; }
};
using ExprPtr = std::shared_ptr<Expr>;

struct OutputColumn {
  std::string name;
  TypeRef type;
  Oid table_oid = 0;
  int16_t attnum = 0;
};

// A table of rows shared between consumers (CTE results, view results, cached subqueries).
using RowsPtr = std::shared_ptr<const std::vector<Row>>;

struct ExecState {
  const CatalogSnapshot& cat;
  const SessionInfo& session;
  std::vector<Value> params;
  std::vector<TypeRef> param_types;
  std::unordered_map<const void*, RowsPtr> cache;  // uncorrelated subqueries, CTEs, views
  // Hash indexes over base relations, built on first use: (rows, column) → row positions.
  std::unordered_map<const void*, std::unordered_map<int, std::unordered_multimap<size_t, size_t>>>
      indexes;
  uint64_t work = 0;  // rows produced, for the runaway guard
  std::vector<std::string> search_path;
  // Scans restricted to one key while a join probes the subtree holding them (column, key).
  std::unordered_map<const void*, std::pair<int, Value>> probes;
  void charge(size_t rows);
};

// A query: SELECT, VALUES, set operation; returns rows of its output columns.
struct Query {
  std::vector<OutputColumn> columns;
  bool correlated = false;  // refers to an enclosing query level
  virtual ~Query() = default;
  virtual std::vector<Row> run(ExecState& st, const EvalContext* outer) const = 0;
  // Runs once per statement when uncorrelated; per call otherwise.
  RowsPtr run_cached(ExecState& st, const EvalContext* outer) const;
};
using QueryPtr = std::shared_ptr<Query>;

// ----- FROM items -----
struct FromItem {
  int offset = 0;  // first column of this item in the level's row
  int width = 0;   // number of columns of this item
  virtual ~FromItem() = default;
  // Produces rows as wide as the level (`level_width`), this item's columns filled in.
  // `left` holds the columns of the items to its left (for LATERAL references).
  virtual std::vector<Row> produce(ExecState& st, const Row& left, const EvalContext* outer,
                                   int level_width) const = 0;
};
using FromPtr = std::shared_ptr<FromItem>;

struct RelationScan : FromItem {
  const Relation* rel = nullptr;
  QueryPtr view;                 // views: the bound definition
  std::vector<ExprPtr> filters;  // pushed-down conjuncts (level rows)
  int key_column = -1;           // index look-up: rel column = key_expr (no level-0 refs)
  ExprPtr key_expr;
  bool system_columns = false;  // system_columns() follow the relation's own columns
  // When pruned, only the item's columns in `copy` are read by any expression: the others stay
  // NULL in the level row.
  bool pruned = false;
  std::vector<int> copy;
  std::vector<Row> produce(ExecState& st, const Row& left, const EvalContext* outer,
                           int level_width) const override;
  // The rows whose `column` equals `key` (a hash index built on first use), filters applied.
  std::vector<Row> lookup(ExecState& st, const Row& left, const EvalContext* outer, int level_width,
                          int column, Value key, std::vector<size_t>* positions = nullptr) const;
  // The rows scanned: the relation's, a view's result, or pg_settings as this session sees it.
  RowsPtr rows(ExecState& st) const;
  // Writes the source row at `pos` (and its system columns) into this item's slice of `row`.
  bool fill(ExecState& st, Row& row, const std::vector<Row>& source, size_t pos) const;
};

struct SubqueryScan : FromItem {
  QueryPtr query;
  bool lateral = false;
  std::vector<ExprPtr> filters;
  std::vector<Row> produce(ExecState& st, const Row& left, const EvalContext* outer,
                           int level_width) const override;
};

struct SetReturningCall;
struct FunctionScan : FromItem {
  std::vector<std::shared_ptr<SetReturningCall>> calls;  // ROWS FROM (f(), g()) zips them
  bool ordinality = false;
  std::vector<ExprPtr> filters;
  std::vector<Row> produce(ExecState& st, const Row& left, const EvalContext* outer,
                           int level_width) const override;
};

struct JoinItem : FromItem {
  enum class Kind { INNER, LEFT, RIGHT, FULL };
  Kind kind = Kind::INNER;
  FromPtr left, right;
  bool right_lateral = false;                  // right side depends on the left row
  ExprPtr condition;                           // full condition (nullptr = true)
  std::vector<ExprPtr> left_keys, right_keys;  // equi-join keys for a hash join
  std::vector<ExprPtr> residual;               // conditions beyond the keys
  // Without keys, a residual OR of side-to-side equalities: (left, right) per disjunct, each
  // probing a hash of the right side (bind_from.cpp add_or_keys).
  std::vector<std::pair<ExprPtr, ExprPtr>> or_keys;
  std::vector<ExprPtr> filters;  // pushed-down WHERE conjuncts (inner joins)
  std::vector<Row> produce(ExecState& st, const Row& left, const EvalContext* outer,
                           int level_width) const override;
};

// ----- aggregates and window functions -----
struct AggregateDef;
struct AggCall {
  const AggregateDef* def = nullptr;
  std::vector<ExprPtr> args;
  bool distinct = false;
  bool star = false;
  ExprPtr filter;
  std::vector<ExprPtr> order;  // ORDER BY inside the call
  std::vector<bool> order_desc;
  TypeRef type;
};

struct SortKey {
  ExprPtr expr;
  bool desc = false;
  bool nulls_first = false;
};

struct WindowCall {
  std::string name;  // row_number, rank, dense_rank, lag, lead, first_value, … or an aggregate
  std::shared_ptr<AggCall> agg;  // aggregate used as a window function
  std::vector<ExprPtr> args;
  std::vector<ExprPtr> partition;
  std::vector<SortKey> order;
  bool whole_partition =
      false;  // frame covers the whole partition (no ORDER BY, or UNBOUNDED FOLLOWING)
  TypeRef type;
};

struct SelectQuery : Query {
  std::vector<std::pair<const void*, QueryPtr>> ctes;  // materialised before the body
  FromPtr from;                                        // nullptr: one empty row
  int from_width = 0;
  ExprPtr where;
  bool grouped = false;  // GROUP BY or aggregates present
  std::vector<ExprPtr> group_keys;
  std::vector<std::shared_ptr<AggCall>> aggs;  // values at from_width + i
  ExprPtr having;
  std::vector<std::shared_ptr<WindowCall>> windows;  // values at from_width + aggs + i
  std::vector<ExprPtr> targets;  // visible columns, then hidden sort / DISTINCT ON keys
  size_t visible = 0;
  bool has_srf = false;
  bool distinct = false;
  std::vector<size_t> distinct_on;                    // target indexes
  std::vector<std::tuple<size_t, bool, bool>> order;  // target index, desc, nulls first
  ExprPtr limit, offset;
  std::vector<Row> run(ExecState& st, const EvalContext* outer) const override;
};

struct ValuesQuery : Query {
  std::vector<std::vector<ExprPtr>> rows;
  std::vector<Row> run(ExecState& st, const EvalContext* outer) const override;
};

struct SetOpQuery : Query {
  enum class Op { UNION, INTERSECT, EXCEPT };
  Op op = Op::UNION;
  bool all = false;
  QueryPtr left, right;
  std::vector<std::tuple<size_t, bool, bool>> order;
  ExprPtr limit, offset;
  std::vector<std::pair<const void*, QueryPtr>> ctes;
  bool own_level = false;  // WITH on the set operation: branches are bound one level down
  std::vector<Row> run(ExecState& st, const EvalContext* outer) const override;
};

// WITH RECURSIVE name AS (base UNION [ALL] step): step reads the working table.
struct RecursiveQuery : Query {
  QueryPtr base, step;
  bool all = false;
  const void* working_key = nullptr;  // the ExecState cache slot the step's CTE scan reads
  std::vector<Row> run(ExecState& st, const EvalContext* outer) const override;
};

struct CteScan : FromItem {
  const void* key = nullptr;  // ExecState cache slot
  QueryPtr query;             // materialised on first use (nullptr: the recursive working table)
  std::vector<ExprPtr> filters;
  std::vector<Row> produce(ExecState& st, const Row& left, const EvalContext* outer,
                           int level_width) const override;
};

// The system columns of a table, in the order they follow its own columns in a scan.
const std::vector<std::pair<std::string, Oid>>& system_columns();

// Sorting helpers shared by SELECT and set operations.
void sort_rows(std::vector<Row>& rows, const std::vector<std::tuple<size_t, bool, bool>>& order);
void apply_limit(std::vector<Row>& rows, const ExprPtr& limit, const ExprPtr& offset, ExecState& st,
                 const EvalContext* outer);
bool truthy(const Value& v);
// Throws 0A000 naming what the catalog engine does not support.
[[noreturn]] void unsupported(const std::string& what);

}  // namespace riffq::catalog
