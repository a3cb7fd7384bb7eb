#include "advisor/batch_rewrite.hpp"
#include "advisor/drizzle_render.hpp"
#include "advisor/query_evidence.hpp"
#include "core/format.hpp"
#include "core/text.hpp"
#include "engine/rule.hpp"
#include "rules/support/n_plus_one_code.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <set>

namespace pgadvise::rules {

namespace {

using model::ColumnUse;
using model::QueryStats;
using model::StatementKind;

constexpr std::string_view k_id = "n-plus-one";
constexpr std::uint32_t k_params_cap = 64; // Repeat::distinct_params is capped there

// The qualifying bursts of one (parent, child) pair, over all sessions: one
// code path.
struct Bursts {
  std::uint64_t fingerprint = 0; // the child
  std::uint64_t parent = 0;      // 0: runs inside transactions with nothing before them
  std::vector<std::uint32_t> counts;
  std::set<std::string> sessions; // capped: only the count is shown
  std::uint64_t in_transaction = 0;
  double total_ms = 0;
  core::SourceLocation first;
  std::uint32_t code_path = 0; // the first burst's sqlcommenter route/file
};

bool repeatable(const QueryStats* query) {
  return query != nullptr && query->parsed && !query->shape.transaction_control &&
         query->shape.kind != StatementKind::other;
}

// A child of an N+1 reads or writes one row's worth: an INSERT of one row, or
// a lookup by equality with one value (`col = $1`, `col IN ($1)`); never a
// set query (`= ANY(...)`, `IN (SELECT ...)`, BETWEEN), which is the batched
// form the fix proposes.
bool per_row(const QueryStats& query) {
  const model::QueryShape& shape = query.shape;
  if (shape.set_filter) {
    return false;
  }
  if (shape.kind == StatementKind::insert) {
    return true;
  }
  return std::any_of(shape.columns.begin(), shape.columns.end(), [](const model::ColumnUsage& usage) {
    return usage.use == ColumnUse::equality || usage.use == ColumnUse::in_list;
  });
}

// A parent's rows drive the loop: a statement that can return several rows
// (not an aggregate, not LIMIT 1). A count(*) between the page query and its
// lookups is not their parent.
bool returns_rows(const QueryStats& query) {
  const model::QueryShape& shape = query.shape;
  return shape.kind == StatementKind::select && !shape.has_aggregate && shape.limit.value_or(2) > 1;
}

std::uint32_t median(std::vector<std::uint32_t> values) {
  std::sort(values.begin(), values.end());
  return values.empty() ? 0 : values[(values.size() - 1) / 2];
}

std::string drizzle_table_var(const model::Table* table, const std::string& name) {
  if (table != nullptr && !table->property.empty()) {
    return table->property;
  }
  return core::snake_to_camel(name);
}

class NPlusOne final : public engine::Rule {
public:
  NPlusOne()
      : Rule({
            .id = std::string(k_id),
            .summary = "The same statement run once per row of a parent query (N+1 burst)",
            .category = engine::Category::query,
            .default_severity = core::Severity::critical,
            .inputs = {engine::Input::workload},
            .has_fix = true,
            .options = {{"min-burst", "5",
                         "Executions of one statement, with at least this many different parameter sets, in "
                         "one transaction or burst window of one session that make an N+1 burst"},
                        {"parent-share", "0.8",
                         "Share of the parent statement's executions (over the whole log) that a run of the "
                         "child follows: a loop in code follows nearly all of them, a request a pool runs "
                         "twice in a row only some"},
                        {"min-parent-executions", "2",
                         "Executions of the parent statement needed before its share is trusted"},
                        {"pgss-min-calls", "1000",
                         "pg_stat_statements only: a single-row lookup by key called at least this often is "
                         "a likely N+1"},
                        {"pgss-min-calls-per-ms", "10000",
                         "pg_stat_statements only: and its calls divided by its mean time in ms are at least "
                         "this (many cheap calls rather than a few slow ones)"}},
        }) {}

  void check(const engine::RuleContext& context, std::vector<core::Finding>& out) const override {
    if (context.workload == nullptr) {
      return;
    }
    const model::Workload& workload = *context.workload;
    const auto min_burst = static_cast<std::uint32_t>(std::max(2L, context.options.get_int("min-burst")));
    const double min_share = context.options.get_double("parent-share");
    const auto min_executions =
        static_cast<std::uint64_t>(std::max(1L, context.options.get_int("min-parent-executions")));
    std::vector<Bursts> found;
    std::map<std::pair<std::uint64_t, std::uint64_t>, std::size_t> index;
    for (const model::Repeat& repeat : workload.repeats) {
      const QueryStats* child = workload.find(repeat.fingerprint);
      // Runs of the same values are a caching hint at most; a unit of
      // several statements that also runs whole elsewhere is a request the
      // pool repeated.
      if (repeat.count < min_burst || repeat.distinct_params < std::min(min_burst, k_params_cap) ||
          repeat.request_repeat || !repeatable(child) || !per_row(*child)) {
        continue;
      }
      const std::uint64_t parent = parent_of(workload, repeat);
      // Outside a transaction a run needs a parent: the same statement over
      // and over on a pooled connection with nothing before it is traffic.
      if (parent == 0 && !repeat.in_transaction) {
        continue;
      }
      const auto [it, inserted] = index.try_emplace({repeat.fingerprint, parent}, found.size());
      if (inserted) {
        found.emplace_back();
        found.back().fingerprint = repeat.fingerprint;
        found.back().parent = parent;
        found.back().first = repeat.location;
      }
      if (found[it->second].code_path == 0) {
        found[it->second].code_path = repeat.code_path;
      }
      Bursts& bursts = found[it->second];
      bursts.counts.push_back(repeat.count);
      if (bursts.sessions.size() < 10000) {
        bursts.sessions.insert(repeat.session);
      }
      bursts.in_transaction += repeat.in_transaction ? 1U : 0U;
      bursts.total_ms += repeat.total_ms;
    }
    std::map<std::uint64_t, std::size_t> parents_per_child;
    std::vector<const Bursts*> reported;
    for (const Bursts& bursts : found) {
      // A code path: the parent is followed by the child's runs nearly every
      // time it runs. A parentless run counts only inside a transaction.
      // Inside a transaction no pool puts two requests together, so a few
      // executions of the parent are enough there.
      const bool in_transactions = bursts.in_transaction == bursts.counts.size();
      const bool consistent =
          bursts.parent == 0 ? bursts.in_transaction > 0
                             : (in_transactions ||
                                executions(workload, bursts.fingerprint, bursts.parent) >= min_executions) &&
                                   share(workload, bursts) >= min_share;
      if (consistent) {
        reported.push_back(&bursts);
        ++parents_per_child[bursts.fingerprint];
      }
    }
    for (const Bursts* bursts : reported) {
      out.push_back(burst_finding(context, *bursts, parents_per_child[bursts->fingerprint] > 1));
    }
    if (!workload.ordered) {
      likely_from_pgss(context, out);
    }
  }

private:
  static bool uses_drizzle(const engine::RuleContext& context) {
    return context.project != nullptr && context.project->uses_drizzle;
  }

  // The parent's executions that could have been followed by a run of the
  // child: all of them, but those followed by a batched read of the child's
  // table (the same page query in a code path that does it right).
  static std::uint64_t executions(const model::Workload& workload, std::uint64_t child,
                                  std::uint64_t parent) {
    const QueryStats* stats = workload.find(parent);
    const QueryStats* lookup = workload.find(child);
    if (stats == nullptr || lookup == nullptr) {
      return 0;
    }
    std::uint64_t batched = 0;
    const auto first = workload.batched_after.lower_bound({parent, 0});
    for (auto it = first; it != workload.batched_after.end() && it->first.first == parent; ++it) {
      const QueryStats* set = workload.find(it->first.second);
      if (set != nullptr && !set->shape.tables.empty() && !lookup->shape.tables.empty() &&
          set->shape.tables.front() == lookup->shape.tables.front()) {
        batched += it->second;
      }
    }
    return stats->calls > batched ? stats->calls - batched : 0;
  }

  // The share of the parent's executions a run of the child follows.
  static double pair_share(const model::Workload& workload, std::uint64_t child, std::uint64_t parent) {
    const std::uint64_t runs_possible = executions(workload, child, parent);
    if (runs_possible == 0) {
      return 0;
    }
    return std::min(1.0, static_cast<double>(workload.runs_after_parent(child, parent)) /
                             static_cast<double>(runs_possible));
  }
  static double share(const model::Workload& workload, const Bursts& bursts) {
    return pair_share(workload, bursts.fingerprint, bursts.parent);
  }

  // Of the statements just before the run, the one whose executions the
  // child's runs follow most consistently; a statement that returns rows
  // before one that cannot drive a loop (a count(*) between the page query
  // and its lookups); the nearest on a tie.
  static std::uint64_t parent_of(const model::Workload& workload, const model::Repeat& repeat) {
    std::uint64_t best = 0;
    std::pair<bool, double> best_key{false, -1.0};
    for (const std::uint64_t candidate : repeat.candidates) {
      const QueryStats* stats = workload.find(candidate);
      if (candidate == 0 || candidate == repeat.fingerprint || !repeatable(stats)) {
        continue;
      }
      const std::pair<bool, double> key{returns_rows(*stats),
                                        pair_share(workload, repeat.fingerprint, candidate)};
      if (key > best_key) {
        best_key = key;
        best = candidate;
      }
    }
    return best;
  }

  static core::Finding burst_finding(const engine::RuleContext& context, const Bursts& bursts,
                                     bool several_parents) {
    const model::Workload& workload = *context.workload;
    const QueryStats& query = *workload.find(bursts.fingerprint);
    core::Finding finding = advisor::query_finding(k_id, context.severity, query, context.catalog);
    finding.location = bursts.first;
    finding.object.columns = n_plus_one_lookup_columns(query);
    const std::uint32_t max = *std::max_element(bursts.counts.begin(), bursts.counts.end());
    const std::uint32_t med = median(bursts.counts);
    const std::uint64_t statements = [&] {
      std::uint64_t sum = 0;
      for (std::uint32_t c : bursts.counts) {
        sum += c;
      }
      return sum;
    }();
    const QueryStats* parent = workload.find(bursts.parent);
    if (several_parents) {
      // The same child after two code paths: two findings, two fixes.
      finding.compute_fingerprint(advisor::fingerprint_hex(query.fingerprint) + ":" +
                                  advisor::fingerprint_hex(bursts.parent));
    }
    const std::uint64_t parent_runs = executions(workload, bursts.fingerprint, bursts.parent);
    const std::string parent_share = parent == nullptr
                                         ? std::string()
                                         : core::percent(share(workload, bursts)) + " of " +
                                               core::group_digits(static_cast<std::int64_t>(parent_runs)) +
                                               (parent_runs == 1 ? " execution of " : " executions of ");
    const bool insert = query.shape.kind == StatementKind::insert;
    const std::string table = finding.object.table.empty() ? "the table" : finding.object.table;

    finding.message =
        std::string(insert ? "Row-by-row inserts" : "N+1 queries") + ": " +
        core::group_digits(static_cast<std::int64_t>(bursts.counts.size())) +
        (bursts.counts.size() == 1 ? " burst" : " bursts") + " of " +
        advisor::short_query(query.normalized, 100) + " (" + std::to_string(med) + " per burst, max " +
        std::to_string(max) + ")" +
        (parent != nullptr ? " after " + parent_share + advisor::short_query(parent->normalized, 80)
                           : std::string());
    std::string burst_detail =
        core::group_digits(static_cast<std::int64_t>(bursts.counts.size())) +
        (bursts.counts.size() == 1 ? " burst in " : " bursts in ") + std::to_string(bursts.sessions.size()) +
        (bursts.sessions.size() == 1 ? " session" : " sessions") + ", " +
        core::group_digits(static_cast<std::int64_t>(bursts.in_transaction)) + " inside a transaction; " +
        core::group_digits(static_cast<std::int64_t>(statements)) + " statements, median " +
        std::to_string(med) + " and max " + std::to_string(max) +
        " per burst, each with different parameters";
    if (workload.has_durations) {
      burst_detail += "; " + core::human_duration_ms(bursts.total_ms) + " spent in the bursts";
    }
    finding.evidence.insert(finding.evidence.begin(), core::Evidence{"log", burst_detail, bursts.first});
    // The application named the code path in sqlcommenter tags.
    if (bursts.code_path != 0 && bursts.code_path <= workload.code_paths.size()) {
      const model::Workload::CodePath& path = workload.code_paths[bursts.code_path - 1];
      const std::string where =
          path.route.empty() ? path.file : path.route + (path.file.empty() ? "" : " (" + path.file + ")");
      finding.message += ", in " + where;
      finding.evidence.push_back(core::Evidence{
          "log", "sqlcommenter tags of the bursts: route '" + path.route + "', file '" + path.file + "'",
          bursts.first});
    }
    if (parent != nullptr) {
      const std::uint64_t runs =
          std::min(parent_runs, workload.runs_after_parent(bursts.fingerprint, bursts.parent));
      std::string detail = "parent statement: a run of the child follows " +
                           core::group_digits(static_cast<std::int64_t>(runs)) + " of its " +
                           core::group_digits(static_cast<std::int64_t>(parent_runs)) + " executions (" +
                           core::percent(share(workload, bursts)) + ")";
      if (parent_runs < parent->calls) {
        detail += "; " + core::group_digits(static_cast<std::int64_t>(parent->calls - parent_runs)) +
                  " more are followed by one batched query of " + table + " and are left out";
      }
      finding.evidence.push_back(core::Evidence{
          "query", detail + ": " + advisor::short_query(parent->normalized), parent->first_seen});
    }
    if (workload.repeats_dropped > 0) {
      finding.evidence.push_back(core::Evidence{"log",
                                                std::to_string(workload.repeats_dropped) +
                                                    " more repeat groups were not kept (memory cap): counts "
                                                    "are a lower bound",
                                                {}});
    }
    core::Fix fix;
    if (insert) {
      finding.help =
          "The application inserts one row per statement. Send the rows of a batch in one statement: "
          "INSERT ... VALUES (...), (...), ... or INSERT ... SELECT * FROM unnest($1::type[], ...) with "
          "one array parameter per column, or COPY for large loads. One round trip and one plan instead "
          "of " +
          std::to_string(max) + ".";
      fix.safety_note = "Keep batches to a few thousand rows so one statement does not hold locks for long.";
      fix.ddl = advisor::unnest_rewrite(
          query.normalized,
          advisor::find_table(context.catalog, finding.object.schema, finding.object.table));
      if (uses_drizzle(context)) {
        fix.drizzle =
            "await db.insert(" +
            drizzle_table_var(advisor::find_table(context.catalog, finding.object.schema, table), table) +
            ").values(rows); // one INSERT for the whole array";
      }
    } else {
      finding.help = "The application runs this statement once per row of " +
                     std::string(parent != nullptr ? "the parent query" : "a previous result") +
                     ". Fetch all of them at once: JOIN " + table +
                     " in the parent query, or run this statement "
                     "once with the parent's keys as an array (WHERE " +
                     (finding.object.columns.empty() ? std::string("key") : finding.object.columns.front()) +
                     " = ANY($1)) and group the rows in the application.";
      fix.ddl = advisor::any_rewrite(query.shape, query.normalized);
      if (uses_drizzle(context)) {
        const model::Table* catalog_table =
            advisor::find_table(context.catalog, finding.object.schema, table);
        const std::string var = drizzle_table_var(catalog_table, table);
        const std::string column =
            finding.object.columns.empty() ? std::string("id") : finding.object.columns.front();
        const std::string prop = catalog_table != nullptr ? advisor::drizzle_property(*catalog_table, column)
                                                          : core::snake_to_camel(column);
        fix.drizzle = "// relational query: db.query.<parent>.findMany({ with: { " + var +
                      ": true } })\n// or one query for all parent keys:\nawait db.select().from(" + var +
                      ").where(inArray(" + advisor::drizzle_member(var, prop) + ", ids));";
      }
    }
    const model::Workload::CodePath* path =
        bursts.code_path != 0 && bursts.code_path <= workload.code_paths.size()
            ? &workload.code_paths[bursts.code_path - 1]
            : nullptr;
    locate_n_plus_one_in_code(context, query, parent, path, finding, fix);
    finding.fix = std::move(fix);
    return finding;
  }

  // pg_stat_statements has no order, so bursts cannot be seen. What it can
  // show is a single-row lookup by key called very often and very cheaply:
  // the typical child of an N+1. Reported as "likely", at most medium.
  static void likely_from_pgss(const engine::RuleContext& context, std::vector<core::Finding>& out) {
    const auto min_calls =
        static_cast<std::uint64_t>(std::max(1L, context.options.get_int("pgss-min-calls")));
    const double min_ratio = context.options.get_double("pgss-min-calls-per-ms");
    for (const QueryStats& query : context.workload->queries) {
      if (!query.pgss_mean_ms || query.calls < min_calls || !key_lookup(context, query)) {
        continue;
      }
      const double mean = std::max(query.mean_ms(), 0.001);
      if (static_cast<double>(query.calls) / mean < min_ratio) {
        continue;
      }
      core::Finding finding = advisor::query_finding(k_id, std::min(context.severity, core::Severity::medium),
                                                     query, context.catalog);
      finding.object.columns = n_plus_one_lookup_columns(query);
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
      fix.ddl = advisor::any_rewrite(query.shape, query.normalized);
      finding.fix = std::move(fix);
      out.push_back(std::move(finding));
    }
  }

  // A SELECT on one table, no aggregate, whose only filters are equalities
  // on a unique key (by the catalog) or that returns at most one row a call.
  static bool key_lookup(const engine::RuleContext& context, const QueryStats& query) {
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
};

} // namespace

std::unique_ptr<engine::Rule> make_n_plus_one() {
  return std::make_unique<NPlusOne>();
}

} // namespace pgadvise::rules
