#include "advisor/drizzle_render.hpp"
#include "advisor/evidence.hpp"
#include "advisor/expression_index.hpp"
#include "advisor/index_ddl.hpp"
#include "advisor/index_naming.hpp"
#include "advisor/query_evidence.hpp"
#include "advisor/query_index_candidate.hpp"
#include "core/format.hpp"
#include "core/text.hpp"
#include "engine/rule.hpp"
#include "model/index_set.hpp"
#include "rules/support/table_size.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <optional>

namespace pgadvise::rules {

namespace {

using model::QueryStats;

constexpr std::string_view k_id = "filter-on-unindexed-column";
constexpr std::size_t k_max_query_evidence = 5;

// Every logged statement that would use one proposed index.
struct Proposal {
  advisor::QueryIndexCandidate candidate;
  std::optional<advisor::ExpressionIndexCandidate> expression; // set for an expression or GIN index
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

// The partial index a live run's advisor proposed for these queries on
// `table` (their IS [NOT] NULL test keeps few rows, by pg_stats), or null.
// That index is then this finding's fix too, so the finding and
// seq-scan-confirmed's for the same scan merge into one (app/lint/consolidate)
// instead of proposing two indexes for one query.
const model::IndexProposal* live_partial_index(const engine::RuleContext& context,
                                               const std::vector<const QueryStats*>& queries,
                                               const model::Table& table) {
  if (context.live_analysis == nullptr) {
    return nullptr;
  }
  for (const QueryStats* query : queries) {
    const model::IndexProposal* found =
        context.live_analysis->proposal_for(query->fingerprint, table.schema, table.name);
    if (found != nullptr && !found->predicate.empty() && !found->ddl.empty()) {
      return found;
    }
  }
  return nullptr;
}

// An existing index leads with one of the query's filter columns (a
// 3-value status), yet the live run's index set, costed with HypoPG over
// the whole workload, serves the query with a new index on the table
// (assignee_id, status): measured, that index is not enough, and the
// finding proposes the set's (unindexed-foreign-key's on assignee_id then
// merges into it instead of proposing a second index).
bool set_serves(const engine::RuleContext& context, const QueryStats& query, const model::Table& table) {
  return context.live_analysis != nullptr && context.live_analysis->index_set != nullptr &&
         context.live_analysis->proposal_for(query.fingerprint, table.schema, table.name) != nullptr;
}

// What the live run's index set (chosen for the whole workload) says of
// these queries on `table`: the index of the set that serves one of them,
// or none when every query was costed, the set had candidates on the table
// and left it out (no index on it saves more than its writes and size
// cost). Not judged when there is no set, the set had no candidate on the
// table (below its size threshold) or one of the queries was not costed:
// the finding then proposes its own index as without a database.
struct SetVerdict {
  bool judged = false;
  const model::IndexProposal* index = nullptr;
};

SetVerdict set_verdict(const engine::RuleContext& context, const std::vector<const QueryStats*>& queries,
                       const model::Table& table) {
  SetVerdict verdict;
  if (context.live_analysis == nullptr || context.live_analysis->index_set == nullptr) {
    return verdict;
  }
  const model::IndexSet& set = *context.live_analysis->index_set;
  for (const QueryStats* query : queries) {
    if (const model::IndexProposal* found =
            context.live_analysis->proposal_for(query->fingerprint, table.schema, table.name)) {
      verdict.judged = true;
      verdict.index = found;
      return verdict;
    }
  }
  const std::string key = table.schema + "." + table.name;
  if (std::find(set.tables.begin(), set.tables.end(), key) == set.tables.end()) {
    return verdict; // no candidate on it (a small table, say): the set says nothing of it
  }
  verdict.judged = std::all_of(queries.begin(), queries.end(), [&](const QueryStats* query) {
    return std::find(set.costed.begin(), set.costed.end(), query->fingerprint) != set.costed.end();
  });
  return verdict;
}

// The set's answer as the finding's fix: its index (one index, one
// proposal: findings the same index serves merge), or no fix at all.
void apply_set_verdict(const SetVerdict& verdict, const engine::RuleContext& context, core::Finding& finding,
                       core::Fix& fix) {
  if (verdict.index == nullptr) {
    finding.help += " The workload's index set leaves this table out: with every logged query costed "
                    "together (HypoPG), no index on it saves more than its writes and size cost "
                    "(`pgadvise advise` shows the set).";
    return;
  }
  const model::IndexProposal& index = *verdict.index;
  finding.help += " The index set chosen for the whole workload serves these queries with " + index.name +
                  " (" + core::join(index.columns, ", ") + "): one index for every query it serves.";
  fix.sql().ddl = index.ddl;
  fix.sql().drizzle =
      context.project != nullptr && context.project->uses_drizzle ? index.drizzle : std::string();
  finding.fix = std::move(fix);
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
            .confirmed_by_plan = true,
            .judges_one_statement = true,
            .fix_applicability = core::FixApplicability::safe,
        }) {}

  void check(const engine::RuleContext& context, core::FindingSink& out) const override {
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
      std::vector<advisor::QueryIndexCandidate> column_candidates =
          advisor::query_index_candidates(query, *context.catalog);
      std::vector<advisor::ExpressionIndexCandidate> expression_candidates =
          advisor::expression_index_candidates(query, *context.catalog);
      combine_per_table(column_candidates, expression_candidates);
      for (advisor::QueryIndexCandidate& candidate : column_candidates) {
        if ((candidate.covered && !set_serves(context, query, *candidate.table)) ||
            candidate.columns.empty() || known_small(*candidate.table, min_rows)) {
          continue;
        }
        const auto [it, inserted] = index.try_emplace({candidate.table, candidate.columns}, proposals.size());
        if (inserted) {
          proposals.push_back(Proposal{std::move(candidate), std::nullopt, {}, 0, 0});
        }
        add_query(proposals[it->second], query);
      }
      for (advisor::ExpressionIndexCandidate& candidate : expression_candidates) {
        if (candidate.covered || known_small(*candidate.table, min_rows)) {
          continue;
        }
        // "\x1f" + method: never a column name, so expression keys do not meet column keys.
        std::vector<std::string> key = {"\x1f" + candidate.method};
        key.insert(key.end(), candidate.columns_before.begin(), candidate.columns_before.end());
        key.push_back(candidate.expression);
        key.insert(key.end(), candidate.columns_after.begin(), candidate.columns_after.end());
        const auto [it, inserted] = index.try_emplace({candidate.table, std::move(key)}, proposals.size());
        if (inserted) {
          proposals.push_back(Proposal{{}, std::nullopt, {}, 0, 0});
          proposals.back().candidate.table = candidate.table;
          proposals.back().expression = std::move(candidate);
        } else {
          advisor::ExpressionIndexCandidate& held = *proposals[it->second].expression;
          std::vector<std::string> ops = held.ops;
          for (const std::string& op : candidate.ops) {
            if (std::find(ops.begin(), ops.end(), op) == ops.end()) {
              ops.push_back(op);
            }
          }
          if (held.element.find(" jsonb_path_ops") != std::string::npos &&
              candidate.element.find(" jsonb_path_ops") == std::string::npos) {
            held = std::move(candidate); // a ? operator needs jsonb_ops
          }
          held.ops = std::move(ops);
        }
        add_query(proposals[it->second], query);
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
  static core::SharedText safety_note(const engine::RuleContext& context, const model::Table& table) {
    return table.partitioned
               ? "PostgreSQL refuses CONCURRENTLY on a partitioned table: this CREATE INDEX blocks "
                 "writes to every partition while it builds."
               : advisor::concurrently_safety_note("CREATE INDEX", context.catalog);
  }

  // A statement comparing an expression with = and filtering columns of the
  // same table gets one composite index (advisor::with_filter_columns): the
  // first such expression of a table takes the table's column candidate,
  // which is then not proposed alone.
  static void combine_per_table(std::vector<advisor::QueryIndexCandidate>& columns,
                                std::vector<advisor::ExpressionIndexCandidate>& expressions) {
    for (advisor::ExpressionIndexCandidate& expression : expressions) {
      const auto column =
          std::find_if(columns.begin(), columns.end(),
                       [&](const advisor::QueryIndexCandidate& c) { return c.table == expression.table; });
      if (column == columns.end()) {
        continue;
      }
      if (std::optional<advisor::ExpressionIndexCandidate> composite =
              advisor::with_filter_columns(expression, *column)) {
        expression = std::move(*composite);
        columns.erase(column);
      }
    }
  }

  static void add_query(Proposal& proposal, const QueryStats& query) {
    proposal.queries.push_back(&query);
    proposal.total_ms += weight(query);
    proposal.calls += query.calls;
  }

  static void add_query_evidence(core::Finding& finding, const Proposal& proposal, std::size_t rank,
                                 std::size_t of) {
    finding.evidence.push_back(core::Evidence{core::Evidence::Kind::query,
                                              "#" + std::to_string(rank) + " of " + std::to_string(of) +
                                                  " proposed indexes by total time",
                                              {}});
    for (std::size_t i = 0; i < std::min(k_max_query_evidence, proposal.queries.size()); ++i) {
      finding.evidence.push_back(advisor::query_evidence(*proposal.queries[i]));
    }
    if (proposal.queries.size() > k_max_query_evidence) {
      finding.evidence.push_back(
          core::Evidence{core::Evidence::Kind::query,
                         std::to_string(proposal.queries.size() - k_max_query_evidence) + " more queries",
                         {}});
    }
  }

  static std::string counts(const engine::RuleContext& context, const Proposal& proposal) {
    return advisor::calls_phrase(proposal.calls) +
           (context.workload->has_durations ? ", " + core::human_duration_ms(proposal.total_ms) + " total"
                                            : "");
  }

  // An expression filter (lower(email) = $1, settings ->> 'theme' = $1) or a
  // JSON containment / key test (settings @> $1, settings ? 'k').
  static core::Finding expression_finding(const engine::RuleContext& context, const Proposal& proposal,
                                          std::size_t rank, std::size_t of) {
    const advisor::ExpressionIndexCandidate& candidate = *proposal.expression;
    const model::Table& table = *candidate.table;
    const QueryStats& top = *proposal.queries.front();
    const bool gin = candidate.method == "gin";
    const bool one = proposal.queries.size() == 1;
    const std::string queries = advisor::queries_phrase(context.workload, proposal.queries.size()) + " " +
                                (gin ? (one ? "tests " : "test ") : (one ? "filters " : "filter "));

    core::Finding finding;
    finding.rule = std::string(k_id);
    finding.severity = cap_by_rows(context.severity, table);
    std::vector<std::string> keys = candidate.columns_before;
    keys.push_back(candidate.element);
    keys.insert(keys.end(), candidate.columns_after.begin(), candidate.columns_after.end());
    std::vector<std::string> other_columns = candidate.columns_before;
    other_columns.insert(other_columns.end(), candidate.columns_after.begin(), candidate.columns_after.end());
    finding.object = core::ObjectRef{table.schema, table.name, keys, {}};
    finding.location = top.first_seen;
    if (gin) {
      finding.message = queries + advisor::table_display(table) + "." + candidate.expression + " with " +
                        core::join(candidate.ops, ", ") + ", which no GIN index answers (" +
                        counts(context, proposal) + ")";
      finding.help =
          "A btree index cannot answer JSON containment (@>) or key existence (?, ?|, ?&); a GIN index on " +
          candidate.expression + " does. " +
          (candidate.element.find(" jsonb_path_ops") != std::string::npos
               ? "Only @> is used, so the jsonb_path_ops operator class fits: smaller and faster than the "
                 "default jsonb_ops."
               : "The ? operators need the default jsonb_ops operator class (jsonb_path_ops only has @>).") +
          " Confirm with EXPLAIN (ANALYZE, BUFFERS) on a production-sized copy before and after.";
    } else {
      finding.message = queries + advisor::table_display(table) + " on " + candidate.expression +
                        (candidate.composite() ? " together with " + core::join(other_columns, ", ") +
                                                     ", which no index serves ("
                                               : ", which no index has as a key (") +
                        counts(context, proposal) + ")";
      finding.help =
          "An index on " + core::join(candidate.columns, ", ") +
          " does not serve a filter on an expression of it: the planner uses an index only when the "
          "query's expression is the index's expression. An expression index on " +
          candidate.element + " does. " +
          (candidate.composite()
               ? "The same queries filter (or sort) on " + core::join(other_columns, ", ") +
                     " too, so one index holds all of it: equality keys first (the expression is compared "
                     "with =), then the range column and the ORDER BY columns -- an index for each part "
                     "would "
                     "leave the planner one of them and cost two indexes' writes. "
               : std::string()) +
          "PostgreSQL accepts only IMMUTABLE expressions in an index, so filters on now(), random() "
          "or date_trunc() of a timestamptz get no proposal. Confirm with EXPLAIN (ANALYZE, BUFFERS) on a "
          "production-sized copy before and after.";
    }
    add_query_evidence(finding, proposal, rank, of);
    finding.evidence.push_back(
        advisor::schema_evidence(*context.catalog,
                                 "table " + advisor::table_display(table) + " has no " +
                                     (gin ? "GIN index on " : "index on ") + core::join(keys, ", "),
                                 table.location));

    core::Fix fix;
    fix.safety_note = safety_note(context, table);
    if (const SetVerdict verdict = set_verdict(context, proposal.queries, table); verdict.judged && !gin) {
      apply_set_verdict(verdict, context, finding, fix);
      finding.compute_fingerprint();
      return finding;
    }
    const std::string name = advisor::expression_index_name(*context.catalog, candidate);
    fix.sql().ddl = advisor::render_expression_index_ddl(candidate, name);
    if (context.project != nullptr && context.project->uses_drizzle) {
      fix.sql().drizzle = advisor::render_drizzle_expression_index(candidate, name);
    }
    finding.fix = std::move(fix);
    finding.compute_fingerprint();
    return finding;
  }

  // The finding's message and help for a column index; returns the columns
  // the queries filter on (or, for ORDER BY ... LIMIT alone, sort by).
  static std::vector<std::string> describe(const engine::RuleContext& context, const Proposal& proposal,
                                           core::Finding& finding) {
    const model::Table& table = *proposal.candidate.table;
    const std::vector<std::string>& columns = proposal.candidate.columns;
    const bool timed = context.workload->has_durations;
    std::vector<std::string> filter_columns = proposal.candidate.correlation;
    filter_columns.insert(filter_columns.end(), proposal.candidate.equality.begin(),
                          proposal.candidate.equality.end());
    if (!proposal.candidate.range.empty()) {
      filter_columns.push_back(proposal.candidate.range);
    }
    // ORDER BY ... LIMIT alone (a feed, OFFSET pagination): the index lets
    // the LIMIT stop early; nothing is filtered.
    const bool sorts = filter_columns.empty();
    if (sorts) {
      filter_columns = proposal.candidate.order_by;
    }
    const bool one = proposal.queries.size() == 1;
    finding.message = advisor::queries_phrase(context.workload, proposal.queries.size()) +
                      (sorts ? (one ? " sorts " : " sort ") : (one ? " filters " : " filter ")) +
                      advisor::table_display(table) + (sorts ? " by " : " on ") +
                      core::join(filter_columns, ", ") +
                      (proposal.candidate.covered
                           ? ", which " + proposal.candidate.covered_by +
                                 " serves only in part (the workload's index set, costed with HypoPG, adds "
                                 "an index for it) ("
                           : ", which no index leads with (") +
                      advisor::calls_phrase(proposal.calls) +
                      (timed ? ", " + core::human_duration_ms(proposal.total_ms) + " total" : "") + ")";
    if (sorts) {
      finding.help = "Without an index PostgreSQL reads and sorts all of " + advisor::table_display(table) +
                     " for each call to return the first rows. An index on (" + core::join(columns, ", ") +
                     ") returns them in order, so the LIMIT stops early. Confirm with EXPLAIN (ANALYZE, "
                     "BUFFERS) on a production-sized copy before and after.";
      return filter_columns;
    }
    finding.help =
        "Without an index PostgreSQL reads all of " + advisor::table_display(table) +
        " for each call and keeps the matching rows. An index on (" + core::join(columns, ", ") + ") -- " +
        (proposal.candidate.correlation.empty()
             ? std::string("equality columns first")
             : "the column each outer row's rows are looked up by (a correlated sub-select or lateral join) "
               "first, then equality columns") +
        ", then one range column" +
        (proposal.candidate.order_by.empty() ? "" : ", then the ORDER BY columns so a LIMIT stops early") +
        " -- finds them directly. Confirm with EXPLAIN (ANALYZE, BUFFERS) on a production-sized copy "
        "before and after.";
    return filter_columns;
  }

  static core::Finding make_finding(const engine::RuleContext& context, Proposal& proposal, std::size_t rank,
                                    std::size_t of) {
    std::stable_sort(proposal.queries.begin(), proposal.queries.end(),
                     [](const QueryStats* a, const QueryStats* b) {
                       return a->total_ms != b->total_ms ? a->total_ms > b->total_ms : a->calls > b->calls;
                     });
    if (proposal.expression) {
      return expression_finding(context, proposal, rank, of);
    }
    const model::Table& table = *proposal.candidate.table;
    const std::vector<std::string>& columns = proposal.candidate.columns;
    const QueryStats& top = *proposal.queries.front();

    core::Finding finding;
    finding.rule = std::string(k_id);
    // A sequential scan costs in proportion to the rows it reads: known
    // sizes (--db, --stats) keep a 2,000-row table's index below "do first",
    // as unindexed-foreign-key does.
    finding.severity = cap_by_rows(context.severity, table);
    finding.object = core::ObjectRef{table.schema, table.name, columns, {}};
    finding.location = top.first_seen;
    const std::vector<std::string> filter_columns = describe(context, proposal, finding);
    add_query_evidence(finding, proposal, rank, of);
    finding.evidence.push_back(advisor::schema_evidence(
        *context.catalog,
        "table " + advisor::table_display(table) +
            (proposal.candidate.covered
                 ? " has " + proposal.candidate.covered_by +
                       ", which the index set does not keep "
                       "for these queries"
                 : " has no index starting with " + core::join(filter_columns, " or ")),
        table.location));

    const bool drizzle = context.project != nullptr && context.project->uses_drizzle;
    core::Fix fix;
    fix.safety_note = safety_note(context, table);
    if (const SetVerdict verdict = set_verdict(context, proposal.queries, table); verdict.judged) {
      apply_set_verdict(verdict, context, finding, fix);
      finding.compute_fingerprint();
      return finding;
    }
    if (const model::IndexProposal* partial = live_partial_index(context, proposal.queries, table)) {
      finding.help += " The live run's index advisor makes it partial: (" +
                      core::join(partial->columns, ", ") + ") WHERE " + partial->predicate +
                      ", since pg_stats says that test keeps few of the rows; the index holds only those.";
      fix.sql().ddl = partial->ddl;
      fix.sql().drizzle = drizzle ? partial->drizzle : std::string();
    } else {
      const std::string name = advisor::unique_index_name(*context.catalog, table.schema, table.name, columns,
                                                          advisor::index_suffix_for(table));
      fix.sql().ddl =
          advisor::render_create_index(table.schema, table.name, columns, name, !table.partitioned);
      if (drizzle) {
        fix.sql().drizzle = advisor::render_drizzle_index(table, columns, name);
      }
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
