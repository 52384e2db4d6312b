// exprs.cpp — evaluation of the catalog engine's expressions with SQL's three-valued logic.
#include "exprs.hpp"

#include <cmath>

#include "functions.hpp"
#include "type_oids.hpp"

namespace riffq::catalog {

bool truthy(const Value& v) {
  return v.is_bool() && v.as_bool();
}

EvalContext EvalContext::nested(const Row* row, const EvalContext* outer, ExecState& st) {
  EvalContext c;
  c.row = row;
  c.outer = outer;
  c.state = &st;
  c.params = outer ? outer->params : &st.params;
  return c;
}

Value ColumnExpr::eval(const EvalContext& ctx) const {
  const EvalContext* c = &ctx;
  for (int i = 0; i < levels_up && c; ++i) c = c->outer;
  if (c == nullptr || c->row == nullptr || static_cast<size_t>(index) >= c->row->size())
    return Value::null();
  return (*c->row)[static_cast<size_t>(index)];
}

Value ParamExpr::eval(const EvalContext& ctx) const {
  const std::vector<Value>* p = ctx.params ? ctx.params : &ctx.state->params;
  size_t i = static_cast<size_t>(number - 1);
  return i < p->size() ? (*p)[i] : Value::null();
}

Value CastExpr::eval(const EvalContext& ctx) const {
  Value v = arg->eval(ctx);
  if (v.is_null()) return v;
  return cast_value(v, arg->type, type, ctx.state->cat, ctx.state->search_path, explicit_cast);
}

Value cast_value(const Value& v, TypeRef from, TypeRef to, const CatalogSnapshot& cat,
                 const std::vector<std::string>& path, bool explicit_cast) {
  if (v.is_null()) return v;
  TypeRef tb = cat.types.base(to);
  Storage ts = cat.types.storage(tb.oid);
  Storage fs = cat.types.storage(cat.types.base(from).oid);
  if (from.oid == toid::UNKNOWN && v.is_text()) return input_text(v.as_text(), to, cat);
  switch (ts) {
    case Storage::TEXT: {
      std::string s = v.is_text() ? v.text_string() : output_text(v, from, cat, path);
      if (tb.oid == toid::CHAR) return Value::text(s.substr(0, s.empty() ? 0 : 1));
      if (tb.oid == toid::NAME && s.size() > 63) s.resize(63);
      if ((tb.oid == toid::VARCHAR || tb.oid == toid::BPCHAR) && tb.typmod > 4 && explicit_cast &&
          s.size() > static_cast<size_t>(tb.typmod - 4))
        s.resize(static_cast<size_t>(tb.typmod - 4));
      return Value::text(std::move(s));
    }
    case Storage::INT:
      if (v.is_int()) {
        if (tb.oid == toid::INT2 && (v.as_int() < -32768 || v.as_int() > 32767))
          throw CatalogError(sqlstate::NUMERIC_VALUE_OUT_OF_RANGE, "smallint out of range");
        if (tb.oid == toid::INT4 && (v.as_int() < INT32_MIN || v.as_int() > INT32_MAX))
          throw CatalogError(sqlstate::NUMERIC_VALUE_OUT_OF_RANGE, "integer out of range");
        return v;
      }
      if (v.is_float()) return Value::integer(static_cast<int64_t>(std::llround(v.as_float())));
      if (v.is_bool()) return Value::integer(v.as_bool() ? 1 : 0);
      if (v.is_text()) return input_text(v.as_text(), to, cat);
      break;
    case Storage::FLOAT:
      if (v.is_int() || v.is_float()) return Value::floating(v.as_float());
      if (v.is_text()) return input_text(v.as_text(), to, cat);
      break;
    case Storage::BOOL:
      if (v.is_bool()) return v;
      if (v.is_int()) return Value::boolean(v.as_int() != 0);
      if (v.is_text()) return input_text(v.as_text(), to, cat);
      break;
    case Storage::ARRAY: {
      if (v.is_text()) return input_text(v.as_text(), to, cat);
      if (!v.is_array()) break;
      Oid fe = cat.types.element(from.oid), te = cat.types.element(tb.oid);
      ArrayItems out;
      for (const Value& e : v.as_array())
        out.push_back(
            cast_value(e, TypeRef{fe, -1}, TypeRef{te, tb.typmod}, cat, path, explicit_cast));
      // int2vector / oidvector subscripts start at 0, and the array cast keeps that bound.
      const bool vector = from.oid == toid::INT2VECTOR || from.oid == toid::OIDVECTOR;
      out.lower = vector ? 0 : v.as_array().lower;
      if (tb.oid == toid::INT2VECTOR || tb.oid == toid::OIDVECTOR || out.empty()) out.lower = 1;
      return Value::array(std::move(out));
    }
  }
  (void)fs;
  throw CatalogError("42846", "cannot cast type " + format_type(cat, from.oid, -1) + " to " +
                                  format_type(cat, to.oid, -1));
}

BoolExpr::BoolExpr(BoolOp o, std::vector<ExprPtr> a) : op(o), args(std::move(a)) {
  type = TypeRef{toid::BOOL, -1};
}

Value BoolExpr::eval(const EvalContext& ctx) const {
  if (op == BoolOp::NOT) {
    Value v = args[0]->eval(ctx);
    return v.is_null() ? v : Value::boolean(!v.as_bool());
  }
  bool saw_null = false;
  for (const auto& a : args) {
    Value v = a->eval(ctx);
    if (v.is_null()) {
      saw_null = true;
      continue;
    }
    if (op == BoolOp::AND && !v.as_bool()) return Value::boolean(false);
    if (op == BoolOp::OR && v.as_bool()) return Value::boolean(true);
  }
  if (saw_null) return Value::null();
  return Value::boolean(op == BoolOp::AND);
}

bool cmp_holds(CmpOp op, int c) {
  switch (op) {
    case CmpOp::EQ:
      return c == 0;
    case CmpOp::NE:
      return c != 0;
    case CmpOp::LT:
      return c < 0;
    case CmpOp::LE:
      return c <= 0;
    case CmpOp::GT:
      return c > 0;
    case CmpOp::GE:
      return c >= 0;
  }
  return false;
}

std::optional<CmpOp> cmp_op_from(std::string_view n) {
  if (n == "=") return CmpOp::EQ;
  if (n == "<>" || n == "!=") return CmpOp::NE;
  if (n == "<") return CmpOp::LT;
  if (n == "<=") return CmpOp::LE;
  if (n == ">") return CmpOp::GT;
  if (n == ">=") return CmpOp::GE;
  return std::nullopt;
}

CompareExpr::CompareExpr(CmpOp o, ExprPtr l, ExprPtr r)
    : op(o), left(std::move(l)), right(std::move(r)) {
  type = TypeRef{toid::BOOL, -1};
}

Value CompareExpr::eval(const EvalContext& ctx) const {
  Value a = left->eval(ctx);
  if (a.is_null()) return a;
  Value b = right->eval(ctx);
  if (b.is_null()) return b;
  return Value::boolean(cmp_holds(op, compare_values(a, b)));
}

DistinctExpr::DistinctExpr(bool neg, ExprPtr l, ExprPtr r)
    : negate(neg), left(std::move(l)), right(std::move(r)) {
  type = TypeRef{toid::BOOL, -1};
}

Value DistinctExpr::eval(const EvalContext& ctx) const {
  bool same = values_equal(left->eval(ctx), right->eval(ctx));
  return Value::boolean(negate ? same : !same);
}

ArrayCompareExpr::ArrayCompareExpr(CmpOp o, bool a, ExprPtr l, ExprPtr arr)
    : op(o), all(a), left(std::move(l)), array(std::move(arr)) {
  type = TypeRef{toid::BOOL, -1};
}

Value ArrayCompareExpr::eval(const EvalContext& ctx) const {
  Value arr = array->eval(ctx);
  if (arr.is_null()) return arr;
  Value x = left->eval(ctx);
  const ArrayItems& items = arr.as_array();
  if (items.empty()) return Value::boolean(all);
  if (x.is_null()) return Value::null();
  bool saw_null = false;
  for (const Value& e : items) {
    if (e.is_null()) {
      saw_null = true;
      continue;
    }
    bool holds = cmp_holds(op, compare_values(x, e));
    if (!all && holds) return Value::boolean(true);
    if (all && !holds) return Value::boolean(false);
  }
  if (saw_null) return Value::null();
  return Value::boolean(all);
}

InListExpr::InListExpr(bool neg, ExprPtr l, std::vector<ExprPtr> items)
    : negate(neg), left(std::move(l)), list(std::move(items)) {
  type = TypeRef{toid::BOOL, -1};
}

Value InListExpr::eval(const EvalContext& ctx) const {
  Value x = left->eval(ctx);
  if (x.is_null()) return x;
  bool saw_null = false;
  for (const auto& e : list) {
    Value v = e->eval(ctx);
    if (v.is_null()) {
      saw_null = true;
      continue;
    }
    if (compare_values(x, v) == 0) return Value::boolean(!negate);
  }
  if (saw_null) return Value::null();
  return Value::boolean(negate);
}

NullTestExpr::NullTestExpr(bool n, ExprPtr a) : is_not(n), arg(std::move(a)) {
  type = TypeRef{toid::BOOL, -1};
}

Value NullTestExpr::eval(const EvalContext& ctx) const {
  bool null = arg->eval(ctx).is_null();
  return Value::boolean(is_not ? !null : null);
}

BoolTestExpr::BoolTestExpr(int k, ExprPtr a) : kind(k), arg(std::move(a)) {
  type = TypeRef{toid::BOOL, -1};
}

Value BoolTestExpr::eval(const EvalContext& ctx) const {
  Value v = arg->eval(ctx);
  // PgQuery BoolTestType: 1 IS_TRUE, 2 IS_NOT_TRUE, 3 IS_FALSE, 4 IS_NOT_FALSE, 5 IS_UNKNOWN, 6
  // IS_NOT_UNKNOWN
  bool t = v.is_bool() && v.as_bool(), f = v.is_bool() && !v.as_bool(), u = v.is_null();
  switch (kind) {
    case 1:
      return Value::boolean(t);
    case 2:
      return Value::boolean(!t);
    case 3:
      return Value::boolean(f);
    case 4:
      return Value::boolean(!f);
    case 5:
      return Value::boolean(u);
    default:
      return Value::boolean(!u);
  }
}

Value CaseExpr::eval(const EvalContext& ctx) const {
  for (const auto& [cond, result] : whens)
    if (truthy(cond->eval(ctx))) return result->eval(ctx);
  return otherwise ? otherwise->eval(ctx) : Value::null();
}

void CaseExpr::children(const std::function<void(const Expr&)>& f) const {
  if (arg) f(*arg);
  for (auto& [c, r] : whens) {
    f(*c);
    f(*r);
  }
  if (otherwise) f(*otherwise);
}

Value CoalesceExpr::eval(const EvalContext& ctx) const {
  switch (kind) {
    case Kind::COALESCE:
      for (const auto& a : args) {
        Value v = a->eval(ctx);
        if (!v.is_null()) return v;
      }
      return Value::null();
    case Kind::NULLIF: {
      Value a = args[0]->eval(ctx);
      Value b = args[1]->eval(ctx);
      if (!a.is_null() && !b.is_null() && compare_values(a, b) == 0) return Value::null();
      return a;
    }
    default: {
      Value best;
      for (const auto& a : args) {
        Value v = a->eval(ctx);
        if (v.is_null()) continue;
        int c = best.is_null() ? 1 : compare_values(v, best);
        if (best.is_null() || (kind == Kind::GREATEST ? c > 0 : c < 0)) best = v;
      }
      return best;
    }
  }
}

Value ArrayExpr::eval(const EvalContext& ctx) const {
  ArrayItems out;
  for (const auto& e : items) out.push_back(e->eval(ctx));
  return Value::array(std::move(out));
}

Value SubscriptExpr::eval(const EvalContext& ctx) const {
  Value a = array->eval(ctx);
  if (a.is_null()) return a;
  // int2vector and oidvector are zero-based, every other array one-based.
  const ArrayItems& items = a.as_array();
  int64_t base =
      (array->type.oid == toid::INT2VECTOR || array->type.oid == toid::OIDVECTOR) ? 0 : items.lower;
  int64_t n = static_cast<int64_t>(items.size());
  if (!slice) {
    Value i = lower->eval(ctx);
    if (i.is_null()) return i;
    int64_t k = i.as_int() - base;
    if (k < 0 || k >= n) return Value::null();
    return items[static_cast<size_t>(k)];
  }
  int64_t lo = base, hi = base + n - 1;
  if (lower) {
    Value v = lower->eval(ctx);
    if (v.is_null()) return v;
    lo = std::max(lo, v.as_int());
  }
  if (upper) {
    Value v = upper->eval(ctx);
    if (v.is_null()) return v;
    hi = std::min(hi, v.as_int());
  }
  ArrayItems out;
  for (int64_t k = lo; k <= hi; ++k) out.push_back(items[static_cast<size_t>(k - base)]);
  return Value::array(std::move(out));
}

Value FieldSelectExpr::eval(const EvalContext& ctx) const {
  Value v = arg->eval(ctx);
  if (v.is_null() || !v.is_array() || field >= v.as_array().size()) return Value::null();
  return v.as_array()[field];
}

Value SlotExpr::eval(const EvalContext& ctx) const {
  size_t idx = static_cast<size_t>(query->from_width) + (window ? query->aggs.size() : 0) + slot;
  if (ctx.row == nullptr || idx >= ctx.row->size()) return Value::null();
  return (*ctx.row)[idx];
}

Value SubLinkExpr::eval(const EvalContext& ctx) const {
  ExecState& st = *ctx.state;
  RowsPtr rows = query->run_cached(st, &ctx);
  switch (kind) {
    case Kind::EXISTS:
      return Value::boolean(!rows->empty());
    case Kind::SCALAR:
      if (rows->empty()) return Value::null();
      if (rows->size() > 1)
        throw CatalogError("21000",
                           "more than one row returned by a subquery used as an expression");
      return (*rows)[0][0];
    case Kind::ARRAY: {
      ArrayItems out;
      for (const Row& r : *rows) out.push_back(r[0]);
      return Value::array(std::move(out));
    }
    case Kind::ANY:
    case Kind::ALL: {
      Value x = test->eval(ctx);
      bool all = kind == Kind::ALL;
      if (rows->empty()) return Value::boolean(all);
      if (row_width > 0) {
        // Row comparison: equal when every field is, unequal when one non-null pair differs,
        // unknown otherwise.
        bool saw_null = false;
        for (const Row& r : *rows) {
          bool unknown = false, differs = false;
          for (size_t i = 0; i < row_width && i < r.size(); ++i) {
            const Value& a = x.as_array()[i];
            if (a.is_null() || r[i].is_null())
              unknown = true;
            else if (compare_values(a, r[i]) != 0)
              differs = true;
          }
          if (!differs && unknown) {
            saw_null = true;
            continue;
          }
          const bool holds = op == CmpOp::EQ ? !differs : differs;
          if (!all && holds) return Value::boolean(true);
          if (all && !holds) return Value::boolean(false);
        }
        if (saw_null) return Value::null();
        return Value::boolean(all);
      }
      if (x.is_null()) return Value::null();
      bool saw_null = false;
      for (const Row& r : *rows) {
        if (r[0].is_null()) {
          saw_null = true;
          continue;
        }
        bool holds = cmp_holds(op, compare_values(x, r[0]));
        if (!all && holds) return Value::boolean(true);
        if (all && !holds) return Value::boolean(false);
      }
      if (saw_null) return Value::null();
      return Value::boolean(all);
    }
  }
  return Value::null();
}

Value FuncExpr::eval(const EvalContext& ctx) const {
  std::vector<Value> values;
  std::vector<TypeRef> types;
  values.reserve(args.size());
  for (const auto& a : args) {
    values.push_back(a->eval(ctx));
    if (def->strict && values.back().is_null()) return Value::null();
    types.push_back(a->type);
  }
  FuncArgs fa{values, types, ctx, type};
  return def->impl(fa);
}

bool FuncExpr::is_const() const {
  if (!def->foldable) return false;
  for (const auto& a : args)
    if (!a->is_const()) return false;
  return true;
}

std::vector<Row> SetReturningCall::rows(const EvalContext& ctx) const {
  std::vector<Value> values;
  std::vector<TypeRef> types;
  for (const auto& a : args) {
    values.push_back(a->eval(ctx));
    if (def->strict && values.back().is_null()) return {};
    types.push_back(a->type);
  }
  FuncArgs fa{values, types, ctx, columns.empty() ? TypeRef{} : columns[0].type};
  return def->srf_impl(fa);
}

Value SrfExpr::eval(const EvalContext& ctx) const {
  ArrayItems out;
  for (Row& r : call->rows(ctx)) {
    if (field >= 0)
      out.push_back(static_cast<size_t>(field) < r.size() ? r[static_cast<size_t>(field)]
                                                          : Value::null());
    else if (r.size() == 1)
      out.push_back(std::move(r[0]));
    else
      out.push_back(Value::array(
          ArrayItems(std::make_move_iterator(r.begin()), std::make_move_iterator(r.end()))));
  }
  return Value::array(std::move(out));
}

}  // namespace riffq::catalog
