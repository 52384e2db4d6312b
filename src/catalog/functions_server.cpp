// functions_server.cpp — functions about the running server rather than the catalog: transaction
// ids (age, txid_current), statistics counters, locks and replication (none here), partitions,
// updatability, time zones, and set-returning functions whose rows were dumped from PostgreSQL.
#include <cstdio>
#include <ctime>
#include "functions.hpp"

#include <optional>

#include "binder.hpp"
#include "catalog_snapshot.hpp"
#include "riffq/catalog/builtin_data.hpp"
#include "type_oids.hpp"

namespace riffq::catalog {
namespace {

using V = Value;

// The OUT columns of a built-in set-returning function, from its pg_proc row.
std::vector<std::pair<std::string, Oid>> out_columns(std::string_view proname) {
  const BuiltinTable* proc = builtin_catalog().table("pg_catalog", "pg_proc");
  const int name = proc->column_index("proname"), modes = proc->column_index("proargmodes"),
            names = proc->column_index("proargnames"), types = proc->column_index("proallargtypes");
  auto split = [](const std::string& arr) {
    std::vector<std::string> out;
    std::string cur;
    bool quoted = false;
    for (size_t i = 1; i + 1 < arr.size(); ++i) {
      char c = arr[i];
      if (c == '"') {
        quoted = !quoted;
      } else if (c == ',' && !quoted) {
        out.push_back(cur);
        cur.clear();
      } else {
        cur += c;
      }
    }
    out.push_back(cur);
    return out;
  };
  std::vector<std::pair<std::string, Oid>> cols;
  for (const BuiltinRow& r : proc->rows) {
    if (r[static_cast<size_t>(name)] != proname || !r[static_cast<size_t>(modes)]) continue;
    std::vector<std::string> m = split(*r[static_cast<size_t>(modes)]);
    std::vector<std::string> n = split(*r[static_cast<size_t>(names)]);
    std::vector<std::string> t = split(*r[static_cast<size_t>(types)]);
    for (size_t i = 0; i < m.size() && i < n.size() && i < t.size(); ++i)
      if (m[i] == "o" || m[i] == "t") cols.emplace_back(n[i], static_cast<Oid>(std::stoul(t[i])));
    break;
  }
  return cols;
}

// A set-returning function with no rows on this server (no locks, slots, prepared transactions).
FunctionDef empty_srf(const char* name) {
  FunctionDef d;
  d.name = name;
  d.srf = true;
  d.columns = out_columns(name);
  d.srf_impl = [](const FuncArgs&) { return std::vector<Row>{}; };
  return d;
}

// "2026-12-01 00:46:49.5+01" → seconds east of UTC (the trailing ±HH[:MM]); false if none.
bool utc_offset(const std::string& ts, int& seconds, size_t& at) {
  at = ts.find_last_of("+-");
  if (at == std::string::npos || at < 11) return false;
  int h = std::stoi(ts.substr(at + 1, 2));
  int m = ts.size() >= at + 6 && ts[at + 3] == ':' ? std::stoi(ts.substr(at + 4, 2)) : 0;
  seconds = (h * 3600 + m * 60) * (ts[at] == '-' ? -1 : 1);
  return true;
}

// A field of a timestamp in text form ("2026-12-01 00:46:49.5+00"), as extract / date_part.
Value timestamp_field(const FuncArgs& a) {
  std::string field = a.values[0].text_string();
  for (char& c : field) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const std::string& ts = a.values[1].text_string();
  std::tm tm{};
  double frac = 0;
  int consumed = 0;
  if (std::sscanf(ts.c_str(), "%d-%d-%d %d:%d:%d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                  &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &consumed) < 6)
    throw CatalogError("22007", "invalid timestamp \"" + ts + "\"");
  if (static_cast<size_t>(consumed) < ts.size() && ts[static_cast<size_t>(consumed)] == '.')
    frac = std::stod("0" + ts.substr(static_cast<size_t>(consumed), 7));
  int off = 0;
  size_t at = 0;
  if (a.types[1].oid == toid::TIMESTAMPTZ) utc_offset(ts, off, at);
  double v;
  if (field == "epoch") {
    std::tm utc = tm;
    utc.tm_year -= 1900;
    utc.tm_mon -= 1;
    v = static_cast<double>(timegm(&utc)) - off + frac;
  } else if (field == "year") {
    v = tm.tm_year;
  } else if (field == "month") {
    v = tm.tm_mon;
  } else if (field == "day") {
    v = tm.tm_mday;
  } else if (field == "hour") {
    v = tm.tm_hour;
  } else if (field == "minute") {
    v = tm.tm_min;
  } else if (field == "second") {
    v = tm.tm_sec + frac;
  } else {
    throw CatalogError(sqlstate::FEATURE_NOT_SUPPORTED,
                       "extract(" + field + " from …) is not supported by riffq's catalog engine");
  }
  return V::floating(v);
}

// A catalog row's text column `col` where its `key` column equals `oid`.
std::optional<std::string> lookup_text(const CatalogSnapshot& cat, const char* table,
                                       const char* key, Oid oid, const char* col) {
  const Relation* r = cat.relation("pg_catalog", table);
  if (r == nullptr || !r->rows) return std::nullopt;
  const int k = r->column_index(key), c = r->column_index(col);
  for (const Row& row : *r->rows)
    if (row[static_cast<size_t>(k)].is_int() && row[static_cast<size_t>(k)].as_int() == oid &&
        row[static_cast<size_t>(c)].is_text())
      return row[static_cast<size_t>(c)].text_string();
  return std::nullopt;
}

Value describe_object(const FuncArgs& a) {
  const CatalogSnapshot& cat = a.cat();
  const Oid cls = static_cast<Oid>(a.values[0].as_int());
  const Oid oid = static_cast<Oid>(a.values[1].as_int());
  const int64_t sub = a.values[2].as_int();
  const Relation* catalog = cat.relation_by_oid(cls);
  const std::string which = catalog ? catalog->name : "";
  auto path = a.st().search_path;
  if (which == "pg_class") {
    const Relation* r = cat.relation_by_oid(oid);
    if (r == nullptr) return V::null();
    std::string name = output_text(V::integer(oid), TypeRef{toid::REGCLASS, -1}, cat, path);
    const char* kind = r->kind == 'v'   ? "view "
                       : r->kind == 'i' ? "index "
                       : r->kind == 'S' ? "sequence "
                       : r->kind == 'm' ? "materialized view "
                       : r->kind == 't' ? "toast table "
                                        : "table ";
    if (sub > 0 && static_cast<size_t>(sub) <= r->columns.size())
      return V::text("column " + r->columns[static_cast<size_t>(sub - 1)].name + " of " + kind +
                     name);
    return V::text(kind + name);
  }
  if (which == "pg_proc") {
    auto name = lookup_text(cat, "pg_proc", "oid", oid, "proname");
    const std::string* args = cat.definition("pg_get_function_identity_arguments", oid);
    if (!name) return V::null();
    return V::text("function " + *name + "(" + (args ? *args : "") + ")");
  }
  if (which == "pg_type")
    return V::text("type " + output_text(V::integer(oid), TypeRef{toid::REGTYPE, -1}, cat, path));
  if (which == "pg_namespace") return V::text("schema " + cat.namespace_name(oid));
  if (which == "pg_language") {
    auto name = lookup_text(cat, "pg_language", "oid", oid, "lanname");
    return name ? V::text("language " + *name) : V::null();
  }
  throw CatalogError(sqlstate::FEATURE_NOT_SUPPORTED,
                     "pg_describe_object for " + (which.empty() ? std::to_string(cls) : which) +
                         " is not supported by riffq's catalog engine");
}

// The items of a deparsed expression list "1, 'a'::text, f(2, 3)" (top-level commas).
std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  int depth = 0;
  bool quoted = false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '\'') quoted = !quoted;
    if (!quoted && (c == '(' || c == '[')) ++depth;
    if (!quoted && (c == ')' || c == ']')) --depth;
    if (!quoted && depth == 0 && c == ',' && i + 1 < s.size() && s[i + 1] == ' ') {
      out.push_back(cur);
      cur.clear();
      ++i;
      continue;
    }
    cur += c;
  }
  out.push_back(cur);
  return out;
}

Value arg_default(const FuncArgs& a) {
  const Relation* proc = a.cat().relation("pg_catalog", "pg_proc");
  if (proc == nullptr || !proc->rows) return V::null();
  const Oid oid = static_cast<Oid>(a.values[0].as_int());
  const int64_t nth = a.values[1].as_int();
  auto col = [&](const char* name) { return static_cast<size_t>(proc->column_index(name)); };
  auto idx = a.cat().index(*proc->rows, proc->column_index("oid"));
  const Row* row = nullptr;
  auto [b, e] = idx->equal_range(hash_value(V::integer(oid)));
  for (auto it = b; it != e; ++it)
    if ((*proc->rows)[it->second][col("oid")].as_int() == oid) row = &(*proc->rows)[it->second];
  if (row == nullptr) return V::null();
  const Value& defaults = (*row)[col("proargdefaults")];
  const int64_t nargs = (*row)[col("pronargs")].as_int();
  const int64_t ndefaults = (*row)[col("pronargdefaults")].as_int();
  if (defaults.is_null() || ndefaults == 0 || nth < 1) return V::null();
  // Position among the input arguments (modes i, b, v count; o and t do not).
  int64_t input = nth;
  const Value& modes = (*row)[col("proargmodes")];
  if (modes.is_array()) {
    const ArrayItems& m = modes.as_array();
    if (nth > static_cast<int64_t>(m.size())) return V::null();
    input = 0;
    for (int64_t i = 0; i < nth; ++i) {
      const std::string mode =
          m[static_cast<size_t>(i)].is_text() ? m[static_cast<size_t>(i)].text_string() : "";
      if (mode == "i" || mode == "b" || mode == "v")
        ++input;
      else if (i == nth - 1)
        return V::null();
    }
  } else if (nth > nargs) {
    return V::null();
  }
  if (input <= nargs - ndefaults) return V::null();
  const std::string* text = a.cat().definition("pg_get_expr:" + defaults.text_string(), 0);
  if (text == nullptr) return V::null();
  std::vector<std::string> items = split_list(*text);
  const size_t k = static_cast<size_t>(input - 1 - (nargs - ndefaults));
  return k < items.size() ? V::text(items[k]) : V::null();
}

// Whether a relation is a table or an auto-updatable view (a single-relation SELECT without
// grouping, DISTINCT, LIMIT, set operations or set-returning functions, over an updatable one).
bool auto_updatable(const FuncArgs& a, Oid oid, int depth) {
  const Relation* r = a.cat().relation_by_oid(oid);
  if (r == nullptr || depth > 16) return false;
  if (r->kind == 'r' || r->kind == 'p') return true;
  if (r->kind != 'v' || r->view_sql.empty()) {
    auto it = a.cat().view_defs.find(oid);
    if (r->kind != 'v' || it == a.cat().view_defs.end()) return false;
  }
  const std::string& sql = r->view_sql.empty() ? a.cat().view_defs.at(oid) : r->view_sql;
  QueryPtr q;
  try {
    q = bind_view_sql(sql, a.cat(), a.st().session);
  } catch (const CatalogError&) {
    return false;
  }
  auto* s = dynamic_cast<const SelectQuery*>(q.get());
  if (s == nullptr || s->grouped || s->distinct || !s->distinct_on.empty() || s->limit ||
      s->offset || !s->windows.empty() || s->has_srf || !s->ctes.empty() || !s->from)
    return false;
  auto* scan = dynamic_cast<const RelationScan*>(s->from.get());
  return scan != nullptr && auto_updatable(a, scan->rel->oid, depth + 1);
}

}  // namespace

void add_server_functions(FunctionTable& t) {
  auto add = [&](FunctionDef d) { t[d.name].push_back(std::move(d)); };

  // Transaction ids: built-in rows carry the xmin of the dumped cluster, registered rows one
  // just past it, and the next xid follows (CatalogSnapshot::next_xid).
  add(fn("age", {toid::XID}, toid::INT4, [](const FuncArgs& a) {
    const int64_t xid = a.values[0].as_int();
    // Bootstrap and frozen xids (< FirstNormalTransactionId) are infinitely old.
    if (xid < 3) return V::integer(2147483647);
    return V::integer(
        static_cast<int32_t>(static_cast<uint32_t>(a.cat().next_xid) - static_cast<uint32_t>(xid)));
  }));
  {
    FunctionDef d = fn("txid_current", {}, toid::INT8,
                       [](const FuncArgs& a) { return V::integer(a.cat().next_xid); });
    d.foldable = false;
    add(d);
    d = fn("pg_current_xact_id", {}, toid::XID8,
           [](const FuncArgs& a) { return V::text(std::to_string(a.cat().next_xid)); });
    d.foldable = false;
    add(d);
  }

  // Statistics counters of a fresh server: zero, and no last-vacuum/analyze times.
  for (const BuiltinRow& r : builtin_catalog().table("pg_catalog", "pg_proc")->rows) {
    const BuiltinTable* proc = builtin_catalog().table("pg_catalog", "pg_proc");
    const std::string& name = *r[static_cast<size_t>(proc->column_index("proname"))];
    const std::string& args = *r[static_cast<size_t>(proc->column_index("proargtypes"))];
    const Oid result =
        static_cast<Oid>(std::stoul(*r[static_cast<size_t>(proc->column_index("prorettype"))]));
    if (name.rfind("pg_stat_get_", 0) != 0 || args != "26" || t.count(name)) continue;
    if (result == toid::INT8)
      add(fn(name, {toid::OID}, result, [](const FuncArgs&) { return V::integer(0); }));
    else if (result == toid::TIMESTAMPTZ)
      add(fn(name, {toid::OID}, result, [](const FuncArgs&) { return V::null(); }));
  }
  for (const char* name : {"pg_lock_status", "pg_get_replication_slots", "pg_prepared_xact",
                           "pg_stat_get_wal_senders", "pg_show_replication_origin_status",
                           "pg_cursor", "pg_prepared_statement", "pg_get_backend_memory_contexts"})
    add(empty_srf(name));

  // Partitions: registered relations are never partitions; a partitioned table is its own only
  // ancestor, as in PostgreSQL.
  {
    FunctionDef d;
    d.name = "pg_partition_ancestors";
    d.args = {toid::REGCLASS};
    d.srf = true;
    d.columns = {{"relid", toid::REGCLASS}};
    d.srf_impl = [](const FuncArgs& a) {
      std::vector<Row> rows;
      const Relation* r = a.cat().relation_by_oid(static_cast<Oid>(a.values[0].as_int()));
      if (r != nullptr && r->kind == 'p') rows.push_back(Row{a.values[0]});
      return rows;
    };
    add(d);
  }
  // Auto-updatable (1 << CMD_UPDATE | CMD_INSERT | CMD_DELETE = 28): tables, and views that are
  // a plain SELECT of columns from one auto-updatable relation, as PostgreSQL decides.
  add(fn("pg_relation_is_updatable", {toid::REGCLASS, toid::BOOL}, toid::INT4,
         [](const FuncArgs& a) {
           return V::integer(auto_updatable(a, static_cast<Oid>(a.values[0].as_int()), 0) ? 28 : 0);
         }));
  add(fn("pg_column_is_updatable", {toid::REGCLASS, toid::INT2, toid::BOOL}, toid::BOOL,
         [](const FuncArgs& a) {
           return V::boolean(auto_updatable(a, static_cast<Oid>(a.values[0].as_int()), 0));
         }));

  // AT TIME ZONE 'UTC' on a timestamptz (IntelliJ's and pgAdmin's start-time query).
  add(fn("timezone", {toid::TEXT, toid::TIMESTAMPTZ}, toid::TIMESTAMP, [](const FuncArgs& a) {
    std::string zone = a.values[0].text_string();
    for (char& c : zone) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (zone != "UTC" && zone != "GMT" && zone != "Z")
      throw CatalogError(sqlstate::FEATURE_NOT_SUPPORTED,
                         "AT TIME ZONE other than UTC is not supported by riffq's catalog engine");
    const std::string& ts = a.values[1].text_string();
    int off = 0;
    size_t at = 0;
    if (!utc_offset(ts, off, at)) return V::text(ts);
    if (off != 0)
      throw CatalogError(sqlstate::FEATURE_NOT_SUPPORTED,
                         "AT TIME ZONE of a non-UTC timestamp is not supported");
    return V::text(ts.substr(0, at));
  }));

  {
    FunctionDef d = fn("pg_typeof", {0}, toid::REGTYPE,
                       [](const FuncArgs& a) { return V::integer(a.types[0].oid); });
    d.strict = false;
    add(d);
  }
  // extract(field FROM ts) is numeric since PostgreSQL 14; date_part stays float8.
  for (Oid ts : {toid::TIMESTAMP, toid::TIMESTAMPTZ}) {
    add(fn("extract", {toid::TEXT, ts}, toid::NUMERIC, timestamp_field));
    add(fn("date_part", {toid::TEXT, ts}, toid::FLOAT8, timestamp_field));
  }

  // json_build_object(k, v, …) as PostgreSQL prints it (SQLAlchemy builds identity options).
  {
    FunctionDef d = fn("json_build_object", {0}, toid::JSON, [](const FuncArgs& a) {
      if (a.values.size() % 2 != 0)
        throw CatalogError("22023", "argument list must have even number of elements");
      std::string out = "{";
      for (size_t i = 0; i < a.values.size(); ++i) {
        const Value& v = a.values[i];
        if (i > 0) out += i % 2 ? " : " : ", ";
        const Oid t = a.types[i].oid;
        std::string text =
            v.is_null() ? "" : output_text(v, a.types[i], a.cat(), a.st().search_path);
        if (v.is_null()) {
          if (i % 2 == 0) throw CatalogError("22004", "null value not allowed for object key");
          out += "null";
        } else if (i % 2 == 1 && (t == toid::BOOL)) {
          out += v.as_bool() ? "true" : "false";
        } else if (i % 2 == 1 &&
                   (t == toid::INT2 || t == toid::INT4 || t == toid::INT8 || t == toid::NUMERIC ||
                    t == toid::FLOAT4 || t == toid::FLOAT8 || t == toid::JSON)) {
          out += text;
        } else {
          out += '"';
          for (char c : text) {
            if (c == '"' || c == '\\') out += '\\';
            if (c == '\n') {
              out += "\\n";
              continue;
            }
            out += c;
          }
          out += '"';
        }
      }
      return V::text(out + "}");
    });
    d.variadic = true;
    d.min_args = 0;
    d.strict = false;
    add(d);
  }

  // nameconcatoid(name, oid): name_oid within NAMEDATALEN, the name cut to make room
  // (information_schema's element_types and routine views).
  add(fn("nameconcatoid", {toid::NAME, toid::OID}, toid::NAME, [](const FuncArgs& a) {
    const std::string suffix = "_" + std::to_string(a.values[1].as_int());
    std::string name = a.values[0].text_string();
    if (name.size() + suffix.size() > 63) {
      size_t keep = 63 - suffix.size();
      while (keep > 0 && (static_cast<unsigned char>(name[keep]) & 0xC0) == 0x80) --keep;
      name.resize(keep);
    }
    return V::text(name + suffix);
  }));

  // pg_get_function_arg_default(func, n): the default of the n-th argument when it is an input
  // argument among the last pronargdefaults ones; the defaults' text comes from the dump.
  add(fn("pg_get_function_arg_default", {toid::OID, toid::INT4}, toid::TEXT,
         [](const FuncArgs& a) { return arg_default(a); }));

  // Registered columns are never serial or identity columns: no owned sequence.
  add(fn("pg_get_serial_sequence", {toid::TEXT, toid::TEXT}, toid::TEXT,
         [](const FuncArgs&) { return V::null(); }));

  // pg_describe_object for the catalogs psql's \dx+ and dependency listings meet.
  add(fn("pg_describe_object", {toid::OID, toid::OID, toid::INT4}, toid::TEXT,
         [](const FuncArgs& a) { return describe_object(a); }));

  // Rows PostgreSQL computes in C, dumped: extension versions, time zone names/abbreviations.
  for (const BuiltinTable& f : builtin_catalog().function_rows) {
    FunctionDef d;
    d.name = f.name;
    d.srf = true;
    for (const auto& c : f.columns) d.columns.emplace_back(c.name, c.type_oid);
    d.srf_impl = [name = f.name](const FuncArgs& a) {
      auto it = a.cat().function_rows.find(name);
      return it == a.cat().function_rows.end() ? std::vector<Row>{} : *it->second->rows;
    };
    add(d);
  }
}

}  // namespace riffq::catalog
