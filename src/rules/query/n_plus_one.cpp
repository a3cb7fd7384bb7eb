#include "advisor/batch_rewrite.hpp"
#include "advisor/drizzle_render.hpp"
#include "advisor/query_evidence.hpp"
#include "core/format.hpp"
#include "core/text.hpp"
#include "engine/rule.hpp"

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

// `name` as a whole identifier in a JavaScript expression.
bool contains_word(std::string_view text, std::string_view name) {
  const auto word_char = [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '$';
  };
  for (std::size_t at = text.find(name); at != std::string_view::npos; at = text.find(name, at + 1)) {
    const std::size_t end = at + name.size();
    if ((at == 0 || !word_char(text[at - 1])) && (end == text.size() || !word_char(text[end]))) {
      return true;
    }
  }
  return false;
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
    locate_in_code(context, query, parent, path, finding, fix);
    finding.fix = std::move(fix);
    return finding;
  }

  // The Drizzle call in the project's TypeScript that issues the child from
  // inside a loop: the finding moves to its line and the fix is written for
  // it. One call, or every candidate named and none chosen, or none found
  // and said so: never a guessed line.
  static void locate_in_code(const engine::RuleContext& context, const QueryStats& query,
                             const QueryStats* parent, const model::Workload::CodePath* path,
                             core::Finding& finding, core::Fix& fix) {
    const model::Project* project = context.project;
    if (project == nullptr || !project->scanned || !uses_drizzle(context) || query.shape.tables.empty()) {
      return;
    }
    const model::TableUse& ref = query.shape.tables.front();
    const model::Table* table = advisor::find_table(context.catalog, ref.schema, ref.name);
    if (table == nullptr || table->property.empty()) {
      finding.evidence.push_back(
          core::Evidence{"code",
                         "no Drizzle call looked up: the schema gives no Drizzle table variable for " +
                             ref.name + " (schema.ts not read)",
                         {}});
      return;
    }
    const std::vector<std::string> columns = lookup_columns(query);
    std::vector<std::string> props;
    for (const std::string& column : columns) {
      props.push_back(advisor::drizzle_property(*table, column));
    }
    // The loop runs over the parent's rows: it follows a read of the
    // parent's table in the same function (when the parent is known).
    std::string parent_var;
    if (parent != nullptr && !parent->shape.tables.empty()) {
      const model::Table* parent_table = advisor::find_table(
          context.catalog, parent->shape.tables.front().schema, parent->shape.tables.front().name);
      parent_var = parent_table != nullptr ? parent_table->property : std::string();
    }
    const StatementKind kind = query.shape.kind;
    std::vector<const model::QueryCall*> in_loops;
    std::vector<std::string> elsewhere; // the same read, not in a loop over the parent's rows
    for (const model::QueryCall& call : project->query_calls) {
      if (call.table != table->property || !same_kind(kind, call.kind)) {
        continue;
      }
      const bool by_key =
          kind == StatementKind::insert ||
          std::any_of(call.key_columns.begin(), call.key_columns.end(), [&](const std::string& c) {
            return std::find(props.begin(), props.end(), c) != props.end();
          });
      if (!by_key) {
        continue;
      }
      const bool after_parent =
          parent_var.empty() || std::find(call.tables_before.begin(), call.tables_before.end(), parent_var) !=
                                    call.tables_before.end();
      if (!call.loop.empty() && after_parent) {
        in_loops.push_back(&call);
      } else if (elsewhere.size() < 3) {
        const core::SourceLocation& at = call.via.empty() ? call.location : call.via_location;
        elsewhere.push_back(at.to_string() +
                            (call.loop.empty()
                                 ? " (outside any loop)"
                                 : " (in a loop that does not follow a read of " + parent_var + ")"));
      }
    }
    // sqlcommenter's file= names the code path's file.
    std::string file_tag = path != nullptr ? path->file : std::string();
    if (const std::size_t colon = file_tag.find(':'); colon != std::string::npos) {
      file_tag.resize(colon); // `file='src/routes/feed.ts:14'`
    }
    if (!file_tag.empty()) {
      std::erase_if(in_loops, [&](const model::QueryCall* call) {
        return !path_ends_with(call->location.file, file_tag) &&
               !path_ends_with(call->loop_location.file, file_tag);
      });
    }
    // Several calls in one loop are one place to change.
    std::vector<const model::QueryCall*> loops;
    for (const model::QueryCall* call : in_loops) {
      if (std::none_of(loops.begin(), loops.end(), [&](const model::QueryCall* seen) {
            return seen->loop_location == call->loop_location;
          })) {
        loops.push_back(call);
      }
    }
    const std::string what =
        table->property + (props.empty() ? std::string() : " by " + core::join(props, ", "));
    if (loops.empty()) {
      std::string detail =
          "no Drizzle call found in the project's TypeScript that reads " + what + " inside a loop" +
          (parent_var.empty() ? std::string() : " over rows read from " + parent_var) + " (" +
          std::to_string(project->query_files_searched) +
          (project->query_files_searched == 1 ? " file" : " files") + " searched" +
          (file_tag.empty() ? std::string() : ", in " + file_tag + " as the log's file= tag says") + ")";
      if (!elsewhere.empty()) {
        detail += "; it is read at " + core::join(elsewhere, ", ");
      }
      finding.evidence.push_back(core::Evidence{"code", detail, {}});
      return;
    }
    if (loops.size() > 1) {
      std::vector<std::string> places;
      for (const model::QueryCall* call : loops) {
        places.push_back(call_place(*call));
      }
      finding.evidence.push_back(core::Evidence{
          "code",
          std::to_string(loops.size()) + " Drizzle calls in loops read " + what +
              "; the log cannot tell which one issues these bursts: " + core::join(places, "; "),
          {}});
      return;
    }
    const model::QueryCall& call = *loops.front();
    finding.location = call.via.empty() ? call.location : call.via_location;
    finding.message += ", issued at " + finding.location.to_string();
    finding.evidence.insert(finding.evidence.begin(),
                            core::Evidence{"code", call_place(call), finding.location});
    const std::string var = table->property;
    fix.drizzle_file = finding.location.file + ":" + std::to_string(finding.location.line);
    if (kind == StatementKind::insert) {
      fix.drizzle = "// instead of one insert per row in the " + call.loop + " loop:\nawait db.insert(" +
                    var + ").values(" +
                    (call.loop_iterable.empty() ? std::string("rows") : call.loop_iterable) +
                    ".map((row) => ({ /* the row's values */ })));";
      return;
    }
    // The key each row passes, mapped over the loop's rows.
    std::string prop = props.empty() ? std::string("id") : props.front();
    std::string ids = "ids";
    for (std::size_t i = 0; i < call.key_columns.size(); ++i) {
      if (std::find(props.begin(), props.end(), call.key_columns[i]) == props.end()) {
        continue;
      }
      prop = call.key_columns[i];
      const std::string& value = call.key_values[i];
      if (!call.loop_iterable.empty() && !call.loop_variable.empty() &&
          contains_word(value, call.loop_variable)) {
        ids = call.loop_iterable + ".map((" + call.loop_variable + ") => " + value + ")";
      }
      break;
    }
    const std::string member = advisor::drizzle_member(var, prop);
    const bool relational =
        call.kind == model::QueryCallKind::find_first || call.kind == model::QueryCallKind::find_many;
    std::string text = "// one query for all rows instead of one per row in the " + call.loop + " loop at " +
                       call.loop_location.to_string() + ":\n";
    text += relational ? "const found = await db.query." + var + ".findMany({ where: inArray(" + member +
                             ", " + ids + ") });\n"
                       : "const found = await db.select().from(" + var + ").where(inArray(" + member + ", " +
                             ids + "));\n";
    text += "// then take each row's match from `found` (by " + prop + ") inside the loop";
    if (!parent_var.empty()) {
      text += "\n// or load them with the parent rows, given a relation in relations(): db.query." +
              parent_var + ".findMany({ with: { <relation to " + var + ">: true } })";
    }
    fix.drizzle = std::move(text);
  }

  static bool same_kind(StatementKind kind, model::QueryCallKind call) {
    switch (kind) {
    case StatementKind::select:
      return call == model::QueryCallKind::select || call == model::QueryCallKind::find_first ||
             call == model::QueryCallKind::find_many;
    case StatementKind::insert: return call == model::QueryCallKind::insert;
    case StatementKind::update: return call == model::QueryCallKind::update;
    case StatementKind::delete_: return call == model::QueryCallKind::remove;
    default: return false;
    }
  }

  // `src/routes/feed.ts` ends with `routes/feed.ts`, not with `ed.ts`.
  static bool path_ends_with(const std::string& file, const std::string& tail) {
    std::string_view t = tail;
    while (t.rfind("./", 0) == 0) {
      t.remove_prefix(2);
    }
    return !t.empty() && file.size() >= t.size() && file.compare(file.size() - t.size(), t.size(), t) == 0 &&
           (file.size() == t.size() || file[file.size() - t.size() - 1] == '/');
  }

  static std::string call_place(const model::QueryCall& call) {
    std::string out = "the Drizzle call at " + call.location.to_string();
    if (!call.via.empty()) {
      out += ", in " + call.via + "(), called at " + call.via_location.to_string() + ",";
    }
    return out + " inside the " + call.loop + " loop at " + call.loop_location.to_string() +
           (call.loop_iterable.empty() ? std::string() : " over " + call.loop_iterable);
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
