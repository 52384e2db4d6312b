// bind_call.cpp — binding function calls: overload choice with PostgreSQL's implicit casts,
// aggregates (DISTINCT, FILTER, ORDER BY), window functions and set-returning functions.
#include "binder.hpp"
#include "type_names.hpp"
#include "type_oids.hpp"

namespace riffq::catalog {
namespace {

bool arg_fits(const CatalogSnapshot& cat, TypeRef actual, Oid declared) {
  if (declared == 0 || actual.oid == toid::UNKNOWN || actual.oid == declared) return true;
  TypeRef base = cat.types.base(actual);
  if (base.oid == declared) return true;
  if (declared == toid::ANYARRAY) return cat.types.is_array(base.oid);
  Storage a = cat.types.storage(base.oid), d = cat.types.storage(declared);
  if (declared == toid::TEXT) return a == Storage::TEXT;  // name, varchar, bpchar, "char" → text
  if (d == Storage::INT && a == Storage::INT) return true;  // int widening, oid aliases
  if (d == Storage::FLOAT && (a == Storage::INT || a == Storage::FLOAT)) return true;
  if (d == Storage::ARRAY && a == Storage::ARRAY) return true;
  if (d == Storage::TEXT && a == Storage::TEXT) return declared == toid::NAME;
  return false;
}

}  // namespace

std::string Binder::func_name(PgQuery__Node** names, size_t n, std::string* schema) {
  if (schema && n >= 2) *schema = node_string(names[n - 2]);
  return n ? node_string(names[n - 1]) : "";
}

ExprPtr Binder::call_function(const std::string& name, std::vector<ExprPtr> args, bool allow_srf) {
  const std::vector<FunctionDef>& defs = functions_named(name);
  const FunctionDef* chosen = nullptr;
  for (const FunctionDef& d : defs) {
    size_t min = d.min_args < 0 ? d.args.size() : static_cast<size_t>(d.min_args);
    if (args.size() < min || (!d.variadic && args.size() > d.args.size())) continue;
    bool ok = true;
    for (size_t i = 0; i < args.size() && ok; ++i) {
      Oid decl = d.args.empty() ? 0 : d.args[std::min(i, d.args.size() - 1)];
      ok = arg_fits(cat, args[i]->type, decl);
    }
    if (ok) {
      chosen = &d;
      break;
    }
  }
  if (chosen == nullptr) {
    std::string sig;
    for (size_t i = 0; i < args.size(); ++i)
      sig += (i ? ", " : "") + format_type(cat, args[i]->type.oid, -1);
    if (defs.empty() && !functions_named(name).empty()) {
    }
    PgError e = PgError::error("42883", "function " + name + "(" + sig + ") does not exist");
    e.hint = defs.empty() ? "No function matches the given name and argument types. You might need "
                            "to add explicit type casts."
                          : "No function matches the given name and argument types. You might need "
                            "to add explicit type casts.";
    throw CatalogError(e);
  }
  std::vector<TypeRef> types;
  for (size_t i = 0; i < args.size(); ++i) {
    Oid decl = chosen->args.empty() ? 0 : chosen->args[std::min(i, chosen->args.size() - 1)];
    if (decl == toid::ANYARRAY) decl = 0;
    if (decl != 0)
      args[i] = coerce(args[i], TypeRef{decl, -1});
    else if (args[i]->type.oid == toid::UNKNOWN)
      args[i] = coerce(args[i], TypeRef{toid::TEXT, -1});
    types.push_back(args[i]->type);
  }
  TypeRef result;
  if (chosen->result_fn)
    result = chosen->result_fn(types, cat);
  else if (chosen->result != 0)
    result = TypeRef{chosen->result, -1};
  else
    result = types.empty() ? TypeRef{toid::TEXT, -1} : types[0];
  if (chosen->srf) {
    if (!allow_srf)
      throw CatalogError("0A000", "set-returning function " + name + " is not allowed here");
    auto call = std::make_shared<SetReturningCall>();
    call->def = chosen;
    call->args = std::move(args);
    if (chosen->columns.empty()) {
      call->columns.push_back(OutputColumn{name, result});
    } else {
      for (auto& [cn, ct] : chosen->columns)
        call->columns.push_back(OutputColumn{cn, ct == toid::ANYELEMENT && !types.empty()
                                                     ? TypeRef{cat.types.element(types[0].oid), -1}
                                                     : TypeRef{ct, -1}});
    }
    auto e = std::make_shared<SrfExpr>();
    e->call = call;
    if (call->columns.size() == 1) {
      e->type = call->columns[0].type;
    } else {
      // A record whose fields stay known through subqueries ((ss.x).n in information_schema),
      // identified by its typmod as PostgreSQL's blessed record types are.
      e->type = TypeRef{toid::RECORD, static_cast<int32_t>(record_types_.size())};
      record_types_.push_back(call->columns);
    }
    return e;
  }
  auto e = std::make_shared<FuncExpr>();
  e->def = chosen;
  e->args = std::move(args);
  e->type = result;
  return e;
}

std::shared_ptr<SetReturningCall> Binder::srf_call(const PgQuery__FuncCall* f, Level& lv) {
  std::string name = func_name(f->funcname, f->n_funcname);
  std::vector<ExprPtr> args = bind_args(f->args, f->n_args, lv);
  ExprPtr e = call_function(name, std::move(args), true);
  auto* srf = dynamic_cast<SrfExpr*>(e.get());
  if (srf != nullptr) return srf->call;
  // A scalar function in FROM yields one row.
  auto call = std::make_shared<SetReturningCall>();
  static FunctionDef scalar_wrapper = [] {
    FunctionDef d;
    d.name = "(scalar)";
    d.srf = true;
    d.strict = false;
    d.srf_impl = [](const FuncArgs& a) { return std::vector<Row>{Row{a.values[0]}}; };
    return d;
  }();
  call->def = &scalar_wrapper;
  call->args = {e};
  call->columns.push_back(OutputColumn{name, e->type});
  return call;
}

ExprPtr Binder::bind_aggregate(const PgQuery__FuncCall* f, const AggregateDef* def, Level& lv) {
  if (lv.select == nullptr) throw CatalogError("42803", "aggregate functions are not allowed here");
  if (lv.in_aggregate) throw CatalogError("42803", "aggregate function calls cannot be nested");
  auto agg = std::make_shared<AggCall>();
  agg->def = def;
  agg->star = f->agg_star;
  agg->distinct = f->agg_distinct;
  lv.in_aggregate = true;
  agg->args = bind_args(f->args, f->n_args, lv);
  for (auto& a : agg->args)
    if (a->type.oid == toid::UNKNOWN) a = coerce(a, TypeRef{toid::TEXT, -1});
  if (f->agg_filter) agg->filter = coerce(bind_expr(f->agg_filter, lv), TypeRef{toid::BOOL, -1});
  for (size_t i = 0; i < f->n_agg_order; ++i) {
    const PgQuery__SortBy* sb = f->agg_order[i]->sort_by;
    agg->order.push_back(bind_expr(sb->node, lv));
    agg->order_desc.push_back(sb->sortby_dir == PG_QUERY__SORT_BY_DIR__SORTBY_DESC);
  }
  lv.in_aggregate = false;
  std::vector<TypeRef> types;
  for (auto& a : agg->args) types.push_back(a->type);
  agg->type = def->result(types, cat);
  lv.select->aggs.push_back(agg);
  auto slot = std::make_shared<SlotExpr>();
  slot->query = lv.select;
  slot->slot = lv.select->aggs.size() - 1;
  slot->type = agg->type;
  return slot;
}

ExprPtr Binder::bind_window(const PgQuery__FuncCall* f, const std::string& name, Level& lv) {
  if (lv.select == nullptr) throw CatalogError("42P20", "window functions are not allowed here");
  const PgQuery__WindowDef* w = f->over;
  if (w->name && *w->name) unsupported("named windows");
  auto win = std::make_shared<WindowCall>();
  win->name = name;
  win->args = bind_args(f->args, f->n_args, lv);
  for (size_t i = 0; i < w->n_partition_clause; ++i)
    win->partition.push_back(bind_expr(w->partition_clause[i], lv));
  for (size_t i = 0; i < w->n_order_clause; ++i) {
    const PgQuery__SortBy* sb = w->order_clause[i]->sort_by;
    SortKey k;
    k.expr = bind_expr(sb->node, lv);
    k.desc = sb->sortby_dir == PG_QUERY__SORT_BY_DIR__SORTBY_DESC;
    k.nulls_first = sb->sortby_nulls == PG_QUERY__SORT_BY_NULLS__SORTBY_NULLS_FIRST ||
                    (k.desc && sb->sortby_nulls != PG_QUERY__SORT_BY_NULLS__SORTBY_NULLS_LAST);
    win->order.push_back(k);
  }
  constexpr int32_t END_UNBOUNDED_FOLLOWING = 0x00100;
  win->whole_partition = win->order.empty() || (w->frame_options & END_UNBOUNDED_FOLLOWING) != 0;
  // Frames (parsenodes.h FRAMEOPTION_*): only the default one and UNBOUNDED PRECEDING …
  // UNBOUNDED FOLLOWING are computed; other frames change what aggregates and
  // first/last/nth_value return, so they are refused rather than answered wrongly.
  const int32_t fo = w->frame_options;
  const bool frame_free = name == "row_number" || name == "rank" || name == "dense_rank" ||
                          name == "percent_rank" || name == "cume_dist" || name == "ntile" ||
                          name == "lag" || name == "lead";
  if ((fo & 0x1) && !frame_free) {
    const bool offsets = (fo & (0x00800 | 0x01000 | 0x02000 | 0x04000)) != 0;
    const bool excludes = (fo & (0x08000 | 0x10000 | 0x20000)) != 0;
    const bool groups = (fo & 0x8) != 0, rows = (fo & 0x4) != 0;
    const bool from_start = (fo & 0x20) != 0;
    if (offsets || excludes || groups || !from_start ||
        (rows && !(fo & END_UNBOUNDED_FOLLOWING) && !win->order.empty()))
      unsupported("this window frame");
  }
  if (const AggregateDef* def = aggregate_named(name)) {
    auto agg = std::make_shared<AggCall>();
    agg->def = def;
    agg->star = f->agg_star;
    agg->args = win->args;
    std::vector<TypeRef> types;
    for (auto& a : agg->args) types.push_back(a->type);
    agg->type = def->result(types, cat);
    win->agg = agg;
    win->type = agg->type;
  } else if (name == "row_number" || name == "rank" || name == "dense_rank" || name == "ntile") {
    win->type = TypeRef{name == "ntile" ? toid::INT4 : toid::INT8, -1};
  } else if (name == "lag" || name == "lead" || name == "first_value" || name == "last_value") {
    if (win->args.empty()) throw CatalogError("42883", "function " + name + "() does not exist");
    win->type = win->args[0]->type;
  } else {
    unsupported("window function " + name);
  }
  lv.select->windows.push_back(win);
  auto slot = std::make_shared<SlotExpr>();
  slot->query = lv.select;
  slot->slot = lv.select->windows.size() - 1;
  slot->window = true;
  slot->type = win->type;
  return slot;
}

ExprPtr Binder::bind_func_call(const PgQuery__FuncCall* f, Level& lv) {
  std::string schema;
  std::string name = func_name(f->funcname, f->n_funcname, &schema);
  if (f->over) return bind_window(f, name, lv);
  if (const AggregateDef* def = aggregate_named(name);
      def && (schema.empty() || schema == "pg_catalog"))
    return bind_aggregate(f, def, lv);
  if (f->agg_star)
    throw CatalogError("42809",
                       name + "(*) specified, but " + name + " is not an aggregate function");
  if ((name == "_pg_truetypid" || name == "_pg_truetypmod") && f->n_args == 2)
    if (ExprPtr e = bind_true_type(name == "_pg_truetypid", f, lv)) return e;
  std::vector<ExprPtr> args = bind_args(f->args, f->n_args, lv);
  ExprPtr e = call_function(name, std::move(args), true);
  return e;
}

namespace {

// _pg_truetypid / _pg_truetypmod(att, typ) inlined as PostgreSQL inlines these SQL functions:
// CASE WHEN typ.typtype = 'd' THEN typ.<base> ELSE att.<own> END, without building rows.
struct TrueTypeExpr : Expr {
  ExprPtr typtype, domain_value, column_value;
  Value eval(const EvalContext& ctx) const override {
    Value t = typtype->eval(ctx);
    return t.is_text() && t.as_text() == "d" ? domain_value->eval(ctx) : column_value->eval(ctx);
  }
  void children(const std::function<void(const Expr&)>& f) const override {
    f(*typtype);
    f(*domain_value);
    f(*column_value);
  }
};

// "alias" of an `alias.*` argument, or "".
std::string star_alias(const PgQuery__Node* n) {
  if (n->node_case != PG_QUERY__NODE__NODE_COLUMN_REF) return "";
  const PgQuery__ColumnRef* c = n->column_ref;
  if (c->n_fields != 2 || c->fields[1]->node_case != PG_QUERY__NODE__NODE_A_STAR) return "";
  return node_string(c->fields[0]);
}

}  // namespace

ExprPtr Binder::bind_true_type(bool id, const PgQuery__FuncCall* f, Level& lv) {
  const std::string att = star_alias(f->args[0]), typ = star_alias(f->args[1]);
  if (att.empty() || typ.empty()) return nullptr;
  auto column = [&](const std::string& qual, const char* col) -> ExprPtr {
    PgQuery__String parts[2];
    PgQuery__Node nodes[2];
    PgQuery__Node* fields[2];
    const std::string* names[2] = {&qual, nullptr};
    std::string c = col;
    names[1] = &c;
    for (int i = 0; i < 2; ++i) {
      pg_query__string__init(&parts[i]);
      parts[i].sval = const_cast<char*>(names[i]->c_str());
      pg_query__node__init(&nodes[i]);
      nodes[i].node_case = PG_QUERY__NODE__NODE_STRING;
      nodes[i].string = &parts[i];
      fields[i] = &nodes[i];
    }
    PgQuery__ColumnRef ref;
    pg_query__column_ref__init(&ref);
    ref.n_fields = 2;
    ref.fields = fields;
    return bind_column_ref(&ref, lv);
  };
  auto e = std::make_shared<TrueTypeExpr>();
  e->typtype = column(typ, "typtype");
  e->domain_value = column(typ, id ? "typbasetype" : "typtypmod");
  e->column_value = column(att, id ? "atttypid" : "atttypmod");
  e->type = TypeRef{id ? toid::OID : toid::INT4, -1};
  return e;
}

}  // namespace riffq::catalog
