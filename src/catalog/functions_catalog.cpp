// functions_catalog.cpp — PostgreSQL's catalog functions with their real results: format_type,
// pg_get_userbyid, the *_is_visible and has_*_privilege families, obj/col/shobj_description,
// pg_get_expr / _constraintdef / _indexdef / _viewdef, to_reg*, pg_get_keywords, settings, and
// the information_schema helper functions.
#include "functions.hpp"
#include "type_names.hpp"
#include "type_oids.hpp"

namespace riffq::catalog {
namespace {

// The sizes PostgreSQL reports for an empty relation, which is what a registered relation is
// here (its rows live with the handler): a heap is 0 bytes, a btree index one 8 kB metapage,
// and a table's size includes its TOAST table's index. Built-in catalogs have no storage: 0.
int64_t empty_relation_size(const CatalogSnapshot& cat, Oid oid, std::string_view function,
                            std::string_view fork) {
  constexpr Oid FIRST_NORMAL_OID = 16384;
  constexpr int64_t PAGE = 8192;
  if (oid < FIRST_NORMAL_OID) return 0;
  const Relation* pg_class = cat.relation("pg_catalog", "pg_class");
  const Relation* pg_index = cat.relation("pg_catalog", "pg_index");
  const int c_oid = pg_class->column_index("oid"), c_kind = pg_class->column_index("relkind"),
            c_toast = pg_class->column_index("reltoastrelid"),
            i_rel = pg_index->column_index("indrelid");
  auto class_row = [&](Oid o) -> const Row* {
    auto idx = cat.index(*pg_class->rows, c_oid);
    auto [b, e] = idx->equal_range(hash_value(Value::integer(o)));
    for (auto it = b; it != e; ++it) {
      const Row& r = (*pg_class->rows)[it->second];
      if (r[static_cast<size_t>(c_oid)].as_int() == o) return &r;
    }
    return nullptr;
  };
  auto main_fork = [&](Oid o) -> int64_t {
    const Row* r = class_row(o);
    return r && (*r)[static_cast<size_t>(c_kind)].as_text() == "i" ? PAGE : 0;
  };
  auto indexes = [&](Oid o) {
    int64_t n = 0;
    auto idx = cat.index(*pg_index->rows, i_rel);
    auto [b, e] = idx->equal_range(hash_value(Value::integer(o)));
    for (auto it = b; it != e; ++it)
      if ((*pg_index->rows)[it->second][static_cast<size_t>(i_rel)].as_int() == o) n += PAGE;
    return n;
  };
  auto table = [&](Oid o) {
    int64_t size = main_fork(o);
    if (const Row* r = class_row(o)) {
      Oid toast = static_cast<Oid>((*r)[static_cast<size_t>(c_toast)].as_int());
      if (toast != 0) size += main_fork(toast) + indexes(toast);
    }
    return size;
  };
  if (function == "pg_relation_size") return fork == "main" ? main_fork(oid) : 0;
  if (function == "pg_table_size") return table(oid);
  if (function == "pg_indexes_size") return indexes(oid);
  return table(oid) + indexes(oid);  // pg_total_relation_size
}

using V = Value;

Oid oid_arg(const FuncArgs& a, size_t i) {
  return static_cast<Oid>(a.values[i].as_int());
}

bool namespace_on_path(const FuncArgs& a, Oid nsp) {
  if (nsp == 11) return true;
  std::string name = a.cat().namespace_name(nsp);
  for (const auto& p : a.st().search_path)
    if (p == name) return true;
  return false;
}

constexpr Oid PG_CLASS = 1259, PG_NAMESPACE = 2615, PG_DATABASE = 1262, PG_AUTHID = 1260,
              PG_TABLESPACE = 1213;

Oid class_oid_by_name(const CatalogSnapshot& cat, const std::string& name) {
  const Relation* r = cat.relation("pg_catalog", name);
  return r ? r->oid : 0;
}

std::string encoding_name(int64_t e) {
  static const char* names[] = {
      "SQL_ASCII", "EUC_JP",        "EUC_CN",     "EUC_KR",     "EUC_TW",     "EUC_JIS_2004",
      "UTF8",      "MULE_INTERNAL", "LATIN1",     "LATIN2",     "LATIN3",     "LATIN4",
      "LATIN5",    "LATIN6",        "LATIN7",     "LATIN8",     "LATIN9",     "LATIN10",
      "WIN1256",   "WIN1258",       "WIN866",     "WIN874",     "KOI8R",      "WIN1251",
      "WIN1252",   "ISO_8859_5",    "ISO_8859_6", "ISO_8859_7", "ISO_8859_8", "WIN1250",
      "WIN1253",   "WIN1254",       "WIN1255",    "WIN1257",    "KOI8U",      "SJIS",
      "BIG5",      "GBK",           "UHC",        "GB18030",    "JOHAB",      "SHIFT_JIS_2004"};
  if (e < 0 || e >= static_cast<int64_t>(sizeof names / sizeof names[0])) return "";
  return names[e];
}

// Field of a whole-row argument (a composite value of `relation`).
Value field(const FuncArgs& a, size_t arg, const char* relation, const char* column) {
  const Relation* r = a.cat().relation("pg_catalog", relation);
  int idx = r ? r->column_index(column) : -1;
  const Value& v = a.values[arg];
  if (idx < 0 || !v.is_array() || static_cast<size_t>(idx) >= v.as_array().size()) return V::null();
  return v.as_array()[static_cast<size_t>(idx)];
}

int32_t true_typmod(const FuncArgs& a) {
  // _pg_truetypmod(att, typ): a domain's typmod when the column's type is a domain.
  Value typtype = field(a, 1, "pg_type", "typtype");
  if (typtype.is_text() && typtype.as_text() == "d")
    return static_cast<int32_t>(field(a, 1, "pg_type", "typtypmod").as_int());
  return static_cast<int32_t>(field(a, 0, "pg_attribute", "atttypmod").as_int());
}

// The text of key `column` (1-based) of an index definition "… USING btree (a, lower(b))".
Value index_column(const std::string& def, int64_t column) {
  size_t open = def.find(" USING ");
  open = open == std::string::npos ? std::string::npos : def.find('(', open);
  if (open == std::string::npos) return V::null();
  int depth = 0;
  int64_t k = 1;
  size_t start = open + 1;
  for (size_t i = open + 1; i < def.size(); ++i) {
    const char c = def[i];
    if (c == '(') ++depth;
    if (c == ')' && depth-- == 0)
      return k == column ? V::text(def.substr(start, i - start)) : V::null();
    if (c == ',' && depth == 0) {
      if (k == column) return V::text(def.substr(start, i - start));
      ++k;
      start = i + 2;
    }
  }
  return V::null();
}

}  // namespace

const std::string* CatalogSnapshot::definition(const std::string& function, Oid oid) const {
  auto f = builtin_defs.find(function);
  if (f == builtin_defs.end()) return nullptr;
  auto it = f->second.find(oid);
  return it == f->second.end() ? nullptr : &it->second;
}

void add_catalog_functions(FunctionTable& t) {
  auto add = [&](FunctionDef d) { t[d.name].push_back(std::move(d)); };

  {
    FunctionDef d = fn("format_type", {toid::OID, toid::INT4}, toid::TEXT, [](const FuncArgs& a) {
      if (a.values[0].is_null()) return V::null();
      bool given = !a.values[1].is_null();
      int32_t typmod = given ? static_cast<int32_t>(a.values[1].as_int()) : -1;
      return V::text(format_type_flags(a.cat(), oid_arg(a, 0), typmod, given));
    });
    d.strict = false;
    add(d);
  }
  add(fn("pg_get_userbyid", {toid::OID}, toid::NAME, [](const FuncArgs& a) {
    std::string n = a.cat().role_name(oid_arg(a, 0));
    return V::text(n.empty() ? "unknown (OID=" + std::to_string(oid_arg(a, 0)) + ")" : n);
  }));
  add(fn("pg_table_is_visible", {toid::OID}, toid::BOOL, [](const FuncArgs& a) {
    const Relation* r = a.cat().relation_by_oid(oid_arg(a, 0));
    if (r == nullptr) return V::null();
    return V::boolean(namespace_on_path(a, r->namespace_oid) &&
                      a.cat().lookup_relation(r->name, a.st().search_path) == r);
  }));
  add(fn("pg_type_is_visible", {toid::OID}, toid::BOOL, [](const FuncArgs& a) {
    const TypeInfo* ti = a.cat().types.find(oid_arg(a, 0));
    if (ti == nullptr) return V::null();
    return V::boolean(namespace_on_path(a, ti->namespace_oid));
  }));
  add(fn("pg_function_is_visible", {toid::OID}, toid::BOOL, [](const FuncArgs& a) {
    const ProcInfo* p = a.cat().proc(oid_arg(a, 0));
    if (p == nullptr) return V::null();
    return V::boolean(namespace_on_path(a, p->namespace_oid));
  }));
  for (const char* name :
       {"pg_operator_is_visible", "pg_opclass_is_visible", "pg_opfamily_is_visible",
        "pg_collation_is_visible", "pg_conversion_is_visible", "pg_statistics_obj_is_visible",
        "pg_ts_parser_is_visible", "pg_ts_dict_is_visible", "pg_ts_template_is_visible",
        "pg_ts_config_is_visible"})
    add(fn(name, {toid::OID}, toid::BOOL, [](const FuncArgs&) { return V::boolean(true); }));
  // Every session is the superuser of an emulated catalog: every privilege holds.
  for (const char* name :
       {"has_table_privilege", "has_schema_privilege", "has_database_privilege",
        "has_column_privilege", "has_any_column_privilege", "has_function_privilege",
        "has_sequence_privilege", "has_type_privilege", "has_language_privilege",
        "has_tablespace_privilege", "has_foreign_data_wrapper_privilege", "has_server_privilege",
        "has_parameter_privilege", "pg_has_role"}) {
    FunctionDef d = fn(name, {0}, toid::BOOL, [](const FuncArgs&) { return V::boolean(true); });
    d.variadic = true;
    d.min_args = 2;
    add(d);
  }
  {
    FunctionDef d =
        fn("obj_description", {toid::OID, toid::NAME}, toid::TEXT, [](const FuncArgs& a) {
          Oid cls = a.values.size() > 1 ? class_oid_by_name(a.cat(), a.values[1].text_string())
                                        : PG_CLASS;
          auto d = a.cat().description(oid_arg(a, 0), cls, 0);
          if (!d && a.values.size() == 1) {
            for (Oid c : {PG_NAMESPACE, Oid{1255}, Oid{1247}})
              if ((d = a.cat().description(oid_arg(a, 0), c, 0))) break;
          }
          return d ? V::text(*d) : V::null();
        });
    d.min_args = 1;
    add(d);
  }
  // No table has row-level security enabled here (relrowsecurity is false): pg_stats's filter.
  for (Oid arg : {toid::OID, toid::TEXT})
    add(fn("row_security_active", {arg}, toid::BOOL,
           [](const FuncArgs&) { return V::boolean(false); }));
  add(fn("col_description", {toid::OID, toid::INT4}, toid::TEXT, [](const FuncArgs& a) {
    auto d =
        a.cat().description(oid_arg(a, 0), PG_CLASS, static_cast<int32_t>(a.values[1].as_int()));
    return d ? V::text(*d) : V::null();
  }));
  add(fn("shobj_description", {toid::OID, toid::NAME}, toid::TEXT, [](const FuncArgs& a) {
    Oid cls = class_oid_by_name(a.cat(), a.values[1].text_string());
    auto d = a.cat().shared_description(oid_arg(a, 0), cls);
    return d ? V::text(*d) : V::null();
  }));
  {
    FunctionDef d =
        fn("pg_get_expr", {toid::PG_NODE_TREE, toid::OID, toid::BOOL}, toid::TEXT,
           [](const FuncArgs& a) {
             // Registered objects keep their expressions as SQL text; PostgreSQL's own
             // node trees are looked up in the dumped results.
             const std::string& tree = a.values[0].text_string();
             const bool pretty = a.values.size() > 2 && a.values[2].as_bool();
             // A registered CHECK's conbin is its SQL text, which starts with "(".
             if (auto it = a.cat().pretty_exprs.find(tree); it != a.cat().pretty_exprs.end())
               return V::text(pretty ? it->second : tree);
             if (!tree.empty() && tree[0] != '{' && tree[0] != '(') return V::text(tree);
             if (const std::string* def = a.cat().definition("pg_get_expr:" + tree, 0))
               return V::text(*def);
             return V::null();
           });
    d.min_args = 2;
    add(d);
  }
  auto def_fn = [&](const char* name, std::vector<Oid> args, int min_args, std::string key,
                    const std::unordered_map<Oid, std::string> CatalogSnapshot::*user) {
    FunctionDef d = fn(name, std::move(args), toid::TEXT, [key, user](const FuncArgs& a) {
      Oid oid = oid_arg(a, 0);
      if (user != nullptr) {
        const auto& m = a.cat().*user;
        auto it = m.find(oid);
        if (it != m.end()) return V::text(it->second);
      }
      if (const std::string* def = a.cat().definition(key, oid)) return V::text(*def);
      return V::null();
    });
    d.min_args = min_args;
    add(d);
  };
  {
    // A registered CHECK prints differently with pretty (fewer parentheses); other definitions
    // are the same either way.
    FunctionDef d =
        fn("pg_get_constraintdef", {toid::OID, toid::BOOL}, toid::TEXT, [](const FuncArgs& a) {
          const Oid oid = oid_arg(a, 0);
          const bool pretty = a.values.size() > 1 && a.values[1].as_bool();
          const auto& defs = pretty ? a.cat().constraint_defs_pretty : a.cat().constraint_defs;
          if (auto it = defs.find(oid); it != defs.end()) return V::text(it->second);
          if (auto it = a.cat().constraint_defs.find(oid); it != a.cat().constraint_defs.end())
            return V::text(it->second);
          if (const std::string* def = a.cat().definition("pg_get_constraintdef", oid))
            return V::text(*def);
          return V::null();
        });
    d.min_args = 1;
    add(d);
  }
  {
    // pg_get_indexdef(index[, column, pretty]): column > 0 gives that key's text; pretty names the
    // table unqualified when its schema is on the search path.
    FunctionDef d = fn("pg_get_indexdef", {toid::OID, toid::INT4, toid::BOOL}, toid::TEXT,
                       [](const FuncArgs& a) {
                         const Oid oid = oid_arg(a, 0);
                         auto it = a.cat().index_defs.find(oid);
                         const std::string* def = it != a.cat().index_defs.end()
                                                      ? &it->second
                                                      : a.cat().definition("pg_get_indexdef", oid);
                         if (def == nullptr) return V::null();
                         const int64_t column = a.values.size() > 1 ? a.values[1].as_int() : 0;
                         const bool pretty = a.values.size() > 2 && a.values[2].as_bool();
                         if (column > 0) return index_column(*def, column);
                         std::string out = *def;
                         const size_t on = out.find(" ON ");
                         const Relation* idx = a.cat().relation_by_oid(oid);
                         if (pretty && on != std::string::npos && idx != nullptr &&
                             namespace_on_path(a, idx->namespace_oid)) {
                           const std::string prefix = quote_ident(idx->schema) + ".";
                           if (out.compare(on + 4, prefix.size(), prefix) == 0)
                             out.erase(on + 4, prefix.size());
                         }
                         return V::text(out);
                       });
    d.min_args = 1;
    add(d);
  }
  def_fn("pg_get_viewdef", {toid::OID, toid::BOOL}, 1, "pg_get_viewdef",
         &CatalogSnapshot::view_defs);
  def_fn("pg_get_function_arguments", {toid::OID}, 1, "pg_get_function_arguments", nullptr);
  def_fn("pg_get_function_identity_arguments", {toid::OID}, 1, "pg_get_function_identity_arguments",
         nullptr);
  def_fn("pg_get_function_result", {toid::OID}, 1, "pg_get_function_result", nullptr);
  def_fn("pg_get_function_sqlbody", {toid::OID}, 1, "pg_get_function_sqlbody", nullptr);
  def_fn("pg_get_ruledef", {toid::OID, toid::BOOL}, 1, "pg_get_ruledef", nullptr);
  def_fn("pg_get_triggerdef", {toid::OID, toid::BOOL}, 1, "pg_get_triggerdef", nullptr);
  def_fn("pg_get_partkeydef", {toid::OID}, 1, "pg_get_partkeydef", nullptr);
  def_fn("pg_get_statisticsobjdef_columns", {toid::OID}, 1, "pg_get_statisticsobjdef_columns",
         nullptr);
  def_fn("pg_get_partition_constraintdef", {toid::OID}, 1, "pg_get_partition_constraintdef",
         nullptr);
  for (const char* name :
       {"pg_relation_size", "pg_total_relation_size", "pg_table_size", "pg_indexes_size"}) {
    FunctionDef d = fn(name, {toid::REGCLASS, toid::TEXT}, toid::INT8, [name](const FuncArgs& a) {
      const std::string fork = a.values.size() > 1 ? a.values[1].text_string() : "main";
      return V::integer(empty_relation_size(a.cat(), oid_arg(a, 0), name, fork));
    });
    d.min_args = 1;
    add(d);
  }
  add(fn("pg_database_size", {toid::OID}, toid::INT8,
         [](const FuncArgs&) { return V::integer(0); }));
  add(fn("pg_size_pretty", {toid::INT8}, toid::TEXT, [](const FuncArgs& a) {
    int64_t b = a.values[0].as_int();
    const char* units[] = {"bytes", "kB", "MB", "GB", "TB"};
    int u = 0;
    while (u < 4 && (b >= 10 * 1024 || b <= -10 * 1024)) {
      b = (b + (b >= 0 ? 512 : -512)) / 1024;
      ++u;
    }
    return V::text(std::to_string(b) + " " + units[u]);
  }));
  add(fn("pg_tablespace_location", {toid::OID}, toid::TEXT,
         [](const FuncArgs&) { return V::text(""); }));
  add(fn("pg_stat_get_numscans", {toid::OID}, toid::INT8,
         [](const FuncArgs&) { return V::integer(0); }));
  add(fn("pg_relation_is_publishable", {toid::REGCLASS}, toid::BOOL, [](const FuncArgs& a) {
    const Relation* r = a.cat().relation_by_oid(oid_arg(a, 0));
    if (r == nullptr) return V::null();
    return V::boolean((r->kind == 'r' || r->kind == 'p') && r->namespace_oid != 11 &&
                      r->schema != "information_schema");
  }));
  add(fn("pg_encoding_to_char", {toid::INT4}, toid::NAME,
         [](const FuncArgs& a) { return V::text(encoding_name(a.values[0].as_int())); }));
  add(fn("pg_char_to_encoding", {toid::NAME}, toid::INT4, [](const FuncArgs& a) {
    for (int64_t e = 0; e < 42; ++e)
      if (encoding_name(e) == a.values[0].as_text()) return V::integer(e);
    return V::integer(-1);
  }));
  for (auto [name, reg] :
       {std::pair{"to_regtype", toid::REGTYPE}, std::pair{"to_regclass", toid::REGCLASS},
        std::pair{"to_regproc", toid::REGPROC}, std::pair{"to_regnamespace", toid::REGNAMESPACE},
        std::pair{"to_regrole", toid::REGROLE}}) {
    Oid r = reg;
    add(fn(name, {toid::TEXT}, r, [r](const FuncArgs& a) {
      try {
        return V::integer(resolve_reg_name(a.values[0].as_text(), r, a.cat()));
      } catch (const CatalogError&) {
        return V::null();
      }
    }));
  }

  // information_schema helpers (information_schema.sql), natively.
  add(fn("_pg_char_max_length", {toid::OID, toid::INT4}, toid::INT4, [](const FuncArgs& a) {
    Oid typid = oid_arg(a, 0);
    int64_t typmod = a.values[1].as_int();
    if (typmod == -1) return V::null();
    if (typid == toid::BPCHAR || typid == toid::VARCHAR) return V::integer(typmod - 4);
    if (typid == 1560 || typid == 1562) return V::integer(typmod);
    return V::null();
  }));
  add(fn("_pg_char_octet_length", {toid::OID, toid::INT4}, toid::INT4, [](const FuncArgs& a) {
    Oid typid = oid_arg(a, 0);
    if (typid == toid::BPCHAR || typid == toid::VARCHAR || typid == toid::TEXT) {
      int64_t typmod = a.values[1].as_int();
      return V::integer(typmod == -1 ? 1073741824 : (typmod - 4) * 4);
    }
    return V::null();
  }));
  add(fn("_pg_numeric_precision", {toid::OID, toid::INT4}, toid::INT4, [](const FuncArgs& a) {
    Oid typid = oid_arg(a, 0);
    int64_t typmod = a.values[1].as_int();
    switch (typid) {
      case toid::INT2:
        return V::integer(16);
      case toid::INT4:
        return V::integer(32);
      case toid::INT8:
        return V::integer(64);
      case toid::NUMERIC:
        return typmod == -1 ? V::null() : V::integer(((typmod - 4) >> 16) & 65535);
      case toid::FLOAT4:
        return V::integer(24);
      case toid::FLOAT8:
        return V::integer(53);
      default:
        return V::null();
    }
  }));
  add(fn("_pg_numeric_precision_radix", {toid::OID, toid::INT4}, toid::INT4, [](const FuncArgs& a) {
    Oid typid = oid_arg(a, 0);
    if (typid == toid::INT2 || typid == toid::INT4 || typid == toid::INT8 ||
        typid == toid::FLOAT4 || typid == toid::FLOAT8)
      return V::integer(2);
    if (typid == toid::NUMERIC) return V::integer(10);
    return V::null();
  }));
  add(fn("_pg_numeric_scale", {toid::OID, toid::INT4}, toid::INT4, [](const FuncArgs& a) {
    Oid typid = oid_arg(a, 0);
    int64_t typmod = a.values[1].as_int();
    if (typid == toid::INT2 || typid == toid::INT4 || typid == toid::INT8) return V::integer(0);
    if (typid == toid::NUMERIC) return typmod == -1 ? V::null() : V::integer((typmod - 4) & 65535);
    return V::null();
  }));
  add(fn("_pg_datetime_precision", {toid::OID, toid::INT4}, toid::INT4, [](const FuncArgs& a) {
    Oid typid = oid_arg(a, 0);
    int64_t typmod = a.values[1].as_int();
    if (typid == toid::DATE) return V::integer(0);
    if (typid == toid::TIME || typid == 1266 || typid == toid::TIMESTAMP ||
        typid == toid::TIMESTAMPTZ)
      return V::integer(typmod < 0 ? 6 : typmod);
    if (typid == toid::INTERVAL)
      return V::integer(typmod < 0 || (typmod & 65535) == 65535 ? 6 : typmod & 65535);
    return V::null();
  }));
  add(fn("_pg_interval_type", {toid::OID, toid::INT4}, toid::TEXT,
         [](const FuncArgs&) { return V::null(); }));
  add(fn("_pg_truetypid", {0, 0}, toid::OID, [](const FuncArgs& a) {
    Value typtype = field(a, 1, "pg_type", "typtype");
    if (typtype.is_text() && typtype.as_text() == "d") return field(a, 1, "pg_type", "typbasetype");
    return field(a, 0, "pg_attribute", "atttypid");
  }));
  add(fn("_pg_truetypmod", {0, 0}, toid::INT4,
         [](const FuncArgs& a) { return V::integer(true_typmod(a)); }));
  add(fn("_pg_index_position", {toid::OID, toid::INT2}, toid::INT4, [](const FuncArgs& a) {
    const Relation* idx = a.cat().relation("pg_catalog", "pg_index");
    if (idx == nullptr) return V::null();
    int rel = idx->column_index("indexrelid"), key = idx->column_index("indkey");
    for (const Row& r : *idx->rows)
      if (r[static_cast<size_t>(rel)].as_int() == a.values[0].as_int()) {
        const ArrayItems& k = r[static_cast<size_t>(key)].as_array();
        for (size_t i = 0; i < k.size(); ++i)
          if (k[i].as_int() == a.values[1].as_int()) return V::integer(static_cast<int64_t>(i) + 1);
      }
    return V::null();
  }));
  {
    FunctionDef d;
    d.name = "_pg_expandarray";
    d.args = {toid::ANYARRAY};
    d.srf = true;
    d.columns = {{"x", toid::ANYELEMENT}, {"n", toid::INT4}};
    d.srf_impl = [](const FuncArgs& a) {
      std::vector<Row> rows;
      const ArrayItems& x = a.values[0].as_array();
      for (size_t i = 0; i < x.size(); ++i)
        rows.push_back(Row{x[i], V::integer(static_cast<int64_t>(i) + 1)});
      return rows;
    };
    add(d);
  }
  // Set-returning functions backed by dumped rows.
  auto dumped = [&](const char* name, std::shared_ptr<const Relation> CatalogSnapshot::*member,
                    std::vector<std::pair<std::string, Oid>> columns) {
    FunctionDef d;
    d.name = name;
    d.srf = true;
    d.columns = std::move(columns);
    d.srf_impl = [member](const FuncArgs& a) {
      const auto& rel = a.cat().*member;
      return rel ? *rel->rows : std::vector<Row>{};
    };
    add(d);
  };
  dumped("pg_get_keywords", &CatalogSnapshot::keywords,
         {{"word", toid::TEXT},
          {"catcode", toid::CHAR},
          {"barelabel", toid::BOOL},
          {"catdesc", toid::TEXT},
          {"baredesc", toid::TEXT}});
  {
    FunctionDef d;
    d.name = "pg_options_to_table";
    d.args = {toid::TEXT_ARRAY};
    d.srf = true;
    d.columns = {{"option_name", toid::TEXT}, {"option_value", toid::TEXT}};
    d.srf_impl = [](const FuncArgs& a) {
      std::vector<Row> rows;
      for (const Value& o : a.values[0].as_array()) {
        if (o.is_null()) continue;
        const std::string& s = o.text_string();
        size_t eq = s.find('=');
        rows.push_back(Row{V::text(s.substr(0, eq)),
                           eq == std::string::npos ? V::null() : V::text(s.substr(eq + 1))});
      }
      return rows;
    };
    add(d);
  }
}

}  // namespace riffq::catalog
