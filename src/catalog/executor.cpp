// executor.cpp — running bound plans: scans (with index look-ups), joins (hash and nested
// loop, LATERAL), grouping and aggregates, window functions, projection with set-returning
// functions, DISTINCT [ON], ORDER BY, LIMIT, set operations and recursive CTEs.
#include <algorithm>
#include <unordered_set>

#include "exprs.hpp"
#include "functions.hpp"
#include "type_oids.hpp"

namespace riffq::catalog {
namespace {

constexpr uint64_t kWorkLimit = 200'000'000;  // rows touched by one statement

Row base_row(const Row& left, int width) {
  Row r = left;
  r.resize(static_cast<size_t>(width));
  return r;
}

bool pass(const std::vector<ExprPtr>& filters, const Row& row, const EvalContext* outer,
          ExecState& st) {
  if (filters.empty()) return true;
  EvalContext ctx = EvalContext::nested(&row, outer, st);
  for (const auto& f : filters)
    if (!truthy(f->eval(ctx))) return false;
  return true;
}

int compare_nullable(const Value& a, const Value& b, bool nulls_first) {
  if (a.is_null() || b.is_null()) {
    if (a.is_null() && b.is_null()) return 0;
    return a.is_null() == nulls_first ? -1 : 1;
  }
  return compare_values(a, b);
}

}  // namespace

void ExecState::charge(size_t rows) {
  work += rows;
  if (work > kWorkLimit)
    throw CatalogError(sqlstate::PROGRAM_LIMIT_EXCEEDED,
                       "statement exceeds the catalog engine's work limit");
}

RowsPtr Query::run_cached(ExecState& st, const EvalContext* outer) const {
  if (correlated) return std::make_shared<const std::vector<Row>>(run(st, outer));
  auto it = st.cache.find(this);
  if (it != st.cache.end()) return it->second;
  RowsPtr rows = std::make_shared<const std::vector<Row>>(run(st, outer));
  st.cache[this] = rows;
  return rows;
}

void sort_rows(std::vector<Row>& rows, const std::vector<std::tuple<size_t, bool, bool>>& order) {
  if (order.empty()) return;
  std::stable_sort(rows.begin(), rows.end(), [&](const Row& a, const Row& b) {
    for (const auto& [idx, desc, nulls_first] : order) {
      int c = compare_nullable(a[idx], b[idx], nulls_first);
      if (c == 0) continue;
      if (a[idx].is_null() || b[idx].is_null()) return c < 0;
      return desc ? c > 0 : c < 0;
    }
    return false;
  });
}

void apply_limit(std::vector<Row>& rows, const ExprPtr& limit, const ExprPtr& offset, ExecState& st,
                 const EvalContext* outer) {
  EvalContext ctx = EvalContext::nested(nullptr, outer, st);
  if (offset) {
    Value v = offset->eval(ctx);
    if (!v.is_null()) {
      if (v.as_int() < 0) throw CatalogError("2201X", "OFFSET must not be negative");
      size_t n = std::min(rows.size(), static_cast<size_t>(v.as_int()));
      rows.erase(rows.begin(), rows.begin() + static_cast<std::ptrdiff_t>(n));
    }
  }
  if (limit) {
    Value v = limit->eval(ctx);
    if (!v.is_null()) {
      if (v.as_int() < 0) throw CatalogError("2201W", "LIMIT must not be negative");
      if (rows.size() > static_cast<size_t>(v.as_int()))
        rows.resize(static_cast<size_t>(v.as_int()));
    }
  }
}

// ----- FROM items -----

const std::vector<std::pair<std::string, Oid>>& system_columns() {
  static const std::vector<std::pair<std::string, Oid>> cols = {
      {"tableoid", toid::OID}, {"xmin", toid::XID}, {"cmin", toid::CID},
      {"xmax", toid::XID},     {"cmax", toid::CID}, {"ctid", toid::TID}};
  return cols;
}

std::vector<Row> RelationScan::produce(ExecState& st, const Row& left, const EvalContext* outer,
                                       int level_width) const {
  if (auto p = st.probes.find(this); p != st.probes.end())
    return lookup(st, left, outer, level_width, p->second.first, p->second.second);
  if (key_column >= 0) {
    EvalContext ctx = EvalContext::nested(&left, outer, st);
    Value key = key_expr->eval(ctx);
    if (key.is_null()) return {};
    return lookup(st, left, outer, level_width, key_column, key);
  }
  RowsPtr source = rows(st);
  std::vector<Row> out;
  Row row = base_row(left, level_width);  // one buffer: rejected rows cost no allocation
  st.charge(source->size());
  for (size_t pos = 0; pos < source->size(); ++pos)
    if (fill(st, row, *source, pos) && pass(filters, row, outer, st)) out.push_back(row);
  return out;
}

RowsPtr RelationScan::rows(ExecState& st) const {
  if (!rel->rows) return view->run_cached(st, nullptr);
  if (rel != st.cat.settings.get() || !st.session.setting) return rel->rows;
  // pg_settings shows what this session SET: its value, with source 'session'.
  auto it = st.cache.find(rel);
  if (it != st.cache.end()) return it->second;
  auto rows = std::make_shared<std::vector<Row>>(*rel->rows);
  const int name = rel->column_index("name"), setting = rel->column_index("setting"),
            source = rel->column_index("source");
  for (Row& r : *rows) {
    if (name < 0 || setting < 0 || source < 0 || !r[static_cast<size_t>(name)].is_text()) continue;
    auto v = st.cat.session_setting(st.session, r[static_cast<size_t>(name)].as_text());
    const Value& current = r[static_cast<size_t>(setting)];
    if (v && !(current.is_text() && current.as_text() == *v)) {
      r[static_cast<size_t>(setting)] = Value::text(*v);
      r[static_cast<size_t>(source)] = Value::text("session");
    }
  }
  st.cache[rel] = rows;
  return rows;
}

bool RelationScan::fill(ExecState& st, Row& row, const std::vector<Row>& source, size_t pos) const {
  const Row& r = source[pos];
  const size_t ncols = rel->columns.size();
  // tableoid, xmin, cmin, xmax, cmax, ctid: the row's position stands in for its tuple id.
  auto system = [&](size_t k) {
    const bool builtin = rel->xmins && pos < rel->xmins->size();
    switch (k) {
      case 0:
        return Value::integer(rel->oid);
      case 1:
        return Value::integer(builtin ? (*rel->xmins)[pos] : st.cat.user_xmin);
      case 5:
        return Value::text("(" + std::to_string(pos / 64) + "," + std::to_string(pos % 64 + 1) +
                           ")");
      default:
        return Value::integer(0);
    }
  };
  if (pruned) {
    for (int i : copy) {
      const size_t k = static_cast<size_t>(i);
      row[static_cast<size_t>(offset) + k] =
          k < ncols ? (k < r.size() ? r[k] : Value::null()) : system(k - ncols);
    }
    return true;
  }
  for (size_t i = 0; i < r.size() && i < static_cast<size_t>(width); ++i)
    row[static_cast<size_t>(offset) + i] = r[i];
  if (system_columns)
    for (size_t k = 0; k < 6; ++k) row[static_cast<size_t>(offset) + ncols + k] = system(k);
  return true;
}

std::vector<Row> RelationScan::lookup(ExecState& st, const Row& left, const EvalContext* outer,
                                      int level_width, int column, Value key,
                                      std::vector<size_t>* positions) const {
  RowsPtr source = rows(st);
  std::vector<Row> out;
  // A probe on this scan (an enclosing join restricting it to one key) holds too: look up by
  // the probe and check `column` = `key` on its rows.
  int also_column = -1;
  Value also_key;
  auto p = st.probes.find(this);
  if (p != st.probes.end() && p->second.first == column &&
      compare_values(p->second.second, key) != 0)
    return out;  // restricted to another key of the same column
  if (p != st.probes.end() && p->second.first != column) {
    also_column = column;
    also_key = key;
    column = p->second.first;
    key = p->second.second;
  }
  // Base rows are immutable: their indexes live with the snapshot; a view's rows are this
  // statement's own.
  std::shared_ptr<const CatalogSnapshot::RowIndex> shared;
  const CatalogSnapshot::RowIndex* index = nullptr;
  if (source == rel->rows) {
    shared = st.cat.index(*source, column);
    index = shared.get();
  } else {
    auto& own = st.indexes[source.get()][column];
    if (own.empty() && !source->empty()) {
      for (size_t i = 0; i < source->size(); ++i)
        own.emplace(hash_value((*source)[i][static_cast<size_t>(column)]), i);
      st.charge(source->size());
    }
    index = &own;
  }
  auto [b, e] = index->equal_range(hash_value(key));
  std::vector<size_t> hits;
  for (auto it = b; it != e; ++it) hits.push_back(it->second);
  std::sort(hits.begin(), hits.end());  // keep the relation's order
  Row row = base_row(left, level_width);
  for (size_t i : hits) {
    const Value& v = (*source)[i][static_cast<size_t>(column)];
    if (v.is_null() || compare_values(v, key) != 0) continue;
    if (also_column >= 0) {
      const Value& w = (*source)[i][static_cast<size_t>(also_column)];
      if (w.is_null() || compare_values(w, also_key) != 0) continue;
    }
    if (fill(st, row, *source, i) && pass(filters, row, outer, st)) {
      out.push_back(row);
      if (positions) positions->push_back(i);
    }
  }
  st.charge(hits.size());
  return out;
}

// Rows of a subquery or CTE placed in this item's slice of the level row, filters applied.
std::vector<Row> place_rows(ExecState& st, const std::vector<Row>& rows, const Row& left,
                            const EvalContext* outer, int level_width, const FromItem& item,
                            const std::vector<ExprPtr>& filters) {
  std::vector<Row> out;
  for (const Row& r : rows) {
    Row row = base_row(left, level_width);
    for (size_t i = 0; i < r.size() && i < static_cast<size_t>(item.width); ++i)
      row[static_cast<size_t>(item.offset) + i] = r[i];
    if (pass(filters, row, outer, st)) out.push_back(std::move(row));
  }
  st.charge(out.size());
  return out;
}

std::vector<Row> SubqueryScan::produce(ExecState& st, const Row& left, const EvalContext* outer,
                                       int level_width) const {
  EvalContext ctx = EvalContext::nested(&left, outer, st);
  RowsPtr rows = query->run_cached(st, &ctx);
  return place_rows(st, *rows, left, outer, level_width, *this, filters);
}

std::vector<Row> FunctionScan::produce(ExecState& st, const Row& left, const EvalContext* outer,
                                       int level_width) const {
  EvalContext ctx = EvalContext::nested(&left, outer, st);
  std::vector<std::vector<Row>> results;
  size_t n = 0;
  for (const auto& c : calls) {
    results.push_back(c->rows(ctx));
    n = std::max(n, results.back().size());
  }
  std::vector<Row> out;
  for (size_t i = 0; i < n; ++i) {
    Row row = base_row(left, level_width);
    size_t col = static_cast<size_t>(offset);
    for (size_t c = 0; c < calls.size(); ++c) {
      size_t ncols = calls[c]->columns.size();
      for (size_t k = 0; k < ncols; ++k, ++col)
        if (i < results[c].size() && k < results[c][i].size()) row[col] = results[c][i][k];
    }
    if (ordinality) row[col] = Value::integer(static_cast<int64_t>(i + 1));
    if (pass(filters, row, outer, st)) out.push_back(std::move(row));
  }
  st.charge(out.size());
  return out;
}

std::vector<Row> CteScan::produce(ExecState& st, const Row& left, const EvalContext* outer,
                                  int level_width) const {
  auto it = st.cache.find(key);
  RowsPtr rows;
  if (it != st.cache.end()) {
    rows = it->second;
  } else {
    if (!query)
      throw CatalogError(sqlstate::INTERNAL_ERROR,
                         "recursive working table read outside its query");
    EvalContext ctx = EvalContext::nested(nullptr, outer, st);
    rows = std::make_shared<const std::vector<Row>>(query->run(st, &ctx));
    st.cache[key] = rows;
  }
  return place_rows(st, *rows, left, outer, level_width, *this, filters);
}

// A plain scan of a base table whose `keys` include one of its own columns: its index.
const RelationScan* indexable(const FromItem& item, const std::vector<ExprPtr>& keys, int& key,
                              int& column) {
  auto* scan = dynamic_cast<const RelationScan*>(&item);
  if (scan == nullptr || scan->key_column >= 0 || !scan->rel->rows) return nullptr;
  for (size_t i = 0; i < keys.size(); ++i) {
    auto* c = dynamic_cast<const ColumnExpr*>(keys[i].get());
    if (c == nullptr || c->levels_up != 0) continue;
    const int col = c->index - scan->offset;
    if (col >= 0 && col < static_cast<int>(scan->rel->columns.size())) {
      key = static_cast<int>(i);
      column = col;
      return scan;
    }
  }
  return nullptr;
}

// The scan a join may probe by one of its keys: `item` itself, or the scan that drives it (the
// leftmost of INNER / LEFT joins): restricted to one key it gives exactly the item's rows with
// that key, and the rest of the item is then looked up from those few rows.
const RelationScan* probe_target(const FromItem& item, const std::vector<ExprPtr>& keys, int& key,
                                 int& column) {
  if (const RelationScan* s = indexable(item, keys, key, column)) return s;
  auto* j = dynamic_cast<const JoinItem*>(&item);
  if (j == nullptr || j->right_lateral) return nullptr;
  if (j->kind == JoinItem::Kind::INNER || j->kind == JoinItem::Kind::LEFT)
    return probe_target(*j->left, keys, key, column);
  return nullptr;
}

std::vector<Row> JoinItem::produce(ExecState& st, const Row& base, const EvalContext* outer,
                                   int level_width) const {
  std::vector<Row> out;
  size_t roff = static_cast<size_t>(right->offset), rw = static_cast<size_t>(right->width);
  auto merge = [&](const Row& l, const Row& r) {
    Row m = l;
    for (size_t i = roff; i < roff + rw; ++i) m[i] = r[i];
    return m;
  };
  auto residual_ok = [&](const Row& m) { return pass(residual, m, outer, st); };
  auto keys_of = [&](const std::vector<ExprPtr>& keys, const Row& row, Row& k) {
    EvalContext ctx = EvalContext::nested(&row, outer, st);
    k.clear();
    for (const auto& e : keys) {
      k.push_back(e->eval(ctx));
      if (k.back().is_null()) return false;
    }
    return true;
  };
  // Index nested loop: when one side is a plain scan of a catalog table joined on one of its
  // columns and the other side is small, look its rows up instead of scanning it (correlated
  // subqueries such as asyncpg's attribute look-ups would scan pg_attribute per outer row).
  constexpr size_t kSmall = 32;
  auto keys_match = [&](const Row& m) {
    Row lk, rk;
    return keys_of(left_keys, m, lk) && keys_of(right_keys, m, rk) && ValueEq{}(lk, rk);
  };
  std::vector<Row> rrows;
  bool have_right = false;
  int lkey = -1, lcol = -1, rkey = -1, rcol = -1;
  const RelationScan* lscan = right_lateral ? nullptr : probe_target(*left, left_keys, lkey, lcol);
  const RelationScan* rscan =
      right_lateral ? nullptr : probe_target(*right, right_keys, rkey, rcol);
  // A left side driven by a probed scan (an enclosing join restricted it) is small: produce it
  // first and look the right side up from its rows.
  const FromItem* leftmost = left.get();
  while (auto* lj = dynamic_cast<const JoinItem*>(leftmost)) leftmost = lj->left.get();
  const bool left_probed = st.probes.count(leftmost) > 0;
  if (lscan != nullptr && kind == Kind::INNER && !left_probed) {
    rrows = right->produce(st, base, outer, level_width);
    have_right = true;
    if (rrows.size() <= kSmall && lscan != left.get()) {
      // The scan sits inside the left subtree: run the subtree once per right row with the
      // scan restricted to that row's key.
      struct Guard {
        ExecState& st;
        const void* scan;
        ~Guard() { st.probes.erase(scan); }
      } guard{st, lscan};
      for (const Row& r : rrows) {
        EvalContext ctx = EvalContext::nested(&r, outer, st);
        Value key = right_keys[static_cast<size_t>(lkey)]->eval(ctx);
        if (key.is_null()) continue;
        st.probes[lscan] = {lcol, key};
        for (const Row& l : left->produce(st, base, outer, level_width)) {
          Row m = merge(l, r);
          if (keys_match(m) && residual_ok(m) && pass(filters, m, outer, st))
            out.push_back(std::move(m));
        }
      }
      st.charge(out.size());
      return out;
    }
    if (rrows.size() <= kSmall) {
      std::vector<std::pair<size_t, Row>> hits;
      for (const Row& r : rrows) {
        EvalContext ctx = EvalContext::nested(&r, outer, st);
        Value key = right_keys[static_cast<size_t>(lkey)]->eval(ctx);
        if (key.is_null()) continue;
        std::vector<size_t> pos;
        std::vector<Row> ls = lscan->lookup(st, base, outer, level_width, lcol, key, &pos);
        for (size_t i = 0; i < ls.size(); ++i) {
          Row m = merge(ls[i], r);
          if (keys_match(m) && residual_ok(m)) hits.emplace_back(pos[i], std::move(m));
        }
      }
      // The order of a hash join: left rows in relation order, then right rows.
      std::stable_sort(hits.begin(), hits.end(),
                       [](const auto& a, const auto& b) { return a.first < b.first; });
      for (auto& h : hits)
        if (pass(filters, h.second, outer, st)) out.push_back(std::move(h.second));
      st.charge(out.size());
      return out;
    }
  }
  std::vector<Row> lrows = left->produce(st, base, outer, level_width);
  // Nothing on the left of an inner or left join: the right side (perhaps a whole view) is
  // not needed.
  if (lrows.empty() && (kind == Kind::INNER || kind == Kind::LEFT)) return out;
  if (rscan != nullptr && !have_right && (kind == Kind::INNER || kind == Kind::LEFT) &&
      lrows.size() <= kSmall) {
    struct Guard {
      ExecState& st;
      const void* scan;
      ~Guard() { st.probes.erase(scan); }
    } guard{st, rscan};
    for (const Row& l : lrows) {
      EvalContext ctx = EvalContext::nested(&l, outer, st);
      Value key = left_keys[static_cast<size_t>(rkey)]->eval(ctx);
      bool matched = false;
      std::vector<Row> ms;
      if (!key.is_null() && rscan == right.get()) {
        ms = rscan->lookup(st, l, outer, level_width, rcol, key);
      } else if (!key.is_null()) {
        // The scan sits inside the right subtree: run it restricted to this row's key.
        st.probes[rscan] = {rcol, key};
        for (const Row& r : right->produce(st, base, outer, level_width)) ms.push_back(merge(l, r));
        st.probes.erase(rscan);
      }
      if (!key.is_null())
        for (Row& m : ms) {
          if (!keys_match(m) || !residual_ok(m)) continue;
          matched = true;
          if (pass(filters, m, outer, st)) out.push_back(std::move(m));
        }
      if (!matched && kind == Kind::LEFT && pass(filters, l, outer, st)) out.push_back(l);
    }
    st.charge(out.size());
    return out;
  }
  if (right_lateral) {
    for (const Row& l : lrows) {
      bool matched = false;
      for (Row& r : right->produce(st, l, outer, level_width)) {
        Row lk, rk;
        bool ok = true;
        if (!left_keys.empty())
          ok = keys_of(left_keys, r, lk) && keys_of(right_keys, r, rk) && ValueEq{}(lk, rk);
        if (ok && residual_ok(r)) {
          matched = true;
          out.push_back(std::move(r));
        }
      }
      if (!matched && (kind == Kind::LEFT || kind == Kind::FULL)) out.push_back(l);
    }
  } else {
    if (!have_right) rrows = right->produce(st, base, outer, level_width);
    std::vector<bool> rmatched(rrows.size(), false);
    if (!left_keys.empty()) {
      std::unordered_multimap<size_t, size_t> table;
      std::vector<Row> rkeys(rrows.size());
      for (size_t i = 0; i < rrows.size(); ++i)
        if (keys_of(right_keys, rrows[i], rkeys[i])) table.emplace(ValueHash{}(rkeys[i]), i);
      Row lk;
      for (Row& l : lrows) {
        bool matched = false;
        if (keys_of(left_keys, l, lk)) {
          auto [b, e] = table.equal_range(ValueHash{}(lk));
          std::vector<size_t> hits;
          for (auto it = b; it != e; ++it)
            if (ValueEq{}(lk, rkeys[it->second])) hits.push_back(it->second);
          std::sort(hits.begin(), hits.end());
          if (hits.size() == 1 && residual.empty()) {
            // The usual key look-up: one match, so the left row itself becomes the result.
            for (size_t i = roff; i < roff + rw; ++i) l[i] = rrows[hits[0]][i];
            rmatched[hits[0]] = true;
            out.push_back(std::move(l));
            st.charge(1);
            continue;
          }
          for (size_t i : hits) {
            if (!ValueEq{}(lk, rkeys[i])) continue;
            Row m = merge(l, rrows[i]);
            if (!residual_ok(m)) continue;
            matched = true;
            rmatched[i] = true;
            out.push_back(std::move(m));
          }
        }
        if (!matched && (kind == Kind::LEFT || kind == Kind::FULL)) out.push_back(std::move(l));
        st.charge(1);
      }
    } else if (!or_keys.empty()) {
      // One hash of the right rows per disjunct; a left row's candidates are the union of its
      // probes, in right-row order as the nested loop below would produce them.
      std::vector<std::unordered_multimap<size_t, size_t>> tables(or_keys.size());
      for (size_t k = 0; k < or_keys.size(); ++k)
        for (size_t i = 0; i < rrows.size(); ++i) {
          Value v = or_keys[k].second->eval(EvalContext::nested(&rrows[i], outer, st));
          if (!v.is_null()) tables[k].emplace(ValueHash{}(Row{v}), i);
        }
      st.charge(lrows.size() + rrows.size() * or_keys.size());
      std::vector<size_t> hits;
      for (const Row& l : lrows) {
        hits.clear();
        for (size_t k = 0; k < or_keys.size(); ++k) {
          Value v = or_keys[k].first->eval(EvalContext::nested(&l, outer, st));
          if (v.is_null()) continue;
          auto [b, e] = tables[k].equal_range(ValueHash{}(Row{v}));
          for (auto it = b; it != e; ++it) hits.push_back(it->second);
        }
        std::sort(hits.begin(), hits.end());
        hits.erase(std::unique(hits.begin(), hits.end()), hits.end());
        bool matched = false;
        for (size_t i : hits) {
          Row m = merge(l, rrows[i]);
          if (!residual_ok(m)) continue;
          matched = true;
          rmatched[i] = true;
          out.push_back(std::move(m));
        }
        if (!matched && (kind == Kind::LEFT || kind == Kind::FULL)) out.push_back(l);
      }
    } else {
      st.charge(lrows.size() * std::max<size_t>(rrows.size(), 1));
      for (const Row& l : lrows) {
        bool matched = false;
        for (size_t i = 0; i < rrows.size(); ++i) {
          Row m = merge(l, rrows[i]);
          if (!residual_ok(m)) continue;
          matched = true;
          rmatched[i] = true;
          out.push_back(std::move(m));
        }
        if (!matched && (kind == Kind::LEFT || kind == Kind::FULL)) out.push_back(l);
      }
    }
    if (kind == Kind::RIGHT || kind == Kind::FULL)
      for (size_t i = 0; i < rrows.size(); ++i)
        if (!rmatched[i]) out.push_back(rrows[i]);
  }
  if (!filters.empty()) {
    std::vector<Row> kept;
    for (Row& r : out)
      if (pass(filters, r, outer, st)) kept.push_back(std::move(r));
    out.swap(kept);
  }
  st.charge(out.size());
  return out;
}

// ----- queries -----

std::vector<Row> ValuesQuery::run(ExecState& st, const EvalContext* outer) const {
  EvalContext ctx = EvalContext::nested(nullptr, outer, st);
  std::vector<Row> out;
  for (const auto& exprs : rows) {
    Row r;
    for (const auto& e : exprs) r.push_back(e->eval(ctx));
    out.push_back(std::move(r));
  }
  return out;
}

namespace {

std::vector<Row> dedupe(std::vector<Row> rows, size_t width) {
  std::unordered_set<Row, ValueHash, ValueEq> seen;
  std::vector<Row> out;
  for (Row& r : rows) {
    Row key(r.begin(), r.begin() + static_cast<std::ptrdiff_t>(std::min(width, r.size())));
    if (seen.insert(std::move(key)).second) out.push_back(std::move(r));
  }
  return out;
}

}  // namespace

std::vector<Row> SetOpQuery::run(ExecState& st, const EvalContext* outer) const {
  EvalContext own = EvalContext::nested(nullptr, outer, st);
  const EvalContext* branch_outer = own_level ? &own : outer;
  for (const auto& [key, q] : ctes) st.cache.erase(key);
  std::vector<Row> l = left->run(st, branch_outer);
  std::vector<Row> r = right->run(st, branch_outer);
  std::vector<Row> out;
  switch (op) {
    case Op::UNION:
      out = std::move(l);
      out.insert(out.end(), std::make_move_iterator(r.begin()), std::make_move_iterator(r.end()));
      if (!all) out = dedupe(std::move(out), columns.size());
      break;
    case Op::INTERSECT:
    case Op::EXCEPT: {
      std::unordered_multiset<Row, ValueHash, ValueEq> right_rows(r.begin(), r.end());
      for (Row& row : l) {
        auto it = right_rows.find(row);
        bool in_right = it != right_rows.end();
        if (in_right && all) right_rows.erase(it);
        if (in_right == (op == Op::INTERSECT)) out.push_back(std::move(row));
      }
      if (!all) out = dedupe(std::move(out), columns.size());
    }
  }
  sort_rows(out, order);
  apply_limit(out, limit, offset, st, outer);
  return out;
}

std::vector<Row> RecursiveQuery::run(ExecState& st, const EvalContext* outer) const {
  std::vector<Row> result = base->run(st, outer);
  std::unordered_set<Row, ValueHash, ValueEq> seen;
  if (!all) {
    result = dedupe(std::move(result), columns.size());
    seen.insert(result.begin(), result.end());
  }
  std::vector<Row> working = result;
  for (int iteration = 0; !working.empty(); ++iteration) {
    if (iteration > 100000)
      throw CatalogError(sqlstate::PROGRAM_LIMIT_EXCEEDED, "recursive query does not terminate");
    st.cache[working_key] = std::make_shared<const std::vector<Row>>(std::move(working));
    std::vector<Row> next = step->run(st, outer);
    working.clear();
    for (Row& r : next) {
      if (!all && !seen.insert(r).second) continue;
      working.push_back(r);
      result.push_back(std::move(r));
    }
    st.charge(working.size());
  }
  st.cache.erase(working_key);
  return result;
}

}  // namespace riffq::catalog
