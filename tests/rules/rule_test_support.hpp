#pragma once

// Hand-built catalogs for rule unit tests: rules see only the model, so a
// test can state exactly the schema it means without going through a loader.

#include "core/finding.hpp"
#include "engine/builtin_diagnostics.hpp"
#include "engine/rule.hpp"
#include "model/catalog.hpp"
#include "model/type_ref.hpp"
#include "rules/registry.hpp"
#include "support/rule_runner.hpp"

#include <iterator>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace pgadvise::test {

inline core::SourceLocation at(int line) {
  return core::SourceLocation{"schema.sql", line, 1};
}

// `object` declared on `line` of schema.sql; line 0 leaves it without a location.
template <class T> T located(T object, int line) {
  if (line > 0) {
    object.location = at(line);
  }
  return object;
}

inline model::Column column(std::string name, std::string_view type = "int8", bool not_null = false,
                            std::optional<std::string> default_expr = std::nullopt, int line = 0) {
  model::Column out;
  out.name = std::move(name);
  out.type = model::parse_type_text(type);
  out.not_null = not_null;
  out.default_expr = std::move(default_expr);
  return located(std::move(out), line);
}

inline model::IndexKey key(std::string name, bool descending = false) {
  return {std::move(name), "", descending, "", {}};
}
inline model::IndexKey expression_key(std::string sql) {
  return {"", std::move(sql), false, "", {}};
}

inline std::vector<model::IndexKey> keys(const std::vector<std::string>& columns) {
  std::vector<model::IndexKey> out;
  for (const std::string& c : columns) {
    out.push_back(key(c));
  }
  return out;
}

inline model::Index keyed_index(std::string name, std::vector<model::IndexKey> index_keys, int line = 0) {
  model::Index out;
  out.name = std::move(name);
  out.keys = std::move(index_keys);
  return located(std::move(out), line);
}

inline model::Index index(std::string name, const std::vector<std::string>& columns, int line = 0) {
  return keyed_index(std::move(name), keys(columns), line);
}

inline model::Index unique_index(std::string name, const std::vector<std::string>& columns, int line = 0) {
  model::Index out = index(std::move(name), columns, line);
  out.unique = true;
  return out;
}

inline model::Index primary_key(std::string name, const std::vector<std::string>& columns, int line = 0) {
  model::Index out = index(std::move(name), columns, line);
  out.kind = model::IndexKind::primary_key;
  out.unique = true;
  return out;
}

inline model::Index unique_constraint(std::string name, const std::vector<std::string>& columns,
                                      int line = 0) {
  model::Index out = index(std::move(name), columns, line);
  out.kind = model::IndexKind::unique_constraint;
  out.unique = true;
  return out;
}

inline model::ForeignKey foreign_key(std::string name, std::vector<std::string> columns,
                                     std::string ref_table, std::vector<std::string> ref_columns = {"id"},
                                     int line = 0) {
  model::ForeignKey out;
  out.name = std::move(name);
  out.columns = std::move(columns);
  out.ref_schema = "public";
  out.ref_table = std::move(ref_table);
  out.ref_columns = std::move(ref_columns);
  return located(std::move(out), line);
}

inline model::Table table(std::string name, std::vector<model::Column> columns = {}, int line = 0) {
  model::Table out;
  out.name = std::move(name);
  out.columns = std::move(columns);
  return located(std::move(out), line);
}

// Runs one registered rule over `catalog` (and an optional project); see
// support/rule_runner.hpp.
inline std::vector<core::Finding> run_rule(std::string_view id, const model::Catalog& catalog,
                                           const std::map<std::string, std::string>& options = {},
                                           const model::Project* project = nullptr) {
  engine::RuleContext context;
  context.catalog = &catalog;
  context.project = project;
  return run_registered_rule(id, context, options);
}

inline model::Catalog catalog_of(std::vector<model::Table> tables) {
  model::Catalog catalog;
  catalog.source = model::SchemaSource::sql_replay;
  catalog.tables.assign(std::make_move_iterator(tables.begin()), std::make_move_iterator(tables.end()));
  return catalog;
}

// The catalog of table `t` alone, with `indexes` on it.
inline model::Catalog catalog_with_indexes(model::Table t, std::vector<model::Index> indexes) {
  t.indexes = std::move(indexes);
  return catalog_of({std::move(t)});
}

// The constraint (or index) each finding names, in order.
inline std::vector<std::string> constraints(const std::vector<core::Finding>& findings) {
  std::vector<std::string> out;
  for (const core::Finding& f : findings) {
    out.push_back(f.object.constraint);
  }
  return out;
}

// Object strings of the findings, for order-independent comparison.
inline std::vector<std::string> objects(const std::vector<core::Finding>& findings) {
  std::vector<std::string> out;
  for (const core::Finding& f : findings) {
    out.push_back(f.object.to_string());
  }
  return out;
}

} // namespace pgadvise::test
