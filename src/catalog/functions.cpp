// functions.cpp — the function registry and the aggregates (count, sum, avg, min, max,
// array_agg, string_agg, bool_and, bool_or, every).
#include "functions.hpp"

#include <mutex>

#include "type_oids.hpp"

namespace riffq::catalog {
namespace {

using V = Value;

const FunctionTable& table() {
  static const FunctionTable t = [] {
    FunctionTable m;
    add_general_functions(m);
    add_catalog_functions(m);
    add_server_functions(m);
    add_format_function(m);
    return m;
  }();
  return t;
}

const std::unordered_map<std::string, AggregateDef>& aggregates() {
  static const std::unordered_map<std::string, AggregateDef> a = [] {
    std::unordered_map<std::string, AggregateDef> m;
    add_aggregates(m);
    return m;
  }();
  return a;
}

TypeRef sum_type(const std::vector<TypeRef>& t, const CatalogSnapshot&) {
  if (t.empty()) return TypeRef{toid::INT8, -1};
  switch (t[0].oid) {
    case toid::INT2:
    case toid::INT4:
      return TypeRef{toid::INT8, -1};
    case toid::INT8:
      return TypeRef{toid::NUMERIC, -1};
    case toid::FLOAT4:
      return TypeRef{toid::FLOAT4, -1};
    case toid::FLOAT8:
      return TypeRef{toid::FLOAT8, -1};
    default:
      return TypeRef{toid::NUMERIC, -1};
  }
}

}  // namespace

const std::vector<FunctionDef>& functions_named(std::string_view name) {
  static const std::vector<FunctionDef> none;
  auto it = table().find(std::string(name));
  return it == table().end() ? none : it->second;
}

const AggregateDef* aggregate_named(std::string_view name) {
  auto it = aggregates().find(std::string(name));
  return it == aggregates().end() ? nullptr : &it->second;
}

bool is_window_only(std::string_view name) {
  return name == "row_number" || name == "rank" || name == "dense_rank" || name == "lag" ||
         name == "lead" || name == "first_value" || name == "last_value" || name == "ntile";
}

void add_aggregates(std::unordered_map<std::string, AggregateDef>& m) {
  m["count"] = AggregateDef{"count", 1,
                            [](const std::vector<TypeRef>&, const CatalogSnapshot&) {
                              return TypeRef{toid::INT8, -1};
                            },
                            [](const std::vector<std::vector<Value>>& in, TypeRef) {
                              int64_t n = 0;
                              for (const auto& r : in)
                                if (r.empty() || !r[0].is_null()) ++n;
                              return V::integer(n);
                            }};
  m["sum"] =
      AggregateDef{"sum", 1, sum_type, [](const std::vector<std::vector<Value>>& in, TypeRef t) {
                     bool any = false, floating = t.oid == toid::FLOAT4 || t.oid == toid::FLOAT8 ||
                                                  t.oid == toid::NUMERIC;
                     int64_t i = 0;
                     double d = 0;
                     for (const auto& r : in) {
                       if (r[0].is_null()) continue;
                       any = true;
                       if (r[0].is_int())
                         i += r[0].as_int(), d += static_cast<double>(r[0].as_int());
                       else
                         d += r[0].as_float();
                     }
                     if (!any) return V::null();
                     return floating ? V::floating(d) : V::integer(i);
                   }};
  m["avg"] = AggregateDef{"avg", 1,
                          [](const std::vector<TypeRef>& t, const CatalogSnapshot&) {
                            return t.empty() || t[0].oid == toid::FLOAT4 || t[0].oid == toid::FLOAT8
                                       ? TypeRef{toid::FLOAT8, -1}
                                       : TypeRef{toid::NUMERIC, -1};
                          },
                          [](const std::vector<std::vector<Value>>& in, TypeRef) {
                            double d = 0;
                            int64_t n = 0;
                            for (const auto& r : in)
                              if (!r[0].is_null()) d += r[0].as_float(), ++n;
                            return n ? V::floating(d / static_cast<double>(n)) : V::null();
                          }};
  for (bool is_max : {false, true}) {
    m[is_max ? "max" : "min"] =
        AggregateDef{is_max ? "max" : "min", 1,
                     [](const std::vector<TypeRef>& t, const CatalogSnapshot&) {
                       return t.empty() ? TypeRef{toid::TEXT, -1} : t[0];
                     },
                     [is_max](const std::vector<std::vector<Value>>& in, TypeRef) {
                       Value best;
                       for (const auto& r : in) {
                         if (r[0].is_null()) continue;
                         if (best.is_null() || (is_max ? compare_values(r[0], best) > 0
                                                       : compare_values(r[0], best) < 0))
                           best = r[0];
                       }
                       return best;
                     }};
  }
  m["array_agg"] = AggregateDef{"array_agg", 1,
                                [](const std::vector<TypeRef>& t, const CatalogSnapshot& cat) {
                                  if (t.empty()) return TypeRef{toid::TEXT_ARRAY, -1};
                                  if (cat.types.is_array(t[0].oid)) return t[0];
                                  Oid arr = cat.types.array_of(cat.types.base(t[0]).oid);
                                  return TypeRef{arr ? arr : toid::TEXT_ARRAY, -1};
                                },
                                [](const std::vector<std::vector<Value>>& in, TypeRef) {
                                  if (in.empty()) return V::null();
                                  ArrayItems out;
                                  for (const auto& r : in) out.push_back(r[0]);
                                  return V::array(std::move(out));
                                }};
  m["string_agg"] = AggregateDef{"string_agg", 2,
                                 [](const std::vector<TypeRef>&, const CatalogSnapshot&) {
                                   return TypeRef{toid::TEXT, -1};
                                 },
                                 [](const std::vector<std::vector<Value>>& in, TypeRef) {
                                   std::string out;
                                   bool any = false;
                                   for (const auto& r : in) {
                                     if (r[0].is_null()) continue;
                                     if (any && r.size() > 1 && !r[1].is_null())
                                       out += r[1].as_text();
                                     out += r[0].as_text();
                                     any = true;
                                   }
                                   return any ? V::text(out) : V::null();
                                 }};
  for (const char* name : {"bool_and", "every", "bool_or"}) {
    bool is_and = std::string(name) != "bool_or";
    m[name] = AggregateDef{name, 1,
                           [](const std::vector<TypeRef>&, const CatalogSnapshot&) {
                             return TypeRef{toid::BOOL, -1};
                           },
                           [is_and](const std::vector<std::vector<Value>>& in, TypeRef) {
                             bool any = false, acc = is_and;
                             for (const auto& r : in) {
                               if (r[0].is_null()) continue;
                               any = true;
                               acc = is_and ? (acc && r[0].as_bool()) : (acc || r[0].as_bool());
                             }
                             return any ? V::boolean(acc) : V::null();
                           }};
  }
}

}  // namespace riffq::catalog
