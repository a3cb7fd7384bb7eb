// n-plus-one's finding for one loop: the log's evidence, the help and the
// batched fix for its kind of statement, then its place in the code.
#include "rules/query/n_plus_one/finding.hpp"

#include "advisor/batch_rewrite.hpp"
#include "advisor/drizzle_render.hpp"
#include "advisor/query_evidence.hpp"
#include "core/format.hpp"
#include "core/text.hpp"
#include "rules/query/n_plus_one/code.hpp"
#include "rules/query/n_plus_one/rows.hpp"

#include <algorithm>

namespace pgadvise::rules::n_plus_one {

namespace {

using model::QueryStats;
using model::StatementKind;

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

bool uses_drizzle(const engine::RuleContext& context) {
  return context.project != nullptr && context.project->uses_drizzle;
}

std::string digits(std::uint64_t value) {
  return core::group_digits(static_cast<std::int64_t>(value));
}

// What the finding's parts share: the child, its parent, and the counts.
struct Facts {
  Facts(const model::Workload& w, const Bursts& b, const QueryStats& q) : workload(w), bursts(b), query(q) {}
  const model::Workload& workload;
  const Bursts& bursts;
  const QueryStats& query;
  const QueryStats* parent = nullptr;
  std::uint32_t max = 0;
  std::uint32_t med = 0;
  std::uint64_t statements = 0;
  bool insert = false;
  bool writes = false;
  // One set of values in every burst of several: the loop runs over a list
  // fixed in the code (three system roles), not over a query's rows.
  bool constant_list = false;
  // The same parameter sets in every burst, yet the code's loop runs over
  // the parent read's rows: those rows did not change while logged.
  bool rows_unchanged = false;
  std::string table;
};

Facts facts_of(const model::Workload& workload, const Bursts& bursts, const core::Finding& finding) {
  const QueryStats& query = *workload.find(bursts.fingerprint);
  Facts facts(workload, bursts, query);
  facts.parent = workload.find(bursts.parent);
  facts.max = *std::max_element(bursts.counts.begin(), bursts.counts.end());
  facts.med = median(bursts.counts);
  for (const std::uint32_t c : bursts.counts) {
    facts.statements += c;
  }
  facts.insert = query.shape.kind == StatementKind::insert;
  facts.writes =
      facts.insert || query.shape.kind == StatementKind::update || query.shape.kind == StatementKind::delete_;
  facts.constant_list =
      bursts.counts.size() >= 2 && bursts.params_sets.size() == 1 && *bursts.params_sets.begin() != 0;
  facts.table = finding.object.table.empty() ? "the table" : finding.object.table;
  return facts;
}

void headline(const Facts& f, core::Finding& finding) {
  const Bursts& bursts = f.bursts;
  const std::uint64_t parent_runs = bursts.parent_runs;
  const std::string parent_share = f.parent == nullptr
                                       ? std::string()
                                       : core::percent(bursts.share) + " of " + digits(parent_runs) +
                                             (parent_runs == 1 ? " execution of " : " executions of ");
  const StatementKind kind = f.query.shape.kind;
  const std::string what = bursts.transaction_shape != 0    ? "A transaction per row"
                           : kind == StatementKind::insert  ? "Row-by-row inserts"
                           : kind == StatementKind::update  ? "Row-by-row updates"
                           : kind == StatementKind::delete_ ? "Row-by-row deletes"
                                                            : "N+1 queries";
  const std::string unit = bursts.transaction_shape != 0 ? "transaction of " : std::string();
  finding.message =
      (f.constant_list ? "A loop over a constant list, not N+1: " : what + ": ") +
      digits(bursts.counts.size()) + (bursts.counts.size() == 1 ? " burst" : " bursts") + " of " + unit +
      advisor::short_query(f.query.normalized, 100) + " (" + std::to_string(f.med) + " per burst, max " +
      std::to_string(f.max) + ")" +
      (f.parent != nullptr ? " after " + parent_share + advisor::short_query(f.parent->normalized, 80)
                           : std::string());
  if (f.constant_list) {
    finding.severity = core::Severity::info;
  }
}

// How many bursts, where, and how many statements they made.
void burst_evidence(const Facts& f, core::Finding& finding) {
  const Bursts& bursts = f.bursts;
  std::string burst_detail =
      digits(bursts.counts.size()) + (bursts.counts.size() == 1 ? " burst in " : " bursts in ") +
      std::to_string(bursts.sessions.size()) + (bursts.sessions.size() == 1 ? " session" : " sessions") +
      ", " + digits(bursts.in_transaction) + " inside a transaction; " + digits(f.statements) +
      " statements, median " + std::to_string(f.med) + " and max " + std::to_string(f.max) +
      " per burst, each with different parameters";
  if (f.workload.has_durations) {
    burst_detail += "; " + core::human_duration_ms(bursts.total_ms) + " spent in the bursts";
  }
  finding.evidence.insert(finding.evidence.begin(),
                          core::Evidence{core::Evidence::Kind::log, burst_detail, bursts.first});
  if (f.rows_unchanged) {
    finding.evidence.push_back(core::Evidence{
        core::Evidence::Kind::log,
        "every burst ran with the same " + std::to_string(f.med) +
            " parameter sets, as a loop over a list fixed in the code would, but the code's loop runs over "
            "the rows of its parent read: those rows did not change while the log was written, and the "
            "statements grow with them",
        bursts.first});
  }
  if (f.constant_list) {
    finding.evidence.push_back(core::Evidence{
        core::Evidence::Kind::log,
        "every burst ran with the same " + std::to_string(f.med) +
            " parameter sets: the loop runs over a list fixed in the code, whatever the data, so the "
            "number of statements does not grow with the rows",
        bursts.first});
  }
}

// How the bursts were grouped: across backends, by trace id, a
// transaction per row, a body that varies per row.
void grouping_evidence(const Facts& f, core::Finding& finding) {
  const Bursts& bursts = f.bursts;
  if (bursts.fan_outs > 0) {
    finding.evidence.push_back(core::Evidence{
        core::Evidence::Kind::log,
        digits(bursts.fan_outs) + (bursts.fan_outs == 1 ? " burst ran" : " bursts ran") +
            " on several backends of one database, user and application at once (a pool running the "
            "loop's statements concurrently, e.g. Promise.all over rows): up to " +
            std::to_string(bursts.max_backends) + " backends (" + bursts.backend_list + "), the children " +
            "within " + core::human_duration_ms(static_cast<double>(bursts.max_window_us) / 1000.0) +
            " of each other, one execution of the parent before them",
        bursts.first});
  } else if (bursts.traced > 0) {
    finding.evidence.push_back(core::Evidence{
        core::Evidence::Kind::log,
        digits(bursts.traced) + (bursts.traced == 1 ? " burst is" : " bursts are") +
            " the statements of one request by their sqlcommenter traceparent trace id" +
            (bursts.backend_list.empty() ? std::string()
                                         : ", on up to " + std::to_string(bursts.max_backends) +
                                               " backends (" + bursts.backend_list + ")"),
        bursts.first});
  } else if (bursts.keyed > 0) {
    finding.evidence.push_back(core::Evidence{
        core::Evidence::Kind::log,
        digits(bursts.keyed) + (bursts.keyed == 1 ? " burst is" : " bursts are") +
            " one request's rows on several backends of one client, joined by a key value they all "
            "share (the parent's key in the same column of each), on up to " +
            std::to_string(bursts.max_backends) + " backends (" + bursts.backend_list + ")",
        bursts.first});
  }
  if (bursts.transaction_shape != 0) {
    std::vector<std::string> members;
    const auto shape = f.workload.transaction_shapes.find(bursts.transaction_shape);
    if (shape != f.workload.transaction_shapes.end()) {
      for (const std::uint64_t member : shape->second) {
        if (const QueryStats* stats = f.workload.find(member); stats != nullptr) {
          members.push_back(advisor::short_query(stats->normalized, 80));
        }
      }
    }
    finding.evidence.push_back(
        core::Evidence{core::Evidence::Kind::log,
                       "each row is a transaction of its own (BEGIN; " + core::join(members, "; ") +
                           "; COMMIT): the loop calls a function that opens a transaction",
                       bursts.first});
  }
  if (bursts.interleaved > 0) {
    finding.evidence.push_back(core::Evidence{
        core::Evidence::Kind::log,
        "the loop body varies per row: other statements (optional for some rows) run between the "
        "executions",
        bursts.first});
  }
}

const model::Workload::CodePath* code_path_of(const Facts& f) {
  const std::uint32_t path = f.bursts.code_path;
  return path != 0 && path <= f.workload.code_paths.size() ? &f.workload.code_paths[path - 1] : nullptr;
}

// Where the application says the bursts come from, the parent's share,
// and the caps met.
void source_evidence(const Facts& f, core::Finding& finding) {
  const Bursts& bursts = f.bursts;
  // The application named the code path in sqlcommenter tags.
  if (const model::Workload::CodePath* path = code_path_of(f); path != nullptr) {
    const std::string where =
        path->route.empty() ? path->file : path->route + (path->file.empty() ? "" : " (" + path->file + ")");
    finding.message += ", in " + where;
    finding.evidence.push_back(core::Evidence{core::Evidence::Kind::log,
                                              "sqlcommenter tags of the bursts: route '" + path->route +
                                                  "', file '" + path->file + "'",
                                              bursts.first});
  }
  if (f.parent != nullptr) {
    std::string detail = "parent statement: a run of the child follows " + digits(bursts.followed_runs) +
                         " of its " + digits(bursts.parent_runs) + " executions (" +
                         core::percent(bursts.share) + ")";
    const std::uint64_t batched =
        f.parent->calls - std::min(f.parent->calls, bursts.parent_runs + bursts.left_out);
    if (batched > 0) {
      detail += "; " + digits(batched) + " more are followed by one batched query of " + f.table +
                " and are left out";
    }
    if (bursts.left_out > 0) {
      detail += "; " + digits(bursts.left_out) +
                " more are followed by another loop (another code path) and are left out";
    }
    finding.evidence.push_back(core::Evidence{core::Evidence::Kind::query,
                                              detail + ": " + advisor::short_query(f.parent->normalized),
                                              f.parent->first_seen});
  }
  if (f.workload.repeats_dropped > 0) {
    finding.evidence.push_back(core::Evidence{core::Evidence::Kind::log,
                                              std::to_string(f.workload.repeats_dropped) +
                                                  " more repeat groups were not kept (memory cap): counts "
                                                  "are a lower bound",
                                              {}});
  }
}

// The names the fix is written with: the table's Drizzle variable and its
// key column and property.
struct FixNames {
  std::string var;
  std::string key_column;
  std::string key_prop;
};

FixNames fix_names(const engine::RuleContext& context, const Facts& f, const core::Finding& finding) {
  const model::Table* catalog_table = advisor::find_table(context.catalog, finding.object.schema, f.table);
  FixNames names;
  names.var = drizzle_table_var(catalog_table, f.table);
  names.key_column = finding.object.columns.empty() ? std::string("id") : finding.object.columns.front();
  names.key_prop = catalog_table != nullptr ? advisor::drizzle_property(*catalog_table, names.key_column)
                                            : core::snake_to_camel(names.key_column);
  return names;
}

void insert_fix(const engine::RuleContext& context, const Facts& f, const FixNames& names,
                core::Finding& finding, core::Fix& fix) {
  finding.help =
      std::string(f.bursts.transaction_shape != 0
                      ? "The application opens a transaction per row (a helper that calls db.transaction "
                        "inside a loop) and inserts one row in each. "
                      : "The application inserts one row per statement. ") +
      "Send the rows of a batch in one statement, in one transaction: "
      "INSERT ... VALUES (...), (...), ... or INSERT ... SELECT * FROM unnest($1::type[], ...) with "
      "one array parameter per column, or COPY for large loads. One round trip and one plan instead "
      "of " +
      std::to_string(f.max) + ".";
  fix.safety_note = "Keep batches to a few thousand rows so one statement does not hold locks for long.";
  fix.code().sends = advisor::unnest_rewrite(
      f.query.normalized, advisor::find_table(context.catalog, finding.object.schema, f.table));
  if (uses_drizzle(context)) {
    fix.code().code = "await db.insert(" + names.var + ").values(rows); // one INSERT for the whole array";
  }
}

void write_fix(const engine::RuleContext& context, const Facts& f, const FixNames& names,
               core::Finding& finding, core::Fix& fix) {
  const bool update = f.query.shape.kind == StatementKind::update;
  finding.help = std::string("The application ") + (update ? "updates" : "deletes") +
                 " one row per statement, once per row of " +
                 (f.parent != nullptr ? "the parent query" : "a previous result") +
                 (f.bursts.transaction_shape != 0 ? ", each in a transaction of its own" : std::string()) +
                 ". Do it once for all of them: WHERE " + names.key_column +
                 " = ANY($1) with the keys as an array, in one statement" +
                 (update ? " (when every row gets the same new values; per-row values: UPDATE ... FROM "
                           "(VALUES ...) or unnest of arrays joined on the key)"
                         : std::string()) +
                 ".";
  fix.code().sends = advisor::any_rewrite(f.query.shape, f.query.normalized);
  if (uses_drizzle(context)) {
    fix.code().code =
        std::string("await db.") +
        (update ? "update(" + names.var + ").set({ /* the new values */ })" : "delete(" + names.var + ")") +
        ".where(inArray(" + advisor::drizzle_member(names.var, names.key_prop) + ", ids));";
  }
}

void read_fix(const engine::RuleContext& context, const Facts& f, const FixNames& names,
              core::Finding& finding, core::Fix& fix) {
  finding.help = "The application runs this statement once per row of " +
                 std::string(f.parent != nullptr ? "the parent query" : "a previous result") +
                 (f.bursts.transaction_shape != 0 ? ", each in a transaction of its own" : std::string()) +
                 ". Fetch all of them at once: JOIN " + f.table +
                 " in the parent query, or run this statement "
                 "once with the parent's keys as an array (WHERE " +
                 names.key_column + " = ANY($1)) and group the rows in the application.";
  fix.code().sends = advisor::any_rewrite(f.query.shape, f.query.normalized);
  if (uses_drizzle(context)) {
    fix.code().code = "// relational query: db.query.<parent>.findMany({ with: { " + names.var +
                      ": true } })\n// or one query for all parent keys:\nawait db.select().from(" +
                      names.var + ").where(inArray(" + advisor::drizzle_member(names.var, names.key_prop) +
                      ", ids));";
  }
}

// The help and the batched fix for the child's kind of statement.
core::Fix help_and_fix(const engine::RuleContext& context, const Facts& f, core::Finding& finding) {
  core::Fix fix;
  fix.change.emplace<core::CodeChange>(); // the loop's queries as one, and the statement it sends
  const FixNames names = fix_names(context, f, finding);
  if (f.constant_list) {
    finding.help = "The loop runs over values fixed in the code, so it issues the same " +
                   std::to_string(f.med) +
                   " statements every time, however much data there is: not an N+1. It could still be "
                   "one statement (WHERE " +
                   names.key_column + " = ANY($1) with the list) if the round trips matter.";
    fix.code().sends =
        f.writes && !f.insert ? std::string() : advisor::any_rewrite(f.query.shape, f.query.normalized);
  } else if (f.insert) {
    insert_fix(context, f, names, finding, fix);
  } else if (f.writes) {
    write_fix(context, f, names, finding, fix);
  } else {
    read_fix(context, f, names, finding, fix);
  }
  return fix;
}

core::Finding burst_finding(std::string_view rule_id, const engine::RuleContext& context,
                            const Bursts& bursts, bool several_parents) {
  const model::Workload& workload = *context.workload;
  const QueryStats& query = *workload.find(bursts.fingerprint);
  core::Finding finding = advisor::query_finding(rule_id, context.severity, query, context.catalog);
  finding.location = bursts.first;
  finding.object.columns = lookup_columns(query);
  if (several_parents) {
    // The same child after two code paths: two findings, two fixes.
    finding.compute_fingerprint(advisor::fingerprint_hex(query.fingerprint) + ":" +
                                advisor::fingerprint_hex(bursts.parent));
  }
  Facts facts = facts_of(workload, bursts, finding);
  facts.rows_unchanged = facts.constant_list && loop_over_parent_rows(context, query, facts.parent);
  facts.constant_list = facts.constant_list && !facts.rows_unchanged;
  headline(facts, finding);
  burst_evidence(facts, finding);
  grouping_evidence(facts, finding);
  source_evidence(facts, finding);
  core::Fix fix = help_and_fix(context, facts, finding);
  locate_in_code(context, query, facts.parent, code_path_of(facts),
                 LoggedRuns{.transaction_per_row = bursts.transaction_shape != 0,
                            .parent_unsure = bursts.fan_outs + bursts.keyed == bursts.counts.size()},
                 finding, fix);
  finding.fix = std::move(fix);
  return finding;
}

// The loop body's other per-row statements, in the finding of its main one.
void add_loop_body(const model::Workload& workload, const std::vector<const Bursts*>& body,
                   core::Finding& finding) {
  if (body.size() < 2) {
    return;
  }
  std::vector<std::string> others;
  for (std::size_t i = 1; i < body.size(); ++i) {
    const QueryStats* stats = workload.find(body[i]->fingerprint);
    if (stats == nullptr) {
      continue;
    }
    others.push_back(advisor::short_query(stats->normalized, 60));
    finding.evidence.push_back(
        core::Evidence{core::Evidence::Kind::log,
                       "the same loop also runs, per row: " + advisor::short_query(stats->normalized) + " (" +
                           digits(body[i]->statements) + " statements in " + digits(body[i]->counts.size()) +
                           " bursts, median " + std::to_string(median(body[i]->counts)) + " per burst)",
                       body[i]->first});
  }
  finding.message += "; per row also " + core::join(others, "; ");
}

} // namespace

core::Finding loop_finding(std::string_view rule_id, const engine::RuleContext& context, const Loop& loop) {
  core::Finding finding = burst_finding(rule_id, context, *loop.body.front(), loop.several_parents);
  add_loop_body(*context.workload, loop.body, finding);
  // The most expensive loop first: its per-row executions, all statements
  // of the body, as the log shows them.
  std::uint64_t executions = 0;
  for (const Bursts* bursts : loop.body) {
    executions += bursts->statements;
  }
  finding.weight = static_cast<std::uint32_t>(std::min<std::uint64_t>(executions, UINT32_MAX));
  return finding;
}

} // namespace pgadvise::rules::n_plus_one
