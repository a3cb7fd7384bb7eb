#pragma once

#include "model/workload.hpp"
#include "pg/query_analysis.hpp"
#include "pg/query_scope.hpp"

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace pgadvise::pg {

// Adds `side` of a comparison as an ExpressionFilter (once) when it is an
// expression (a bare column only for the JSON operators) over one table's
// columns, holding no parameter or subquery, and `other` reads no column.
void add_expression_filter(std::vector<ExpressionFilter>& filters, const nlohmann::json& side,
                           const nlohmann::json& other, model::ColumnUse use, const std::string& op,
                           const Scope& scope);

} // namespace pgadvise::pg
