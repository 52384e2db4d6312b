// param_inference.cpp — parameter types of statements the handler answers, inferred as
// PostgreSQL's parser does from the registered tables: comparisons with their columns (the
// binder, for SELECT), INSERT targets (VALUES lists) and UPDATE ... SET targets.
#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>

#include "binder.hpp"
#include "catalog_snapshot.hpp"
#include "riffq/catalog/engine.hpp"
#include "type_oids.hpp"

namespace riffq::catalog {
namespace {

const Relation* target_relation(const PgQuery__RangeVar* rv, const CatalogSnapshot& cat,
                                const SessionInfo& session) {
  if (rv == nullptr || rv->relname == nullptr) return nullptr;
  if (rv->schemaname != nullptr && *rv->schemaname)
    return cat.relation(rv->schemaname, rv->relname);
  return cat.lookup_relation(rv->relname, session.search_path);
}

// $n as a bare item (or under a cast to unknown-free types, which casts already typed).
int param_number(const PgQuery__Node* n) {
  return n != nullptr && n->node_case == PG_QUERY__NODE__NODE_PARAM_REF ? n->param_ref->number : 0;
}

void set_type(std::vector<TypeRef>& params, int number, TypeRef type) {
  if (number <= 0) return;
  size_t i = static_cast<size_t>(number - 1);
  if (params.size() <= i) params.resize(i + 1);
  if (params[i].oid == 0 || params[i].oid == toid::UNKNOWN) params[i] = type;
}

TypeRef column_type(const Relation& rel, const char* name) {
  int i = name ? rel.column_index(name) : -1;
  return i < 0 ? TypeRef{} : rel.columns[static_cast<size_t>(i)].type;
}

void infer_insert(const PgQuery__InsertStmt* ins, const CatalogSnapshot& cat,
                  const SessionInfo& session, std::vector<TypeRef>& params) {
  const Relation* rel = target_relation(ins->relation, cat, session);
  if (rel == nullptr || ins->select_stmt == nullptr ||
      ins->select_stmt->node_case != PG_QUERY__NODE__NODE_SELECT_STMT)
    return;
  std::vector<TypeRef> targets;
  if (ins->n_cols == 0) {
    for (const ColumnDef& c : rel->columns) targets.push_back(c.type);
  } else {
    for (size_t k = 0; k < ins->n_cols; ++k)
      targets.push_back(column_type(*rel, ins->cols[k]->res_target->name));
  }
  const PgQuery__SelectStmt* s = ins->select_stmt->select_stmt;
  if (s->n_values_lists == 0) {  // INSERT ... SELECT: bare $n targets take the columns' types
    if (s->op == PG_QUERY__SET_OPERATION__SETOP_NONE)
      for (size_t k = 0; k < s->n_target_list && k < targets.size(); ++k)
        set_type(params, param_number(s->target_list[k]->res_target->val), targets[k]);
    try {
      Binder b(cat, session, params);
      b.bind_statement(ins->select_stmt);
    } catch (const CatalogError&) {
    }
    return;
  }
  for (size_t r = 0; r < s->n_values_lists; ++r) {
    const PgQuery__Node* list = s->values_lists[r];
    if (list->node_case != PG_QUERY__NODE__NODE_LIST) continue;
    for (size_t k = 0; k < list->list->n_items && k < targets.size(); ++k)
      set_type(params, param_number(list->list->items[k]), targets[k]);
  }
}

void infer_update(const PgQuery__UpdateStmt* up, const CatalogSnapshot& cat,
                  const SessionInfo& session, std::vector<TypeRef>& params) {
  const Relation* rel = target_relation(up->relation, cat, session);
  if (rel == nullptr) return;
  for (size_t k = 0; k < up->n_target_list; ++k) {
    const PgQuery__ResTarget* t = up->target_list[k]->res_target;
    if (t->n_indirection == 0) set_type(params, param_number(t->val), column_type(*rel, t->name));
  }
}

}  // namespace

std::vector<Oid> CatalogEngine::infer_parameter_types(std::string_view sql,
                                                      const std::vector<Oid>& known,
                                                      const SessionInfo& session) const {
  std::vector<TypeRef> params;
  for (Oid t : known) params.push_back(TypeRef{t, -1});
  try {
    auto snap = snapshot(session.database);
    auto tree = parse_sql(sql);
    if (tree->n_stmts == 1) {
      const PgQuery__Node* stmt = tree->stmts[0]->stmt;
      switch (stmt->node_case) {
        case PG_QUERY__NODE__NODE_SELECT_STMT: {
          Binder b(*snap, session, params);
          b.bind_statement(stmt);
          break;
        }
        case PG_QUERY__NODE__NODE_INSERT_STMT:
          infer_insert(stmt->insert_stmt, *snap, session, params);
          break;
        case PG_QUERY__NODE__NODE_UPDATE_STMT:
          infer_update(stmt->update_stmt, *snap, session, params);
          break;
        default:
          break;
      }
    }
  } catch (const CatalogError&) {
    // A statement the engine cannot bind (another dialect, a function it lacks): what was
    // inferred before the failure still stands; the rest stays unknown.
  }
  std::vector<Oid> out;
  for (const TypeRef& t : params) out.push_back(t.oid == toid::UNKNOWN ? 0 : t.oid);
  return out;
}

}  // namespace riffq::catalog
