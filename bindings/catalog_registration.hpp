// catalog_registration.hpp — translating register_database / _schema / _table calls (Python
// dicts and lists) into the catalog engine's UserCatalog.
#pragma once

#include <nanobind/nanobind.h>

#include <memory>
#include <string>

#include "riffq/catalog/engine.hpp"

namespace riffq::bindings {

class CatalogRegistry {
 public:
  CatalogRegistry() : engine_(std::make_shared<catalog::CatalogEngine>()) {}

  void register_database(const std::string& db);
  void register_schema(const std::string& db, const std::string& schema);
  // columns: list of single-key dicts {name: {"type": str, "nullable": bool[, "default": str,
  // "comment": str]}}; the keyword arguments describe keys, indexes and comments.
  void register_table(const std::string& db, const std::string& schema, const std::string& table,
                      nanobind::handle columns, nanobind::handle primary_key,
                      nanobind::handle unique, nanobind::handle foreign_keys,
                      nanobind::handle indexes, nanobind::handle comment, const std::string& kind,
                      nanobind::handle view_sql, nanobind::handle checks);

  std::shared_ptr<const catalog::CatalogEngine> engine() const { return engine_; }

 private:
  // Runs one registration on the engine; a CatalogError becomes ValueError.
  template <typename F>
  void install(F&& change);

  std::shared_ptr<catalog::CatalogEngine> engine_;
};

}  // namespace riffq::bindings
