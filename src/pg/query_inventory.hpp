#pragma once

#include "model/workload.hpp"

#include <nlohmann/json.hpp>

namespace pgadvise::pg {

// What a whole statement (`stmt`, one of a parse tree's stmts) contains
// wherever it sits: its highest parameter number, the functions it calls
// (lower case, first call order), whether it writes. Collected over every
// node, as a parameter or a write can hide anywhere (a CTE, a subquery, a
// RETURNING list).
void take_inventory(const nlohmann::json& stmt, model::QueryShape& shape);

} // namespace pgadvise::pg
