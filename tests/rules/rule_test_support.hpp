#pragma once

// Hand-built catalogs for rule unit tests: rules see only the model, so a
// test can state exactly the schema it means without going through a loader.

#include "core/finding.hpp"
#include "engine/builtin_diagnostics.hpp"
#include "engine/rule.hpp"
#include "model/catalog.hpp"
#include "model/type_ref.hpp"
#include "rules/registry.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace pgadvise::test {

inline core::SourceLocation at(int line) {
  return core::SourceLocation{"schema.sql", line, 1};
}

inline model::Column column(std::string name, std::string_view type = "int8", bool not_null = false,
                            std::optional<std::string> default_expr = std::nullopt, int line = 0) {
  model::Column out;
  out.name = std::move(name);
  out.type = model::parse_type_text(type);
  out.not_null = not_null;
  out.default_expr = std::move(default_expr);
  if (line > 0) {
    out.location = at(line);
  }
  return out;
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
  if (line > 0) {
    out.location = at(line);
  }
  return out;
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
  if (line > 0) {
    out.location = at(line);
  }
  return out;
}

inline model::Table table(std::string name, std::vector<model::Column> columns = {}, int line = 0) {
  model::Table out;
  out.name = std::move(name);
  out.columns = std::move(columns);
  if (line > 0) {
    out.location = at(line);
  }
  return out;
}

// Runs one registered rule the way the runner would: defaults for every
// option, overridden by `options`, and the rule's default severity.
inline std::vector<core::Finding> run_rule(std::string_view id, const model::Catalog& catalog,
                                           const std::map<std::string, std::string>& options = {},
                                           const model::Project* project = nullptr) {
  const engine::Rule* rule = rules::find_rule(id);
  if (rule == nullptr) {
    return {};
  }
  std::map<std::string, std::string> values;
  for (const engine::RuleOption& option : rule->meta().options) {
    values[option.name] = option.default_value;
  }
  for (const auto& [name, value] : options) {
    values[name] = value;
  }
  engine::RuleContext context;
  context.catalog = &catalog;
  context.project = project;
  context.options = engine::RuleOptions(values);
  context.severity = rule->meta().default_severity;
  std::vector<core::Finding> out;
  rule->check(context, out);
  return out;
}

inline model::Catalog catalog_of(std::vector<model::Table> tables) {
  model::Catalog catalog;
  catalog.source = model::SchemaSource::sql_replay;
  catalog.tables = std::move(tables);
  return catalog;
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
