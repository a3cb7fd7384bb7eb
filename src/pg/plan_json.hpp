#pragma once

#include "core/result.hpp"
#include "model/plan.hpp"

#include <string_view>

namespace pgadvise::pg {

// Parses one EXPLAIN (FORMAT JSON) document: `[{"Plan": {...}, ...}]`, or the
// object auto_explain logs (`{"Query Text": ..., "Plan": {...}}`). Missing
// optional keys leave defaults; a document without a Plan is an error.
core::Result<model::Plan> parse_plan_json(std::string_view json);

} // namespace pgadvise::pg
