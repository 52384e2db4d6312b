// bind_from.cpp — binding the FROM clause: relations (tables, views, CTEs), subqueries,
// set-returning functions, joins (ON / USING / NATURAL, LATERAL) and WHERE push-down.
#include <algorithm>
#include <set>

#include "binder.hpp"
#include "type_oids.hpp"

namespace riffq::catalog {
namespace {

std::vector<std::pair<Oid, int16_t>> column_origins(const Query& q) {
  std::vector<std::pair<Oid, int16_t>> out;
  for (const OutputColumn& c : q.columns) out.emplace_back(c.table_oid, c.attnum);
  return out;
}

// Level-0 columns an expression reads; `other` is set when it reads anything we cannot place
// (a sublink, a window or aggregate slot, a set-returning call).
void collect_columns(const Expr& e, std::set<int>& cols, bool& other) {
  if (auto* c = dynamic_cast<const ColumnExpr*>(&e)) {
    if (c->levels_up == 0) cols.insert(c->index);
    return;
  }
  if (dynamic_cast<const SubLinkExpr*>(&e) || dynamic_cast<const SlotExpr*>(&e) ||
      dynamic_cast<const SrfExpr*>(&e)) {
    other = true;
  }
  if (auto* f = dynamic_cast<const FuncExpr*>(&e); f && !f->def->foldable) other = true;
  e.children([&](const Expr& c) { collect_columns(c, cols, other); });
}

// Whether `item` produces level column `c` (a reordered join's columns need not be contiguous).
bool covers(const FromItem& item, int c) {
  if (auto* j = dynamic_cast<const JoinItem*>(&item))
    return covers(*j->left, c) || covers(*j->right, c);
  return c >= item.offset && c < item.offset + item.width;
}

bool within(const std::set<int>& cols, const FromItem& item) {
  for (int c : cols)
    if (!covers(item, c)) return false;
  return true;
}

std::vector<ExprPtr>* filters_of(FromItem& item) {
  if (auto* r = dynamic_cast<RelationScan*>(&item)) return &r->filters;
  if (auto* s = dynamic_cast<SubqueryScan*>(&item)) return &s->filters;
  if (auto* f = dynamic_cast<FunctionScan*>(&item)) return &f->filters;
  if (auto* c = dynamic_cast<CteScan*>(&item)) return &c->filters;
  if (auto* j = dynamic_cast<JoinItem*>(&item)) return &j->filters;
  return nullptr;
}

// A join condition that is an OR of equalities between the two sides (pg_type T joined
// ON T.oid = D.objoid OR T.typrelid = D.objoid) can probe a hash of the right side once per
// disjunct instead of comparing every pair; the condition itself stays in the residual.
void add_or_keys(JoinItem& j, const ExprPtr& conj) {
  auto* b = dynamic_cast<BoolExpr*>(conj.get());
  if (b == nullptr || b->op != BoolOp::OR || !j.or_keys.empty() || j.right_lateral) return;
  std::vector<std::pair<ExprPtr, ExprPtr>> keys;
  for (const ExprPtr& arg : b->args) {
    auto* cmp = dynamic_cast<CompareExpr*>(arg.get());
    if (cmp == nullptr || cmp->op != CmpOp::EQ) return;
    std::set<int> lc, rc;
    bool lo = false, ro = false;
    collect_columns(*cmp->left, lc, lo);
    collect_columns(*cmp->right, rc, ro);
    if (lo || ro || lc.empty() || rc.empty()) return;
    if (within(lc, *j.left) && within(rc, *j.right))
      keys.emplace_back(cmp->left, cmp->right);
    else if (within(rc, *j.left) && within(lc, *j.right))
      keys.emplace_back(cmp->right, cmp->left);
    else
      return;
  }
  j.or_keys = std::move(keys);
}

// Places one conjunct as deep as it may go; returns false if it must stay in WHERE.
bool place(FromItem& item, const ExprPtr& conj, const std::set<int>& cols) {
  if (!within(cols, item)) return false;
  if (auto* j = dynamic_cast<JoinItem*>(&item)) {
    bool left_ok = j->kind == JoinItem::Kind::INNER || j->kind == JoinItem::Kind::LEFT;
    bool right_ok = j->kind == JoinItem::Kind::INNER || j->kind == JoinItem::Kind::RIGHT;
    if (left_ok && !cols.empty() && within(cols, *j->left) && place(*j->left, conj, cols))
      return true;
    if (right_ok && !cols.empty() && within(cols, *j->right) && place(*j->right, conj, cols))
      return true;
    if (j->kind != JoinItem::Kind::INNER) {
      j->filters.push_back(conj);
      return true;
    }
    // An inner join condition: an equality of one side against the other becomes a hash key.
    if (auto* cmp = dynamic_cast<CompareExpr*>(conj.get());
        cmp && cmp->op == CmpOp::EQ && !j->right_lateral) {
      std::set<int> lc, rc;
      bool lo = false, ro = false;
      collect_columns(*cmp->left, lc, lo);
      collect_columns(*cmp->right, rc, ro);
      if (!lo && !ro && !lc.empty() && !rc.empty()) {
        if (within(lc, *j->left) && within(rc, *j->right)) {
          j->left_keys.push_back(cmp->left);
          j->right_keys.push_back(cmp->right);
          return true;
        }
        if (within(rc, *j->left) && within(lc, *j->right)) {
          j->left_keys.push_back(cmp->right);
          j->right_keys.push_back(cmp->left);
          return true;
        }
      }
    }
    add_or_keys(*j, conj);
    j->residual.push_back(conj);
    return true;
  }
  if (auto* r = dynamic_cast<RelationScan*>(&item);
      r && r->rel && r->rel->rows && r->key_column < 0) {
    // rel.col = expression of outer levels / parameters: an index look-up.
    if (auto* cmp = dynamic_cast<CompareExpr*>(conj.get()); cmp && cmp->op == CmpOp::EQ) {
      for (int side = 0; side < 2; ++side) {
        const ExprPtr& col = side ? cmp->right : cmp->left;
        const ExprPtr& key = side ? cmp->left : cmp->right;
        auto* ce = dynamic_cast<ColumnExpr*>(col.get());
        std::set<int> kc;
        bool ko = false;
        collect_columns(*key, kc, ko);
        if (ce && ce->levels_up == 0 && kc.empty() && !ko) {
          r->key_column = ce->index - r->offset;
          r->key_expr = key;
          return true;
        }
      }
    }
  }
  if (auto* f = filters_of(item)) {
    f->push_back(conj);
    return true;
  }
  return false;
}

void split_and(const ExprPtr& e, std::vector<ExprPtr>& out) {
  if (auto* b = dynamic_cast<BoolExpr*>(e.get()); b && b->op == BoolOp::AND) {
    for (auto& a : b->args) split_and(a, out);
    return;
  }
  out.push_back(e);
}

// True when `e` reads only level-0 columns, constants and parameters (no outer references,
// sublinks, aggregates, set-returning or volatile calls): it may be evaluated anywhere.
bool self_contained(const Expr& e) {
  if (auto* c = dynamic_cast<const ColumnExpr*>(&e)) return c->levels_up == 0;
  if (dynamic_cast<const SubLinkExpr*>(&e) || dynamic_cast<const SlotExpr*>(&e) ||
      dynamic_cast<const SrfExpr*>(&e))
    return false;
  if (auto* f = dynamic_cast<const FuncExpr*>(&e); f && !f->def->foldable) return false;
  bool ok = true;
  e.children([&](const Expr& c) { ok = ok && self_contained(c); });
  return ok;
}

// An outer filter on a subquery's (or view's) output evaluated inside it: the outer columns it
// reads are computed from the subquery's target expressions of the same row.
struct RemapExpr : Expr {
  ExprPtr filter;
  size_t width = 0;
  std::vector<std::pair<size_t, ExprPtr>> columns;  // outer position → inner expression
  Value eval(const EvalContext& ctx) const override {
    Row fake(width);
    for (const auto& [pos, e] : columns) fake[pos] = e->eval(ctx);
    EvalContext inner = EvalContext::nested(&fake, ctx.outer, *ctx.state);
    inner.params = ctx.params;
    return filter->eval(inner);
  }
  void children(const std::function<void(const Expr&)>& f) const override {
    for (const auto& c : columns) f(*c.second);
  }
};

// Moves the filters of `item` (whose rows are the output of `query`) into the query when they
// only read its outputs, and those are computed by simple expressions: the view or subquery
// then produces only the rows the filter keeps (information_schema.columns WHERE table_name =).
void push_into(FromItem& item, std::vector<ExprPtr>& filters, Query& query) {
  auto* q = dynamic_cast<SelectQuery*>(&query);
  if (q == nullptr || q->grouped || q->distinct || !q->distinct_on.empty() || q->limit ||
      q->offset || !q->windows.empty() || q->has_srf || !q->from)
    return;
  for (const ExprPtr& f : filters) {
    std::set<int> cols;
    bool other = false;
    collect_columns(*f, cols, other);
    if (other || cols.empty() || !within(cols, item) || !self_contained(*f)) continue;
    auto r = std::make_shared<RemapExpr>();
    r->filter = f;
    r->type = f->type;
    bool ok = true;
    for (int c : cols) {
      const size_t k = static_cast<size_t>(c - item.offset);
      if (k >= q->visible || !self_contained(*q->targets[k])) {
        ok = false;
        break;
      }
      r->columns.emplace_back(static_cast<size_t>(c), q->targets[k]);
      r->width = std::max(r->width, static_cast<size_t>(c) + 1);
    }
    if (!ok) continue;
    std::set<int> inner_cols;
    bool inner_other = false;
    collect_columns(*r, inner_cols, inner_other);
    if (inner_other || inner_cols.empty() || !place(*q->from, r, inner_cols))
      q->where = q->where
                     ? std::make_shared<BoolExpr>(BoolOp::AND, std::vector<ExprPtr>{q->where, r})
                     : ExprPtr(r);
  }
}

}  // namespace

// FROM a, b, c WHERE …: the items joined in an order the conditions connect, starting from
// the most restricted one, as PostgreSQL's planner would (pgjdbc's getImportedKeys lists nine
// catalogs; in written order the intermediate cross products are huge). Items that read other
// items (LATERAL, functions of their columns) wait for those.
FromPtr Binder::reorder_joins(Level& lv, const ExprPtr& where) {
  const std::vector<FromPtr>& leaves = lv.comma_items;
  const size_t n = leaves.size();
  if (n < 3 || !where) return nullptr;
  std::vector<std::set<int>> deps(n);  // leaves each one reads
  auto owner = [&](int c) -> int {
    for (size_t i = 0; i < n; ++i)
      if (covers(*leaves[i], c)) return static_cast<int>(i);
    return -1;
  };
  for (size_t i = 0; i < n; ++i) {
    std::set<int> cols;
    bool other = false;
    if (auto* f = dynamic_cast<FunctionScan*>(leaves[i].get())) {
      for (const auto& call : f->calls)
        for (const auto& a : call->args) collect_columns(*a, cols, other);
    } else if (auto* s = dynamic_cast<SubqueryScan*>(leaves[i].get()); s && s->lateral) {
      return nullptr;  // its references are not visible here: keep the written order
    } else if (auto* j = dynamic_cast<JoinItem*>(leaves[i].get()); j && j->right_lateral) {
      return nullptr;
    }
    if (other) return nullptr;
    for (int c : cols) {
      const int o = owner(c);
      if (o >= 0 && o != static_cast<int>(i)) deps[i].insert(o);
    }
  }
  std::vector<ExprPtr> conjuncts;
  split_and(where, conjuncts);
  std::vector<std::set<int>> conj_leaves;
  std::vector<int> score(n, 0);
  for (const ExprPtr& c : conjuncts) {
    std::set<int> cols, ls;
    bool other = false;
    collect_columns(*c, cols, other);
    for (int col : cols) ls.insert(owner(col));
    conj_leaves.push_back(ls);
    if (other || ls.size() != 1 || *ls.begin() < 0) continue;
    auto* cmp = dynamic_cast<CompareExpr*>(c.get());
    score[static_cast<size_t>(*ls.begin())] += cmp && cmp->op == CmpOp::EQ ? 10 : 1;
  }
  auto size_of = [&](size_t i) -> size_t {
    auto* r = dynamic_cast<RelationScan*>(leaves[i].get());
    return r && r->rel->rows ? r->rel->rows->size() : 1000;
  };
  std::vector<size_t> order;
  std::set<int> chosen;
  while (order.size() < n) {
    int best = -1;
    std::tuple<bool, int, long> best_key{false, 0, 0};
    for (size_t i = 0; i < n; ++i) {
      if (chosen.count(static_cast<int>(i))) continue;
      bool ready = true;
      for (int d : deps[i]) ready = ready && chosen.count(d);
      if (!ready) continue;
      bool connected = false;
      for (const auto& ls : conj_leaves)
        if (ls.count(static_cast<int>(i)) && ls.size() > 1) {
          bool rest = true;
          for (int l : ls) rest = rest && (l == static_cast<int>(i) || chosen.count(l));
          connected = connected || rest;
        }
      // Connected first (no cross product), then restricted, then small.
      std::tuple<bool, int, long> key{connected || chosen.empty(), score[i],
                                      -static_cast<long>(size_of(i))};
      if (best < 0 || key > best_key) {
        best = static_cast<int>(i);
        best_key = key;
      }
    }
    if (best < 0) return nullptr;  // circular references: keep the written order
    order.push_back(static_cast<size_t>(best));
    chosen.insert(best);
  }
  bool same = true;
  for (size_t i = 0; i < n; ++i) same = same && order[i] == i;
  if (same) return nullptr;
  FromPtr acc = leaves[order[0]];
  for (size_t k = 1; k < n; ++k) {
    FromPtr item = leaves[order[k]];
    auto j = std::make_shared<JoinItem>();
    j->kind = JoinItem::Kind::INNER;
    j->left = acc;
    j->right = item;
    j->offset = std::min(acc->offset, item->offset);
    j->width = acc->width + item->width;
    auto* fn = dynamic_cast<FunctionScan*>(item.get());
    auto* nested = dynamic_cast<JoinItem*>(item.get());
    j->right_lateral = fn != nullptr || (nested && nested->right_lateral);
    acc = j;
  }
  return acc;
}

void Binder::push_into_subqueries(Level& lv) {
  for (RelationScan* scan : lv.scans)
    if (scan->view && !scan->filters.empty()) push_into(*scan, scan->filters, *scan->view);
  for (SubqueryScan* sub : lv.subqueries)
    if (!sub->lateral && !sub->filters.empty() && !sub->query->correlated)
      push_into(*sub, sub->filters, *sub->query);
}

void Binder::push_down(SelectQuery& q, ExprPtr where) {
  if (!where) return;
  if (!q.from) {
    q.where = where;
    return;
  }
  std::vector<ExprPtr> conjuncts, rest;
  split_and(where, conjuncts);
  for (auto& c : conjuncts) {
    std::set<int> cols;
    bool other = false;
    collect_columns(*c, cols, other);
    if (other || cols.empty() || !place(*q.from, c, cols)) rest.push_back(c);
  }
  if (rest.empty()) return;
  q.where = rest.size() == 1 ? rest[0] : std::make_shared<BoolExpr>(BoolOp::AND, rest);
}

void Binder::add_range(Level& lv, FromItem& item, std::string alias, std::vector<std::string> names,
                       std::vector<TypeRef> types, const PgQuery__Alias* a, Oid relid) {
  if (a != nullptr) {
    alias = a->aliasname;
    for (size_t i = 0; i < a->n_colnames && i < names.size(); ++i)
      names[i] = node_string(a->colnames[i]);
  }
  item.offset = lv.width;
  item.width = static_cast<int>(names.size());
  RangeEntry r;
  r.alias = std::move(alias);
  r.merged.assign(names.size(), false);
  r.system.assign(names.size(), false);
  r.names = std::move(names);
  r.types = std::move(types);
  r.offset = lv.width;
  r.relid = relid;
  lv.width += item.width;
  lv.ranges.push_back(std::move(r));
}

const Binder::CteDef* Binder::find_cte(Level& lv, std::string_view name) {
  for (auto it = lv.ctes.rbegin(); it != lv.ctes.rend(); ++it)
    if (it->name == name) return &*it;
  return nullptr;
}

FromPtr Binder::bind_from_list(PgQuery__Node** items, size_t n, Level& lv) {
  FromPtr acc;
  for (size_t i = 0; i < n; ++i) {
    int before = lv.width;
    FromPtr item = bind_from_item(items[i], lv);
    lv.comma_items.push_back(item);
    if (!acc) {
      acc = item;
      continue;
    }
    auto j = std::make_shared<JoinItem>();
    j->kind = JoinItem::Kind::INNER;
    j->left = acc;
    j->right = item;
    j->offset = acc->offset;
    j->width = lv.width - acc->offset;
    (void)before;
    auto* sub = dynamic_cast<SubqueryScan*>(item.get());
    auto* fn = dynamic_cast<FunctionScan*>(item.get());
    auto* nested = dynamic_cast<JoinItem*>(item.get());
    j->right_lateral = (sub && sub->lateral) || fn != nullptr || (nested && nested->right_lateral);
    acc = j;
  }
  return acc;
}

FromPtr Binder::bind_from_item(const PgQuery__Node* n, Level& lv) {
  switch (n->node_case) {
    case PG_QUERY__NODE__NODE_RANGE_VAR:
      return bind_range_var(n->range_var, lv);
    case PG_QUERY__NODE__NODE_JOIN_EXPR:
      return bind_join(n->join_expr, lv);
    case PG_QUERY__NODE__NODE_RANGE_FUNCTION:
      return bind_range_function(n->range_function, lv);
    case PG_QUERY__NODE__NODE_RANGE_SUBSELECT: {
      const PgQuery__RangeSubselect* rs = n->range_subselect;
      auto item = std::make_shared<SubqueryScan>();
      item->lateral = rs->lateral;
      // Bound one level below this one, so that it runs with this level's partial row as its
      // outer row; a non-lateral subquery must not see the items beside it.
      std::vector<RangeEntry> hidden;
      if (!rs->lateral) hidden.swap(lv.ranges);
      try {
        item->query = bind_query(rs->subquery, &lv);
      } catch (...) {
        if (!rs->lateral) hidden.swap(lv.ranges);
        throw;
      }
      if (!rs->lateral) hidden.swap(lv.ranges);
      std::vector<std::string> names;
      std::vector<TypeRef> types;
      for (auto& c : item->query->columns) {
        names.push_back(c.name);
        types.push_back(c.type);
      }
      add_range(lv, *item, "", names, types, rs->alias);
      lv.ranges.back().origins = column_origins(*item->query);
      lv.subqueries.push_back(item.get());
      return item;
    }
    default:
      unsupported("this FROM item");
  }
}

FromPtr Binder::bind_range_var(const PgQuery__RangeVar* rv, Level& lv) {
  std::string schema = rv->schemaname ? rv->schemaname : "";
  std::string name = rv->relname;
  if (rv->catalogname && *rv->catalogname && rv->catalogname != session.database)
    throw CatalogError(sqlstate::FEATURE_NOT_SUPPORTED,
                       std::string("cross-database references are not implemented: ") +
                           rv->catalogname + "." + schema + "." + name);
  if (schema.empty()) {
    if (const CteDef* cte = find_cte(lv, name)) {
      auto item = std::make_shared<CteScan>();
      item->key = cte->key;
      item->query = cte->query;
      add_range(lv, *item, name, cte->names, cte->types, rv->alias);
      if (cte->query) lv.ranges.back().origins = column_origins(*cte->query);
      return item;
    }
  }
  const Relation* rel =
      schema.empty() ? cat.lookup_relation(name, session.search_path) : cat.relation(schema, name);
  if (rel == nullptr) {
    std::string full = schema.empty() ? name : schema + "." + name;
    throw CatalogError("42P01", "relation \"" + full + "\" does not exist");
  }
  auto item = std::make_shared<RelationScan>();
  item->rel = rel;
  if (!rel->rows) {
    if (rel->view_sql.empty()) unsupported("reading relation \"" + rel->name + "\"");
    item->view = bind_view_sql(rel->view_sql, cat, session);
  }
  std::vector<std::string> names;
  std::vector<TypeRef> types;
  for (size_t i = 0; i < rel->columns.size(); ++i) {
    names.push_back(rel->columns[i].name);
    types.push_back(rel->columns[i].type);
  }
  // Tables have system columns (ctid, xmin, …; IntelliJ reads xmin as a state number).
  item->system_columns = rel->rows && (rel->kind == 'r' || rel->kind == 'm');
  if (item->system_columns)
    for (const auto& [sys_name, sys_type] : system_columns()) {
      names.push_back(sys_name);
      types.push_back(TypeRef{sys_type, -1});
    }
  add_range(lv, *item, name, names, types, rv->alias, rel->oid);
  lv.scans.push_back(item.get());
  if (item->system_columns)
    for (size_t k = rel->columns.size(); k < names.size(); ++k) lv.ranges.back().system[k] = true;
  return item;
}

FromPtr Binder::bind_range_function(const PgQuery__RangeFunction* rf, Level& lv) {
  auto item = std::make_shared<FunctionScan>();
  item->ordinality = rf->ordinality;
  std::vector<std::string> names;
  std::vector<TypeRef> types;
  std::string alias;
  for (size_t i = 0; i < rf->n_functions; ++i) {
    const PgQuery__List* pair = rf->functions[i]->list;
    const PgQuery__Node* call = pair->items[0];
    if (call->node_case != PG_QUERY__NODE__NODE_FUNC_CALL) unsupported("this function in FROM");
    auto srf = srf_call(call->func_call, lv);
    if (alias.empty()) alias = srf->def->name;
    for (auto& c : srf->columns) {
      names.push_back(c.name);
      types.push_back(c.type);
    }
    item->calls.push_back(srf);
  }
  // A single-column function is named after its alias (FROM unnest(x) AS u → column u).
  if (rf->alias && names.size() == 1 && rf->alias->n_colnames == 0 && item->calls.size() == 1 &&
      item->calls[0]->def->columns.empty())
    names[0] = rf->alias->aliasname;
  if (item->ordinality) {
    names.push_back("ordinality");
    types.push_back(TypeRef{toid::INT8, -1});
  }
  add_range(lv, *item, alias, names, types, rf->alias);
  return item;
}

FromPtr Binder::bind_join(const PgQuery__JoinExpr* je, Level& lv) {
  auto j = std::make_shared<JoinItem>();
  switch (je->jointype) {
    case PG_QUERY__JOIN_TYPE__JOIN_INNER:
      j->kind = JoinItem::Kind::INNER;
      break;
    case PG_QUERY__JOIN_TYPE__JOIN_LEFT:
      j->kind = JoinItem::Kind::LEFT;
      break;
    case PG_QUERY__JOIN_TYPE__JOIN_RIGHT:
      j->kind = JoinItem::Kind::RIGHT;
      break;
    case PG_QUERY__JOIN_TYPE__JOIN_FULL:
      j->kind = JoinItem::Kind::FULL;
      break;
    default:
      unsupported("this join type");
  }
  size_t ranges_before = lv.ranges.size();
  j->left = bind_from_item(je->larg, lv);
  size_t ranges_mid = lv.ranges.size();
  j->right = bind_from_item(je->rarg, lv);
  j->offset = j->left->offset;
  j->width = j->left->width + j->right->width;
  auto* sub = dynamic_cast<SubqueryScan*>(j->right.get());
  j->right_lateral =
      (sub && sub->lateral) || dynamic_cast<FunctionScan*>(j->right.get()) != nullptr;

  std::vector<std::string> using_cols;
  if (je->is_natural) {
    for (size_t a = ranges_before; a < ranges_mid; ++a)
      for (size_t i = 0; i < lv.ranges[a].names.size(); ++i)
        for (size_t b = ranges_mid; b < lv.ranges.size(); ++b)
          for (size_t k = 0; k < lv.ranges[b].names.size(); ++k) {
            const std::string& ln = lv.ranges[a].names[i];
            if (ln == lv.ranges[b].names[k] && !lv.ranges[a].system[i] && !lv.ranges[b].system[k] &&
                std::find(using_cols.begin(), using_cols.end(), ln) == using_cols.end())
              using_cols.push_back(ln);
          }
  }
  for (size_t i = 0; i < je->n_using_clause; ++i)
    using_cols.push_back(node_string(je->using_clause[i]));

  std::vector<ExprPtr> conds;
  UsingJoin uj;
  uj.first_range = ranges_before;
  for (const std::string& col : using_cols) {
    ExprPtr l, r;
    for (size_t a = ranges_before; a < lv.ranges.size() && (!l || !r); ++a) {
      RangeEntry& re = lv.ranges[a];
      for (size_t k = 0; k < re.names.size(); ++k) {
        if (re.names[k] != col || re.merged[k]) continue;
        lv.use(re.offset + static_cast<int>(k));
        auto e = std::make_shared<ColumnExpr>(0, re.offset + static_cast<int>(k), re.types[k]);
        if (a < ranges_mid && !l)
          l = e;
        else if (a >= ranges_mid && !r) {
          r = e;
          if (j->kind != JoinItem::Kind::RIGHT) re.merged[k] = true;
        }
      }
    }
    if (!l || !r)
      throw CatalogError("42703",
                         "column \"" + col + "\" specified in USING clause does not exist");
    uj.columns.emplace_back(col, j->kind == JoinItem::Kind::RIGHT ? r : l);
    unify(l, r);
    conds.push_back(std::make_shared<CompareExpr>(CmpOp::EQ, l, r));
  }
  if (!uj.columns.empty()) lv.using_joins.push_back(std::move(uj));
  if (je->quals) {
    Level& scope = lv;
    ExprPtr q = coerce(bind_expr(je->quals, scope), TypeRef{toid::BOOL, -1});
    split_and(q, conds);
  }
  for (auto& c : conds) {
    std::set<int> cols;
    bool other = false;
    collect_columns(*c, cols, other);
    auto* cmp = dynamic_cast<CompareExpr*>(c.get());
    if (!other && cmp && cmp->op == CmpOp::EQ && !j->right_lateral) {
      std::set<int> lc, rc;
      bool lo = false, ro = false;
      collect_columns(*cmp->left, lc, lo);
      collect_columns(*cmp->right, rc, ro);
      if (!lc.empty() && !rc.empty() && !lo && !ro) {
        if (within(lc, *j->left) && within(rc, *j->right)) {
          j->left_keys.push_back(cmp->left);
          j->right_keys.push_back(cmp->right);
          continue;
        }
        if (within(rc, *j->left) && within(lc, *j->right)) {
          j->left_keys.push_back(cmp->right);
          j->right_keys.push_back(cmp->left);
          continue;
        }
      }
    }
    // A condition on the inner side alone may filter that side before joining.
    if (!other && !cols.empty() && j->kind == JoinItem::Kind::LEFT && within(cols, *j->right) &&
        place(*j->right, c, cols))
      continue;
    if (!other && !cols.empty() && j->kind == JoinItem::Kind::INNER && within(cols, *j->right) &&
        place(*j->right, c, cols))
      continue;
    if (!other && !cols.empty() && j->kind == JoinItem::Kind::INNER && within(cols, *j->left) &&
        place(*j->left, c, cols))
      continue;
    add_or_keys(*j, c);
    j->residual.push_back(c);
  }
  if (je->alias) {
    // The join's alias names its visible columns; keep the ranges but add one covering them.
    std::vector<std::string> names;
    std::vector<TypeRef> types;
    RangeEntry r;
    r.alias = je->alias->aliasname;
    r.offset = j->offset;
    r.qualified_only = true;
    for (size_t a = ranges_before; a < lv.ranges.size(); ++a)
      for (size_t k = 0; k < lv.ranges[a].names.size(); ++k) {
        r.names.push_back(lv.ranges[a].names[k]);
        r.types.push_back(lv.ranges[a].types[k]);
        r.merged.push_back(lv.ranges[a].merged[k]);
        r.system.push_back(lv.ranges[a].system[k]);
      }
    for (size_t i = 0; i < je->alias->n_colnames && i < r.names.size(); ++i)
      r.names[i] = node_string(je->alias->colnames[i]);
    for (size_t a = ranges_before; a < lv.ranges.size(); ++a) lv.ranges[a].alias = "\x01hidden";
    lv.ranges.push_back(std::move(r));
  }
  return j;
}

}  // namespace riffq::catalog
