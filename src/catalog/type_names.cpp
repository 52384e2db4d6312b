// type_names.cpp — type names as PostgreSQL spells and parses them.
#include "type_names.hpp"

#include <pg_query.h>

#include <pg_query/pg_query.pb-c.h>
#include <mutex>
#include <optional>
#include <unordered_map>

#include "riffq/common/ascii.hpp"
#include "type_oids.hpp"

namespace riffq::catalog {
namespace {

std::string with_mod(const char* name, int32_t typmod, bool with_typmod, int32_t offset) {
  if (!with_typmod) return name;
  return std::string(name) + "(" + std::to_string(typmod - offset) + ")";
}

std::string time_name(const char* base, const char* zone, int32_t typmod, bool with_typmod) {
  std::string out = base;
  if (with_typmod) out += "(" + std::to_string(typmod) + ")";
  return out + zone;
}

int32_t int_const(const PgQuery__Node* n) {
  if (n != nullptr && n->node_case == PG_QUERY__NODE__NODE_A_CONST &&
      n->a_const->val_case == PG_QUERY__A__CONST__VAL_IVAL)
    return n->a_const->ival->ival;
  throw CatalogError(sqlstate::SYNTAX_ERROR, "type modifiers must be simple constants");
}

}  // namespace

std::string builtin_type_display(Oid type, int32_t typmod, bool with_typmod, bool typmod_given) {
  switch (type) {
    case toid::BOOL:
      return "boolean";
    case toid::INT2:
      return "smallint";
    case toid::INT4:
      return "integer";
    case toid::INT8:
      return "bigint";
    case toid::FLOAT4:
      return "real";
    case toid::FLOAT8:
      return "double precision";
    case toid::BPCHAR:
      if (with_typmod) return with_mod("character", typmod, true, 4);
      // bpchar with typmod -1 is not character(1): PostgreSQL prints "bpchar" when a typmod
      // was passed, "character" otherwise (regtype, format_type(oid, NULL)).
      return typmod_given ? "bpchar" : "character";
    case toid::VARCHAR:
      return with_mod("character varying", typmod, with_typmod, 4);
    case toid::NUMERIC:
      if (!with_typmod) return "numeric";
      return "numeric(" + std::to_string(((typmod - 4) >> 16) & 0xffff) + "," +
             std::to_string((typmod - 4) & 0xffff) + ")";
    case toid::TIME:
      return time_name("time", " without time zone", typmod, with_typmod);
    case 1266:
      return time_name("time", " with time zone", typmod, with_typmod);
    case toid::TIMESTAMP:
      return time_name("timestamp", " without time zone", typmod, with_typmod);
    case toid::TIMESTAMPTZ:
      return time_name("timestamp", " with time zone", typmod, with_typmod);
    case toid::INTERVAL:
      return with_typmod ? "interval" : "interval";
    case 1560:
      return with_mod("bit", typmod, with_typmod, 0);
    case 1562:
      return with_mod("bit varying", typmod, with_typmod, 0);
    default:
      return "";
  }
}

std::vector<std::string> split_qualified_name(std::string_view text) {
  std::vector<std::string> parts;
  std::string cur;
  bool quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          cur += '"';
          ++i;
        } else {
          quoted = false;
        }
      } else {
        cur += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == '.') {
      parts.push_back(cur);
      cur.clear();
    } else if (c != ' ') {
      cur += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  parts.push_back(cur);
  return parts;
}

TypeRef resolve_type_name(const PgQuery__TypeName* tn, const CatalogSnapshot& cat) {
  std::vector<std::string> names;
  for (size_t i = 0; i < tn->n_names; ++i)
    if (tn->names[i]->node_case == PG_QUERY__NODE__NODE_STRING)
      names.push_back(tn->names[i]->string->sval);
  if (names.empty()) throw CatalogError(sqlstate::SYNTAX_ERROR, "type name expected");
  const std::string& name = names.back();
  Oid oid = 0;
  if (names.size() >= 2) {
    Oid nsp = cat.namespace_oid(names[names.size() - 2]);
    for (const TypeInfo& t : cat.types.all())
      if (t.name == name && t.namespace_oid == nsp) oid = t.oid;
  } else {
    oid = cat.types.by_name(name);
  }
  if (oid == 0) {
    std::string full;
    for (size_t i = 0; i < names.size(); ++i) full += (i ? "." : "") + names[i];
    throw CatalogError(sqlstate::UNDEFINED_OBJECT, "type \"" + full + "\" does not exist");
  }
  int32_t typmod = -1;
  if (tn->n_typmods > 0) {
    int32_t a = int_const(tn->typmods[0]);
    switch (oid) {
      case toid::VARCHAR:
      case toid::BPCHAR:
        typmod = a + 4;
        break;
      case toid::NUMERIC: {
        int32_t s = tn->n_typmods > 1 ? int_const(tn->typmods[1]) : 0;
        typmod = ((a << 16) | s) + 4;
        break;
      }
      default:
        typmod = a;
    }
  } else if (oid == toid::BPCHAR && names.size() == 2 && names[0] == "pg_catalog") {
    typmod = 5;  // CHARACTER without a length is CHARACTER(1)
  }
  if (tn->n_array_bounds > 0) {
    Oid arr = cat.types.array_of(oid);
    if (arr == 0)
      throw CatalogError(sqlstate::UNDEFINED_OBJECT,
                         "could not find array type for data type " + name);
    oid = arr;
  }
  return TypeRef{oid, typmod};
}

namespace {

// Built-in type names parsed once per process: parsing goes through libpg_query's protobuf
// form (tens of microseconds), and registering a table parses every column's type. Only
// results that are built-in types are kept: pg_catalog comes first in every search path, so
// they resolve the same in every snapshot.
class BuiltinTypeNameCache {
 public:
  std::optional<TypeRef> find(std::string_view text) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = map_.find(std::string(text));
    return it == map_.end() ? std::nullopt : std::optional<TypeRef>(it->second);
  }
  void add(std::string_view text, TypeRef type) {
    if (type.oid >= FIRST_USER_OID) return;
    std::lock_guard<std::mutex> lock(mu_);
    if (map_.size() >= 4096) map_.clear();  // bounded: type names come from clients too
    map_.emplace(std::string(text), type);
  }

 private:
  static constexpr Oid FIRST_USER_OID = 16384;
  std::mutex mu_;
  std::unordered_map<std::string, TypeRef> map_;
};

BuiltinTypeNameCache& builtin_type_names() {
  static BuiltinTypeNameCache cache;
  return cache;
}

}  // namespace

TypeRef parse_type_string(std::string_view text, const CatalogSnapshot& cat) {
  if (auto cached = builtin_type_names().find(text)) return *cached;
  std::string sql = "SELECT NULL::" + std::string(text);
  PgQueryProtobufParseResult res = pg_query_parse_protobuf(sql.c_str());
  TypeRef out;
  bool ok = false;
  std::string err;
  if (res.error == nullptr) {
    PgQuery__ParseResult* tree = pg_query__parse_result__unpack(
        nullptr, res.parse_tree.len, reinterpret_cast<const uint8_t*>(res.parse_tree.data));
    if (tree != nullptr && tree->n_stmts == 1) {
      const PgQuery__Node* s = tree->stmts[0]->stmt;
      if (s->node_case == PG_QUERY__NODE__NODE_SELECT_STMT && s->select_stmt->n_target_list == 1) {
        const PgQuery__Node* v = s->select_stmt->target_list[0]->res_target->val;
        if (v->node_case == PG_QUERY__NODE__NODE_TYPE_CAST) {
          try {
            out = resolve_type_name(v->type_cast->type_name, cat);
            ok = true;
          } catch (const CatalogError& e) {
            err = e.error.message;
          }
        }
      }
    }
    if (tree) pg_query__parse_result__free_unpacked(tree, nullptr);
  }
  pg_query_free_protobuf_parse_result(res);
  if (!ok) {
    if (!err.empty()) throw CatalogError(sqlstate::UNDEFINED_OBJECT, err);
    throw CatalogError(sqlstate::SYNTAX_ERROR, "invalid type name \"" + std::string(text) + "\"");
  }
  builtin_type_names().add(text, out);
  return out;
}

int64_t resolve_reg_name(std::string_view text, Oid reg_type, const CatalogSnapshot& cat) {
  if (text == "-" && reg_type != toid::REGCLASS && reg_type != toid::REGNAMESPACE) return 0;
  switch (reg_type) {
    case toid::REGTYPE:
      return parse_type_string(text, cat).oid;
    case toid::REGCLASS: {
      auto parts = split_qualified_name(text);
      const Relation* r = parts.size() == 1 ? cat.lookup_relation(parts[0], {"public"})
                                            : cat.relation(parts[parts.size() - 2], parts.back());
      if (r == nullptr)
        throw CatalogError("42P01", "relation \"" + std::string(text) + "\" does not exist");
      return r->oid;
    }
    case toid::REGNAMESPACE: {
      auto parts = split_qualified_name(text);
      Oid n = cat.namespace_oid(parts.back());
      if (n == 0)
        throw CatalogError(sqlstate::UNDEFINED_OBJECT,
                           "schema \"" + std::string(text) + "\" does not exist");
      return n;
    }
    case toid::REGROLE: {
      auto parts = split_qualified_name(text);
      Oid r = cat.role_oid(parts.back());
      if (r == 0)
        throw CatalogError(sqlstate::UNDEFINED_OBJECT,
                           "role \"" + std::string(text) + "\" does not exist");
      return r;
    }
    case toid::REGPROC: {
      auto parts = split_qualified_name(text);
      auto procs = cat.procs_named(parts.back());
      if (procs.empty())
        throw CatalogError("42883", "function \"" + std::string(text) + "\" does not exist");
      if (procs.size() > 1)
        throw CatalogError("42725", "more than one function named \"" + std::string(text) + "\"");
      return procs[0]->oid;
    }
    default:
      throw CatalogError(
          sqlstate::FEATURE_NOT_SUPPORTED,
          "input of names for this OID alias type is not supported by the catalog engine");
  }
}

}  // namespace riffq::catalog
