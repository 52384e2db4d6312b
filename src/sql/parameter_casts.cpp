// parameter_casts.cpp — finding `$n::type` / CAST($n AS type) in a parse tree, so that
// parameters a client sent without types (asyncpg, node-postgres) get the type PostgreSQL would
// infer. A generic protobuf-c walk: every message field, repeated or oneof, is visited.
#include "parameter_casts.hpp"

#include <pg_query/pg_query.pb-c.h>
#include <protobuf-c/protobuf-c.h>

namespace riffq::sql::detail {
namespace {

// Guards against pathological nesting (the parser itself caps depth well below this).
constexpr int MAX_DEPTH = 1000;

void note_cast(const PgQuery__TypeCast* tc, std::vector<ParamCast>& out) {
  if (tc->arg == nullptr || tc->arg->node_case != PG_QUERY__NODE__NODE_PARAM_REF) return;
  const PgQuery__TypeName* tn = tc->type_name;
  if (tn == nullptr || tn->n_names == 0) return;
  const PgQuery__Node* last = tn->names[tn->n_names - 1];
  if (last->node_case != PG_QUERY__NODE__NODE_STRING) return;
  ParamCast c;
  c.param = tc->arg->param_ref->number;
  c.type_name = last->string->sval;
  c.is_array = tn->n_array_bounds > 0;
  if (c.param > 0) out.push_back(std::move(c));
}

void walk(const ProtobufCMessage* m, std::vector<ParamCast>& out, int depth) {
  if (m == nullptr || depth > MAX_DEPTH) return;
  const ProtobufCMessageDescriptor* d = m->descriptor;
  if (d == &pg_query__type_cast__descriptor)
    note_cast(reinterpret_cast<const PgQuery__TypeCast*>(m), out);
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
  std::vector<ParamCast> out;
  walk(static_cast<const ProtobufCMessage*>(root), out, 0);
  return out;
}

}  // namespace riffq::sql::detail
