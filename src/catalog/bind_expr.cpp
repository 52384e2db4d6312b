// bind_expr.cpp — binding expressions: column references, literals, operators, CASE,
// COALESCE, sublinks, arrays, subscripts, casts; and PostgreSQL's coercion of unknown literals.
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <set>

#include "binder.hpp"
#include "type_names.hpp"
#include "type_oids.hpp"

namespace riffq::catalog {
namespace {

int int_rank(Oid t) {
  switch (t) {
    case toid::INT2:
      return 1;
    case toid::INT4:
      return 2;
    case toid::INT8:
      return 3;
    default:
      return 0;
  }
}

}  // namespace

ExprPtr Binder::coerce(ExprPtr e, TypeRef target, bool explicit_cast) {
  if (target.oid == 0 || target.oid == toid::ANY || target.oid == toid::ANYELEMENT) return e;
  if (e->type.oid == target.oid && (e->type.typmod == target.typmod || !explicit_cast)) return e;
  if (auto* c = dynamic_cast<ConstExpr*>(e.get()); c && e->type.oid == toid::UNKNOWN) {
    if (c->value.is_null()) return std::make_shared<ConstExpr>(Value::null(), target);
    return std::make_shared<ConstExpr>(input_text(c->value.as_text(), target, cat), target);
  }
  if (auto* p = dynamic_cast<ParamExpr*>(e.get());
      p && (e->type.oid == toid::UNKNOWN || e->type.oid == 0)) {
    p->type = target;
    params[static_cast<size_t>(p->number - 1)] = target;
    return e;
  }
  if (auto* a = dynamic_cast<ArrayExpr*>(e.get()); a && a->items.empty()) {
    a->type = target;
    return e;
  }
  if (auto* a = dynamic_cast<ArrayExpr*>(e.get()); a && cat.types.element(target.oid) != 0) {
    Oid elem = cat.types.element(target.oid);
    for (auto& item : a->items) item = coerce(item, TypeRef{elem, target.typmod}, explicit_cast);
    a->type = target;
    return e;
  }
  return std::make_shared<CastExpr>(e, target, explicit_cast);
}

// The type an unknown operand takes beside a typed one: the operator's input type, which
// drops the typmod and is text for varchar (varchar has no operators of its own: texteq).
TypeRef Binder::operator_operand(TypeRef typed) const {
  TypeRef t = cat.types.base(typed);
  if (t.oid == toid::VARCHAR) return TypeRef{toid::TEXT, -1};
  return TypeRef{t.oid, -1};
}

void Binder::unify(ExprPtr& a, ExprPtr& b) {
  bool au = a->type.oid == toid::UNKNOWN, bu = b->type.oid == toid::UNKNOWN;
  if (au && bu) {
    a = coerce(a, TypeRef{toid::TEXT, -1});
    b = coerce(b, TypeRef{toid::TEXT, -1});
  } else if (au) {
    a = coerce(a, operator_operand(b->type));
  } else if (bu) {
    b = coerce(b, operator_operand(a->type));
  } else {
    Storage sa = cat.types.storage(a->type.oid), sb = cat.types.storage(b->type.oid);
    if (sa != sb && !((sa == Storage::INT || sa == Storage::FLOAT) &&
                      (sb == Storage::INT || sb == Storage::FLOAT))) {
      // text vs. a reg* type or a number: PostgreSQL has no such operator either.
      if (sa == Storage::TEXT && sb == Storage::INT && b->type.oid != toid::INT2 &&
          b->type.oid != toid::INT4 && b->type.oid != toid::INT8)
        a = coerce(a, b->type);
      else if (sb == Storage::TEXT && sa == Storage::INT && a->type.oid != toid::INT2 &&
               a->type.oid != toid::INT4 && a->type.oid != toid::INT8)
        b = coerce(b, a->type);
      else
        throw CatalogError("42883",
                           "operator does not exist: " + format_type(cat, a->type.oid, -1) + " = " +
                               format_type(cat, b->type.oid, -1));
    }
  }
}

TypeRef Binder::common_type(std::vector<ExprPtr>& items) {
  // PostgreSQL's select_common_type: the first known type, replaced by a later one of the same
  // category that it coerces to implicitly but not back, unless it is the preferred type.
  TypeRef t{toid::UNKNOWN, -1};
  for (auto& e : items) {
    if (e->type.oid == toid::UNKNOWN) continue;
    TypeRef et = cat.types.base(e->type);
    if (t.oid == toid::UNKNOWN) {
      t = et;
      continue;
    }
    if (et.oid == t.oid) {
      if (et.typmod != t.typmod) t.typmod = -1;
      continue;
    }
    const TypeInfo* p = cat.types.find(t.oid);
    const TypeInfo* n = cat.types.find(et.oid);
    if (p == nullptr || n == nullptr) continue;
    // Different categories are an error in PostgreSQL; the first type is kept here.
    if (p->category != n->category) continue;
    if (!p->preferred && cat.types.coerces_implicitly(t.oid, et.oid) &&
        !cat.types.coerces_implicitly(et.oid, t.oid))
      t = et;
  }
  if (t.oid == toid::UNKNOWN) t = TypeRef{toid::TEXT, -1};
  for (auto& e : items) e = coerce(e, t);
  return t;
}

ExprPtr Binder::bind_const(const PgQuery__AConst* c) {
  if (c->isnull) return std::make_shared<ConstExpr>(Value::null(), TypeRef{toid::UNKNOWN, -1});
  switch (c->val_case) {
    case PG_QUERY__A__CONST__VAL_IVAL:
      return std::make_shared<ConstExpr>(Value::integer(c->ival->ival), TypeRef{toid::INT4, -1});
    case PG_QUERY__A__CONST__VAL_FVAL: {
      std::string s = c->fval->fval;
      bool integral = s.find_first_of(".eE") == std::string::npos;
      if (integral) {
        try {
          return std::make_shared<ConstExpr>(Value::integer(std::stoll(s)),
                                             TypeRef{toid::INT8, -1});
        } catch (...) {
        }
      }
      // strtod, not std::stod: an exponent past double's range ("2E8888888888", found by
      // fuzz_catalog) is PostgreSQL's numeric overflow, not an std::out_of_range; one below it
      // is 0.
      errno = 0;
      double d = std::strtod(s.c_str(), nullptr);
      if (errno == ERANGE && std::isinf(d))
        throw CatalogError("22003", "value overflows numeric format");
      return std::make_shared<ConstExpr>(Value::floating(d), TypeRef{toid::NUMERIC, -1});
    }
    case PG_QUERY__A__CONST__VAL_SVAL:
      return std::make_shared<ConstExpr>(Value::text(c->sval->sval), TypeRef{toid::UNKNOWN, -1});
    case PG_QUERY__A__CONST__VAL_BOOLVAL:
      return std::make_shared<ConstExpr>(Value::boolean(c->boolval->boolval),
                                         TypeRef{toid::BOOL, -1});
    default:
      unsupported("this literal");
  }
}

// alias.* as a value (information_schema's _pg_truetypid(a.*, t.*)): a composite of the
// range's columns, which the engine keeps as an array of field values.
ExprPtr Binder::bind_whole_row(const std::string& qual, Level& lv) {
  int up = 0;
  for (Level* L = &lv; L != nullptr; L = L->parent, ++up) {
    for (const RangeEntry& r : L->ranges) {
      if (r.alias != qual) continue;
      auto row = std::make_shared<ArrayExpr>();
      row->type = TypeRef{toid::RECORD, -1};
      for (size_t k = 0; k < r.names.size(); ++k)
        if (!r.system[k]) {
          L->use(r.offset + static_cast<int>(k));
          row->items.push_back(
              std::make_shared<ColumnExpr>(up, r.offset + static_cast<int>(k), r.types[k]));
        }
      Level* m = &lv;
      for (int i = 0; i < up; ++i, m = m->parent) m->correlated = true;
      return row;
    }
  }
  throw CatalogError("42P01", "missing FROM-clause entry for table \"" + qual + "\"");
}

// WHEN conditions that are constants decided now, as PostgreSQL's planner folds them: Grafana's
// CASE WHEN array_length(parse_ident('s.t'), 1) = 2 THEN … ELSE … END keeps one branch, and a
// filter on a view's columns can then run inside the view.
ExprPtr Binder::fold_case(const std::shared_ptr<CaseExpr>& e) {
  if (e->arg) return e;
  ExecState tmp{cat, session, {}, {}, {}, {}, 0, session.search_path, {}};
  EvalContext ctx = EvalContext::nested(nullptr, nullptr, tmp);
  std::vector<std::pair<ExprPtr, ExprPtr>> kept;
  for (auto& w : e->whens) {
    std::optional<bool> truth;
    if (w.first->is_const()) {
      try {
        truth = truthy(w.first->eval(ctx));
      } catch (const CatalogError&) {
      }
    }
    if (!truth) {
      kept.push_back(w);
      continue;
    }
    if (!*truth) continue;
    if (kept.empty()) return w.second;
    e->otherwise = w.second;  // later branches are never reached
    e->whens = kept;
    return e;
  }
  if (kept.empty())
    return e->otherwise ? e->otherwise : std::make_shared<ConstExpr>(Value::null(), e->type);
  e->whens = kept;
  return e;
}

ExprPtr Binder::bind_column_ref(const PgQuery__ColumnRef* c, Level& lv) {
  if (c->n_fields == 2 && c->fields[1]->node_case == PG_QUERY__NODE__NODE_A_STAR &&
      c->fields[0]->node_case == PG_QUERY__NODE__NODE_STRING)
    return bind_whole_row(node_string(c->fields[0]), lv);
  std::vector<std::string> parts;
  for (size_t i = 0; i < c->n_fields; ++i) {
    if (c->fields[i]->node_case != PG_QUERY__NODE__NODE_STRING)
      unsupported("a whole-row reference");
    parts.push_back(node_string(c->fields[i]));
  }
  std::string col = parts.back();
  std::string qual = parts.size() >= 2 ? parts[parts.size() - 2] : "";
  int up = 0;
  for (Level* L = &lv; L != nullptr; L = L->parent, ++up) {
    const RangeEntry* found = nullptr;
    int found_k = -1;
    bool alias_seen = false;
    for (const RangeEntry& r : L->ranges) {
      if (!qual.empty() ? r.alias != qual : r.qualified_only) continue;
      alias_seen = true;
      for (size_t k = 0; k < r.names.size(); ++k) {
        if (r.names[k] != col || (qual.empty() && r.merged[k])) continue;
        if (found != nullptr && !(found->offset + found_k == r.offset + static_cast<int>(k)))
          throw CatalogError("42702", "column reference \"" + col + "\" is ambiguous");
        found = &r;
        found_k = static_cast<int>(k);
      }
    }
    if (found != nullptr) {
      Level* m = &lv;
      for (int i = 0; i < up; ++i, m = m->parent) m->correlated = true;
      L->use(found->offset + found_k);
      return std::make_shared<ColumnExpr>(up, found->offset + found_k,
                                          found->types[static_cast<size_t>(found_k)]);
    }
    if (!qual.empty() && alias_seen)
      throw CatalogError("42703", "column " + qual + "." + col + " does not exist");
  }
  if (!qual.empty()) {
    bool any = false;
    for (Level* L = &lv; L; L = L->parent)
      for (auto& r : L->ranges) any = any || r.alias == qual;
    if (!any) throw CatalogError("42P01", "missing FROM-clause entry for table \"" + qual + "\"");
    throw CatalogError("42703", "column " + qual + "." + col + " does not exist");
  }
  throw CatalogError("42703", "column \"" + col + "\" does not exist");
}

std::vector<ExprPtr> Binder::expand_star(const PgQuery__ColumnRef* c, Level& lv,
                                         std::vector<std::string>& names) {
  std::string qual = c->n_fields >= 2 ? node_string(c->fields[c->n_fields - 2]) : "";
  std::vector<ExprPtr> out;
  bool seen = false;
  // Unqualified *: the merged columns of a USING / NATURAL join come first, then the rest.
  std::set<int> listed;
  auto using_first = [&](size_t range) {
    if (!qual.empty()) return;
    for (auto it = lv.using_joins.rbegin(); it != lv.using_joins.rend(); ++it) {
      if (it->first_range != range) continue;
      for (const auto& [name, e] : it->columns) {
        auto* c = dynamic_cast<const ColumnExpr*>(e.get());
        if (c == nullptr || !listed.insert(c->index).second) continue;
        out.push_back(e);
        names.push_back(name);
      }
    }
  };
  for (size_t ri = 0; ri < lv.ranges.size(); ++ri) {
    using_first(ri);
    const RangeEntry& r = lv.ranges[ri];
    if (!qual.empty() ? r.alias != qual
                      : (r.qualified_only || r.alias == "\x01hidden" ? false : false))
      continue;
    if (qual.empty() && r.qualified_only) continue;
    seen = true;
    for (size_t k = 0; k < r.names.size(); ++k) {
      if ((qual.empty() && r.merged[k]) || r.system[k]) continue;
      if (qual.empty() && listed.count(r.offset + static_cast<int>(k))) continue;
      lv.use(r.offset + static_cast<int>(k));
      out.push_back(std::make_shared<ColumnExpr>(0, r.offset + static_cast<int>(k), r.types[k]));
      names.push_back(r.names[k]);
    }
  }
  if (!seen && !qual.empty())
    throw CatalogError("42P01", "missing FROM-clause entry for table \"" + qual + "\"");
  if (!seen)
    throw CatalogError(sqlstate::SYNTAX_ERROR, "SELECT * with no tables specified is not valid");
  return out;
}

ExprPtr Binder::bind_operator(const std::string& op, ExprPtr l, ExprPtr r) {
  // Only + and - are bound as prefix operators: any other prefix use ("limit && 3",
  // OPERATOR(pg_catalog.=) 1) must not reach code that reads the left operand (found by
  // fuzz/fuzz_catalog.cpp).
  if (!l && op != "+" && op != "-") unsupported("prefix operator " + op);
  if (auto cmp = cmp_op_from(op)) {
    unify(l, r);
    return std::make_shared<CompareExpr>(*cmp, l, r);
  }
  if (op == "~" || op == "~*" || op == "!~" || op == "!~*" || op == "~~" || op == "!~~" ||
      op == "~~*" || op == "!~~*") {
    if (!l) unsupported("prefix operator " + op);
    l = coerce(l, TypeRef{toid::TEXT, -1});
    r = coerce(r, TypeRef{toid::TEXT, -1});
    bool neg = op[0] == '!';
    bool like = op.find("~~") != std::string::npos;
    bool icase = op.back() == '*';
    MatchKind k = like ? (icase ? MatchKind::ILIKE : MatchKind::LIKE)
                       : (icase ? MatchKind::IREGEX : MatchKind::REGEX);
    return std::make_shared<MatchExpr>(k, neg, l, r);
  }
  if (op == "||") {
    bool la = l && cat.types.is_array(l->type.oid), ra = cat.types.is_array(r->type.oid);
    if (la || ra) {
      TypeRef at = la ? l->type : r->type;
      Oid elem = cat.types.element(at.oid);
      if (la && !ra) r = coerce(r, r->type.oid == toid::UNKNOWN ? at : TypeRef{elem, -1});
      if (ra && !la) l = coerce(l, l->type.oid == toid::UNKNOWN ? at : TypeRef{elem, -1});
      return std::make_shared<ArithExpr>("||a", l, r, at);
    }
    return std::make_shared<ArithExpr>("||", l, r, TypeRef{toid::TEXT, -1});
  }
  if (op == "@>" || op == "<@" || op == "&&") {
    if (l->type.oid == toid::UNKNOWN) l = coerce(l, r->type);
    if (r->type.oid == toid::UNKNOWN) r = coerce(r, l->type);
    return std::make_shared<ArithExpr>(op, l, r, TypeRef{toid::BOOL, -1});
  }
  if (op == "+" || op == "-" || op == "*" || op == "/" || op == "%" || op == "^") {
    if (!l) {
      if (r->type.oid == toid::UNKNOWN) r = coerce(r, TypeRef{toid::NUMERIC, -1});
      return std::make_shared<ArithExpr>(op, nullptr, r, r->type);
    }
    if (l->type.oid == toid::UNKNOWN)
      l = coerce(l, r->type.oid == toid::UNKNOWN ? TypeRef{toid::NUMERIC, -1} : r->type);
    if (r->type.oid == toid::UNKNOWN) r = coerce(r, l->type);
    Storage ls = cat.types.storage(l->type.oid), rs = cat.types.storage(r->type.oid);
    if ((ls != Storage::INT && ls != Storage::FLOAT) ||
        (rs != Storage::INT && rs != Storage::FLOAT))
      throw CatalogError("42883", "operator does not exist: " + format_type(cat, l->type.oid, -1) +
                                      " " + op + " " + format_type(cat, r->type.oid, -1));
    TypeRef t;
    if (op == "^")
      t = TypeRef{toid::FLOAT8, -1};
    else if (ls == Storage::INT && rs == Storage::INT) {
      Oid lo = int_rank(l->type.oid) ? l->type.oid : toid::INT8,
          ro = int_rank(r->type.oid) ? r->type.oid : toid::INT8;
      if (!int_rank(l->type.oid) && !int_rank(r->type.oid)) lo = ro = toid::INT8;  // oid arithmetic
      t = TypeRef{int_rank(lo) >= int_rank(ro) ? lo : ro, -1};
    } else if (l->type.oid == toid::NUMERIC || r->type.oid == toid::NUMERIC) {
      bool other_float = (l->type.oid == toid::FLOAT4 || l->type.oid == toid::FLOAT8 ||
                          r->type.oid == toid::FLOAT4 || r->type.oid == toid::FLOAT8);
      t = TypeRef{other_float ? toid::FLOAT8 : toid::NUMERIC, -1};
    } else {
      t = TypeRef{toid::FLOAT8, -1};
    }
    return std::make_shared<ArithExpr>(op, l, r, t);
  }
  // Bitwise operators on integers (information_schema: pg_relation_is_updatable(…) & 20 = 20).
  if (l && (op == "&" || op == "|" || op == "#" || op == "<<" || op == ">>")) {
    if (l->type.oid == toid::UNKNOWN) l = coerce(l, TypeRef{toid::INT4, -1});
    if (r->type.oid == toid::UNKNOWN)
      r = coerce(r, op[0] == '<' || op[0] == '>' ? TypeRef{toid::INT4, -1} : l->type);
    if (int_rank(l->type.oid) && int_rank(r->type.oid)) {
      TypeRef t = l->type;
      if (op != "<<" && op != ">>" && int_rank(r->type.oid) > int_rank(l->type.oid)) t = r->type;
      return std::make_shared<ArithExpr>(op, l, r, TypeRef{t.oid, -1});
    }
  }
  unsupported("operator " + op);
}

ExprPtr Binder::bind_a_expr(const PgQuery__AExpr* e, Level& lv) {
  std::string op = e->n_name > 0 ? node_string(e->name[e->n_name - 1]) : "";
  switch (e->kind) {
    case PG_QUERY__A__EXPR__KIND__AEXPR_OP: {
      // (a, b) = (c, d) is a = c AND b = d, as PostgreSQL rewrites it (join keys stay visible).
      if ((op == "=" || op == "<>") && e->lexpr && e->rexpr &&
          e->lexpr->node_case == PG_QUERY__NODE__NODE_ROW_EXPR &&
          e->rexpr->node_case == PG_QUERY__NODE__NODE_ROW_EXPR &&
          e->lexpr->row_expr->n_args == e->rexpr->row_expr->n_args) {
        std::vector<ExprPtr> parts;
        for (size_t i = 0; i < e->lexpr->row_expr->n_args; ++i)
          parts.push_back(bind_operator(op, bind_expr(e->lexpr->row_expr->args[i], lv),
                                        bind_expr(e->rexpr->row_expr->args[i], lv)));
        return std::make_shared<BoolExpr>(op == "=" ? BoolOp::AND : BoolOp::OR, parts);
      }
      ExprPtr l = e->lexpr ? bind_expr(e->lexpr, lv) : nullptr;
      ExprPtr r = bind_expr(e->rexpr, lv);
      if (!l && op == "-") {
        if (auto* c = dynamic_cast<ConstExpr*>(r.get()); c && c->value.is_int())
          return std::make_shared<ConstExpr>(Value::integer(-c->value.as_int()), c->type);
        if (auto* c = dynamic_cast<ConstExpr*>(r.get()); c && c->value.is_float())
          return std::make_shared<ConstExpr>(Value::floating(-c->value.as_float()), c->type);
      }
      return bind_operator(op, l, r);
    }
    case PG_QUERY__A__EXPR__KIND__AEXPR_OP_ANY:
    case PG_QUERY__A__EXPR__KIND__AEXPR_OP_ALL: {
      ExprPtr l = bind_expr(e->lexpr, lv);
      ExprPtr r = bind_expr(e->rexpr, lv);
      auto cmp = cmp_op_from(op);
      if (r->type.oid == toid::UNKNOWN) {
        Oid arr = cat.types.array_of(cat.types.base(l->type).oid);
        r = coerce(r, TypeRef{arr ? arr : toid::TEXT_ARRAY, -1});
      }
      Oid elem = cat.types.element(r->type.oid);
      if (elem == 0) throw CatalogError("42809", "op ANY/ALL (array) requires array on right side");
      if (l->type.oid == toid::UNKNOWN) l = coerce(l, TypeRef{elem, -1});
      bool all = e->kind == PG_QUERY__A__EXPR__KIND__AEXPR_OP_ALL;
      if (cmp) return std::make_shared<ArrayCompareExpr>(*cmp, all, l, r);
      if (op == "~~" || op == "~~*" || op == "!~~" || op == "~" || op == "~*") {
        // LIKE ANY (array): expand through unnest semantics with a match per element.
        auto arr = std::make_shared<ArrayCompareExpr>(CmpOp::EQ, all, l, r);
        arr->type = TypeRef{toid::BOOL, -1};
        unsupported("LIKE/regex ANY (array)");
      }
      unsupported("operator " + op + " ANY/ALL");
    }
    case PG_QUERY__A__EXPR__KIND__AEXPR_DISTINCT:
    case PG_QUERY__A__EXPR__KIND__AEXPR_NOT_DISTINCT: {
      ExprPtr l = bind_expr(e->lexpr, lv), r = bind_expr(e->rexpr, lv);
      unify(l, r);
      return std::make_shared<DistinctExpr>(e->kind == PG_QUERY__A__EXPR__KIND__AEXPR_NOT_DISTINCT,
                                            l, r);
    }
    case PG_QUERY__A__EXPR__KIND__AEXPR_NULLIF: {
      auto c = std::make_shared<CoalesceExpr>();
      c->kind = CoalesceExpr::Kind::NULLIF;
      ExprPtr l = bind_expr(e->lexpr, lv), r = bind_expr(e->rexpr, lv);
      unify(l, r);
      c->args = {l, r};
      c->type = l->type;
      return c;
    }
    case PG_QUERY__A__EXPR__KIND__AEXPR_IN: {
      ExprPtr l = bind_expr(e->lexpr, lv);
      const PgQuery__List* list = e->rexpr->list;
      std::vector<ExprPtr> items = bind_args(list->items, list->n_items, lv);
      std::vector<ExprPtr> all = items;
      all.insert(all.begin(), l);
      common_type(all);
      l = all[0];
      items.assign(all.begin() + 1, all.end());
      return std::make_shared<InListExpr>(op == "<>", l, items);
    }
    case PG_QUERY__A__EXPR__KIND__AEXPR_LIKE:
    case PG_QUERY__A__EXPR__KIND__AEXPR_ILIKE: {
      ExprPtr l = bind_expr(e->lexpr, lv);
      const PgQuery__Node* rn = e->rexpr;
      ExprPtr escape;
      if (rn->node_case == PG_QUERY__NODE__NODE_FUNC_CALL &&
          func_name(rn->func_call->funcname, rn->func_call->n_funcname) == "like_escape") {
        escape = bind_expr(rn->func_call->args[1], lv);
        rn = rn->func_call->args[0];
      }
      ExprPtr r = bind_expr(rn, lv);
      auto m = std::dynamic_pointer_cast<MatchExpr>(bind_operator(op, l, r));
      if (escape) m->escape = coerce(escape, TypeRef{toid::TEXT, -1});
      return m;
    }
    case PG_QUERY__A__EXPR__KIND__AEXPR_BETWEEN:
    case PG_QUERY__A__EXPR__KIND__AEXPR_NOT_BETWEEN:
    case PG_QUERY__A__EXPR__KIND__AEXPR_BETWEEN_SYM:
    case PG_QUERY__A__EXPR__KIND__AEXPR_NOT_BETWEEN_SYM: {
      ExprPtr x = bind_expr(e->lexpr, lv);
      const PgQuery__List* list = e->rexpr->list;
      ExprPtr lo = bind_expr(list->items[0], lv), hi = bind_expr(list->items[1], lv);
      ExprPtr x2 = x;
      unify(x, lo);
      unify(x2, hi);
      ExprPtr both = std::make_shared<BoolExpr>(
          BoolOp::AND, std::vector<ExprPtr>{std::make_shared<CompareExpr>(CmpOp::GE, x, lo),
                                            std::make_shared<CompareExpr>(CmpOp::LE, x2, hi)});
      bool neg = e->kind == PG_QUERY__A__EXPR__KIND__AEXPR_NOT_BETWEEN ||
                 e->kind == PG_QUERY__A__EXPR__KIND__AEXPR_NOT_BETWEEN_SYM;
      return neg ? std::make_shared<BoolExpr>(BoolOp::NOT, std::vector<ExprPtr>{both}) : both;
    }
    default:
      unsupported("this operator form (SIMILAR TO, row comparison)");
  }
}

ExprPtr Binder::bind_cast(const PgQuery__TypeCast* c, Level& lv) {
  TypeRef target = resolve_type_name(c->type_name, cat);
  ExprPtr arg = bind_expr(c->arg, lv);
  // 'x'::regclass and friends look the name up now, as PostgreSQL does while parsing.
  return coerce(arg, target, true);
}

ExprPtr Binder::bind_sql_value_function(const PgQuery__SQLValueFunction* f) {
  switch (f->op) {
    case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_USER:
    case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_ROLE:
    case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_USER:
      return call_function("current_user", {}, false);
    case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_SESSION_USER:
      return call_function("session_user", {}, false);
    case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_CATALOG:
      return call_function("current_database", {}, false);
    case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_SCHEMA:
      return call_function("current_schema", {}, false);
    case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_TIMESTAMP:
    case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_LOCALTIMESTAMP:
      return call_function("now", {}, false);
    case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_DATE:
      return call_function("current_date", {}, false);
    default:
      unsupported("this SQL value function");
  }
}

ExprPtr Binder::bind_sublink(const PgQuery__SubLink* s, Level& lv) {
  auto e = std::make_shared<SubLinkExpr>();
  e->query = bind_query(s->subselect, &lv);
  switch (s->sub_link_type) {
    case PG_QUERY__SUB_LINK_TYPE__EXISTS_SUBLINK:
      e->kind = SubLinkExpr::Kind::EXISTS;
      e->type = TypeRef{toid::BOOL, -1};
      return e;
    case PG_QUERY__SUB_LINK_TYPE__EXPR_SUBLINK:
    case PG_QUERY__SUB_LINK_TYPE__ARRAY_SUBLINK: {
      if (e->query->columns.size() != 1)
        throw CatalogError("42601", "subquery must return only one column");
      TypeRef t = cat.types.base(e->query->columns[0].type);
      if (t.oid == toid::UNKNOWN) t = TypeRef{toid::TEXT, -1};
      if (s->sub_link_type == PG_QUERY__SUB_LINK_TYPE__ARRAY_SUBLINK) {
        e->kind = SubLinkExpr::Kind::ARRAY;
        Oid arr = cat.types.is_array(t.oid) ? t.oid : cat.types.array_of(t.oid);
        e->type = TypeRef{arr ? arr : toid::TEXT_ARRAY, -1};
      } else {
        e->kind = SubLinkExpr::Kind::SCALAR;
        e->type = t;
      }
      return e;
    }
    case PG_QUERY__SUB_LINK_TYPE__ANY_SUBLINK:
    case PG_QUERY__SUB_LINK_TYPE__ALL_SUBLINK: {
      e->kind = s->sub_link_type == PG_QUERY__SUB_LINK_TYPE__ANY_SUBLINK ? SubLinkExpr::Kind::ANY
                                                                         : SubLinkExpr::Kind::ALL;
      std::string op = s->n_oper_name ? node_string(s->oper_name[s->n_oper_name - 1]) : "=";
      auto cmp = cmp_op_from(op);
      if (!cmp) unsupported("operator " + op + " with a subquery");
      e->op = *cmp;
      if (s->testexpr->node_case == PG_QUERY__NODE__NODE_ROW_EXPR) {
        // (a, b) IN (SELECT x, y …): field by field (= or <> only).
        if (e->op != CmpOp::EQ && e->op != CmpOp::NE) unsupported("operator " + op + " with a row");
        const PgQuery__RowExpr* r = s->testexpr->row_expr;
        if (r->n_args != e->query->columns.size())
          throw CatalogError("42601", r->n_args < e->query->columns.size()
                                          ? "subquery has too many columns"
                                          : "subquery has too few columns");
        auto row = std::make_shared<ArrayExpr>();
        row->type = TypeRef{toid::RECORD, -1};
        for (size_t i = 0; i < r->n_args; ++i) {
          ExprPtr x = bind_expr(r->args[i], lv);
          if (x->type.oid == toid::UNKNOWN) x = coerce(x, e->query->columns[i].type);
          row->items.push_back(x);
        }
        e->test = row;
        e->row_width = r->n_args;
        e->type = TypeRef{toid::BOOL, -1};
        return e;
      }
      e->test = bind_expr(s->testexpr, lv);
      if (e->query->columns.size() != 1)
        throw CatalogError("42601", "subquery has too many columns");
      if (e->test->type.oid == toid::UNKNOWN) e->test = coerce(e->test, e->query->columns[0].type);
      e->type = TypeRef{toid::BOOL, -1};
      return e;
    }
    default:
      unsupported("this kind of subquery");
  }
}

ExprPtr Binder::bind_indirection(const PgQuery__AIndirection* a, Level& lv) {
  ExprPtr base = bind_expr(a->arg, lv);
  for (size_t i = 0; i < a->n_indirection; ++i) {
    const PgQuery__Node* ind = a->indirection[i];
    if (ind->node_case == PG_QUERY__NODE__NODE_A_INDICES) {
      const PgQuery__AIndices* ix = ind->a_indices;
      auto s = std::make_shared<SubscriptExpr>();
      s->array = base;
      s->slice = ix->is_slice;
      if (s->slice) {
        if (ix->lidx) s->lower = coerce(bind_expr(ix->lidx, lv), TypeRef{toid::INT4, -1});
        if (ix->uidx) s->upper = coerce(bind_expr(ix->uidx, lv), TypeRef{toid::INT4, -1});
      } else {
        s->lower = coerce(bind_expr(ix->uidx, lv), TypeRef{toid::INT4, -1});
      }
      Oid elem = cat.types.element(base->type.oid);
      if (elem == 0)
        throw CatalogError("42804", "cannot subscript type " +
                                        format_type(cat, base->type.oid, -1) +
                                        " because it does not support subscripting");
      s->type = s->slice ? (base->type.oid == toid::INT2VECTOR  ? TypeRef{toid::INT2_ARRAY, -1}
                            : base->type.oid == toid::OIDVECTOR ? TypeRef{toid::OID_ARRAY, -1}
                                                                : base->type)
                         : TypeRef{elem, -1};
      base = s;
    } else if (ind->node_case == PG_QUERY__NODE__NODE_STRING) {
      std::string field = node_string(ind);
      auto* srf = dynamic_cast<SrfExpr*>(base.get());
      if (srf != nullptr) {
        for (size_t k = 0; k < srf->call->columns.size(); ++k)
          if (srf->call->columns[k].name == field) {
            auto f = std::make_shared<SrfExpr>();
            f->call = srf->call;
            f->field = static_cast<int>(k);
            f->type = srf->call->columns[k].type;
            base = f;
            goto next;
          }
      }
      if (base->type.oid == toid::RECORD && base->type.typmod >= 0 &&
          static_cast<size_t>(base->type.typmod) < record_types_.size()) {
        const auto& fields = record_types_[static_cast<size_t>(base->type.typmod)];
        for (size_t k = 0; k < fields.size(); ++k)
          if (fields[k].name == field) {
            auto f = std::make_shared<FieldSelectExpr>();
            f->arg = base;
            f->field = k;
            f->type = fields[k].type;
            base = f;
            goto next;
          }
      }
      throw CatalogError("42703", "column \"" + field + "\" not found in data type " +
                                      format_type(cat, base->type.oid, -1));
    next:;
    } else {
      unsupported("this indirection");
    }
  }
  return base;
}

std::vector<ExprPtr> Binder::bind_args(PgQuery__Node** args, size_t n, Level& lv) {
  std::vector<ExprPtr> out;
  for (size_t i = 0; i < n; ++i) out.push_back(bind_expr(args[i], lv));
  return out;
}

ExprPtr Binder::bind_expr(const PgQuery__Node* n, Level& lv) {
  switch (n->node_case) {
    case PG_QUERY__NODE__NODE_COLUMN_REF:
      return bind_column_ref(n->column_ref, lv);
    case PG_QUERY__NODE__NODE_A_CONST:
      return bind_const(n->a_const);
    case PG_QUERY__NODE__NODE_PARAM_REF: {
      int num = n->param_ref->number;
      if (num < 1 || num > 65535)
        throw CatalogError("42P02", "there is no parameter $" + std::to_string(num));
      if (params.size() < static_cast<size_t>(num))
        params.resize(static_cast<size_t>(num), TypeRef{0, -1});
      TypeRef t = params[static_cast<size_t>(num - 1)];
      return std::make_shared<ParamExpr>(num, t.oid == 0 ? TypeRef{toid::UNKNOWN, -1} : t);
    }
    case PG_QUERY__NODE__NODE_A_EXPR:
      return bind_a_expr(n->a_expr, lv);
    case PG_QUERY__NODE__NODE_BOOL_EXPR: {
      const PgQuery__BoolExpr* b = n->bool_expr;
      std::vector<ExprPtr> args = bind_args(b->args, b->n_args, lv);
      for (auto& a : args) a = coerce(a, TypeRef{toid::BOOL, -1});
      BoolOp op = b->boolop == PG_QUERY__BOOL_EXPR_TYPE__AND_EXPR  ? BoolOp::AND
                  : b->boolop == PG_QUERY__BOOL_EXPR_TYPE__OR_EXPR ? BoolOp::OR
                                                                   : BoolOp::NOT;
      return std::make_shared<BoolExpr>(op, std::move(args));
    }
    case PG_QUERY__NODE__NODE_NULL_TEST: {
      ExprPtr a = bind_expr(n->null_test->arg, lv);
      return std::make_shared<NullTestExpr>(
          n->null_test->nulltesttype == PG_QUERY__NULL_TEST_TYPE__IS_NOT_NULL, a);
    }
    case PG_QUERY__NODE__NODE_BOOLEAN_TEST: {
      ExprPtr a = coerce(bind_expr(n->boolean_test->arg, lv), TypeRef{toid::BOOL, -1});
      return std::make_shared<BoolTestExpr>(static_cast<int>(n->boolean_test->booltesttype), a);
    }
    case PG_QUERY__NODE__NODE_TYPE_CAST:
      return bind_cast(n->type_cast, lv);
    case PG_QUERY__NODE__NODE_COLLATE_CLAUSE:
      return bind_expr(n->collate_clause->arg, lv);
    case PG_QUERY__NODE__NODE_FUNC_CALL:
      return bind_func_call(n->func_call, lv);
    case PG_QUERY__NODE__NODE_SQLVALUE_FUNCTION:
      return bind_sql_value_function(n->sqlvalue_function);
    case PG_QUERY__NODE__NODE_SUB_LINK:
      return bind_sublink(n->sub_link, lv);
    case PG_QUERY__NODE__NODE_A_INDIRECTION:
      return bind_indirection(n->a_indirection, lv);
    case PG_QUERY__NODE__NODE_CASE_EXPR: {
      const PgQuery__CaseExpr* c = n->case_expr;
      auto e = std::make_shared<CaseExpr>();
      ExprPtr arg = c->arg ? bind_expr(c->arg, lv) : nullptr;
      std::vector<ExprPtr> results;
      for (size_t i = 0; i < c->n_args; ++i) {
        const PgQuery__CaseWhen* w = c->args[i]->case_when;
        ExprPtr cond = bind_expr(w->expr, lv);
        if (arg) {
          ExprPtr a = arg;
          unify(a, cond);
          if (i == 0) arg = a;
          cond = std::make_shared<CompareExpr>(CmpOp::EQ, a, cond);
        } else {
          cond = coerce(cond, TypeRef{toid::BOOL, -1});
        }
        e->whens.emplace_back(cond, bind_expr(w->result, lv));
        results.push_back(e->whens.back().second);
      }
      // The ELSE result is the most significant for the type, as in PostgreSQL's
      // transformCaseExpr: CASE WHEN … THEN 0 ELSE oid_col END is oid.
      if (c->defresult) results.insert(results.begin(), bind_expr(c->defresult, lv));
      e->type = common_type(results);
      const size_t first = c->defresult ? 1 : 0;
      for (size_t i = 0; i < e->whens.size(); ++i) e->whens[i].second = results[i + first];
      if (c->defresult) e->otherwise = results.front();
      return fold_case(e);
    }
    case PG_QUERY__NODE__NODE_COALESCE_EXPR: {
      auto e = std::make_shared<CoalesceExpr>();
      e->args = bind_args(n->coalesce_expr->args, n->coalesce_expr->n_args, lv);
      e->type = common_type(e->args);
      return e;
    }
    case PG_QUERY__NODE__NODE_MIN_MAX_EXPR: {
      auto e = std::make_shared<CoalesceExpr>();
      e->kind = n->min_max_expr->op == PG_QUERY__MIN_MAX_OP__IS_GREATEST
                    ? CoalesceExpr::Kind::GREATEST
                    : CoalesceExpr::Kind::LEAST;
      e->args = bind_args(n->min_max_expr->args, n->min_max_expr->n_args, lv);
      e->type = common_type(e->args);
      return e;
    }
    case PG_QUERY__NODE__NODE_A_ARRAY_EXPR: {
      auto e = std::make_shared<ArrayExpr>();
      e->items = bind_args(n->a_array_expr->elements, n->a_array_expr->n_elements, lv);
      if (e->items.empty()) {
        e->type = TypeRef{toid::TEXT_ARRAY, -1};
        return e;
      }
      TypeRef t = common_type(e->items);
      Oid arr = cat.types.array_of(t.oid);
      if (arr == 0 && cat.types.is_array(t.oid)) unsupported("a multidimensional array");
      if (arr == 0)
        throw CatalogError(
            "42704", "could not find array type for data type " + format_type(cat, t.oid, -1));
      e->type = TypeRef{arr, -1};
      return e;
    }
    case PG_QUERY__NODE__NODE_ROW_EXPR: {
      // ROW(a, b) / (a, b): compared field by field, as composites are arrays here.
      auto e = std::make_shared<ArrayExpr>();
      e->items = bind_args(n->row_expr->args, n->row_expr->n_args, lv);
      e->type = TypeRef{toid::RECORD, -1};
      return e;
    }
    default:
      unsupported("this expression");
  }
}

}  // namespace riffq::catalog
