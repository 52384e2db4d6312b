// statement_analyzer.cpp — recognising session-level statements from the libpg_query parse tree.
#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "copy_statement.hpp"
#include "parameter_casts.hpp"
#include "riffq/common/ascii.hpp"
#include "riffq/sql/parse_tree.hpp"
#include "riffq/sql/statement.hpp"
#include "session_functions.hpp"

namespace riffq::sql {
namespace {

// Renders a SET argument (A_Const or a cast of one) as PostgreSQL's flatten_set_variable_args
// would: strings unquoted, numbers as written.
bool const_text(const PgQuery__Node* n, std::string& out) {
  if (n == nullptr) return false;
  if (n->node_case == PG_QUERY__NODE__NODE_TYPE_CAST) return const_text(n->type_cast->arg, out);
  if (n->node_case != PG_QUERY__NODE__NODE_A_CONST) return false;
  const PgQuery__AConst* c = n->a_const;
  switch (c->val_case) {
    case PG_QUERY__A__CONST__VAL_IVAL:
      out = std::to_string(c->ival->ival);
      return true;
    case PG_QUERY__A__CONST__VAL_FVAL:
      out = c->fval->fval;
      return true;
    case PG_QUERY__A__CONST__VAL_SVAL:
      out = c->sval->sval;
      return true;
    case PG_QUERY__A__CONST__VAL_BOOLVAL:
      out = c->boolval->boolval ? "on" : "off";
      return true;
    default:
      return false;
  }
}

int max_param_ref(const std::string& text) {
  int max_param = 0;
  for (const ParamToken& t : param_tokens(text)) max_param = std::max(max_param, t.number);
  return max_param;
}

void classify(const PgQuery__Node* n, std::string_view text, StatementInfo& info) {
  switch (n->node_case) {
    case PG_QUERY__NODE__NODE_SELECT_STMT:
      info.kind = n->select_stmt->into_clause ? StatementKind::COMMAND : StatementKind::QUERY;
      if (detail::match_session_select(n->select_stmt, info))
        info.kind = StatementKind::SESSION_SELECT;
      return;
    case PG_QUERY__NODE__NODE_EXPLAIN_STMT:
    case PG_QUERY__NODE__NODE_FETCH_STMT:
      info.kind = StatementKind::QUERY;
      return;
    case PG_QUERY__NODE__NODE_INSERT_STMT:
      info.kind = n->insert_stmt->n_returning_list ? StatementKind::QUERY : StatementKind::COMMAND;
      return;
    case PG_QUERY__NODE__NODE_UPDATE_STMT:
      info.kind = n->update_stmt->n_returning_list ? StatementKind::QUERY : StatementKind::COMMAND;
      return;
    case PG_QUERY__NODE__NODE_DELETE_STMT:
      info.kind = n->delete_stmt->n_returning_list ? StatementKind::QUERY : StatementKind::COMMAND;
      return;
    case PG_QUERY__NODE__NODE_TRANSACTION_STMT:
      switch (n->transaction_stmt->kind) {
        case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_BEGIN:
        case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_START:
          info.kind = StatementKind::BEGIN;
          return;
        case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_COMMIT:
          info.kind = StatementKind::COMMIT;
          return;
        case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_ROLLBACK:
          info.kind = StatementKind::ROLLBACK;
          return;
        case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_SAVEPOINT:
        case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_RELEASE:
        case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_ROLLBACK_TO: {
          const auto k = n->transaction_stmt->kind;
          info.kind = StatementKind::SAVEPOINT;
          info.savepoint_op =
              k == PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_SAVEPOINT ? SavepointOp::DEFINE
              : k == PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_RELEASE ? SavepointOp::RELEASE
                                                                         : SavepointOp::ROLLBACK_TO;
          const char* name = n->transaction_stmt->savepoint_name;
          info.name = name ? name : "";  // the parser has already folded unquoted names
          return;
        }
        default:
          info.kind = StatementKind::COMMAND;
          return;
      }
    case PG_QUERY__NODE__NODE_VARIABLE_SET_STMT: {
      const PgQuery__VariableSetStmt* s = n->variable_set_stmt;
      info.name = ascii_lower(s->name ? s->name : "");
      info.is_local = s->is_local;
      switch (s->kind) {
        case PG_QUERY__VARIABLE_SET_KIND__VAR_SET_VALUE:
          info.kind = StatementKind::SET;
          for (size_t i = 0; i < s->n_args; ++i) {
            std::string v;
            if (!const_text(s->args[i], v)) {
              info.kind = StatementKind::COMMAND;  // e.g. SET TIME ZONE INTERVAL …: handler
              return;
            }
            info.values.push_back(std::move(v));
          }
          return;
        case PG_QUERY__VARIABLE_SET_KIND__VAR_SET_DEFAULT:
        case PG_QUERY__VARIABLE_SET_KIND__VAR_RESET:
          info.kind = s->kind == PG_QUERY__VARIABLE_SET_KIND__VAR_RESET ? StatementKind::RESET
                                                                        : StatementKind::SET;
          info.set_default = true;
          return;
        case PG_QUERY__VARIABLE_SET_KIND__VAR_RESET_ALL:
          info.kind = StatementKind::RESET_ALL;
          return;
        case PG_QUERY__VARIABLE_SET_KIND__VAR_SET_MULTI:
          info.kind = StatementKind::SET_MULTI;
          return;
        default:
          info.kind = StatementKind::COMMAND;
          return;
      }
    }
    case PG_QUERY__NODE__NODE_VARIABLE_SHOW_STMT:
      info.name = ascii_lower(n->variable_show_stmt->name ? n->variable_show_stmt->name : "");
      info.kind = info.name == "all" ? StatementKind::SHOW_ALL : StatementKind::SHOW;
      return;
    case PG_QUERY__NODE__NODE_DISCARD_STMT:
      info.kind = n->discard_stmt->target == PG_QUERY__DISCARD_MODE__DISCARD_ALL
                      ? StatementKind::DISCARD_ALL
                      : StatementKind::COMMAND;
      return;
    case PG_QUERY__NODE__NODE_DEALLOCATE_STMT:
      info.kind = StatementKind::DEALLOCATE;
      info.name = n->deallocate_stmt->name ? n->deallocate_stmt->name : "";
      return;
    case PG_QUERY__NODE__NODE_COPY_STMT:
      if (detail::match_copy_to_stdout(n->copy_stmt, text, info))
        info.kind = StatementKind::COPY_TO_STDOUT;
      else if (detail::match_copy_from_stdin(n->copy_stmt, info))
        info.kind = StatementKind::COPY_FROM_STDIN;
      else
        info.kind = StatementKind::COMMAND;
      return;
    case PG_QUERY__NODE__NODE_LISTEN_STMT:
      info.kind = StatementKind::LISTEN;
      info.name = n->listen_stmt->conditionname ? n->listen_stmt->conditionname : "";
      return;
    case PG_QUERY__NODE__NODE_UNLISTEN_STMT:
      info.kind = StatementKind::UNLISTEN;  // name empty: UNLISTEN *
      info.name = n->unlisten_stmt->conditionname ? n->unlisten_stmt->conditionname : "";
      return;
    default:
      info.kind = StatementKind::COMMAND;
      return;
  }
}

}  // namespace

std::vector<ParamToken> param_tokens(std::string_view sql) {
  std::vector<ParamToken> out;
  std::string text(sql);  // the scanner wants a NUL-terminated string
  PgQueryScanResult scan = pg_query_scan(text.c_str());
  if (scan.error == nullptr) {
    PgQuery__ScanResult* r = pg_query__scan_result__unpack(
        nullptr, scan.pbuf.len, reinterpret_cast<const uint8_t*>(scan.pbuf.data));
    if (r != nullptr) {
      for (size_t i = 0; i < r->n_tokens; ++i) {
        const PgQuery__ScanToken* t = r->tokens[i];
        if (t->token != PG_QUERY__TOKEN__PARAM || t->start + 1 >= t->end) continue;
        out.push_back({std::atoi(text.c_str() + t->start + 1), size_t(t->start)});
      }
      pg_query__scan_result__free_unpacked(r, nullptr);
    }
  }
  pg_query_free_scan_result(scan);
  return out;
}

StatementInfo analyze_statement(std::string_view sql) {
  StatementInfo info;
  auto parsed = parse_tree(sql);
  if (parsed->error) {
    info.error = parsed->error->message;
    return info;
  }
  const PgQuery__ParseResult* tree = parsed->tree.get();
  if (tree != nullptr && tree->n_stmts == 1 && tree->stmts[0]->stmt != nullptr) {
    classify(tree->stmts[0]->stmt, sql, info);
    if (sql.find('$') != std::string_view::npos)
      info.param_casts = detail::find_parameter_casts(tree->stmts[0]->stmt);
  } else if (tree != nullptr) {
    info.kind = StatementKind::COMMAND;  // several statements: not a single recognisable one
  }
  if (sql.find('$') != std::string_view::npos) info.max_param = max_param_ref(std::string(sql));
  return info;
}

}  // namespace riffq::sql
