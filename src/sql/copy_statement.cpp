// copy_statement.cpp — COPY … TO STDOUT: the inner query (its original text, so the handler
// sees what the client wrote) and the format options.
#include "copy_statement.hpp"

#include "riffq/common/ascii.hpp"

#include <pg_query.h>

#include <algorithm>
#include <cctype>

namespace riffq::sql::detail {
namespace {

// The text between the first '(' after COPY and its matching ')', found with the scanner.
bool parenthesized_query(std::string_view text, std::string& out) {
  std::string buf(text);
  PgQueryScanResult scan = pg_query_scan(buf.c_str());
  bool ok = false;
  if (scan.error == nullptr) {
    PgQuery__ScanResult* r = pg_query__scan_result__unpack(
        nullptr, scan.pbuf.len, reinterpret_cast<const uint8_t*>(scan.pbuf.data));
    if (r != nullptr) {
      int depth = 0;
      size_t begin = 0;
      for (size_t i = 0; i < r->n_tokens && !ok; ++i) {
        const PgQuery__ScanToken* t = r->tokens[i];
        if (t->token == PG_QUERY__TOKEN__ASCII_40) {
          if (depth++ == 0) begin = static_cast<size_t>(t->end);
        } else if (t->token == PG_QUERY__TOKEN__ASCII_41 && depth > 0 && --depth == 0) {
          out = buf.substr(begin, static_cast<size_t>(t->start) - begin);
          ok = true;
        }
      }
      pg_query__scan_result__free_unpacked(r, nullptr);
    }
  }
  pg_query_free_scan_result(scan);
  return ok;
}

// An identifier as PostgreSQL's quote_ident writes it.
std::string quote_ident(const std::string& name) {
  bool plain = !name.empty() && (std::islower(static_cast<unsigned char>(name[0])) || name[0] == '_');
  for (char c : name)
    if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '_'))
      plain = false;
  if (plain) return name;
  std::string q = "\"";
  for (char c : name) {
    if (c == '"') q.push_back('"');
    q.push_back(c);
  }
  return q + "\"";
}

bool option_text(const PgQuery__Node* arg, std::string& out) {
  if (arg == nullptr) return false;
  switch (arg->node_case) {
    case PG_QUERY__NODE__NODE_STRING:
      out = arg->string->sval;
      return true;
    case PG_QUERY__NODE__NODE_BOOLEAN:
      out = arg->boolean->boolval ? "true" : "false";
      return true;
    case PG_QUERY__NODE__NODE_INTEGER:
      out = std::to_string(arg->integer->ival);
      return true;
    default:
      return false;
  }
}

bool truthy(const std::string& v) {
  std::string l = ascii_lower(v);
  return l == "true" || l == "on" || l == "1" || l == "t" || l == "yes";
}

}  // namespace

bool match_copy_to_stdout(const PgQuery__CopyStmt* c, std::string_view text, StatementInfo& info) {
  if (c->is_from || c->is_program || (c->filename && *c->filename) || c->where_clause) return false;
  CopySpec spec;
  if (c->query != nullptr) {
    if (!parenthesized_query(text, spec.query)) return false;
  } else if (c->relation != nullptr) {
    std::string cols = "*";
    if (c->n_attlist) {
      cols.clear();
      for (size_t i = 0; i < c->n_attlist; ++i) {
        if (c->attlist[i]->node_case != PG_QUERY__NODE__NODE_STRING) return false;
        if (i) cols += ", ";
        cols += quote_ident(c->attlist[i]->string->sval);
      }
    }
    std::string rel = quote_ident(c->relation->relname);
    if (c->relation->schemaname && *c->relation->schemaname)
      rel = quote_ident(c->relation->schemaname) + "." + rel;
    spec.query = "SELECT " + cols + " FROM " + rel;
  } else {
    return false;
  }
  bool delimiter_set = false, null_set = false;
  for (size_t i = 0; i < c->n_options; ++i) {
    if (c->options[i]->node_case != PG_QUERY__NODE__NODE_DEF_ELEM) return false;
    const PgQuery__DefElem* d = c->options[i]->def_elem;
    std::string name = d->defname ? d->defname : "", value;
    bool has_value = option_text(d->arg, value);
    if (name == "format" && has_value) {
      if (value == "text") spec.format = CopySpec::Format::TEXT;
      else if (value == "csv") spec.format = CopySpec::Format::CSV;
      else if (value == "binary") spec.format = CopySpec::Format::BINARY;
      else return false;
    } else if (name == "delimiter" && has_value && value.size() == 1) {
      spec.delimiter = value[0];
      delimiter_set = true;
    } else if (name == "null" && has_value) {
      spec.null_string = value;
      null_set = true;
    } else if (name == "header") {
      spec.header = !has_value || truthy(value);
    } else if (name == "quote" && has_value && value.size() == 1) {
      spec.quote = value[0];
    } else if (name == "escape" && has_value && value.size() == 1) {
      spec.escape = value[0];
    } else if (name == "encoding" && has_value) {
      continue;  // always UTF8
    } else {
      return false;  // options we do not implement (force_quote, …): the handler's
    }
  }
  if (spec.format == CopySpec::Format::CSV) {
    if (!delimiter_set) spec.delimiter = ',';
    if (!null_set) spec.null_string.clear();
  }
  info.copy = std::move(spec);
  return true;
}

}  // namespace riffq::sql::detail
