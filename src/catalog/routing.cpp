// routing.cpp — which statements the catalog engine answers: those that read pg_catalog or
// information_schema relations, call catalog functions or cast to reg* types. The parse tree is
// walked generically through protobuf-c's descriptors, so every node kind is visited.
#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>

#include <set>
#include <string>

#include "catalog_snapshot.hpp"
#include "riffq/catalog/engine.hpp"
#include "riffq/sql/parse_tree.hpp"
#include "riffq/sql/text_cache.hpp"

namespace riffq::catalog {

std::shared_ptr<const CatalogSnapshot> builtin_snapshot();

namespace {

struct Findings {
  std::set<std::string> catalog_relations;  // pg_catalog / information_schema relations read
  std::set<std::string> other_relations;
  std::set<std::string> functions;
  std::set<std::string> ctes;  // WITH names: references to them are not relations
  std::set<std::string> columns;  // column names referenced (last field of each ColumnRef)
  bool reg_cast = false;
  bool filtered = false;  // some SELECT has WHERE / HAVING / LIMIT / a join condition
  bool star = false;      // some column reference is * or t.*
};

bool is_catalog_function(const std::string& f) {
  static const std::set<std::string> names = {
      "format_type", "pg_get_userbyid", "pg_table_is_visible", "pg_type_is_visible",
      "pg_function_is_visible", "obj_description", "col_description", "shobj_description",
      "pg_get_expr", "pg_get_constraintdef", "pg_get_indexdef", "pg_get_viewdef",
      "pg_get_function_arguments", "pg_get_function_result", "pg_get_function_identity_arguments",
      "pg_get_keywords", "pg_encoding_to_char", "to_regtype", "to_regclass", "to_regproc",
      "to_regnamespace", "to_regrole", "current_schemas", "pg_get_ruledef", "pg_get_triggerdef",
      "pg_get_partkeydef", "pg_relation_is_publishable", "pg_tablespace_location",
      "pg_options_to_table", "has_table_privilege", "has_schema_privilege",
      "has_database_privilege", "has_column_privilege", "has_any_column_privilege",
      "has_function_privilege", "pg_has_role", "pg_get_statisticsobjdef_columns",
      "pg_get_function_sqlbody", "_pg_expandarray",
      // server state only the catalog engine knows
      "pg_postmaster_start_time", "pg_conf_load_time", "pg_is_in_recovery", "txid_current",
      "pg_current_xact_id"};
  return names.count(f) > 0 || f.rfind("pg_stat_get_", 0) == 0;
}

void walk(const ProtobufCMessage* m, Findings& out, int depth) {
  if (m == nullptr || depth > 1000) return;
  const ProtobufCMessageDescriptor* d = m->descriptor;
  if (d == &pg_query__range_var__descriptor) {
    auto* rv = reinterpret_cast<const PgQuery__RangeVar*>(m);
    std::string schema = rv->schemaname ? rv->schemaname : "";
    std::string name = rv->relname ? rv->relname : "";
    if (schema == "pg_catalog" || schema == "information_schema") {
      out.catalog_relations.insert(name);
    } else if (schema.empty() && builtin_snapshot()->relation("pg_catalog", name) != nullptr) {
      out.catalog_relations.insert(name);
    } else {
      out.other_relations.insert(schema + "." + name);
    }
  } else if (d == &pg_query__select_stmt__descriptor) {
    auto* sel = reinterpret_cast<const PgQuery__SelectStmt*>(m);
    if (sel->where_clause || sel->having_clause || sel->limit_count || sel->limit_offset)
      out.filtered = true;
  } else if (d == &pg_query__join_expr__descriptor) {
    out.filtered = true;
  } else if (d == &pg_query__column_ref__descriptor) {
    auto* c = reinterpret_cast<const PgQuery__ColumnRef*>(m);
    if (c->n_fields > 0 && c->fields[c->n_fields - 1]->node_case == PG_QUERY__NODE__NODE_STRING)
      out.columns.insert(c->fields[c->n_fields - 1]->string->sval);
    else
      out.star = true;
  } else if (d == &pg_query__common_table_expr__descriptor) {
    auto* cte = reinterpret_cast<const PgQuery__CommonTableExpr*>(m);
    if (cte->ctename) out.ctes.insert(cte->ctename);
  } else if (d == &pg_query__func_call__descriptor) {
    auto* f = reinterpret_cast<const PgQuery__FuncCall*>(m);
    if (f->n_funcname > 0 &&
        f->funcname[f->n_funcname - 1]->node_case == PG_QUERY__NODE__NODE_STRING)
      out.functions.insert(f->funcname[f->n_funcname - 1]->string->sval);
  } else if (d == &pg_query__type_name__descriptor) {
    auto* t = reinterpret_cast<const PgQuery__TypeName*>(m);
    if (t->n_names > 0 && t->names[t->n_names - 1]->node_case == PG_QUERY__NODE__NODE_STRING) {
      std::string n = t->names[t->n_names - 1]->string->sval;
      if (n.rfind("reg", 0) == 0 && n != "record") out.reg_cast = true;
    }
  }
  for (unsigned i = 0; i < d->n_fields; ++i) {
    const ProtobufCFieldDescriptor& f = d->fields[i];
    if (f.type != PROTOBUF_C_TYPE_MESSAGE) continue;
    const char* base = reinterpret_cast<const char*>(m);
    if (f.label == PROTOBUF_C_LABEL_REPEATED) {
      size_t n = *reinterpret_cast<const size_t*>(base + f.quantifier_offset);
      auto* items = *reinterpret_cast<ProtobufCMessage* const* const*>(base + f.offset);
      for (size_t k = 0; k < n; ++k) walk(items[k], out, depth + 1);
    } else {
      if (f.flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
        uint32_t which = *reinterpret_cast<const uint32_t*>(base + f.quantifier_offset);
        if (which != f.id) continue;
      }
      walk(*reinterpret_cast<ProtobufCMessage* const*>(base + f.offset), out, depth + 1);
    }
  }
}

// What a SELECT reads; null for any other statement.
std::shared_ptr<const Findings> analyze_uncached(std::string_view sql) {
  auto parsed = sql::parse_tree(sql);
  const PgQuery__ParseResult* tree = parsed->tree.get();
  if (tree == nullptr || tree->n_stmts != 1 ||
      tree->stmts[0]->stmt->node_case != PG_QUERY__NODE__NODE_SELECT_STMT)
    return nullptr;
  auto out = std::make_shared<Findings>();
  walk(&tree->base, *out, 0);
  for (const std::string& cte : out->ctes) out->other_relations.erase("." + cte);
  return out;
}

// Routing runs for every statement: the findings of repeated texts are kept.
std::shared_ptr<const Findings> analyze(std::string_view sql) {
  static auto* cache = new sql::TextCache<Findings>();  // never destroyed: used until exit
  return cache->get(sql, analyze_uncached);
}

// The attributes of every relation, as ADBC's type resolver reads them when it connects (to
// decode composite types): pg_attribute alone, unfiltered, only the columns that describe a
// row type's fields. A filtered read (the columns of one table, say) is not a driver's.
bool reads_all_row_type_fields(const Findings& f) {
  static const std::set<std::string> fields = {"attrelid", "attname",   "atttypid",
                                               "attnum",   "atttypmod", "attisdropped"};
  if (f.catalog_relations != std::set<std::string>{"pg_attribute"} || f.filtered || f.star ||
      f.reg_cast || !f.functions.empty())
    return false;
  for (const auto& c : f.columns)
    if (fields.count(c) == 0) return false;
  return true;
}

}  // namespace

bool reads_catalog(std::string_view sql) {
  auto found = analyze(sql);
  if (!found) return false;
  const Findings& f = *found;
  // The handler's own tables: the engine holds no rows for them, so the handler answers.
  if (!f.other_relations.empty()) return false;
  if (!f.catalog_relations.empty() || f.reg_cast) return true;
  for (const auto& fn : f.functions)
    if (is_catalog_function(fn)) return true;
  return false;
}

bool is_type_introspection(std::string_view sql) {
  auto found = analyze(sql);
  if (!found) return false;
  const Findings& f = *found;
  if (!f.other_relations.empty()) return false;
  if (reads_all_row_type_fields(f)) return true;
  static const std::set<std::string> allowed = {"pg_type",      "pg_range",     "pg_enum",
                                                "pg_namespace", "pg_attribute", "pg_class",
                                                "pg_multirange"};
  bool types = f.catalog_relations.count("pg_type") > 0 || f.functions.count("to_regtype") > 0;
  for (const auto& r : f.catalog_relations)
    if (allowed.count(r) == 0) return false;
  return types;
}

}  // namespace riffq::catalog
