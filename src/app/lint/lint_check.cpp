// Stage 3 of a lint run (app/lint/lint_run.hpp): every rule over the input stage 2
// built (each database's, app/lint/multi_database.cpp, for several).
#include "advisor/drizzle_render.hpp"
#include "app/lint/consolidate.hpp"
#include "app/lint/lint_run.hpp"
#include "app/lint/multi_database.hpp"
#include "app/lint/run_rules.hpp"
#include "app/lint/show_literals.hpp"
#include "engine/table_memo.hpp"

#include <algorithm>
#include <functional>
#include <vector>

namespace pgadvise::app {

namespace {

// Which of the catalog's tables have a part located in a file `checks` accepts.
std::vector<bool> tables_located_in(const model::Catalog& catalog,
                                    const std::function<bool(const core::FilePath&)>& checks) {
  std::vector<bool> out;
  out.reserve(catalog.tables.size());
  const auto in = [&checks](const core::SourceLocation& location) {
    return location.known() && checks(location.file);
  };
  const auto any_in = [&in](const auto& parts) {
    return std::any_of(parts.begin(), parts.end(), [&in](const auto& part) { return in(part.location); });
  };
  for (const model::Table& table : catalog.tables) {
    out.push_back(in(table.location) || in(table.drizzle_location) || any_in(table.columns) ||
                  any_in(table.indexes) || any_in(table.foreign_keys) || any_in(table.checks) ||
                  any_in(table.policies));
  }
  return out;
}

// What the per-table rules' findings read of the project besides the
// catalog (engine::RunInput::table_memo_context): whether it uses Drizzle,
// and the files and commands a Drizzle fix names
// (advisor::DrizzleFixCompletion).
std::string table_memo_context(const model::Project& project) {
  std::string context = project.root.string() + '\n' + (project.uses_drizzle ? "drizzle" : "") + '\n';
  for (const std::string& path : project.drizzle_schema_paths) {
    context += path + '\n';
  }
  return context + (project.uses_drizzle ? advisor::drizzle_migration_commands(project) : std::string());
}

} // namespace

std::optional<core::Error> check_lint_inputs(LintRun& run, std::ostream& err) {
  engine::RunInput& input = run.input;
  if (run.live) {
    analyze_live(run.options.live, *run.live, input.workload, run.sources.project,
                 err); // EXPLAIN, index advisor
    input.live_analysis = run.live->analysis ? &*run.live->analysis : nullptr;
  }
  if (run.table_memo != nullptr && !run.databases.empty()) {
    run.table_memo->clear(); // one database only: this run's are not kept
  }
  if (run.databases.empty()) {
    if (run.checks_tables_in && input.catalog != nullptr) {
      input.checked_tables = tables_located_in(*input.catalog, run.checks_tables_in);
    }
    if (run.table_memo != nullptr) {
      input.table_memo = run.table_memo;
      input.table_memo_context =
          input.project != nullptr ? table_memo_context(*input.project) : std::string();
    }
    run.report = app::run_rules(input, run.settings);
  } else {
    lint_databases(run);
  }
  if (run.load.catalog.source == model::SchemaSource::none && !run.live && !run.database_only) {
    run.load.notes.push_back("no schema found: only the project's scripts, CI and containers were linted");
  }
  if (run.live) {
    if (auto finished = finish_live(run.options.live, *run.live, run.report.findings, input.workload,
                                    run.sources.project);
        !finished) {
      return finished.error();
    }
  }
  // One finding per problem: after the live pass, whose plan evidence it merges too.
  app::consolidate_findings(run.report.findings,
                            run.live && run.live->analysis ? &*run.live->analysis : nullptr);
  if (run.options.show_literals && input.workload != nullptr) {
    add_literal_examples(run.report.findings, *input.workload);
  }
  return std::nullopt;
}

} // namespace pgadvise::app
