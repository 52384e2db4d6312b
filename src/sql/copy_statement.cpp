// copy_statement.cpp — COPY … TO STDOUT (the inner query, in its original text so the handler
// sees what the client wrote) and COPY … FROM STDIN (table and columns), with their options.
#include "copy_statement.hpp"

#include "riffq/common/ascii.hpp"

#include <pg_query.h>

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

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

// Names of a list option (FORCE_NOT_NULL (a, b)); false when it is not a list of names.
bool option_names(const PgQuery__Node* arg, std::vector<std::string>& out) {
  if (arg == nullptr || arg->node_case != PG_QUERY__NODE__NODE_LIST) return false;
  for (size_t i = 0; i < arg->list->n_items; ++i) {
    const PgQuery__Node* item = arg->list->items[i];
    if (item->node_case != PG_QUERY__NODE__NODE_STRING) return false;
    out.emplace_back(item->string->sval);
  }
  return true;
}

// PostgreSQL's ProcessCopyOptions (commands/copy.c, 15): fills spec from the option list, or
// returns false with spec.error_code / spec.error set to what PostgreSQL answers.
bool parse_copy_options(const PgQuery__CopyStmt* c, bool is_from, CopySpec& spec) {
  auto fail = [&](const char* code, std::string msg) {
    spec.error_code = code;
    spec.error = std::move(msg);
    return false;
  };
  std::vector<std::string> seen;
  bool delimiter_set = false, null_set = false, quote_set = false, escape_set = false;
  for (size_t i = 0; i < c->n_options; ++i) {
    if (c->options[i]->node_case != PG_QUERY__NODE__NODE_DEF_ELEM)
      return fail("42601", "syntax error in COPY options");
    const PgQuery__DefElem* d = c->options[i]->def_elem;
    std::string name = d->defname ? d->defname : "", value;
    bool has_value = option_text(d->arg, value);
    if (std::find(seen.begin(), seen.end(), name) != seen.end())
      return fail("42601", "conflicting or redundant options");
    seen.push_back(name);
    if (name == "format" && has_value) {
      if (value == "text")
        spec.format = CopySpec::Format::TEXT;
      else if (value == "csv")
        spec.format = CopySpec::Format::CSV;
      else if (value == "binary")
        spec.format = CopySpec::Format::BINARY;
      else
        return fail("22023", "COPY format \"" + value + "\" not recognized");
    } else if (name == "delimiter" && has_value) {
      if (value.size() != 1)
        return fail("0A000", "COPY delimiter must be a single one-byte character");
      spec.delimiter = value[0];
      delimiter_set = true;
    } else if (name == "null" && has_value) {
      spec.null_string = value;
      null_set = true;
    } else if (name == "header") {
      if (has_value && ascii_lower(value) == "match") {
        if (!is_from) return fail("0A000", "cannot use \"match\" with HEADER in COPY TO");
        spec.header = spec.header_match = true;
      } else {
        spec.header = !has_value || truthy(value);
      }
    } else if (name == "quote" && has_value) {
      if (value.size() != 1) return fail("0A000", "COPY quote must be a single one-byte character");
      spec.quote = value[0];
      quote_set = true;
    } else if (name == "escape" && has_value) {
      if (value.size() != 1)
        return fail("0A000", "COPY escape must be a single one-byte character");
      spec.escape = value[0];
      escape_set = true;
    } else if (name == "force_not_null" && is_from) {
      if (!option_names(d->arg, spec.force_not_null))
        return fail("22023",
                    "argument to option \"force_not_null\" must be a list of column names");
    } else if (name == "force_null" && is_from) {
      if (!option_names(d->arg, spec.force_null))
        return fail("22023", "argument to option \"force_null\" must be a list of column names");
    } else if ((name == "encoding" && has_value) || name == "freeze") {
      continue;  // always UTF8; FREEZE means nothing here
    } else {
      return fail("42601", "option \"" + name + "\" not recognized");
    }
  }
  const bool binary = spec.format == CopySpec::Format::BINARY;
  const bool csv = spec.format == CopySpec::Format::CSV;
  if (binary && delimiter_set) return fail("42601", "cannot specify DELIMITER in BINARY mode");
  if (binary && null_set) return fail("42601", "cannot specify NULL in BINARY mode");
  if (binary && spec.header) return fail("0A000", "cannot specify HEADER in BINARY mode");
  if (csv) {
    if (!delimiter_set) spec.delimiter = ',';
    if (!null_set) spec.null_string.clear();
    if (!escape_set) spec.escape = spec.quote;
  }
  if (spec.delimiter == '\n' || spec.delimiter == '\r')
    return fail("22023", "COPY delimiter cannot be newline or carriage return");
  if (spec.null_string.find_first_of("\r\n") != std::string::npos)
    return fail("22023", "COPY null representation cannot use newline or carriage return");
  if (!csv && !binary &&
      std::string_view("\\.abcdefghijklmnopqrstuvwxyz0123456789").find(spec.delimiter) !=
          std::string_view::npos)
    return fail("22023", std::string("COPY delimiter cannot be \"") + spec.delimiter + "\"");
  if (!csv && quote_set) return fail("0A000", "COPY quote available only in CSV mode");
  if (csv && spec.delimiter == spec.quote)
    return fail("22023", "COPY delimiter and quote must be different");
  if (!csv && escape_set) return fail("0A000", "COPY escape available only in CSV mode");
  if (!csv && !spec.force_not_null.empty())
    return fail("0A000", "COPY force not null available only in CSV mode");
  if (!csv && !spec.force_null.empty())
    return fail("0A000", "COPY force null available only in CSV mode");
  if (!binary && spec.null_string.find(spec.delimiter) != std::string::npos)
    return fail("22023", "COPY delimiter must not appear in the NULL specification");
  if (csv && spec.null_string.find(spec.quote) != std::string::npos)
    return fail("22023", "CSV quote character must not appear in the NULL specification");
  return true;
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
  // Options we do not implement (force_quote, …) leave the statement to the handler.
  if (!parse_copy_options(c, false, spec)) return false;
  info.copy = std::move(spec);
  return true;
}

bool match_copy_from_stdin(const PgQuery__CopyStmt* c, StatementInfo& info) {
  if (!c->is_from || c->is_program || (c->filename && *c->filename) || c->relation == nullptr)
    return false;
  CopySpec spec;
  spec.table = c->relation->relname ? c->relation->relname : "";
  if (c->relation->schemaname) spec.schema = c->relation->schemaname;
  for (size_t i = 0; i < c->n_attlist; ++i) {
    if (c->attlist[i]->node_case != PG_QUERY__NODE__NODE_STRING) return false;
    spec.columns.emplace_back(c->attlist[i]->string->sval);
  }
  if (parse_copy_options(c, true, spec) && c->where_clause) {
    spec.error_code = "0A000";
    spec.error = "COPY FROM … WHERE is not supported";
  }
  info.copy = std::move(spec);
  return true;
}

}  // namespace riffq::sql::detail
