#pragma once

#include "model/catalog.hpp"
#include "model/live_analysis.hpp"
#include "model/plan.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace pgadvise::advisor {

// What a plan proves about missing indexes:
// - a Seq Scan on a table of at least min_table_rows rows whose Filter
//   removes at least min_removed_share of the rows it reads;
// - a Nested Loop whose inner side scans a table of at least
//   min_table_rows rows once per outer row (loops > 1), directly or through
//   a Materialize filtered by the Join Filter: the unindexed foreign-key join.
// Without ANALYZE (plain EXPLAIN, generic plans) the planner's row
// estimates stand in for the measured ones and issues say so (analyzed false).
struct PlanAnalysisOptions {
  double min_table_rows = 10'000;
  double min_removed_share = 0.9;
};

std::vector<model::PlanIssue> analyze_plan(const model::ExplainedQuery& query, const model::Catalog& catalog,
                                           const PlanAnalysisOptions& options = {});

// The table a plan node reads: by schema when the plan names it, else the
// first table with that name in "public", then any schema. Null when the
// catalog does not have it.
const model::Table* plan_table(const model::Catalog& catalog, const model::PlanNode& node);

// Columns of `table` named in a filter expression, in order of first
// appearance ("((o.user_id = 42) AND (deleted_at IS NULL))" -> user_id,
// deleted_at). Names qualified by another alias than `alias` (the other
// side of a join: "u.id") and text inside literals are not columns of it.
std::vector<std::string> filter_columns(const model::Table& table, std::string_view filter,
                                        std::string_view alias = {});

} // namespace pgadvise::advisor
