#pragma once

#include "model/catalog.hpp"

#include <nlohmann/json.hpp>
#include <string>

namespace pgadvise::loaders {

// A drizzle-kit v7 snapshot policy, {"name", "as": "PERMISSIVE" |
// "RESTRICTIVE", "for": "ALL" | "SELECT" | ..., "to": [roles], "using",
// "withCheck"}, as the model's Policy (expressions deparsed, like the SQL
// replay keeps them). The location is left to the caller.
model::Policy snapshot_policy(const std::string& key, const nlohmann::ordered_json& value);

} // namespace pgadvise::loaders
