// query-in-loop: a Drizzle query issued once per iteration of a loop, read
// from the project's code alone (model::QueryCall). The likely N+1 a run
// without a workload can still show; when a log is read, n-plus-one judges
// the loops whose statements it ran and this rule reports the others
// (rules/query/n_plus_one/guided), so no loop is lost and none is
// reported twice. The chain and the Drizzle fix are n-plus-one's
// (rules/query/n_plus_one/code).
#include "advisor/batch_rewrite.hpp"
#include "advisor/drizzle_render.hpp"
#include "advisor/query_evidence.hpp"
#include "core/format.hpp"
#include "engine/rule.hpp"
#include "rules/query/n_plus_one/code.hpp"
#include "rules/query/n_plus_one/guided.hpp"

#include <algorithm>
#include <cctype>
#include <memory>

namespace pgadvise::rules {

namespace {

constexpr std::string_view k_id = "query-in-loop";

std::string_view verb(const model::QueryCall& call) {
  switch (call.kind) {
  case model::QueryCallKind::insert: return "inserts into";
  case model::QueryCallKind::update: return "updates";
  case model::QueryCallKind::remove: return "deletes from";
  default: return "reads";
  }
}

using LoopCalls = n_plus_one::CodeLoop;

bool is_write(const model::QueryCall& call) {
  return call.kind == model::QueryCallKind::insert || call.kind == model::QueryCallKind::update ||
         call.kind == model::QueryCallKind::remove;
}

// medium: the rows come from an earlier query (the classic N+1) or each
// row is written (one multi-row statement does it); low otherwise.
core::Severity severity_of(const LoopCalls& loop) {
  if (loop.primary().loop == "recursion") {
    return core::Severity::low; // one query per level: a tree's depth, rarely its size
  }
  const bool batchable = std::any_of(loop.calls.begin(), loop.calls.end(), [](const model::QueryCall* c) {
    return is_write(*c) || !c->tables_before.empty();
  });
  return batchable ? core::Severity::medium : core::Severity::low;
}

// What the workload read says of the loop: nothing (none read), no order
// (pg_stat_statements), or a log that never ran its statement.
enum class Read { none, pgss, log };

std::string message_of(const LoopCalls& loop, Read read) {
  const model::QueryCall& call = loop.primary();
  if (call.loop == "recursion") {
    return "Query per recursion level: " + call.loop_variable + "() calls itself and " +
           std::string(verb(call)) + " " + call.table +
           (call.chain.empty() ? std::string() : " through " + call.chain.front().callee + "()") +
           " once per level (read from the code, not measured)";
  }
  std::string out =
      "Query in a loop: this " + call.loop + " loop " + std::string(verb(call)) + " " + call.table;
  out += call.chain.empty() ? std::string() : " through " + call.chain.front().callee + "()";
  out += " once per " + (call.loop_variable.empty() ? std::string("row") : call.loop_variable) +
         (call.loop_iterable.empty() ? std::string() : " of " + call.loop_iterable);
  if (loop.calls.size() > 1) {
    out += ", with " + std::to_string(loop.calls.size() - 1) + " more Drizzle call" +
           (loop.calls.size() == 2 ? "" : "s") + " per iteration";
  }
  const bool per_row_transaction = std::any_of(loop.calls.begin(), loop.calls.end(), [](const auto* c) {
    return n_plus_one::opens_transaction_per_row(*c);
  });
  if (per_row_transaction) {
    out += "; each iteration opens a transaction of its own";
  }
  switch (read) {
  case Read::pgss:
    return out +
           " (read from the code; pg_stat_statements has no order to show it runs per row: confirm with "
           "--log)";
  case Read::log:
    return out + " (read from the code; the log never ran its statement: the loop did not run while it was "
                 "logged, confirm with a log of its traffic)";
  default:
    return out + " (read from the code, not measured: confirm with --log, or --db and pg_stat_statements)";
  }
}

// The table and columns by their SQL names when the schema gives the
// Drizzle variable's table; as the code names them otherwise.
// The schema's table a call's Drizzle variable is (its property), if known.
const model::Table* table_of(const model::Catalog* catalog, const model::QueryCall& call) {
  if (catalog == nullptr) {
    return nullptr;
  }
  const auto found = std::find_if(catalog->tables.begin(), catalog->tables.end(),
                                  [&](const model::Table& table) { return table.property == call.table; });
  return found != catalog->tables.end() ? &*found : nullptr;
}

// A column's SQL name by its Drizzle property; empty when the table has none.
std::string column_named(const model::Table& table, const std::string& property) {
  const auto named = std::find_if(table.columns.begin(), table.columns.end(),
                                  [&](const model::Column& c) { return c.property() == property; });
  return named != table.columns.end() ? named->name.str() : std::string();
}

core::ObjectRef object_of(const engine::RuleContext& context, const model::QueryCall& call) {
  core::ObjectRef object;
  object.table = call.table;
  object.columns = call.key_columns;
  const model::Table* table = table_of(context.catalog, call);
  if (table == nullptr) {
    return object;
  }
  object.schema = table->schema;
  object.table = table->name;
  for (std::string& column : object.columns) {
    const std::string name = column_named(*table, column);
    column = name.empty() ? column : name;
  }
  return object;
}

// pg_stat_statements' row for the statement a call issues (its table, kind
// and a lookup column the call compares), when the workload holds one.
const model::QueryStats* pgss_statement(const engine::RuleContext& context, const model::QueryCall& call) {
  const model::StatementKind kind = n_plus_one::statement_kind(call.kind);
  for (const model::QueryStats& query : context.workload->queries) {
    if (!query.parsed || !query.pgss_mean_ms || query.shape.kind != kind || query.shape.tables.empty()) {
      continue;
    }
    const model::Table* table = advisor::find_table(context.catalog, query.shape.tables.front().schema,
                                                    query.shape.tables.front().name);
    if (table == nullptr || table->property != call.table) {
      continue;
    }
    for (const std::string& column : n_plus_one::lookup_columns(query)) {
      const std::string property = advisor::drizzle_property(*table, column);
      if (std::find(call.key_columns.begin(), call.key_columns.end(), property) != call.key_columns.end()) {
        return &query;
      }
    }
  }
  return nullptr;
}

// With pg_stat_statements alone (no order, so no bursts), the loop's
// statement and its counts; a read gets n-plus-one's batched SQL as its fix,
// so consolidate makes one finding of this loop and n-plus-one's likely N+1
// of the same statement.
void add_pgss(const engine::RuleContext& context, const model::QueryCall& call, core::Finding& finding) {
  const model::QueryStats* query = pgss_statement(context, call);
  if (query == nullptr) {
    return;
  }
  finding.evidence.push_back(
      core::Evidence{core::Evidence::Kind::query,
                     "pg_stat_statements: " + advisor::short_query(query->normalized, 100) + " called " +
                         core::group_digits(static_cast<std::int64_t>(query->calls)) + " times, mean " +
                         core::human_duration_ms(query->mean_ms()) +
                         " (no order: the calls a loop makes cannot be told from others')",
                     {}});
  if (query->shape.kind == model::StatementKind::select) {
    finding.fix->code().sends = advisor::any_rewrite(query->shape, query->normalized);
  }
}

// A recursion's reads as one statement: a recursive CTE that starts at the
// first key and follows the column the function passes itself for the
// next one (`category.parentId`: parent_id), in SQL names when the schema
// gives them; a sketch in words when the code does not show both.
std::string recursion_fix(const core::ObjectRef& object, const model::QueryCall& call,
                          const model::Catalog* catalog) {
  const model::Table* table = table_of(catalog, call);
  const std::string link =
      table != nullptr ? column_named(*table, call.recursion_key.substr(call.recursion_key.rfind('.') + 1))
                       : std::string();
  const std::string handle = call.receiver.empty() ? std::string("db") : call.receiver;
  if (call.kind != model::QueryCallKind::select || object.columns.size() != 1 ||
      call.key_values.size() != 1 || call.recursion_key.find('.') == std::string::npos || link.empty()) {
    return "// one statement for every level: a recursive CTE (WITH RECURSIVE) over " + object.table +
           ", run with " + handle + ".execute(sql`...`)";
  }
  const std::string key = object.columns.front();
  return "const levels = await " + handle + ".execute(sql`WITH RECURSIVE levels AS (SELECT * FROM " +
         object.table + " WHERE " + key + " = ${" + call.key_values.front() + "} UNION ALL SELECT t.* FROM " +
         object.table + " t JOIN levels ON t." + key + " = levels." + link + ") SELECT * FROM levels`);";
}

core::Finding loop_finding(const engine::RuleContext& context, const LoopCalls& loop) {
  const model::QueryCall& call = loop.primary();
  core::Finding finding;
  finding.rule = std::string(k_id);
  finding.severity = std::min(context.severity, severity_of(loop));
  finding.message = message_of(loop, context.workload == nullptr ? Read::none
                                     : context.workload->ordered ? Read::log
                                                                 : Read::pgss);
  finding.location = call.loop_location;
  finding.object = object_of(context, call);
  for (const model::QueryCall* each : loop.calls) {
    finding.evidence.push_back(
        core::Evidence{core::Evidence::Kind::code, n_plus_one::call_place(*each), each->location});
  }
  finding.help = core::SharedText::fixed(
      "A query per iteration costs a round trip per row: N rows, N+1 statements. Fetch the rows in one "
      "query (inArray, or a relational query with `with:`) or write them in one multi-row statement. "
      "This is read from the code: confirm how often it runs with a server log (log_min_duration_statement "
      "= 0 for a few minutes, then pgadvise lint --log) or with --db and pg_stat_statements, where "
      "n-plus-one "
      "judges the loop from the workload.");
  core::Fix fix;
  core::CodeChange& code = fix.change.emplace<core::CodeChange>();
  if (call.loop == "recursion") {
    finding.help = core::SharedText::fixed(
        "A function that calls itself and queries on the way runs a statement per level: a walk up a "
        "tree of depth N is N round trips, each waiting for the one before. A recursive CTE (WITH "
        "RECURSIVE) follows the links inside PostgreSQL in one statement. This is read from the code: "
        "confirm how often it runs with a server log or pg_stat_statements.");
    code.code = recursion_fix(finding.object, call, context.catalog);
  } else {
    code.code = n_plus_one::loop_fix(call, *context.project);
  }
  code.at = call.loop_location.file + ":" + std::to_string(call.loop_location.line);
  finding.fix = std::move(fix);
  if (context.workload != nullptr) {
    add_pgss(context, call, finding);
  }
  finding.compute_fingerprint(call.loop_location.file + "|" + call.loop + "|" + call.table);
  return finding;
}

class QueryInLoop final : public engine::Rule {
public:
  QueryInLoop()
      : Rule({
            .id = std::string(k_id),
            .summary = "A Drizzle query run once per iteration of a loop, read from the code (likely N+1)",
            .category = engine::Category::query,
            .default_severity = core::Severity::medium,
            .inputs = {engine::Input::project},
            .has_fix = true,
            // Read from the code, not measured: past a handful of loops the
            // text report shows one entry with the first few (a generated
            // or copied handler layer can hold thousands of them, and a
            // page of them would push the measured problems out of sight).
            .each_finding_an_action = false,
            .fix_applicability = core::FixApplicability::manual,
        }) {}

  void check(const engine::RuleContext& context, core::FindingSink& out) const override {
    const model::Project* project = context.project;
    if (project == nullptr || !project->scanned || !project->uses_drizzle) {
      return;
    }
    const bool log = context.workload != nullptr && context.workload->ordered;
    for (const LoopCalls& loop : n_plus_one::code_loops(*project)) {
      // A log's order shows whether a loop whose statement it ran runs
      // per row: n-plus-one judges those (n_plus_one::loop_in_log), this
      // rule the loops the log never ran, so no loop is lost.
      if (!log || !n_plus_one::loop_in_log(context, loop)) {
        out.push_back(loop_finding(context, loop));
      }
    }
  }
};

} // namespace

std::unique_ptr<engine::Rule> make_query_in_loop() {
  return std::make_unique<QueryInLoop>();
}

} // namespace pgadvise::rules
