// session_functions.cpp — the functions drivers call right after connecting, which the session
// layer answers itself so that even the simplest handler serves them (SPEC §5).
#include "session_functions.hpp"

#include "riffq/common/ascii.hpp"

#include <algorithm>
#include <string>

namespace riffq::sql::detail {
namespace {

// Function name → allowed argument counts (bit n set: n arguments allowed).
struct KnownFunction {
  const char* name;
  unsigned arities;
};

constexpr KnownFunction FUNCTIONS[] = {
    {"version", 1u << 0},           {"current_schema", 1u << 0},
    {"current_database", 1u << 0},  {"pg_backend_pid", 1u << 0},
    {"current_setting", (1u << 1) | (1u << 2)},
    {"set_config", 1u << 3},        {"current_schemas", 1u << 1},
    {"pg_is_in_recovery", 1u << 0},
};

const KnownFunction* find_function(std::string_view name) {
  for (const auto& f : FUNCTIONS)
    if (name == f.name) return &f;
  return nullptr;
}

bool const_arg(const PgQuery__Node* n, SessionArg& arg) {
  if (n == nullptr) return false;
  if (n->node_case == PG_QUERY__NODE__NODE_TYPE_CAST) return const_arg(n->type_cast->arg, arg);
  if (n->node_case == PG_QUERY__NODE__NODE_PARAM_REF) {
    arg.param = n->param_ref->number;
    return arg.param > 0;
  }
  if (n->node_case != PG_QUERY__NODE__NODE_A_CONST) return false;
  std::optional<std::string>& out = arg.value;
  const PgQuery__AConst* c = n->a_const;
  if (c->isnull) {
    out.reset();
    return true;
  }
  switch (c->val_case) {
    case PG_QUERY__A__CONST__VAL_SVAL:
      out = c->sval->sval;
      return true;
    case PG_QUERY__A__CONST__VAL_IVAL:
      out = std::to_string(c->ival->ival);
      return true;
    case PG_QUERY__A__CONST__VAL_BOOLVAL:
      out = c->boolval->boolval ? "true" : "false";
      return true;
    case PG_QUERY__A__CONST__VAL_FVAL:
      out = c->fval->fval;
      return true;
    default:
      return false;
  }
}

const char* svf_name(PgQuery__SQLValueFunctionOp op) {
  switch (op) {
    case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_ROLE: return "current_role";
    case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_USER: return "current_user";
    case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_USER: return "user";
    case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_SESSION_USER: return "session_user";
    case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_CATALOG: return "current_catalog";
    case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_SCHEMA: return "current_schema";
    default: return nullptr;
  }
}

bool match_target(const PgQuery__ResTarget* t, SessionCall& call) {
  const PgQuery__Node* v = t->val;
  if (v == nullptr || t->n_indirection != 0) return false;
  if (v->node_case == PG_QUERY__NODE__NODE_SQLVALUE_FUNCTION) {
    const char* name = svf_name(v->sqlvalue_function->op);
    if (name == nullptr) return false;
    call.function = name;
  } else if (v->node_case == PG_QUERY__NODE__NODE_FUNC_CALL) {
    const PgQuery__FuncCall* f = v->func_call;
    if (f->n_agg_order || f->agg_filter || f->over || f->agg_star || f->agg_distinct ||
        f->func_variadic || f->n_funcname == 0 || f->n_funcname > 2)
      return false;
    std::string parts[2];
    for (size_t i = 0; i < f->n_funcname; ++i) {
      if (f->funcname[i]->node_case != PG_QUERY__NODE__NODE_STRING) return false;
      parts[i] = f->funcname[i]->string->sval;
    }
    if (f->n_funcname == 2 && parts[0] != "pg_catalog") return false;
    const std::string& name = parts[f->n_funcname - 1];
    const KnownFunction* known = find_function(name);
    if (known == nullptr || f->n_args >= 8 || !(known->arities & (1u << f->n_args))) return false;
    call.function = name;
    for (size_t i = 0; i < f->n_args; ++i) {
      SessionArg arg;
      if (!const_arg(f->args[i], arg)) return false;
      call.args.push_back(std::move(arg));
    }
  } else {
    return false;
  }
  call.column = t->name && *t->name ? t->name : call.function;
  return true;
}

}  // namespace

bool mentions_session_function(std::string_view sql) {
  // Runs before every simple-query SELECT: only parse when a session function can be there.
  // "current_" covers current_user/_role/_schema/_setting/_database/_catalog; a FROM clause
  // rules a session select out (a bare `SELECT user` is left to the handler).
  static const char* needles[] = {"current_", "session_user", "version", "pg_backend_pid",
                                  "set_config", "pg_is_in_recovery"};
  const std::string lower = ascii_lower(sql.substr(0, 4096));
  if (lower.find("from") != std::string::npos) return false;
  return std::any_of(std::begin(needles), std::end(needles),
                     [&](const char* n) { return lower.find(n) != std::string::npos; });
}

bool match_session_select(const PgQuery__SelectStmt* s, StatementInfo& info) {
  if (s->n_from_clause || s->where_clause || s->n_group_clause || s->having_clause ||
      s->n_window_clause || s->n_values_lists || s->n_sort_clause || s->limit_offset ||
      s->limit_count || s->n_locking_clause || s->with_clause || s->larg || s->rarg ||
      s->into_clause || s->n_distinct_clause || s->n_target_list == 0)
    return false;
  std::vector<SessionCall> calls;
  for (size_t i = 0; i < s->n_target_list; ++i) {
    const PgQuery__Node* n = s->target_list[i];
    if (n->node_case != PG_QUERY__NODE__NODE_RES_TARGET) return false;
    SessionCall call;
    if (!match_target(n->res_target, call)) return false;
    calls.push_back(std::move(call));
  }
  info.session_calls = std::move(calls);
  return true;
}

}  // namespace riffq::sql::detail

namespace riffq::sql {

bool may_be_session_select(std::string_view sql) {
  return first_keyword(sql) == "select" && detail::mentions_session_function(sql);
}

}  // namespace riffq::sql
