#pragma once

#include "model/workload.hpp"

#include <nlohmann/json.hpp>
#include <string_view>

namespace pgadvise::pg {

// What a statement does, from libpg_query's parse tree (pg::parse): kind,
// tables, and the columns used by WHERE / JOIN ... ON / ORDER BY, with
// aliases resolved. Only the first statement of `tree` is described.
model::QueryShape analyze_query(const nlohmann::json& tree);

// Parses `sql` and describes it; the shape is empty (kind other) when it does
// not parse.
model::QueryShape analyze_query_text(std::string_view sql, bool* parsed = nullptr);

} // namespace pgadvise::pg
