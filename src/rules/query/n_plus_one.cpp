#include "advisor/drizzle_render.hpp"
#include "advisor/query_evidence.hpp"
#include "core/format.hpp"
#include "core/text.hpp"
#include "engine/rule.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <regex>
#include <set>

namespace pgadvise::rules {

namespace {

using model::ColumnUse;
using model::QueryStats;
using model::StatementKind;

constexpr std::string_view k_id = "n-plus-one";
constexpr std::uint32_t k_params_cap = 64; // Repeat::distinct_params is capped there

// The qualifying bursts of one statement shape, over all sessions.
struct Bursts {
  std::uint64_t fingerprint = 0;
  std::vector<std::uint32_t> counts;
  std::map<std::uint64_t, std::uint64_t> parents;            // parent fingerprint -> bursts after it
  std::map<std::uint64_t, std::uint64_t> autocommit_parents; // the same, bursts outside transactions
  std::set<std::string> sessions;                            // capped: only the count is shown
  std::uint64_t in_transaction = 0;
  double total_ms = 0;
  core::SourceLocation first;
};

bool repeatable(const QueryStats* query) {
  return query != nullptr && query->parsed && !query->shape.transaction_control &&
         query->shape.kind != StatementKind::other;
}

std::uint32_t median(std::vector<std::uint32_t> values) {
  std::sort(values.begin(), values.end());
  return values.empty() ? 0 : values[(values.size() - 1) / 2];
}

std::uint64_t main_parent(const Bursts& bursts) {
  std::uint64_t best = 0;
  std::uint64_t best_n = 0;
  for (const auto& [parent, n] : bursts.parents) {
    if (parent != 0 && n > best_n) {
      best = parent;
      best_n = n;
    }
  }
  return best;
}

// Columns the statement looks rows up by, on its first table.
std::vector<std::string> lookup_columns(const QueryStats& query) {
  std::vector<std::string> out;
  const std::string table = query.shape.tables.empty() ? std::string() : query.shape.tables.front().name;
  for (const model::ColumnUsage& usage : query.shape.columns) {
    if ((usage.use == ColumnUse::equality || usage.use == ColumnUse::in_list) &&
        (usage.table.empty() || usage.table == table) &&
        std::find(out.begin(), out.end(), usage.column) == out.end()) {
      out.push_back(usage.column);
    }
  }
  return out;
}

// `col = $1` -> `col = ANY($1)` when the statement has exactly one such
// parameter comparison: then the rewrite is unambiguous and re-parses.
// A single-row LIMIT (`LIMIT 1`, `LIMIT $2`) is dropped: the batched query
// returns a row per key.
std::string any_rewrite(const std::string& single) {
  static const std::regex k_eq(R"(([A-Za-z_][A-Za-z0-9_."]*)\s*=\s*\$([0-9]+))");
  static const std::regex k_limit(R"(\s+LIMIT\s+(1|\$[0-9]+)\s*(;?)\s*$)", std::regex::icase);
  const std::string normalized = std::regex_replace(single, k_limit, "$2");
  const auto begin = std::sregex_iterator(normalized.begin(), normalized.end(), k_eq);
  if (std::distance(begin, std::sregex_iterator()) != 1) {
    return {};
  }
  const std::smatch& match = *begin;
  return normalized.substr(0, static_cast<std::size_t>(match.position(0))) + match[1].str() + " = ANY($" +
         match[2].str() + ")" +
         normalized.substr(static_cast<std::size_t>(match.position(0) + match.length(0)));
}

// `INSERT INTO t (a, b) VALUES ($1, $2)` -> one statement for a whole batch:
// `INSERT INTO t (a, b) SELECT * FROM unnest($1::int4[], $2::text[])`, with
// the column types from the catalog (empty when a column or the table is
// unknown, or the statement has another shape).
std::string unnest_rewrite(const std::string& normalized, const model::Table* table) {
  static const std::regex k_insert(
      R"(^\s*INSERT\s+INTO\s+([^\s(]+)\s*\(([^)]*)\)\s*VALUES\s*\(([^)]*)\)(.*)$)", std::regex::icase);
  std::smatch match;
  if (table == nullptr || !std::regex_match(normalized, match, k_insert)) {
    return {};
  }
  const std::vector<std::string> columns = core::split(match[2].str(), ',');
  const std::vector<std::string> values = core::split(match[3].str(), ',');
  if (columns.empty() || columns.size() != values.size()) {
    return {};
  }
  std::vector<std::string> arrays;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    std::string column(core::trim(columns[i]));
    const std::string value(core::trim(values[i]));
    if (column.size() >= 2 && column.front() == '"' && column.back() == '"') {
      column = column.substr(1, column.size() - 2);
    }
    const model::Column* found = table->find_column(column);
    if (found == nullptr || found->type.is_array() || value.empty() || value.front() != '$') {
      return {};
    }
    arrays.push_back(value + "::" + found->type.display() + "[]");
  }
  std::string tail(core::trim(match[4].str()));
  return "INSERT INTO " + match[1].str() + " (" + match[2].str() + ") SELECT * FROM unnest(" +
         core::join(arrays, ", ") + ")" +
         (tail.empty() || tail.front() == ';' ? std::string(";") : " " + tail);
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
                         "one transaction "
                         "or burst window of one session that make an N+1 burst"},
                        {"pgss-min-calls", "1000",
                         "pg_stat_statements only: a single-row lookup by key called at least this often is "
                         "a likely N+1"},
                        {"pgss-min-calls-per-ms", "10000",
                         "pg_stat_statements only: and its calls divided by its mean time in ms are at least "
                         "this (many "
                         "cheap calls rather than a few slow ones)"}},
        }) {}

  void check(const engine::RuleContext& context, std::vector<core::Finding>& out) const override {
    if (context.workload == nullptr) {
      return;
    }
    const model::Workload& workload = *context.workload;
    const auto min_burst = static_cast<std::uint32_t>(std::max(2L, context.options.get_int("min-burst")));
    std::vector<Bursts> found;
    std::map<std::uint64_t, std::size_t> index;
    for (const model::Repeat& repeat : workload.repeats) {
      if (repeat.count < min_burst || repeat.distinct_params < std::min(min_burst, k_params_cap) ||
          !repeatable(workload.find(repeat.fingerprint))) {
        continue;
      }
      // Outside a transaction a run needs a parent: the same statement over
      // and over on a pooled connection with nothing before it is traffic.
      if (!repeat.in_transaction && repeat.parent_fingerprint == 0) {
        continue;
      }
      const auto [it, inserted] = index.try_emplace(repeat.fingerprint, found.size());
      if (inserted) {
        found.emplace_back();
        found.back().fingerprint = repeat.fingerprint;
        found.back().first = repeat.location;
      }
      Bursts& bursts = found[it->second];
      bursts.counts.push_back(repeat.count);
      ++bursts.parents[repeat.parent_fingerprint];
      if (!repeat.in_transaction) {
        ++bursts.autocommit_parents[repeat.parent_fingerprint];
      }
      if (bursts.sessions.size() < 10000) {
        bursts.sessions.insert(repeat.session);
      }
      bursts.in_transaction += repeat.in_transaction ? 1U : 0U;
      bursts.total_ms += repeat.total_ms;
    }
    for (const Bursts& bursts : found) {
      // Outside transactions the parent must recur before the runs (a page
      // query before each page's lookups); a run after a statement seen
      // once before it is a request loop or traffic that happened to follow it.
      const bool recurs = std::any_of(bursts.autocommit_parents.begin(), bursts.autocommit_parents.end(),
                                      [](const auto& entry) { return entry.second >= 2; });
      if (bursts.in_transaction > 0 || recurs) {
        out.push_back(burst_finding(context, bursts));
      }
    }
    if (!workload.ordered) {
      likely_from_pgss(context, out);
    }
  }

private:
  static bool uses_drizzle(const engine::RuleContext& context) {
    return context.project != nullptr && context.project->uses_drizzle;
  }

  static core::Finding burst_finding(const engine::RuleContext& context, const Bursts& bursts) {
    const model::Workload& workload = *context.workload;
    const QueryStats& query = *workload.find(bursts.fingerprint);
    core::Finding finding = advisor::query_finding(k_id, context.severity, query, context.catalog);
    finding.location = bursts.first;
    finding.object.columns = lookup_columns(query);
    const std::uint32_t max = *std::max_element(bursts.counts.begin(), bursts.counts.end());
    const std::uint32_t med = median(bursts.counts);
    const std::uint64_t statements = [&] {
      std::uint64_t sum = 0;
      for (std::uint32_t c : bursts.counts) {
        sum += c;
      }
      return sum;
    }();
    const QueryStats* parent = workload.find(main_parent(bursts));
    const bool insert = query.shape.kind == StatementKind::insert;
    const std::string table = finding.object.table.empty() ? "the table" : finding.object.table;

    finding.message =
        std::string(insert ? "Row-by-row inserts" : "N+1 queries") + ": " +
        core::group_digits(static_cast<std::int64_t>(bursts.counts.size())) +
        (bursts.counts.size() == 1 ? " burst" : " bursts") + " of " +
        advisor::short_query(query.normalized, 100) + " (" + std::to_string(med) + " per burst, max " +
        std::to_string(max) + ")" +
        (parent != nullptr ? " after " + advisor::short_query(parent->normalized, 80) : std::string());
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
    if (parent != nullptr) {
      finding.evidence.push_back(core::Evidence{"query",
                                                "parent statement (runs just before each burst): " +
                                                    advisor::short_query(parent->normalized),
                                                parent->first_seen});
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
      fix.ddl = unnest_rewrite(query.normalized, advisor::find_table(context.catalog, finding.object.schema,
                                                                     finding.object.table));
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
      fix.ddl = any_rewrite(query.normalized);
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
      fix.ddl = any_rewrite(query.normalized);
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
