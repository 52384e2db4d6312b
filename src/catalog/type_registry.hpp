// type_registry.hpp — facts about every type in the emulated pg_type: storage kind, category,
// element and array types, and PostgreSQL's implicit-coercion preferences.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "riffq/catalog/value.hpp"

namespace riffq::catalog {

enum class Storage : uint8_t { BOOL, INT, FLOAT, TEXT, ARRAY };

struct TypeInfo {
  Oid oid = 0;
  std::string name;
  Oid namespace_oid = 11;
  int16_t len = -1;
  char type =
      'b';  // typtype: b base, c composite, d domain, e enum, p pseudo, r range, m multirange
  char category = 'U';  // typcategory
  bool preferred = false;
  Oid elem = 0;
  Oid array = 0;
  Oid basetype = 0;     // domains
  Oid relid = 0;        // composite types
  int32_t typmod = -1;  // domains: typtypmod
  char delim = ',';
};

class TypeRegistry {
 public:
  void add(TypeInfo info);
  const TypeInfo* find(Oid oid) const;
  // By type name in pg_catalog first, then any schema ("int4", "_int4", "cardinal_number").
  Oid by_name(std::string_view name) const;
  Oid by_name(std::string_view schema, std::string_view name) const;

  Storage storage(Oid oid) const;
  char category(Oid oid) const;
  Oid element(Oid oid) const;   // array element (int2vector → int2, oidvector → oid); 0 if none
  Oid array_of(Oid oid) const;  // 0 if none
  bool is_array(Oid oid) const { return element(oid) != 0; }
  // Domains reduce to their base type (RowDescription carries the base type, as PostgreSQL).
  TypeRef base(TypeRef t) const;
  const std::vector<TypeInfo>& all() const { return types_; }
  // pg_cast rows with castcontext 'i' (loaded with the built-in types).
  void add_implicit_cast(Oid from, Oid to) { implicit_.insert((uint64_t{from} << 32) | to); }
  // can_coerce_type(from → to, COERCION_IMPLICIT) for the cases catalog queries meet: same type,
  // a domain to its base, an implicit pg_cast, arrays whose elements coerce.
  bool coerces_implicitly(Oid from, Oid to) const;

 private:
  std::vector<TypeInfo> types_;
  std::unordered_map<Oid, size_t> by_oid_;
  std::unordered_multimap<std::string, size_t> by_name_;
  std::unordered_set<uint64_t> implicit_;
};

// Storage of the built-in types whose storage does not follow from pg_type alone.
Storage builtin_storage(Oid oid, char category);

}  // namespace riffq::catalog
