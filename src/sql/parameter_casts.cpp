// parameter_casts.cpp — the types PostgreSQL would give parameters a client sent without types
// (asyncpg, node-postgres, pgx), found in a libpg_query protobuf parse tree: explicit casts
// (`$n::type`, CAST($n AS type)) first, then what the context says — LIMIT / OFFSET (int8), a
// comparison or arithmetic with a typed expression, `x = ANY($n)` (an array of x's type), IN
// lists and BETWEEN bounds. Column types need the catalog and are not inferred here.
// A generic protobuf-c walk: every message field, repeated or oneof, is visited.
#include "parameter_casts.hpp"

#include <pg_query/pg_query.pb-c.h>
#include <protobuf-c/protobuf-c.h>

#include <cstring>
#include <optional>

namespace riffq::sql::detail {
namespace {

// Guards against pathological nesting (the parser itself caps depth well below this).
constexpr int MAX_DEPTH = 1000;

struct Found {
  std::vector<ParamCast> casts;     // explicit: they win
  std::vector<ParamCast> inferred;  // from context
};

int param_of(const PgQuery__Node* n) {
  return n != nullptr && n->node_case == PG_QUERY__NODE__NODE_PARAM_REF ? n->param_ref->number : 0;
}

std::optional<ParamCast> cast_type(const PgQuery__TypeCast* tc) {
  const PgQuery__TypeName* tn = tc->type_name;
  if (tn == nullptr || tn->n_names == 0) return std::nullopt;
  const PgQuery__Node* last = tn->names[tn->n_names - 1];
  if (last->node_case != PG_QUERY__NODE__NODE_STRING) return std::nullopt;
  ParamCast c;
  c.type_name = last->string->sval;
  c.is_array = tn->n_array_bounds > 0;
  return c;
}

// The type of an expression when it is evident without a catalog (a cast or a literal).
std::optional<ParamCast> type_of(const PgQuery__Node* n) {
  if (n == nullptr) return std::nullopt;
  if (n->node_case == PG_QUERY__NODE__NODE_TYPE_CAST) return cast_type(n->type_cast);
  if (n->node_case != PG_QUERY__NODE__NODE_A_CONST || n->a_const->isnull) return std::nullopt;
  ParamCast c;
  switch (n->a_const->val_case) {
    case PG_QUERY__A__CONST__VAL_IVAL:
      c.type_name = "int4";
      return c;
    case PG_QUERY__A__CONST__VAL_FVAL: {  // an integer too wide for int4 is int8, as in make_const
      const char* s = n->a_const->fval->fval;
      bool integral = s != nullptr && std::strpbrk(s, ".eE") == nullptr;
      c.type_name = integral ? "int8" : "numeric";
      return c;
    }
    case PG_QUERY__A__CONST__VAL_BOOLVAL:
      c.type_name = "bool";
      return c;
    default:  // a string literal is of unknown type
      return std::nullopt;
  }
}

void infer(int param, std::optional<ParamCast> type, bool as_array, bool as_element, Found& out) {
  if (param <= 0 || !type) return;
  if (as_element) {
    if (!type->is_array) return;
    type->is_array = false;
  }
  if (as_array) {
    if (type->is_array) return;
    type->is_array = true;
  }
  type->param = param;
  out.inferred.push_back(std::move(*type));
}

bool is_binary_operator(const PgQuery__AExpr* e) {
  if (e->n_name != 1 || e->name[0]->node_case != PG_QUERY__NODE__NODE_STRING) return false;
  static const char* ops[] = {"=", "<>", "!=", "<", ">", "<=", ">=", "+", "-", "*", "/", "%"};
  const char* op = e->name[0]->string->sval;
  for (const char* o : ops)
    if (std::strcmp(op, o) == 0) return true;
  return false;
}

const PgQuery__List* list_of(const PgQuery__Node* n) {
  return n != nullptr && n->node_case == PG_QUERY__NODE__NODE_LIST ? n->list : nullptr;
}

void note_expression(const PgQuery__AExpr* e, Found& out) {
  switch (e->kind) {
    case PG_QUERY__A__EXPR__KIND__AEXPR_OP:
      if (e->lexpr == nullptr || !is_binary_operator(e)) return;
      [[fallthrough]];
    case PG_QUERY__A__EXPR__KIND__AEXPR_DISTINCT:
    case PG_QUERY__A__EXPR__KIND__AEXPR_NOT_DISTINCT:
    case PG_QUERY__A__EXPR__KIND__AEXPR_NULLIF:
      infer(param_of(e->lexpr), type_of(e->rexpr), false, false, out);
      infer(param_of(e->rexpr), type_of(e->lexpr), false, false, out);
      return;
    case PG_QUERY__A__EXPR__KIND__AEXPR_OP_ANY:
    case PG_QUERY__A__EXPR__KIND__AEXPR_OP_ALL:
      infer(param_of(e->rexpr), type_of(e->lexpr), true, false, out);  // x = ANY($n)
      infer(param_of(e->lexpr), type_of(e->rexpr), false, true, out);  // $n = ANY('{…}'::int[])
      return;
    case PG_QUERY__A__EXPR__KIND__AEXPR_LIKE:
    case PG_QUERY__A__EXPR__KIND__AEXPR_ILIKE:
      return;  // text, the default
    case PG_QUERY__A__EXPR__KIND__AEXPR_IN:
    case PG_QUERY__A__EXPR__KIND__AEXPR_BETWEEN:
    case PG_QUERY__A__EXPR__KIND__AEXPR_NOT_BETWEEN:
    case PG_QUERY__A__EXPR__KIND__AEXPR_BETWEEN_SYM:
    case PG_QUERY__A__EXPR__KIND__AEXPR_NOT_BETWEEN_SYM: {
      const PgQuery__List* items = list_of(e->rexpr);
      if (items == nullptr) return;
      auto left = type_of(e->lexpr);
      for (size_t i = 0; i < items->n_items; ++i) {
        infer(param_of(items->items[i]), left, false, false, out);
        if (!left) infer(param_of(e->lexpr), type_of(items->items[i]), false, false, out);
      }
      return;
    }
    default:
      return;
  }
}

void note(const ProtobufCMessage* m, Found& out) {
  const ProtobufCMessageDescriptor* d = m->descriptor;
  if (d == &pg_query__type_cast__descriptor) {
    auto* tc = reinterpret_cast<const PgQuery__TypeCast*>(m);
    int p = param_of(tc->arg);
    if (auto c = cast_type(tc); c && p > 0) {
      c->param = p;
      out.casts.push_back(std::move(*c));
    }
  } else if (d == &pg_query__a__expr__descriptor) {
    note_expression(reinterpret_cast<const PgQuery__AExpr*>(m), out);
  } else if (d == &pg_query__select_stmt__descriptor) {
    auto* s = reinterpret_cast<const PgQuery__SelectStmt*>(m);
    ParamCast int8;
    int8.type_name = "int8";
    infer(param_of(s->limit_count), int8, false, false, out);
    infer(param_of(s->limit_offset), int8, false, false, out);
  }
}

void walk(const ProtobufCMessage* m, Found& out, int depth) {
  if (m == nullptr || depth > MAX_DEPTH) return;
  note(m, out);
  const ProtobufCMessageDescriptor* d = m->descriptor;
  const char* base = reinterpret_cast<const char*>(m);
  for (unsigned i = 0; i < d->n_fields; ++i) {
    const ProtobufCFieldDescriptor& f = d->fields[i];
    if (f.type != PROTOBUF_C_TYPE_MESSAGE) continue;
    if (f.flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
      // Only the member whose id is the current case is set.
      uint32_t which = *reinterpret_cast<const uint32_t*>(base + f.quantifier_offset);
      if (which != f.id) continue;
    }
    if (f.label == PROTOBUF_C_LABEL_REPEATED) {
      size_t n = *reinterpret_cast<const size_t*>(base + f.quantifier_offset);
      auto items = *reinterpret_cast<ProtobufCMessage* const* const*>(base + f.offset);
      for (size_t k = 0; k < n; ++k) walk(items[k], out, depth + 1);
    } else {
      walk(*reinterpret_cast<ProtobufCMessage* const*>(base + f.offset), out, depth + 1);
    }
  }
}

}  // namespace

std::vector<ParamCast> find_parameter_casts(const void* root) {
  Found found;
  walk(static_cast<const ProtobufCMessage*>(root), found, 0);
  found.casts.insert(found.casts.end(), found.inferred.begin(), found.inferred.end());
  return found.casts;
}

}  // namespace riffq::sql::detail
