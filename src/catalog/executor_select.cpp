// executor_select.cpp — one SELECT: FROM and WHERE, grouping with aggregates, window
// functions, the select list (set-returning functions expand row by row, as PostgreSQL 10+),
// DISTINCT [ON], ORDER BY and LIMIT / OFFSET.
#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "exprs.hpp"
#include "functions.hpp"

namespace riffq::catalog {
namespace {

Value aggregate(const AggCall& agg, const std::vector<const Row*>& rows, const EvalContext* outer,
                ExecState& st) {
  std::vector<std::pair<Row, Row>> inputs;  // (args, order keys)
  for (const Row* r : rows) {
    EvalContext ctx = EvalContext::nested(r, outer, st);
    if (agg.filter && !truthy(agg.filter->eval(ctx))) continue;
    Row args, keys;
    for (const auto& a : agg.args) args.push_back(a->eval(ctx));
    for (const auto& o : agg.order) keys.push_back(o->eval(ctx));
    inputs.emplace_back(std::move(args), std::move(keys));
  }
  if (!agg.order.empty())
    std::stable_sort(inputs.begin(), inputs.end(), [&](const auto& a, const auto& b) {
      for (size_t i = 0; i < agg.order.size(); ++i) {
        const Value& x = a.second[i];
        const Value& y = b.second[i];
        if (x.is_null() || y.is_null()) {
          if (x.is_null() == y.is_null()) continue;
          return agg.order_desc[i] ? x.is_null() : y.is_null();
        }
        int c = compare_values(x, y);
        if (c != 0) return agg.order_desc[i] ? c > 0 : c < 0;
      }
      return false;
    });
  std::vector<std::vector<Value>> values;
  std::unordered_set<Row, ValueHash, ValueEq> seen;
  for (auto& in : inputs) {
    if (agg.distinct && !seen.insert(in.first).second) continue;
    values.push_back(std::move(in.first));
  }
  return agg.def->finish(values, agg.type);
}

void compute_window(const WindowCall& w, size_t slot, std::vector<Row>& rows,
                    const EvalContext* outer, ExecState& st) {
  // Partition, then order each partition; peers share rank and a running frame's end.
  std::unordered_map<Row, std::vector<size_t>, ValueHash, ValueEq> parts;
  std::vector<Row> part_order;
  std::vector<Row> keys(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    EvalContext ctx = EvalContext::nested(&rows[i], outer, st);
    Row pk;
    for (const auto& p : w.partition) pk.push_back(p->eval(ctx));
    for (const auto& o : w.order) keys[i].push_back(o.expr->eval(ctx));
    auto [it, fresh] = parts.try_emplace(pk);
    if (fresh) part_order.push_back(pk);
    it->second.push_back(i);
  }
  auto cmp = [&](size_t a, size_t b) {
    for (size_t k = 0; k < w.order.size(); ++k) {
      const Value& x = keys[a][k];
      const Value& y = keys[b][k];
      if (x.is_null() || y.is_null()) {
        if (x.is_null() == y.is_null()) continue;
        return x.is_null() == w.order[k].nulls_first ? -1 : 1;
      }
      int c = compare_values(x, y);
      if (c != 0) return w.order[k].desc ? -c : c;
    }
    return 0;
  };
  for (const Row& pk : part_order) {
    std::vector<size_t>& idx = parts[pk];
    std::stable_sort(idx.begin(), idx.end(), [&](size_t a, size_t b) { return cmp(a, b) < 0; });
    size_t n = idx.size();
    std::vector<size_t> peer_end(n);  // one past the last peer of each position
    for (size_t i = n; i-- > 0;)
      peer_end[i] = (i + 1 < n && cmp(idx[i], idx[i + 1]) == 0) ? peer_end[i + 1] : i + 1;
    int64_t rank = 0, dense = 0;
    for (size_t i = 0; i < n; ++i) {
      bool new_peer_group = i == 0 || cmp(idx[i - 1], idx[i]) != 0;
      if (new_peer_group) {
        rank = static_cast<int64_t>(i) + 1;
        ++dense;
      }
      Value v;
      size_t frame_end = w.whole_partition ? n : peer_end[i];
      if (w.agg) {
        std::vector<const Row*> frame;
        for (size_t k = 0; k < frame_end; ++k) frame.push_back(&rows[idx[k]]);
        v = aggregate(*w.agg, frame, outer, st);
      } else if (w.name == "row_number") {
        v = Value::integer(static_cast<int64_t>(i) + 1);
      } else if (w.name == "rank") {
        v = Value::integer(rank);
      } else if (w.name == "dense_rank") {
        v = Value::integer(dense);
      } else if (w.name == "first_value" || w.name == "last_value") {
        size_t k = w.name == "first_value" ? 0 : frame_end - 1;
        EvalContext ctx = EvalContext::nested(&rows[idx[k]], outer, st);
        v = w.args[0]->eval(ctx);
      } else if (w.name == "lag" || w.name == "lead") {
        EvalContext here = EvalContext::nested(&rows[idx[i]], outer, st);
        int64_t off = 1;
        if (w.args.size() > 1) {
          Value o = w.args[1]->eval(here);
          off = o.is_null() ? 0 : o.as_int();
        }
        int64_t k = static_cast<int64_t>(i) + (w.name == "lag" ? -off : off);
        if (k >= 0 && k < static_cast<int64_t>(n)) {
          EvalContext ctx = EvalContext::nested(&rows[idx[static_cast<size_t>(k)]], outer, st);
          v = w.args[0]->eval(ctx);
        } else if (w.args.size() > 2) {
          v = w.args[2]->eval(here);
        }
      } else if (w.name == "ntile") {
        EvalContext here = EvalContext::nested(&rows[idx[i]], outer, st);
        int64_t buckets = std::max<int64_t>(1, w.args[0]->eval(here).as_int());
        v = Value::integer(static_cast<int64_t>(i) * buckets / static_cast<int64_t>(n) + 1);
      }
      rows[idx[i]][slot] = std::move(v);
    }
  }
}

}  // namespace

std::vector<Row> SelectQuery::run(ExecState& st, const EvalContext* outer) const {
  for (const auto& [key, q] : ctes) st.cache.erase(key);
  std::vector<Row> rows;
  // WHERE false (or another constant that is not true): nothing to read.
  bool nothing = false;
  if (where && where->is_const()) {
    EvalContext ctx = EvalContext::nested(nullptr, outer, st);
    nothing = !truthy(where->eval(ctx));
  }
  if (nothing) {
  } else if (from) {
    Row empty(static_cast<size_t>(from_width));
    rows = from->produce(st, empty, outer, from_width);
  } else {
    rows.emplace_back(static_cast<size_t>(from_width));
  }
  if (where) {
    std::vector<Row> kept;
    for (Row& r : rows) {
      EvalContext ctx = EvalContext::nested(&r, outer, st);
      if (truthy(where->eval(ctx))) kept.push_back(std::move(r));
    }
    rows.swap(kept);
  }
  size_t extra = aggs.size() + windows.size();
  if (grouped) {
    std::unordered_map<Row, size_t, ValueHash, ValueEq> index;
    std::vector<std::vector<const Row*>> groups;
    for (const Row& r : rows) {
      EvalContext ctx = EvalContext::nested(&r, outer, st);
      Row key;
      for (const auto& g : group_keys) key.push_back(g->eval(ctx));
      auto [it, fresh] = index.try_emplace(std::move(key), groups.size());
      if (fresh) groups.emplace_back();
      groups[it->second].push_back(&r);
    }
    Row null_row(static_cast<size_t>(from_width));
    if (groups.empty() && group_keys.empty()) groups.push_back({});
    std::vector<Row> grouped_rows;
    for (auto& g : groups) {
      Row rep = g.empty() ? null_row : *g[0];
      rep.resize(static_cast<size_t>(from_width) + extra);
      for (size_t a = 0; a < aggs.size(); ++a)
        rep[static_cast<size_t>(from_width) + a] = aggregate(*aggs[a], g, outer, st);
      if (having) {
        EvalContext ctx = EvalContext::nested(&rep, outer, st);
        if (!truthy(having->eval(ctx))) continue;
      }
      grouped_rows.push_back(std::move(rep));
    }
    rows.swap(grouped_rows);
  } else if (extra > 0) {
    for (Row& r : rows) r.resize(static_cast<size_t>(from_width) + extra);
  }
  for (size_t w = 0; w < windows.size(); ++w)
    compute_window(*windows[w], static_cast<size_t>(from_width) + aggs.size() + w, rows, outer, st);

  std::vector<Row> out;
  out.reserve(rows.size());
  std::vector<bool> srf(targets.size(), false);
  if (has_srf)
    for (size_t i = 0; i < targets.size(); ++i)
      srf[i] = dynamic_cast<const SrfExpr*>(targets[i].get()) != nullptr;
  for (const Row& r : rows) {
    EvalContext ctx = EvalContext::nested(&r, outer, st);
    Row o;
    o.reserve(targets.size());
    for (const auto& t : targets) o.push_back(t->eval(ctx));
    if (!has_srf) {
      out.push_back(std::move(o));
      continue;
    }
    size_t n = 0;
    for (size_t i = 0; i < o.size(); ++i)
      if (srf[i]) n = std::max(n, o[i].as_array().size());
    for (size_t k = 0; k < n; ++k) {
      Row e = o;
      for (size_t i = 0; i < o.size(); ++i)
        if (srf[i]) e[i] = k < o[i].as_array().size() ? o[i].as_array()[k] : Value::null();
      out.push_back(std::move(e));
    }
  }
  st.charge(out.size());
  if (distinct) {
    std::unordered_set<Row, ValueHash, ValueEq> seen;
    std::vector<Row> kept;
    for (Row& r : out) {
      Row key(r.begin(), r.begin() + static_cast<std::ptrdiff_t>(visible));
      if (seen.insert(std::move(key)).second) kept.push_back(std::move(r));
    }
    out.swap(kept);
  }
  sort_rows(out, order);
  if (!distinct_on.empty()) {
    std::unordered_set<Row, ValueHash, ValueEq> seen;
    std::vector<Row> kept;
    for (Row& r : out) {
      Row key;
      for (size_t i : distinct_on) key.push_back(r[i]);
      if (seen.insert(std::move(key)).second) kept.push_back(std::move(r));
    }
    out.swap(kept);
  }
  apply_limit(out, limit, offset, st, outer);
  for (Row& r : out) r.resize(visible);
  return out;
}

}  // namespace riffq::catalog
