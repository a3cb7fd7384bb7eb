#include "advisor/drizzle_render.hpp"
#include "advisor/evidence.hpp"
#include "advisor/index_ddl.hpp"
#include "advisor/index_naming.hpp"
#include "advisor/query_evidence.hpp"
#include "advisor/query_index_candidate.hpp"
#include "core/format.hpp"
#include "core/text.hpp"
#include "engine/rule.hpp"

#include <algorithm>
#include <map>
#include <memory>

namespace pgadvise::rules {

namespace {

using model::QueryStats;

constexpr std::string_view k_id = "filter-on-unindexed-column";
constexpr std::size_t k_max_query_evidence = 5;

// Every logged statement that would use one proposed index.
struct Proposal {
  advisor::QueryIndexCandidate candidate;
  std::vector<const QueryStats*> queries;
  double total_ms = 0;
  std::uint64_t calls = 0;
};

double weight(const QueryStats& query) {
  return query.total_ms;
}

// Tables known (live statistics) to be small: a sequential scan of a few
// pages is as fast as an index.
bool known_small(const model::Table& table, long min_rows) {
  return table.stats && table.stats->reltuples >= 0 && table.stats->reltuples < static_cast<double>(min_rows);
}

class FilterOnUnindexedColumn final : public engine::Rule {
public:
  FilterOnUnindexedColumn()
      : Rule({
            .id = std::string(k_id),
            .summary = "Logged queries filter, join or sort on columns no index leads with",
            .category = engine::Category::query,
            .default_severity = core::Severity::high,
            .inputs = {engine::Input::catalog, engine::Input::workload},
            .has_fix = true,
            .options = {{"min-rows", "1000",
                         "With live statistics, tables estimated below this many rows are "
                         "not reported (a sequential scan of "
                         "a small table is cheap)"}},
        }) {}

  void check(const engine::RuleContext& context, std::vector<core::Finding>& out) const override {
    if (context.catalog == nullptr || context.workload == nullptr) {
      return;
    }
    const long min_rows = context.options.get_int("min-rows");
    std::vector<Proposal> proposals;
    std::map<std::pair<const model::Table*, std::vector<std::string>>, std::size_t> index;
    for (const QueryStats& query : context.workload->queries) {
      if (!advisor::executed(query) || query.shape.kind == model::StatementKind::other ||
          query.shape.kind == model::StatementKind::insert) {
        continue;
      }
      for (advisor::QueryIndexCandidate& candidate :
           advisor::query_index_candidates(query, *context.catalog)) {
        if (candidate.covered || candidate.columns.empty() || known_small(*candidate.table, min_rows)) {
          continue;
        }
        const auto [it, inserted] = index.try_emplace({candidate.table, candidate.columns}, proposals.size());
        if (inserted) {
          proposals.push_back(Proposal{std::move(candidate), {}, 0, 0});
        }
        Proposal& proposal = proposals[it->second];
        proposal.queries.push_back(&query);
        proposal.total_ms += weight(query);
        proposal.calls += query.calls;
      }
    }
    // Ranked by total time (calls break ties when nothing was timed).
    std::stable_sort(proposals.begin(), proposals.end(), [](const Proposal& a, const Proposal& b) {
      return a.total_ms != b.total_ms ? a.total_ms > b.total_ms : a.calls > b.calls;
    });
    for (std::size_t rank = 0; rank < proposals.size(); ++rank) {
      out.push_back(make_finding(context, proposals[rank], rank + 1, proposals.size()));
    }
  }

private:
  static core::Finding make_finding(const engine::RuleContext& context, Proposal& proposal, std::size_t rank,
                                    std::size_t of) {
    std::stable_sort(proposal.queries.begin(), proposal.queries.end(),
                     [](const QueryStats* a, const QueryStats* b) {
                       return a->total_ms != b->total_ms ? a->total_ms > b->total_ms : a->calls > b->calls;
                     });
    const model::Table& table = *proposal.candidate.table;
    const std::vector<std::string>& columns = proposal.candidate.columns;
    const QueryStats& top = *proposal.queries.front();
    const bool timed = context.workload->has_durations;

    core::Finding finding;
    finding.rule = std::string(k_id);
    finding.severity = context.severity;
    finding.object = core::ObjectRef{table.schema, table.name, columns, {}};
    finding.location = top.first_seen;
    std::string filtered;
    std::vector<std::string> filter_columns = proposal.candidate.equality;
    if (!proposal.candidate.range.empty()) {
      filter_columns.push_back(proposal.candidate.range);
    }
    if (filter_columns.empty()) {
      filter_columns = proposal.candidate.order_by;
    }
    finding.message = std::to_string(proposal.queries.size()) +
                      (proposal.queries.size() == 1 ? " logged query filters " : " logged queries filter ") +
                      advisor::table_display(table) + " on " + core::join(filter_columns, ", ") +
                      ", which no index leads with (" +
                      core::group_digits(static_cast<std::int64_t>(proposal.calls)) + " calls" +
                      (timed ? ", " + core::human_duration_ms(proposal.total_ms) + " total" : "") + ")";
    finding.help =
        "Without an index PostgreSQL reads all of " + advisor::table_display(table) +
        " for each call and keeps the matching rows. An index on (" + core::join(columns, ", ") +
        ") -- equality columns first, then one range column" +
        (proposal.candidate.order_by.empty() ? "" : ", then the ORDER BY columns so a LIMIT stops early") +
        " -- finds them directly. Confirm with EXPLAIN (ANALYZE, BUFFERS) on a production-sized copy "
        "before and after.";
    finding.evidence.push_back(core::Evidence{"query",
                                              "#" + std::to_string(rank) + " of " + std::to_string(of) +
                                                  " proposed indexes by total time",
                                              {}});
    for (std::size_t i = 0; i < std::min(k_max_query_evidence, proposal.queries.size()); ++i) {
      finding.evidence.push_back(advisor::query_evidence(*proposal.queries[i]));
    }
    if (proposal.queries.size() > k_max_query_evidence) {
      finding.evidence.push_back(core::Evidence{
          "query", std::to_string(proposal.queries.size() - k_max_query_evidence) + " more queries", {}});
    }
    finding.evidence.push_back(advisor::schema_evidence(*context.catalog,
                                                        "table " + advisor::table_display(table) +
                                                            " has no index starting with " +
                                                            core::join(filter_columns, " or "),
                                                        table.location));

    const std::string name = advisor::unique_index_name(*context.catalog, table.schema, table.name, columns);
    core::Fix fix;
    fix.ddl = advisor::render_create_index(table.schema, table.name, columns, name, !table.partitioned);
    fix.safety_note =
        table.partitioned
            ? "PostgreSQL refuses CONCURRENTLY on a partitioned table: this CREATE INDEX blocks "
              "writes to every partition while it builds."
            : advisor::concurrently_safety_note("CREATE INDEX");
    if (context.project != nullptr && context.project->uses_drizzle) {
      fix.drizzle = advisor::render_drizzle_index(table, columns, name);
    }
    finding.fix = std::move(fix);
    finding.compute_fingerprint();
    return finding;
  }
};

} // namespace

std::unique_ptr<engine::Rule> make_filter_on_unindexed_column() {
  return std::make_unique<FilterOnUnindexedColumn>();
}

} // namespace pgadvise::rules
