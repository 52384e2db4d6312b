// bind_select.cpp — binding SELECT statements: WITH, set operations, VALUES, the select list,
// GROUP BY / HAVING, DISTINCT [ON], ORDER BY and LIMIT / OFFSET.
#include <pg_query.h>

#include <mutex>
#include <unordered_map>

#include "binder.hpp"
#include "riffq/sql/parse_tree.hpp"
#include "type_oids.hpp"

namespace riffq::catalog {

std::string node_string(const PgQuery__Node* n) {
  return n != nullptr && n->node_case == PG_QUERY__NODE__NODE_STRING ? n->string->sval : "";
}

void unsupported(const std::string& what) {
  throw CatalogError(sqlstate::FEATURE_NOT_SUPPORTED,
                     what + " is not supported by riffq's catalog engine");
}

Binder::Binder(const CatalogSnapshot& c, const SessionInfo& s, std::vector<TypeRef>& p)
    : cat(c), session(s), params(p) {}

QueryPtr Binder::bind_statement(const PgQuery__Node* stmt) {
  if (stmt->node_case != PG_QUERY__NODE__NODE_SELECT_STMT) unsupported("this kind of statement");
  if (stmt->select_stmt->into_clause != nullptr) unsupported("SELECT INTO");
  if (stmt->select_stmt->n_locking_clause > 0) {
    // FOR UPDATE/SHARE on a catalog read: nothing to lock in a read-only model.
  }
  return bind_select(stmt->select_stmt, nullptr);
}

QueryPtr Binder::bind_query(const PgQuery__Node* n, Level* parent) {
  if (n->node_case != PG_QUERY__NODE__NODE_SELECT_STMT) unsupported("a non-SELECT subquery");
  return bind_select(n->select_stmt, parent);
}

void Binder::bind_ctes(const PgQuery__WithClause* w, Level& lv,
                       std::vector<std::pair<const void*, QueryPtr>>& out) {
  for (size_t i = 0; i < w->n_ctes; ++i) {
    const PgQuery__CommonTableExpr* cte = w->ctes[i]->common_table_expr;
    cte_keys_.push_back(std::make_unique<int>(next_cte_key_++));
    CteDef def;
    def.name = cte->ctename;
    def.key = cte_keys_.back().get();
    const PgQuery__Node* q = cte->ctequery;
    if (q->node_case != PG_QUERY__NODE__NODE_SELECT_STMT) unsupported("a data-modifying WITH");
    const PgQuery__SelectStmt* s = q->select_stmt;
    bool recursive = w->recursive && s->op == PG_QUERY__SET_OPERATION__SETOP_UNION;
    if (recursive) {
      // The non-recursive term fixes the columns; the step sees the working table.
      Level base_level;
      base_level.parent = &lv;
      base_level.ctes = lv.ctes;
      QueryPtr base = bind_select(s->larg, &lv);
      def.query = nullptr;
      for (auto& c : base->columns) {
        def.names.push_back(c.name);
        def.types.push_back(c.type);
      }
      for (size_t k = 0; k < cte->n_aliascolnames && k < def.names.size(); ++k)
        def.names[k] = node_string(cte->aliascolnames[k]);
      cte_keys_.push_back(std::make_unique<int>(next_cte_key_++));
      const void* working = cte_keys_.back().get();
      CteDef working_def = def;
      working_def.key = working;
      lv.ctes.push_back(working_def);
      QueryPtr step = bind_select(s->rarg, &lv);
      lv.ctes.pop_back();
      auto rq = std::make_shared<RecursiveQuery>();
      rq->base = base;
      rq->step = step;
      rq->all = s->all;
      rq->working_key = working;
      rq->columns = base->columns;
      for (size_t k = 0; k < rq->columns.size(); ++k) rq->columns[k].name = def.names[k];
      rq->correlated = base->correlated || step->correlated;
      def.query = rq;
    } else {
      def.query = bind_select(s, &lv);
      for (auto& c : def.query->columns) {
        def.names.push_back(c.name);
        def.types.push_back(c.type);
      }
      for (size_t k = 0; k < cte->n_aliascolnames && k < def.names.size(); ++k)
        def.names[k] = node_string(cte->aliascolnames[k]);
    }
    out.emplace_back(def.key, def.query);
    lv.ctes.push_back(std::move(def));
  }
}

QueryPtr Binder::bind_set_op(const PgQuery__SelectStmt* s, Level* parent) {
  auto q = std::make_shared<SetOpQuery>();
  Level lv;
  lv.parent = parent;
  if (parent) lv.ctes = parent->ctes;
  if (s->with_clause) bind_ctes(s->with_clause, lv, q->ctes);
  // Both branches see the CTEs of this statement through a level without ranges.
  Level* scope = s->with_clause ? &lv : parent;
  q->own_level = s->with_clause != nullptr;
  q->left = bind_select(s->larg, scope);
  q->right = bind_select(s->rarg, scope);
  switch (s->op) {
    case PG_QUERY__SET_OPERATION__SETOP_UNION:
      q->op = SetOpQuery::Op::UNION;
      break;
    case PG_QUERY__SET_OPERATION__SETOP_INTERSECT:
      q->op = SetOpQuery::Op::INTERSECT;
      break;
    default:
      q->op = SetOpQuery::Op::EXCEPT;
  }
  q->all = s->all;
  if (q->left->columns.size() != q->right->columns.size())
    throw CatalogError(sqlstate::SYNTAX_ERROR,
                       "each UNION query must have the same number of columns");
  q->columns = q->left->columns;
  for (size_t i = 0; i < q->columns.size(); ++i) {
    TypeRef& l = q->columns[i].type;
    TypeRef r = q->right->columns[i].type;
    if (l.oid == toid::UNKNOWN)
      l = r.oid == toid::UNKNOWN ? TypeRef{toid::TEXT, -1} : r;
    else if (l.oid != r.oid && l.typmod != r.typmod)
      l.typmod = -1;
    if (l.oid != r.oid) {
      // Text-like mixes resolve as select_common_type does: the left type stays unless it
      // is not the preferred one and coerces to the right one implicitly but not back (so
      // name UNION text is name, varchar UNION text is varchar).
      Storage ls = cat.types.storage(l.oid), rs = cat.types.storage(r.oid);
      const TypeInfo* lt = cat.types.find(l.oid);
      if (ls == Storage::TEXT && rs == Storage::TEXT && r.oid != toid::UNKNOWN) {
        if (lt != nullptr && !lt->preferred && cat.types.coerces_implicitly(l.oid, r.oid) &&
            !cat.types.coerces_implicitly(r.oid, l.oid))
          l = TypeRef{r.oid, -1};
        else
          l.typmod = -1;
      } else if (ls == Storage::INT && rs == Storage::INT && r.oid == toid::INT8)
        l = r;
      else if (rs == Storage::FLOAT && ls == Storage::INT)
        l = r;
    }
    q->columns[i].table_oid = 0;
    q->columns[i].attnum = 0;
  }
  q->correlated = q->left->correlated || q->right->correlated;
  for (size_t i = 0; i < s->n_sort_clause; ++i) {
    const PgQuery__SortBy* sb = s->sort_clause[i]->sort_by;
    size_t idx = SIZE_MAX;
    const PgQuery__Node* n = sb->node;
    if (n->node_case == PG_QUERY__NODE__NODE_A_CONST &&
        n->a_const->val_case == PG_QUERY__A__CONST__VAL_IVAL) {
      idx = static_cast<size_t>(n->a_const->ival->ival - 1);
    } else if (n->node_case == PG_QUERY__NODE__NODE_COLUMN_REF && n->column_ref->n_fields == 1) {
      std::string name = node_string(n->column_ref->fields[0]);
      for (size_t k = 0; k < q->columns.size(); ++k)
        if (q->columns[k].name == name) {
          idx = k;
          break;
        }
    }
    if (idx >= q->columns.size())
      unsupported("ORDER BY on a UNION/INTERSECT/EXCEPT result by an expression");
    bool desc = sb->sortby_dir == PG_QUERY__SORT_BY_DIR__SORTBY_DESC;
    bool nf = sb->sortby_nulls == PG_QUERY__SORT_BY_NULLS__SORTBY_NULLS_FIRST ||
              (desc && sb->sortby_nulls != PG_QUERY__SORT_BY_NULLS__SORTBY_NULLS_LAST);
    q->order.emplace_back(idx, desc, nf);
  }
  Level empty;
  empty.parent = parent;
  q->limit = bind_limit(s->limit_count, empty);
  q->offset = bind_limit(s->limit_offset, empty);
  return q;
}

QueryPtr Binder::bind_values(const PgQuery__SelectStmt* s, Level* parent) {
  auto q = std::make_shared<ValuesQuery>();
  Level lv;
  lv.parent = parent;
  if (parent) lv.ctes = parent->ctes;
  size_t ncols = 0;
  for (size_t r = 0; r < s->n_values_lists; ++r) {
    const PgQuery__List* list = s->values_lists[r]->list;
    if (r == 0) ncols = list->n_items;
    if (list->n_items != ncols)
      throw CatalogError(sqlstate::SYNTAX_ERROR, "VALUES lists must all be the same length");
    q->rows.push_back(bind_args(list->items, list->n_items, lv));
  }
  for (size_t c = 0; c < ncols; ++c) {
    std::vector<ExprPtr> column;
    for (auto& row : q->rows) column.push_back(row[c]);
    TypeRef t = common_type(column);
    for (size_t r = 0; r < q->rows.size(); ++r) q->rows[r][c] = column[r];
    q->columns.push_back(OutputColumn{"column" + std::to_string(c + 1), t});
  }
  q->correlated = lv.correlated;
  return q;
}

ExprPtr Binder::bind_limit(const PgQuery__Node* n, Level& lv) {
  if (n == nullptr) return nullptr;
  if (n->node_case == PG_QUERY__NODE__NODE_A_CONST && n->a_const->isnull)
    return nullptr;  // LIMIT ALL
  return coerce(bind_expr(n, lv), TypeRef{toid::INT8, -1});
}

QueryPtr Binder::bind_select(const PgQuery__SelectStmt* s, Level* parent) {
  if (s->op != PG_QUERY__SET_OPERATION__SETOP_NONE) return bind_set_op(s, parent);
  if (s->n_values_lists > 0) return bind_values(s, parent);

  auto q = std::make_shared<SelectQuery>();
  Level lv;
  lv.parent = parent;
  if (parent) lv.ctes = parent->ctes;
  lv.select = q.get();
  if (s->with_clause) bind_ctes(s->with_clause, lv, q->ctes);

  if (s->n_from_clause > 0) q->from = bind_from_list(s->from_clause, s->n_from_clause, lv);
  q->from_width = lv.width;

  ExprPtr where;
  if (s->where_clause) where = coerce(bind_expr(s->where_clause, lv), TypeRef{toid::BOOL, -1});

  bind_targets(s, *q, lv);

  for (size_t i = 0; i < s->n_group_clause; ++i) {
    const PgQuery__Node* g = s->group_clause[i];
    if (g->node_case == PG_QUERY__NODE__NODE_GROUPING_SET) {
      if (g->grouping_set->kind == PG_QUERY__GROUPING_SET_KIND__GROUPING_SET_EMPTY) continue;
      unsupported("GROUPING SETS / ROLLUP / CUBE");
    }
    size_t idx = order_target(g, *q, lv, true);
    q->group_keys.push_back(q->targets[idx]);
  }
  if (s->having_clause)
    q->having = coerce(bind_expr(s->having_clause, lv), TypeRef{toid::BOOL, -1});

  if (s->n_distinct_clause > 0) {
    if (s->n_distinct_clause == 1 && s->distinct_clause[0] == nullptr) {
      q->distinct = true;
    } else if (s->n_distinct_clause == 1 &&
               s->distinct_clause[0]->node_case == PG_QUERY__NODE__NODE__NOT_SET) {
      q->distinct = true;
    } else {
      for (size_t i = 0; i < s->n_distinct_clause; ++i)
        q->distinct_on.push_back(order_target(s->distinct_clause[i], *q, lv, false));
    }
  }
  for (size_t i = 0; i < s->n_sort_clause; ++i) {
    const PgQuery__SortBy* sb = s->sort_clause[i]->sort_by;
    size_t idx = order_target(sb->node, *q, lv, false);
    bool desc = sb->sortby_dir == PG_QUERY__SORT_BY_DIR__SORTBY_DESC;
    bool nf = sb->sortby_nulls == PG_QUERY__SORT_BY_NULLS__SORTBY_NULLS_FIRST ||
              (desc && sb->sortby_nulls != PG_QUERY__SORT_BY_NULLS__SORTBY_NULLS_LAST);
    if (sb->sortby_dir == PG_QUERY__SORT_BY_DIR__SORTBY_USING) {
      std::string op = node_string(sb->use_op[sb->n_use_op - 1]);
      desc = op == ">" || op == ">=";
      nf = desc && sb->sortby_nulls != PG_QUERY__SORT_BY_NULLS__SORTBY_NULLS_LAST;
    }
    q->order.emplace_back(idx, desc, nf);
  }
  q->grouped = q->grouped || !q->aggs.empty() || !q->group_keys.empty() || q->having != nullptr;
  q->limit = bind_limit(s->limit_count, lv);
  q->offset = bind_limit(s->limit_offset, lv);
  if (FromPtr reordered = reorder_joins(lv, where)) q->from = reordered;
  push_down(*q, where);
  push_into_subqueries(lv);
  q->correlated = lv.correlated;
  for (RelationScan* scan : lv.scans) {
    scan->copy.clear();
    for (int i = 0; i < scan->width; ++i) {
      const size_t at = static_cast<size_t>(scan->offset + i);
      if (at < lv.used.size() && lv.used[at]) scan->copy.push_back(i);
    }
    scan->pruned = true;
  }
  return q;
}

// A column read straight from a table, or copied up from a subquery's or CTE's column that is
// one: RowDescription names its table and attribute number (PostgreSQL's markTargetListOrigin).
static void set_column_origin(OutputColumn& col, const Expr& e, const Binder::Level& lv) {
  auto* ce = dynamic_cast<const ColumnExpr*>(&e);
  if (ce == nullptr || ce->levels_up != 0) return;
  for (const auto& r : lv.ranges) {
    if (ce->index < r.offset || ce->index >= r.offset + static_cast<int>(r.names.size())) continue;
    const auto k = static_cast<size_t>(ce->index - r.offset);
    if (r.relid && r.system[k]) {
      // System columns have PostgreSQL's negative attribute numbers.
      static const std::pair<const char*, int16_t> sys[] = {
          {"ctid", -1}, {"xmin", -2}, {"cmin", -3}, {"xmax", -4}, {"cmax", -5}, {"tableoid", -6}};
      for (const auto& [name, num] : sys)
        if (r.names[k] == name) {
          col.table_oid = r.relid;
          col.attnum = num;
        }
    } else if (r.relid) {
      col.table_oid = r.relid;
      col.attnum = static_cast<int16_t>(k + 1);
    } else if (k < r.origins.size() && r.origins[k].first != 0) {
      col.table_oid = r.origins[k].first;
      col.attnum = r.origins[k].second;
    }
  }
}

void Binder::bind_targets(const PgQuery__SelectStmt* s, SelectQuery& q, Level& lv) {
  for (size_t i = 0; i < s->n_target_list; ++i) {
    const PgQuery__ResTarget* rt = s->target_list[i]->res_target;
    const PgQuery__Node* v = rt->val;
    if (v->node_case == PG_QUERY__NODE__NODE_COLUMN_REF &&
        v->column_ref->fields[v->column_ref->n_fields - 1]->node_case ==
            PG_QUERY__NODE__NODE_A_STAR) {
      std::vector<std::string> names;
      for (auto& e : expand_star(v->column_ref, lv, names)) {
        q.targets.push_back(e);
        OutputColumn col{names[0], e->type};
        names.erase(names.begin());
        set_column_origin(col, *e, lv);
        q.columns.push_back(col);
      }
      continue;
    }
    ExprPtr e = bind_expr(v, lv);
    if (e->type.oid == toid::UNKNOWN) e = coerce(e, TypeRef{toid::TEXT, -1});
    if (dynamic_cast<SrfExpr*>(e.get())) q.has_srf = true;
    OutputColumn col{rt->name && *rt->name ? rt->name : figure_colname(v), e->type};
    set_column_origin(col, *e, lv);
    q.targets.push_back(e);
    q.columns.push_back(col);
  }
  q.visible = q.targets.size();
}

// ORDER BY / GROUP BY / DISTINCT ON item → index of a target (appending a hidden one if needed).
size_t Binder::order_target(const PgQuery__Node* n, SelectQuery& q, Level& lv, bool for_group) {
  if (n->node_case == PG_QUERY__NODE__NODE_A_CONST &&
      n->a_const->val_case == PG_QUERY__A__CONST__VAL_IVAL) {
    int64_t pos = n->a_const->ival->ival;
    if (pos < 1 || static_cast<size_t>(pos) > q.visible)
      throw CatalogError("42P10", std::string(for_group ? "GROUP BY" : "ORDER BY") + " position " +
                                      std::to_string(pos) + " is not in select list");
    return static_cast<size_t>(pos - 1);
  }
  if (n->node_case == PG_QUERY__NODE__NODE_COLUMN_REF && n->column_ref->n_fields == 1 &&
      n->column_ref->fields[0]->node_case == PG_QUERY__NODE__NODE_STRING) {
    std::string name = node_string(n->column_ref->fields[0]);
    bool is_input = false;
    for (auto& r : lv.ranges)
      for (size_t k = 0; k < r.names.size(); ++k)
        if (r.names[k] == name && !r.merged[k]) is_input = true;
    // ORDER BY prefers output names; GROUP BY prefers input columns.
    if (!for_group || !is_input) {
      size_t found = SIZE_MAX;
      for (size_t k = 0; k < q.visible; ++k)
        if (q.columns[k].name == name) {
          if (found != SIZE_MAX && !for_group) {
            auto* a = dynamic_cast<ColumnExpr*>(q.targets[found].get());
            auto* b = dynamic_cast<ColumnExpr*>(q.targets[k].get());
            if (!(a && b && a->index == b->index && a->levels_up == b->levels_up))
              throw CatalogError("42702", "ORDER BY \"" + name + "\" is ambiguous");
          }
          if (found == SIZE_MAX) found = k;
        }
      if (found != SIZE_MAX) return found;
    }
  }
  ExprPtr e = bind_expr(n, lv);
  if (e->type.oid == toid::UNKNOWN) e = coerce(e, TypeRef{toid::TEXT, -1});
  if (auto* ce = dynamic_cast<ColumnExpr*>(e.get())) {
    for (size_t k = 0; k < q.visible; ++k)
      if (auto* t = dynamic_cast<ColumnExpr*>(q.targets[k].get());
          t && t->index == ce->index && t->levels_up == ce->levels_up)
        return k;
  }
  q.targets.push_back(e);
  return q.targets.size() - 1;
}

namespace {

// Parse trees of view definitions, kept: a view is bound again in every statement that reads
// it (its plan takes the statement's filters), but its text never changes.
std::shared_ptr<const PgQuery__ParseResult> parsed_view(const std::string& sql) {
  static std::mutex mu;
  static std::unordered_map<std::string, std::shared_ptr<const PgQuery__ParseResult>> cache;
  {
    std::lock_guard<std::mutex> lock(mu);
    auto it = cache.find(sql);
    if (it != cache.end()) return it->second;
  }
  std::shared_ptr<const PgQuery__ParseResult> p = parse_sql(sql);
  if (p->n_stmts != 1)
    throw CatalogError(sqlstate::INTERNAL_ERROR, "could not read the view definition");
  std::lock_guard<std::mutex> lock(mu);
  return cache.emplace(sql, p).first->second;
}

}  // namespace

QueryPtr bind_view_sql(const std::string& sql, const CatalogSnapshot& cat,
                       const SessionInfo& session) {
  auto tree = parsed_view(sql);
  std::vector<TypeRef> no_params;
  Binder b(cat, session, no_params);
  return b.bind_statement(tree->stmts[0]->stmt);
}

std::shared_ptr<const PgQuery__ParseResult> parse_sql(std::string_view sql) {
  auto parsed = sql::parse_tree(sql);
  if (parsed->error) {
    PgError e = PgError::error(sqlstate::SYNTAX_ERROR, parsed->error->message);
    e.position = parsed->error->cursorpos;
    throw CatalogError(e);
  }
  if (parsed->tree == nullptr)
    throw CatalogError(sqlstate::INTERNAL_ERROR, "could not read the parse tree");
  // The tree lives as long as the parse it belongs to.
  return std::shared_ptr<const PgQuery__ParseResult>(parsed, parsed->tree.get());
}

QueryPtr bind_sql(std::string_view sql, const CatalogSnapshot& cat, const SessionInfo& session,
                  std::vector<TypeRef>& params) {
  auto tree = parse_sql(sql);
  if (tree->n_stmts != 1)
    throw CatalogError(sqlstate::SYNTAX_ERROR, "expected exactly one statement");
  Binder b(cat, session, params);
  return b.bind_statement(tree->stmts[0]->stmt);
}

}  // namespace riffq::catalog

namespace riffq::catalog {
namespace {

// PostgreSQL's FigureColnameInternal: returns 0 for "?column?", 1 for a weak guess (a cast's
// type name), 2 for a name taken from the expression.
int figure(const PgQuery__Node* n, std::string& name) {
  if (n == nullptr) return 0;
  switch (n->node_case) {
    case PG_QUERY__NODE__NODE_COLUMN_REF: {
      const PgQuery__ColumnRef* c = n->column_ref;
      for (size_t i = c->n_fields; i-- > 0;)
        if (c->fields[i]->node_case == PG_QUERY__NODE__NODE_STRING) {
          name = c->fields[i]->string->sval;
          return 2;
        }
      return 0;
    }
    case PG_QUERY__NODE__NODE_A_INDIRECTION: {
      const PgQuery__AIndirection* a = n->a_indirection;
      for (size_t i = a->n_indirection; i-- > 0;)
        if (a->indirection[i]->node_case == PG_QUERY__NODE__NODE_STRING) {
          name = a->indirection[i]->string->sval;
          return 2;
        }
      return figure(a->arg, name);
    }
    case PG_QUERY__NODE__NODE_FUNC_CALL:
      name = Binder::func_name(n->func_call->funcname, n->func_call->n_funcname);
      return 2;
    case PG_QUERY__NODE__NODE_A_EXPR:
      if (n->a_expr->kind == PG_QUERY__A__EXPR__KIND__AEXPR_NULLIF) {
        name = "nullif";
        return 2;
      }
      return 0;
    case PG_QUERY__NODE__NODE_TYPE_CAST: {
      int strength = figure(n->type_cast->arg, name);
      if (strength <= 1) {
        const PgQuery__TypeName* t = n->type_cast->type_name;
        if (t->n_names > 0) {
          name = node_string(t->names[t->n_names - 1]);
          return 1;
        }
      }
      return strength;
    }
    case PG_QUERY__NODE__NODE_COLLATE_CLAUSE:
      return figure(n->collate_clause->arg, name);
    case PG_QUERY__NODE__NODE_SUB_LINK:
      switch (n->sub_link->sub_link_type) {
        case PG_QUERY__SUB_LINK_TYPE__EXISTS_SUBLINK:
          name = "exists";
          return 2;
        case PG_QUERY__SUB_LINK_TYPE__ARRAY_SUBLINK:
          name = "array";
          return 2;
        case PG_QUERY__SUB_LINK_TYPE__EXPR_SUBLINK: {
          const PgQuery__Node* q = n->sub_link->subselect;
          if (q->node_case == PG_QUERY__NODE__NODE_SELECT_STMT &&
              q->select_stmt->n_target_list > 0) {
            const PgQuery__ResTarget* rt = q->select_stmt->target_list[0]->res_target;
            if (rt->name && *rt->name) {
              name = rt->name;
              return 2;
            }
            return figure(rt->val, name);
          }
          return 0;
        }
        default:
          return 0;
      }
    case PG_QUERY__NODE__NODE_CASE_EXPR: {
      int s = figure(n->case_expr->defresult, name);
      if (s <= 1) {
        name = "case";
        return 1;
      }
      return s;
    }
    case PG_QUERY__NODE__NODE_A_ARRAY_EXPR:
      name = "array";
      return 2;
    case PG_QUERY__NODE__NODE_ROW_EXPR:
      name = "row";
      return 2;
    case PG_QUERY__NODE__NODE_COALESCE_EXPR:
      name = "coalesce";
      return 2;
    case PG_QUERY__NODE__NODE_MIN_MAX_EXPR:
      name = n->min_max_expr->op == PG_QUERY__MIN_MAX_OP__IS_GREATEST ? "greatest" : "least";
      return 2;
    case PG_QUERY__NODE__NODE_SQLVALUE_FUNCTION:
      switch (n->sqlvalue_function->op) {
        case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_DATE:
          name = "current_date";
          return 2;
        case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_TIMESTAMP:
          name = "current_timestamp";
          return 2;
        case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_LOCALTIMESTAMP:
          name = "localtimestamp";
          return 2;
        case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_ROLE:
          name = "current_role";
          return 2;
        case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_USER:
          name = "current_user";
          return 2;
        case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_USER:
          name = "user";
          return 2;
        case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_SESSION_USER:
          name = "session_user";
          return 2;
        case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_CATALOG:
          name = "current_catalog";
          return 2;
        case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_SCHEMA:
          name = "current_schema";
          return 2;
        default:
          return 0;
      }
    default:
      return 0;
  }
}

}  // namespace

std::string Binder::figure_colname(const PgQuery__Node* n) {
  std::string name;
  if (figure(n, name) == 0) return "?column?";
  return name;
}

}  // namespace riffq::catalog
