// type_registry.cpp — type facts of the emulated pg_type.
#include "type_registry.hpp"

#include "type_oids.hpp"

namespace riffq::catalog {

Storage builtin_storage(Oid oid, char category) {
  switch (oid) {
    case toid::BOOL:
      return Storage::BOOL;
    case toid::INT2:
    case toid::INT4:
    case toid::INT8:
    case toid::OID:
    case toid::XID:
    case toid::CID:
    case toid::XID8:
    case toid::REGPROC:
    case toid::REGPROCEDURE:
    case toid::REGOPER:
    case toid::REGOPERATOR:
    case toid::REGCLASS:
    case toid::REGTYPE:
    case toid::REGCONFIG:
    case toid::REGDICTIONARY:
    case toid::REGNAMESPACE:
    case toid::REGROLE:
    case toid::REGCOLLATION:
      return Storage::INT;
    case toid::FLOAT4:
    case toid::FLOAT8:
    case toid::NUMERIC:
      return Storage::FLOAT;
    case toid::INT2VECTOR:
    case toid::OIDVECTOR:
      return Storage::ARRAY;
    default:
      return category == 'A' ? Storage::ARRAY : Storage::TEXT;
  }
}

void TypeRegistry::add(TypeInfo info) {
  auto it = by_oid_.find(info.oid);
  if (it != by_oid_.end()) {
    types_[it->second] = std::move(info);
    return;
  }
  by_oid_.emplace(info.oid, types_.size());
  by_name_.emplace(info.name, types_.size());
  types_.push_back(std::move(info));
}

const TypeInfo* TypeRegistry::find(Oid oid) const {
  auto it = by_oid_.find(oid);
  return it == by_oid_.end() ? nullptr : &types_[it->second];
}

Oid TypeRegistry::by_name(std::string_view name) const {
  auto [b, e] = by_name_.equal_range(std::string(name));
  Oid found = 0;
  for (auto it = b; it != e; ++it) {
    const TypeInfo& t = types_[it->second];
    if (t.namespace_oid == 11) return t.oid;  // pg_catalog is searched first
    if (found == 0) found = t.oid;
  }
  return found;
}

Oid TypeRegistry::by_name(std::string_view schema_oid_name, std::string_view name) const {
  (void)schema_oid_name;
  return by_name(name);
}

Storage TypeRegistry::storage(Oid oid) const {
  const TypeInfo* t = find(oid);
  if (t == nullptr) return builtin_storage(oid, 'U');
  if (t->type == 'd' && t->basetype != 0) return storage(t->basetype);
  return builtin_storage(oid, t->category);
}

char TypeRegistry::category(Oid oid) const {
  const TypeInfo* t = find(oid);
  if (t == nullptr) return 'U';
  if (t->type == 'd' && t->basetype != 0) return category(t->basetype);
  return t->category;
}

Oid TypeRegistry::element(Oid oid) const {
  if (oid == toid::INT2VECTOR) return toid::INT2;
  if (oid == toid::OIDVECTOR) return toid::OID;
  const TypeInfo* t = find(oid);
  if (t == nullptr) return 0;
  if (t->type == 'd' && t->basetype != 0) return element(t->basetype);
  return t->category == 'A' ? t->elem : 0;
}

Oid TypeRegistry::array_of(Oid oid) const {
  const TypeInfo* t = find(oid);
  return t == nullptr ? 0 : t->array;
}

TypeRef TypeRegistry::base(TypeRef ref) const {
  for (int guard = 0; guard < 8; ++guard) {
    const TypeInfo* t = find(ref.oid);
    if (t == nullptr || t->type != 'd' || t->basetype == 0) return ref;
    ref = TypeRef{t->basetype, t->typmod};
  }
  return ref;
}

bool TypeRegistry::coerces_implicitly(Oid from, Oid to) const {
  if (from == to) return true;
  const TypeInfo* f = find(from);
  if (f != nullptr && f->type == 'd' && f->basetype != 0)
    return coerces_implicitly(f->basetype, to);
  if (implicit_.count((uint64_t{from} << 32) | to)) return true;
  Oid fe = element(from), te = element(to);
  const TypeInfo* t = find(to);
  return fe != 0 && te != 0 && f && t && f->category == 'A' && t->category == 'A' &&
         coerces_implicitly(fe, te);
}

}  // namespace riffq::catalog
