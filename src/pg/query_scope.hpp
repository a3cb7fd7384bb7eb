#pragma once

#include "model/workload.hpp"

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

// The names one level of a query can use for its relations, and a column
// reference resolved through them (query_analysis's walk).
namespace pgadvise::pg {

struct Relation {
  std::string schema;
  std::string name; // empty: a subquery, a CTE or a function in FROM
};

// The relations one query level can name: alias (or bare name) -> table.
struct Scope {
  const Scope* parent = nullptr;
  std::map<std::string, Relation> names;
  std::vector<Relation> relations; // in FROM order, including subquery placeholders
  bool has_subquery = false;

  // The relation `name` names here or in an enclosing level.
  [[nodiscard]] const Relation* lookup(const std::string& name) const;
};

// Whether `node` is a column reference (also under a cast: `col::jsonb`).
bool is_column(const nlohmann::json& node);

// The column a ColumnRef (also under a cast) names, resolved through the
// scope's aliases; an unqualified one belongs to the level's only table
// (else its table stays empty). nullopt when `node` is no column reference
// or is `*`.
std::optional<model::ColumnUsage> resolve_column(const nlohmann::json& node, const Scope& scope);

// Whether a column reference names a relation of this very scope (not of
// an enclosing query's); an unqualified one counts as local.
bool resolves_locally(const nlohmann::json& node, const Scope& scope);

} // namespace pgadvise::pg
