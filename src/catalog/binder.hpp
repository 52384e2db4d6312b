// binder.hpp — turns libpg_query parse trees into bound plans: PostgreSQL's name resolution
// (search_path, pg_catalog first, aliases, CTEs, LATERAL), typing of expressions with
// PostgreSQL's unknown-literal and implicit-cast rules, and parameter type inference.
#pragma once

#include <pg_query/pg_query.pb-c.h>

#include "exprs.hpp"
#include "functions.hpp"

namespace riffq::catalog {

class Binder {
 public:
  struct RangeEntry {
    std::string alias;
    std::vector<std::string> names;
    std::vector<TypeRef> types;
    std::vector<bool> merged;  // USING/NATURAL duplicate: hidden from * and unqualified names
    std::vector<bool> system;  // xmin, ctid, …: reachable by name, never part of * or a.*
    int offset = 0;
    Oid relid = 0;
    // Subqueries and CTEs: each column's table OID and attnum when it is a table's column
    // (PostgreSQL's markTargetListOrigins copies them up).
    std::vector<std::pair<Oid, int16_t>> origins;
    bool qualified_only = false;  // a join's alias: its columns are reached through the alias only
  };
  struct CteDef {
    std::string name;
    const void* key = nullptr;
    QueryPtr query;  // nullptr while a recursive CTE's own step is bound
    std::vector<std::string> names;
    std::vector<TypeRef> types;
  };
  // A join with USING / NATURAL: * lists its merged columns first (PostgreSQL's order).
  struct UsingJoin {
    size_t first_range = 0;  // the join's first range entry in Level::ranges
    std::vector<std::pair<std::string, ExprPtr>> columns;  // the left side's merged columns
  };
  struct Level {
    Level* parent = nullptr;
    std::vector<RangeEntry> ranges;
    std::vector<UsingJoin> using_joins;
    // Row positions some expression reads, and the table scans of this level: scans copy only
    // those columns (wide joins such as information_schema.columns copy little).
    std::vector<bool> used;
    std::vector<RelationScan*> scans;
    std::vector<SubqueryScan*> subqueries;
    std::vector<FromPtr> comma_items;  // FROM a, b, c: the items, in written order
    void use(int index) {
      if (index < 0) return;
      if (used.size() <= static_cast<size_t>(index)) used.resize(static_cast<size_t>(index) + 1);
      used[static_cast<size_t>(index)] = true;
    }
    int width = 0;
    std::vector<CteDef> ctes;
    SelectQuery* select = nullptr;  // aggregates / windows collect here
    bool in_aggregate = false;
    bool correlated = false;
  };

  Binder(const CatalogSnapshot& cat, const SessionInfo& session, std::vector<TypeRef>& params);

  QueryPtr bind_statement(const PgQuery__Node* stmt);
  QueryPtr bind_query(const PgQuery__Node* n, Level* parent);
  QueryPtr bind_select(const PgQuery__SelectStmt* s, Level* parent);
  ExprPtr bind_expr(const PgQuery__Node* n, Level& lv);
  ExprPtr coerce(ExprPtr e, TypeRef target, bool explicit_cast = false);
  // Gives two operands a common type (unknown literals take the other side's type).
  TypeRef operator_operand(TypeRef typed) const;
  void unify(ExprPtr& a, ExprPtr& b);
  TypeRef common_type(std::vector<ExprPtr>& items);

  const CatalogSnapshot& cat;
  const SessionInfo& session;
  std::vector<TypeRef>& params;

 private:
  // FROM clause (bind_from.cpp)
  FromPtr bind_from_list(PgQuery__Node** items, size_t n, Level& lv);
  FromPtr bind_from_item(const PgQuery__Node* n, Level& lv);
  FromPtr bind_range_var(const PgQuery__RangeVar* rv, Level& lv);
  FromPtr bind_join(const PgQuery__JoinExpr* j, Level& lv);
  FromPtr bind_range_function(const PgQuery__RangeFunction* rf, Level& lv);
  void add_range(Level& lv, FromItem& item, std::string alias, std::vector<std::string> names,
                 std::vector<TypeRef> types, const PgQuery__Alias* a, Oid relid = 0);
  const CteDef* find_cte(Level& lv, std::string_view name);
  void push_down(SelectQuery& q, ExprPtr where);
  // Filters on a view's or subquery's output moved inside it when they can be.
  void push_into_subqueries(Level& lv);
  // The comma-separated FROM items joined in a better order for `where`; nullptr to keep theirs.
  FromPtr reorder_joins(Level& lv, const ExprPtr& where);

  // SELECT pieces (bind_select.cpp)
  void bind_ctes(const PgQuery__WithClause* w, Level& lv,
                 std::vector<std::pair<const void*, QueryPtr>>& out);
  QueryPtr bind_set_op(const PgQuery__SelectStmt* s, Level* parent);
  QueryPtr bind_values(const PgQuery__SelectStmt* s, Level* parent);
  void bind_targets(const PgQuery__SelectStmt* s, SelectQuery& q, Level& lv);
  size_t order_target(const PgQuery__Node* n, SelectQuery& q, Level& lv, bool for_group);
  ExprPtr bind_limit(const PgQuery__Node* n, Level& lv);

  // Expressions (bind_expr.cpp, bind_call.cpp)
  ExprPtr bind_column_ref(const PgQuery__ColumnRef* c, Level& lv);
  ExprPtr bind_whole_row(const std::string& qual, Level& lv);
  ExprPtr fold_case(const std::shared_ptr<CaseExpr>& e);
  ExprPtr bind_true_type(bool id, const PgQuery__FuncCall* f, Level& lv);
  ExprPtr bind_const(const PgQuery__AConst* c);
  ExprPtr bind_a_expr(const PgQuery__AExpr* e, Level& lv);
  ExprPtr bind_operator(const std::string& op, ExprPtr l, ExprPtr r);
  ExprPtr bind_func_call(const PgQuery__FuncCall* f, Level& lv);
  ExprPtr bind_aggregate(const PgQuery__FuncCall* f, const AggregateDef* def, Level& lv);
  ExprPtr bind_window(const PgQuery__FuncCall* f, const std::string& name, Level& lv);
  ExprPtr bind_sublink(const PgQuery__SubLink* s, Level& lv);
  ExprPtr bind_cast(const PgQuery__TypeCast* c, Level& lv);
  ExprPtr bind_sql_value_function(const PgQuery__SQLValueFunction* f);
  ExprPtr bind_indirection(const PgQuery__AIndirection* a, Level& lv);
  ExprPtr call_function(const std::string& name, std::vector<ExprPtr> args, bool allow_srf);
  std::shared_ptr<SetReturningCall> srf_call(const PgQuery__FuncCall* f, Level& lv);
  std::vector<ExprPtr> expand_star(const PgQuery__ColumnRef* c, Level& lv,
                                   std::vector<std::string>& names);

 public:
  std::vector<ExprPtr> bind_args(PgQuery__Node** args, size_t n, Level& lv);
  static std::string func_name(PgQuery__Node** names, size_t n, std::string* schema = nullptr);
  // Column names PostgreSQL gives an unnamed target (FigureColname).
  static std::string figure_colname(const PgQuery__Node* n);

 private:
  std::vector<std::vector<OutputColumn>> record_types_;  // fields of RECORD typmod i
  int next_cte_key_ = 0;
  std::vector<std::unique_ptr<int>> cte_keys_;
};

// Parses `sql` (one statement) and binds it.
// One statement's (or several) parse tree; CatalogError 42601 for a syntax error.
std::shared_ptr<const PgQuery__ParseResult> parse_sql(std::string_view sql);
QueryPtr bind_sql(std::string_view sql, const CatalogSnapshot& cat, const SessionInfo& session,
                  std::vector<TypeRef>& params);

// A view's definition bound for one statement (its parse tree is parsed once and kept).
QueryPtr bind_view_sql(const std::string& sql, const CatalogSnapshot& cat,
                       const SessionInfo& session);

std::string node_string(const PgQuery__Node* n);  // String node value, "" otherwise

}  // namespace riffq::catalog
