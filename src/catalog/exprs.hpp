// exprs.hpp — the expression nodes of the catalog engine (bound, typed, evaluable).
#pragma once

#include <regex>

#include "plan.hpp"

namespace riffq::catalog {

struct ConstExpr : Expr {
  Value value;
  ConstExpr(Value v, TypeRef t) : value(std::move(v)) { type = t; }
  Value eval(const EvalContext&) const override { return value; }
  bool is_const() const override { return true; }
};

struct ColumnExpr : Expr {
  int levels_up = 0;
  int index = 0;
  ColumnExpr(int up, int idx, TypeRef t) : levels_up(up), index(idx) { type = t; }
  Value eval(const EvalContext& ctx) const override;
};

struct ParamExpr : Expr {
  int number = 0;  // 1-based
  explicit ParamExpr(int n, TypeRef t) : number(n) { type = t; }
  Value eval(const EvalContext& ctx) const override;
};

struct CastExpr : Expr {
  ExprPtr arg;
  bool explicit_cast = false;
  CastExpr(ExprPtr a, TypeRef t, bool expl) : arg(std::move(a)), explicit_cast(expl) { type = t; }
  Value eval(const EvalContext& ctx) const override;
  bool is_const() const override { return arg->is_const(); }
  void children(const std::function<void(const Expr&)>& f) const override { f(*arg); }
};

enum class BoolOp { AND, OR, NOT };
struct BoolExpr : Expr {
  BoolOp op;
  std::vector<ExprPtr> args;
  BoolExpr(BoolOp o, std::vector<ExprPtr> a);
  Value eval(const EvalContext& ctx) const override;
  void children(const std::function<void(const Expr&)>& f) const override {
    for (auto& a : args) f(*a);
  }
};

enum class CmpOp { EQ, NE, LT, LE, GT, GE };
bool cmp_holds(CmpOp op, int c);
std::optional<CmpOp> cmp_op_from(std::string_view name);

struct CompareExpr : Expr {
  CmpOp op;
  ExprPtr left, right;
  CompareExpr(CmpOp o, ExprPtr l, ExprPtr r);
  Value eval(const EvalContext& ctx) const override;
  bool is_const() const override { return left->is_const() && right->is_const(); }
  void children(const std::function<void(const Expr&)>& f) const override {
    f(*left);
    f(*right);
  }
};

// IS [NOT] DISTINCT FROM
struct DistinctExpr : Expr {
  bool negate = false;  // IS NOT DISTINCT FROM
  ExprPtr left, right;
  DistinctExpr(bool neg, ExprPtr l, ExprPtr r);
  Value eval(const EvalContext& ctx) const override;
  void children(const std::function<void(const Expr&)>& f) const override {
    f(*left);
    f(*right);
  }
};

// x op ANY/ALL (array)
struct ArrayCompareExpr : Expr {
  CmpOp op;
  bool all = false;
  ExprPtr left, array;
  ArrayCompareExpr(CmpOp o, bool a, ExprPtr l, ExprPtr arr);
  Value eval(const EvalContext& ctx) const override;
  void children(const std::function<void(const Expr&)>& f) const override {
    f(*left);
    f(*array);
  }
};

// x [NOT] IN (list)
struct InListExpr : Expr {
  bool negate = false;
  ExprPtr left;
  std::vector<ExprPtr> list;
  InListExpr(bool neg, ExprPtr l, std::vector<ExprPtr> items);
  Value eval(const EvalContext& ctx) const override;
  void children(const std::function<void(const Expr&)>& f) const override {
    f(*left);
    for (auto& a : list) f(*a);
  }
};

struct NullTestExpr : Expr {
  bool is_not = false;
  ExprPtr arg;
  NullTestExpr(bool n, ExprPtr a);
  Value eval(const EvalContext& ctx) const override;
  void children(const std::function<void(const Expr&)>& f) const override { f(*arg); }
};

// IS [NOT] TRUE / FALSE / UNKNOWN
struct BoolTestExpr : Expr {
  int kind = 0;  // PgQuery BoolTestType
  ExprPtr arg;
  BoolTestExpr(int k, ExprPtr a);
  Value eval(const EvalContext& ctx) const override;
  void children(const std::function<void(const Expr&)>& f) const override { f(*arg); }
};

enum class MatchKind { LIKE, ILIKE, REGEX, IREGEX, SIMILAR };
struct MatchExpr : Expr {
  MatchKind kind;
  bool negate = false;
  ExprPtr left, pattern;
  ExprPtr escape;
  mutable std::string cached_pattern;  // the last compiled pattern (patterns are mostly constants)
  mutable std::shared_ptr<std::regex> cached;
  MatchExpr(MatchKind k, bool neg, ExprPtr l, ExprPtr p);
  Value eval(const EvalContext& ctx) const override;
  void children(const std::function<void(const Expr&)>& f) const override {
    f(*left);
    f(*pattern);
  }
};
bool like_match(std::string_view s, std::string_view p, bool icase, char escape = '\\');

// + - * / % on numbers, || on text and arrays, unary minus, array containment operators.
struct ArithExpr : Expr {
  std::string op;
  ExprPtr left, right;  // left is nullptr for prefix operators
  ArithExpr(std::string o, ExprPtr l, ExprPtr r, TypeRef t);
  Value eval(const EvalContext& ctx) const override;
  void children(const std::function<void(const Expr&)>& f) const override {
    if (left) f(*left);
    f(*right);
  }
};

struct CaseExpr : Expr {
  ExprPtr arg;  // CASE arg WHEN … (nullptr for searched CASE)
  std::vector<std::pair<ExprPtr, ExprPtr>> whens;
  ExprPtr otherwise;
  Value eval(const EvalContext& ctx) const override;
  void children(const std::function<void(const Expr&)>& f) const override;
};

struct CoalesceExpr : Expr {
  enum class Kind { COALESCE, GREATEST, LEAST, NULLIF } kind = Kind::COALESCE;
  std::vector<ExprPtr> args;
  Value eval(const EvalContext& ctx) const override;
  void children(const std::function<void(const Expr&)>& f) const override {
    for (auto& a : args) f(*a);
  }
};

struct ArrayExpr : Expr {
  std::vector<ExprPtr> items;
  Value eval(const EvalContext& ctx) const override;
  void children(const std::function<void(const Expr&)>& f) const override {
    for (auto& a : items) f(*a);
  }
};

struct SubscriptExpr : Expr {
  ExprPtr array;
  ExprPtr lower, upper;  // upper set for slices
  bool slice = false;
  Value eval(const EvalContext& ctx) const override;
  void children(const std::function<void(const Expr&)>& f) const override {
    f(*array);
    if (lower) f(*lower);
    if (upper) f(*upper);
  }
};

// A field of a composite value ((f(x)).name): composites are arrays of their fields.
struct FieldSelectExpr : Expr {
  ExprPtr arg;
  size_t field = 0;
  Value eval(const EvalContext& ctx) const override;
  void children(const std::function<void(const Expr&)>& f) const override { f(*arg); }
};

struct SubLinkExpr : Expr {
  enum class Kind { EXISTS, SCALAR, ANY, ALL, ARRAY } kind = Kind::SCALAR;
  QueryPtr query;
  ExprPtr test;  // ANY / ALL: the left operand
  CmpOp op = CmpOp::EQ;
  size_t row_width = 0;  // (a, b) IN (SELECT x, y …): the test is a row of this many fields
  Value eval(const EvalContext& ctx) const override;
  void children(const std::function<void(const Expr&)>& f) const override {
    if (test) f(*test);
  }
};

// A value computed by the aggregation / window stage, read from the row.
struct SlotExpr : Expr {
  const SelectQuery* query = nullptr;
  size_t slot = 0;
  bool window = false;
  Value eval(const EvalContext& ctx) const override;
};

struct FunctionDef;
struct FuncExpr : Expr {
  const FunctionDef* def = nullptr;
  std::vector<ExprPtr> args;
  Value eval(const EvalContext& ctx) const override;
  bool is_const() const override;
  void children(const std::function<void(const Expr&)>& f) const override {
    for (auto& a : args) f(*a);
  }
};

// A set-returning function call; in a select list it yields its values as an array that the
// projection expands, in FROM its rows.
struct SetReturningCall {
  const FunctionDef* def = nullptr;
  std::vector<ExprPtr> args;
  std::vector<OutputColumn> columns;
  std::vector<Row> rows(const EvalContext& ctx) const;
};
struct SrfExpr : Expr {
  std::shared_ptr<SetReturningCall> call;
  int field = -1;  // a field of a multi-column result ((f(x)).name)
  Value eval(const EvalContext& ctx) const override;
  void children(const std::function<void(const Expr&)>& f) const override {
    for (auto& a : call->args) f(*a);
  }
};

// Coerces a value of storage kind `from` to `to` (casts): used by CastExpr and unknown literals.
Value cast_value(const Value& v, TypeRef from, TypeRef to, const CatalogSnapshot& cat,
                 const std::vector<std::string>& path, bool explicit_cast);

}  // namespace riffq::catalog
