// Stage 3 of a lint run (app/lint/lint_run.hpp): every rule over what was read.
#include "advisor/drizzle_render.hpp"
#include "app/lint/consolidate.hpp"
#include "app/lint/lint_run.hpp"
#include "app/lint/run_rules.hpp"
#include "app/lint/show_literals.hpp"
#include "app/scope/lens.hpp"
#include "loaders/sql/migrations.hpp"
#include "rules/registry.hpp"

namespace pgadvise::app {

namespace {

// The schema of each further drizzle.config found (packages/db, packages/auth,
// ...) linted on its own: its schema rules' findings join the report, each
// saying which database it belongs to. Project rules ran once already.
void tag_database(std::vector<core::Finding>& findings, std::size_t from, const std::string& config) {
  for (std::size_t i = from; i < findings.size(); ++i) {
    const engine::Rule* rule = rules::find_rule(findings[i].rule);
    const bool project_only = rule != nullptr && rule->meta().inputs == std::vector{engine::Input::project};
    if (!project_only) {
      findings[i].evidence.push_back({core::Evidence::Kind::database, config, {config, 0, 0}});
    }
  }
}

void lint_other_databases(const SchemaSources& sources, const core::Settings& settings,
                          engine::RunReport& report, std::vector<std::string>& notes,
                          std::vector<std::vector<std::string>>& migrations) {
  // The project as this database's drizzle.config sees it: its own schema
  // files and migrations, so its Drizzle fixes name its schema file and the
  // scripts that generate for this config (not the first one's).
  const auto project_for = [&sources](const model::Project& other) {
    model::Project project = sources.project;
    project.drizzle_config = other.drizzle_config;
    project.drizzle_out = other.drizzle_out;
    project.drizzle_schema_paths = other.drizzle_schema_paths;
    project.casing = other.casing;
    return project;
  };
  const std::string first = loaders::display_path(sources.databases.front());
  tag_database(report.findings, 0, first);
  for (std::size_t i = 1; i < sources.databases.size(); ++i) {
    const std::string config = loaders::display_path(sources.databases[i]);
    auto other = app::discover({sources.databases[i]});
    if (!other) {
      notes.push_back("database " + config + ": " + other.error().to_string());
      continue;
    }
    loaders::SchemaLoad load = app::load_schema(*other);
    migrations.push_back(load.replayed_files);
    for (const std::string& note : load.notes) {
      notes.push_back("database " + config + ": " + note);
    }
    engine::RunInput input;
    input.catalog = &load.catalog;
    input.diagnostics = load.diagnostics;
    input.other_schemas = &load.other_schemas;
    input.files_catalog = &load.catalog;
    input.suppressions = load.suppressions;
    engine::RunReport more = app::run_rules(input, settings);
    // Not in `input`, so that the project rules do not run twice.
    advisor::complete_drizzle_fixes(more.findings, &load.catalog, project_for(other->project));
    const std::size_t from = report.findings.size();
    report.findings.insert(report.findings.end(), more.findings.begin(), more.findings.end());
    tag_database(report.findings, from, config);
    report.suppressed += more.suppressed;
    report.hidden += more.hidden;
  }
}

} // namespace

std::optional<core::Error> check_lint_inputs(LintRun& run, std::ostream& err) {
  engine::RunInput& input = run.input;
  input.catalog = &run.load.catalog;
  input.project = &run.sources.project;
  input.diagnostics = run.load.diagnostics;
  input.other_schemas = &run.load.other_schemas; // snapshot-drift
  input.files_catalog = &run.load.catalog; // stays the files' schema when --db makes the live one primary
  if (run.workload) {
    input.workload = &run.workload->workload;
    input.diagnostics.insert(input.diagnostics.end(), run.workload->diagnostics.begin(),
                             run.workload->diagnostics.end());
  }
  if (run.live) {
    LiveRun& live = *run.live;
    if (!live.pending_tables.empty() && live.catalog.drizzle_migrations) {
      mark_tables_pending_migrations_create(
          run.load.catalog, live.pending_tables,
          pending_migrations(run.load.replayed_files, *live.catalog.drizzle_migrations));
    }
    input.catalog = &live.catalog;
    input.workload = choose_workload(input.workload, live);
    input.diagnostics.insert(input.diagnostics.end(), live.diagnostics.begin(), live.diagnostics.end());
    analyze_live(run.options.live, live, input.workload, run.sources.project, err); // EXPLAIN, index advisor
    input.live_analysis = live.analysis ? &*live.analysis : nullptr;
  }
  input.suppressions = run.load.suppressions;
  run.report = app::run_rules(input, run.settings);
  if (run.load.catalog.source == model::SchemaSource::none && !run.live && !run.database_only) {
    run.load.notes.push_back("no schema found: only the project's scripts, CI and containers were linted");
  }
  if (run.sources.databases.size() > 1) {
    lint_other_databases(run.sources, run.settings, run.report, run.load.notes, run.other_migrations);
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
