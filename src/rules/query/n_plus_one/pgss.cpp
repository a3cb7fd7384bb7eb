// n-plus-one without a log's order: pg_stat_statements' likely N+1s.
#include "rules/query/n_plus_one/pgss.hpp"

#include "advisor/batch_rewrite.hpp"
#include "advisor/query_evidence.hpp"
#include "core/format.hpp"
#include "rules/query/n_plus_one/code.hpp"

#include <algorithm>

namespace pgadvise::rules::n_plus_one {

namespace {

using model::ColumnUse;
using model::QueryStats;
using model::StatementKind;

// A SELECT on one table, no aggregate, whose only filters are equalities
// on a unique key (by the catalog) or that returns at most one row a call.
bool key_lookup(const engine::RuleContext& context, const QueryStats& query) {
  const model::QueryShape& shape = query.shape;
  if (!query.parsed || shape.kind != StatementKind::select || shape.has_aggregate ||
      shape.tables.size() != 1) {
    return false;
  }
  std::vector<std::string> equalities;
  for (const model::ColumnUsage& usage : shape.columns) {
    if (usage.use == ColumnUse::equality) {
      equalities.push_back(usage.column);
    } else if (usage.use != ColumnUse::order_by) {
      return false;
    }
  }
  if (equalities.empty()) {
    return false;
  }
  if (query.rows && query.calls > 0 && *query.rows > query.calls) {
    return false;
  }
  const model::Table* table =
      advisor::find_table(context.catalog, shape.tables.front().schema, shape.tables.front().name);
  if (table == nullptr) {
    return query.rows.has_value(); // without a catalog, rows/call <= 1 is the evidence
  }
  return std::any_of(table->indexes.begin(), table->indexes.end(), [&](const model::Index& index) {
    if (!index.unique || index.is_partial() || index.keys.empty()) {
      return false;
    }
    return std::all_of(index.keys.begin(), index.keys.end(), [&](const model::IndexKey& key) {
      return !key.column.empty() &&
             std::find(equalities.begin(), equalities.end(), key.column) != equalities.end();
    });
  });
}

} // namespace

// pg_stat_statements has no order, so bursts cannot be seen. What it can
// show is a single-row lookup by key called very often and very cheaply:
// the typical child of an N+1. Reported as "likely", at most medium.
void likely_from_pgss(std::string_view rule_id, const engine::RuleContext& context, core::FindingSink& out) {
  const auto min_calls = static_cast<std::uint64_t>(std::max(1L, context.options.get_int("pgss-min-calls")));
  const double min_ratio = context.options.get_double("pgss-min-calls-per-ms");
  for (const QueryStats& query : context.workload->queries) {
    if (!query.pgss_mean_ms || query.calls < min_calls || !key_lookup(context, query)) {
      continue;
    }
    const double mean = std::max(query.mean_ms(), 0.001);
    if (static_cast<double>(query.calls) / mean < min_ratio) {
      continue;
    }
    core::Finding finding = advisor::query_finding(
        rule_id, std::min(context.severity, core::Severity::medium), query, context.catalog);
    finding.object.columns = lookup_columns(query);
    finding.message = "Likely N+1: " + advisor::short_query(query.normalized, 100) +
                      " is a single-row lookup by "
                      "key called " +
                      core::group_digits(static_cast<std::int64_t>(query.calls)) +
                      " times (pg_stat_statements has no order, so bursts cannot be confirmed)";
    finding.help =
        "Many cheap lookups by key usually come from a loop over a previous result. Confirm with a "
        "server log (log_min_duration_statement = 0 for a few minutes, then pgadvise --log), then "
        "fetch the rows in one query with WHERE key = ANY($1) or a JOIN in the parent query.";
    core::Fix fix;
    fix.change = core::CodeChange{.sends = advisor::any_rewrite(query.shape, query.normalized)};
    // The loop in the code that issues it, when the project says: the
    // finding moves there and gets its Drizzle fix (query-in-loop's finding
    // of the same loop carries the same SQL fix, so the two are merged).
    locate_in_code(context, query, nullptr, nullptr, {}, finding, fix);
    finding.fix = std::move(fix);
    out.push_back(std::move(finding));
  }
}

} // namespace pgadvise::rules::n_plus_one
