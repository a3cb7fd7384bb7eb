#include "advisor/evidence.hpp"
#include "advisor/index_ddl.hpp"
#include "advisor/jsonb_fix.hpp"
#include "advisor/query_evidence.hpp"
#include "core/format.hpp"
#include "core/hash.hpp"
#include "core/text.hpp"
#include "engine/rule.hpp"
#include "rules/support/table_size.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <optional>
#include <set>
#include <string>

namespace pgadvise::rules {

namespace {

using model::PlanIssue;

constexpr std::string_view k_id = "seq-scan-confirmed";

std::string count_text(double value) {
  return core::group_digits(static_cast<std::int64_t>(std::llround(value)));
}

std::string times(std::uint64_t count, std::string_view noun) {
  return core::group_digits(static_cast<std::int64_t>(count)) + " " + std::string(noun) +
         (count == 1 ? "" : "s");
}

std::string query_evidence(const model::QueryStats& query) {
  std::string out = times(query.calls, "call");
  if (query.total_ms > 0) {
    out += ", " + core::human_duration_ms(query.total_ms) + " in total (mean " +
           core::human_duration_ms(query.mean_ms()) + ")";
  }
  return out + ": " + query.normalized;
}

std::string verification_text(const model::IndexProposal& proposal) {
  if (proposal.method == model::VerifyMethod::none) {
    return "not verified" + (proposal.note.empty() ? std::string() : " (" + proposal.note + ")");
  }
  std::string out = proposal.method == model::VerifyMethod::hypopg
                        ? "verified with HypoPG (hypothetical index)"
                        : "verified with a real index, rolled back";
  if (!proposal.verified) {
    out = "checked with " + std::string(model::to_string(proposal.method)) + ", not confirmed";
  }
  out += proposal.serves.size() > 1
             ? ": planner cost of the " + std::to_string(proposal.serves.size()) + " queries it serves "
             : ": planner cost ";
  out += count_text(proposal.cost_before) + " -> " + count_text(proposal.cost_after) + " (-" +
         core::percent(std::max(proposal.cost_saving(), 0.0)) + ")";
  if (proposal.ms_before && proposal.ms_after) {
    out += ", measured " + core::human_duration_ms(*proposal.ms_before) + " -> " +
           core::human_duration_ms(*proposal.ms_after);
  }
  out += proposal.used_by_planner ? "; the planner uses it" : "; the planner does not use it";
  if (!proposal.note.empty()) {
    out += " (" + proposal.note + ")";
  }
  return out;
}

// A filter that reads a text column as JSON (`prefs::jsonb ->> $1`): no
// index serves it while the column is text (from pg_stat_statements the key
// is a parameter, so no expression index can be proposed either), and
// json-in-text-column reports that column with the fix that makes one
// possible. The scan gets that same fix: consolidation then makes one
// finding of the one problem.
std::optional<core::Fix> json_text_fix(const engine::RuleContext& context, const PlanIssue& issue,
                                       const model::QueryStats& query) {
  const model::Table* table = advisor::find_table(context.catalog, issue.schema, issue.table);
  if (table == nullptr) {
    return std::nullopt;
  }
  for (const model::ColumnUsage& usage : query.shape.columns) {
    if ((usage.use != model::ColumnUse::json_cast && usage.use != model::ColumnUse::json_operator) ||
        usage.table != issue.table || (!usage.schema.empty() && usage.schema != issue.schema) ||
        (!issue.columns.empty() &&
         std::find(issue.columns.begin(), issue.columns.end(), usage.column) == issue.columns.end())) {
      continue;
    }
    for (const model::Column& column : table->columns) {
      if (column.name == usage.column && context.catalog->resolve_type(column.type).is_text_like()) {
        return advisor::make_jsonb_fix(*table, column,
                                       context.project != nullptr && context.project->uses_drizzle);
      }
    }
  }
  return std::nullopt;
}

class SeqScanConfirmed final : public engine::Rule {
public:
  SeqScanConfirmed()
      : Rule({
            .id = std::string(k_id),
            .summary =
                "A workload query whose EXPLAIN ANALYZE shows a sequential scan that an index would avoid",
            .category = engine::Category::plan,
            .default_severity = core::Severity::high,
            .inputs = {engine::Input::catalog, engine::Input::workload, engine::Input::plans},
            .has_fix = true,
            .options = {{"min-total-ms", "0",
                         "Only queries whose logged total time is at least this many milliseconds"}},
            .fix_applicability = core::FixApplicability::safe,
        }) {}

  void check(const engine::RuleContext& context, core::FindingSink& out) const override {
    if (context.live_analysis == nullptr || context.workload == nullptr || context.catalog == nullptr) {
      return;
    }
    const double min_total_ms = context.options.get_double("min-total-ms");
    std::set<std::pair<std::uint64_t, std::string>> seen;
    for (const PlanIssue& issue : context.live_analysis->issues) {
      const model::QueryStats* query = context.workload->find(issue.fingerprint);
      if (query == nullptr || query->total_ms < min_total_ms ||
          !seen.emplace(issue.fingerprint, issue.schema + "." + issue.table).second) {
        continue;
      }
      out.push_back(finding_for(context, issue, *query));
    }
  }

private:
  static core::Finding finding_for(const engine::RuleContext& context, const PlanIssue& issue,
                                   const model::QueryStats& query) {
    const model::LiveAnalysis& live = *context.live_analysis;
    const model::IndexProposal* proposal = live.proposal_for(issue.fingerprint, issue.schema, issue.table);
    const model::ExplainedQuery* explained = live.find_query(issue.fingerprint);
    const std::string table = core::qualified_name(issue.schema, issue.table);

    core::Finding finding;
    finding.rule = std::string(k_id);
    // Estimates alone (no ANALYZE) suggest but do not confirm. A scan once per
    // call is capped by the table's rows as filter-on-unindexed-column is (a
    // 20,000-row table read in a millisecond is not high); a scan repeated per
    // outer row (nested_loop_rescan) is not, as it multiplies even a small one.
    finding.severity = issue.analyzed ? context.severity : std::min(context.severity, core::Severity::medium);
    const model::Table* scanned = context.catalog->find_table(
        issue.schema.empty() ? std::string_view("public") : issue.schema, issue.table);
    if (scanned != nullptr && issue.kind != model::PlanIssueKind::nested_loop_rescan) {
      finding.severity = cap_by_rows(finding.severity, *scanned);
    }
    const std::string how =
        issue.analyzed ? "EXPLAIN ANALYZE confirms" : "EXPLAIN (estimates, not run) shows";
    if (issue.kind == model::PlanIssueKind::nested_loop_rescan) {
      finding.message = how + " a query scans " + table + " (" + count_text(issue.table_rows) +
                        " rows) sequentially once per row of " +
                        (issue.outer_table.empty() ? std::string("the outer side") : issue.outer_table) +
                        " (" + count_text(issue.loops) + " loops)";
    } else {
      const double read = issue.rows_returned + issue.rows_removed;
      finding.message =
          how + " a sequential scan of " + table + " (" + count_text(issue.table_rows) + " rows)" +
          (issue.analyzed && read > 0
               ? " keeping " + core::percent(issue.rows_returned / read) + " of the rows it reads"
               : std::string());
    }
    finding.message += ", run " + times(query.calls, "time");
    if (proposal != nullptr) {
      finding.help = "Create the index " + proposal->name + " (" + verification_text(*proposal) + ").";
    } else {
      finding.help = "Index the columns the filter uses" +
                     (issue.columns.empty() ? std::string() : " (" + core::join(issue.columns, ", ") + ")") +
                     "; no index could be proposed automatically.";
    }
    finding.object.schema = issue.schema;
    finding.object.table = issue.table;
    finding.object.columns = proposal != nullptr ? proposal->columns : issue.columns;
    if (proposal != nullptr) {
      finding.object.constraint = proposal->name;
    }
    finding.location = query.first_seen;
    finding.evidence.push_back({core::Evidence::Kind::query, query_evidence(query), query.first_seen});
    std::string plan_detail = issue.describe();
    if (explained != nullptr) {
      plan_detail += " [" + std::string(model::to_string(explained->mode)) + ", " +
                     std::string(model::to_string(explained->method)) + "]";
    }
    finding.evidence.push_back({core::Evidence::Kind::plan, plan_detail, {}});
    if (proposal != nullptr) {
      finding.evidence.push_back({core::Evidence::Kind::verification, verification_text(*proposal), {}});
      core::Fix fix;
      fix.sql().ddl = proposal->ddl;
      fix.sql().drizzle = proposal->drizzle;
      fix.safety_note = advisor::concurrently_safety_note("CREATE INDEX", context.catalog);
      finding.fix = std::move(fix);
    } else if (std::optional<core::Fix> jsonb = json_text_fix(context, issue, query)) {
      finding.help = "The filter reads " + core::join(issue.columns, ", ") +
                     " as JSON from a text column, which no index serves: store it as jsonb, then index "
                     "the key the query reads (an expression index on (column ->> 'key'), or GIN).";
      finding.fix = std::move(jsonb);
    }
    finding.compute_fingerprint(core::to_hex(issue.fingerprint));
    return finding;
  }
};

} // namespace

std::unique_ptr<engine::Rule> make_seq_scan_confirmed() {
  return std::make_unique<SeqScanConfirmed>();
}

} // namespace pgadvise::rules
