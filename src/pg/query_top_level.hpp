#pragma once

#include "model/workload.hpp"

#include <nlohmann/json.hpp>

namespace pgadvise::pg {

// What a SELECT's top level says of the whole statement: whether it filters
// (WHERE), shows `*` or aggregates (an aggregate call in its select list, a
// GROUP BY), and its LIMIT / OFFSET. A UNION / INTERSECT / EXCEPT filters
// only if each branch does, shows `*` or aggregates if any branch does, and
// its LIMIT is the top node's.
void describe_top_level_select(const nlohmann::json& body, model::QueryShape& shape);

} // namespace pgadvise::pg
