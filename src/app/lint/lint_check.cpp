// Stage 3 of a lint run (app/lint/lint_run.hpp): every rule over what was read.
#include "advisor/drizzle_render.hpp"
#include "app/inputs/discovery_files.hpp"
#include "app/inputs/drizzle_configs.hpp"
#include "app/lint/consolidate.hpp"
#include "app/lint/lint_run.hpp"
#include "app/lint/run_rules.hpp"
#include "app/lint/show_literals.hpp"
#include "app/scope/lens.hpp"
#include "core/hash.hpp"
#include "core/text.hpp"
#include "loaders/sql/migrations.hpp"
#include "rules/registry.hpp"

#include <algorithm>
#include <map>

namespace pgadvise::app {

namespace {

// Where a database's drizzle.config sits, from the project root: what its
// findings' fingerprints are made distinct by, the same wherever pgadvise
// runs.
std::string database_key(const std::filesystem::path& config, const model::Project& project) {
  const std::filesystem::path relative =
      discovery_files::absolute_normal(config).lexically_relative(project.root);
  return relative.empty() ? config.generic_string() : relative.generic_string();
}

// The schema of each further drizzle.config found (packages/db, packages/auth,
// ...) linted on its own: its schema rules' findings join the report, each
// saying which database it belongs to, with a fingerprint of its own (two
// projects of one folder both have an `organizations` table: a baseline or a
// code-scanning alert of one is not the other's). Project rules ran once
// already.
void tag_database(std::vector<core::Finding>& findings, std::size_t from, const std::string& config,
                  const std::string& key) {
  for (std::size_t i = from; i < findings.size(); ++i) {
    const engine::Rule* rule = rules::find_rule(findings[i].rule);
    const bool project_only = rule != nullptr && rule->meta().inputs == std::vector{engine::Input::project};
    if (!project_only) {
      findings[i].evidence.push_back({core::Evidence::Kind::database, config, {config, 0, 0}});
      findings[i].fingerprint = core::to_hex(core::fnv1a64(findings[i].fingerprint + '\x1f' + key));
    }
  }
}

// What a database's schema is read from: two configs of one migrations
// folder (apps/web's pointing at packages/db's `out`, a dev and a prod
// config) are one database, linted once.
std::string schema_identity(const SchemaSources& sources) {
  if (sources.migrations_dir) {
    return "sql:" + discovery_files::absolute_normal(*sources.migrations_dir).generic_string();
  }
  if (sources.snapshot) {
    return "snapshot:" + discovery_files::absolute_normal(*sources.snapshot).generic_string();
  }
  std::vector<std::string> files;
  for (const std::filesystem::path& file : sources.schema_ts) {
    files.push_back(discovery_files::absolute_normal(file).generic_string());
  }
  std::sort(files.begin(), files.end());
  return files.empty() ? std::string() : "schema:" + core::join(files, "\x1e");
}

void count_schema(const model::Catalog& catalog, DatabaseCounts& counts) {
  counts.tables += catalog.tables.size();
  for (const model::Table& table : catalog.tables) {
    counts.indexes += table.indexes.size();
    counts.foreign_keys += table.foreign_keys.size();
  }
}

// A database's folder (its drizzle.config's) and its generate + migrate commands.
struct DatabaseHome {
  std::filesystem::path dir;
  std::string commands;
};

std::size_t shared_folders(const std::filesystem::path& a, const std::filesystem::path& b) {
  std::size_t out = 0;
  for (auto i = a.begin(), j = b.begin(); i != a.end() && j != b.end() && *i == *j; ++i, ++j) {
    ++out;
  }
  return out;
}

// The project rules ran once, with the first database's project, so their
// fixes name its commands: a finding in another project's files (a folder
// of projects: query-in-loop in project05/apps/api) takes the commands of
// the database whose drizzle.config shares the most leading folders with
// its file; on a tie it keeps the first's.
void retarget_project_commands(std::vector<core::Finding>& findings, std::size_t count,
                               const std::vector<DatabaseHome>& homes) {
  for (std::size_t i = 0; i < count && homes.size() > 1; ++i) {
    core::Finding& finding = findings[i];
    const engine::Rule* rule = rules::find_rule(finding.rule);
    const bool project_only = rule != nullptr && rule->meta().inputs == std::vector{engine::Input::project};
    if (!project_only || !finding.fix || finding.fix->commands != homes.front().commands ||
        !finding.location.known()) {
      continue; // the first database's own findings are its own
    }
    const std::filesystem::path file = discovery_files::absolute_normal(finding.location.file.str());
    std::size_t best = 0;
    std::size_t best_shared = shared_folders(file, homes.front().dir);
    bool tie = false;
    for (std::size_t h = 1; h < homes.size(); ++h) {
      const std::size_t shared = shared_folders(file, homes[h].dir);
      tie = shared == best_shared ? true : (shared > best_shared ? false : tie);
      if (shared > best_shared) {
        best = h;
        best_shared = shared;
      }
    }
    if (best != 0 && !tie) {
      finding.fix->commands = homes[best].commands;
    }
  }
}

void lint_other_databases(LintRun& run) {
  const SchemaSources& sources = run.sources;
  engine::RunReport& report = run.report;
  std::vector<std::string>& notes = run.load.notes;
  // The project as this database's drizzle.config sees it: its own schema
  // files and migrations, so its Drizzle fixes name its schema file and the
  // scripts that generate for this config (not the first one's).
  const auto project_for = [&sources](const model::Project& other) {
    model::Project project = sources.project;
    project.drizzle_config = other.drizzle_config;
    project.drizzle_out = other.drizzle_out;
    // Its schema entries are relative to its own discovery's root.
    project.drizzle_schema_paths.clear();
    for (const std::string& entry : other.drizzle_schema_paths) {
      project.drizzle_schema_paths.push_back(relative_out(project.root, other.root, entry));
    }
    project.casing = other.casing;
    return project;
  };
  const std::string first = loaders::display_path(sources.databases.front());
  tag_database(report.findings, 0, first, database_key(sources.databases.front(), sources.project));
  const std::size_t first_count = report.findings.size();
  std::vector<DatabaseHome> homes = {
      {discovery_files::absolute_normal(sources.databases.front()).parent_path(),
       advisor::drizzle_migration_commands(sources.project)}};
  std::map<std::string, std::string> linted; // schema_identity() -> the config that linted it
  if (const std::string identity = schema_identity(sources); !identity.empty()) {
    linted.emplace(identity, first);
  }
  std::vector<const engine::Rule*> schema_rules;
  for (const engine::Rule* rule : rules::rule_set()) {
    const std::vector<engine::Input>& inputs = rule->meta().inputs;
    if (std::find(inputs.begin(), inputs.end(), engine::Input::project) == inputs.end()) {
      schema_rules.push_back(rule);
    }
  }
  for (std::size_t i = 1; i < sources.databases.size(); ++i) {
    const std::string config = loaders::display_path(sources.databases[i]);
    auto other = app::discover({sources.databases[i]});
    if (!other) {
      notes.push_back("database " + config + ": " + other.error().to_string());
      continue;
    }
    if (const std::string identity = schema_identity(*other); !identity.empty()) {
      const auto [at, added] = linted.emplace(identity, config);
      if (!added) {
        notes.push_back("database " + config + ": the same schema as " + at->second + "'s, linted once");
        continue;
      }
    }
    loaders::SchemaLoad load = app::load_schema(*other);
    run.other_migrations.push_back(load.replayed_files);
    run.other_databases.configs.push_back(config);
    count_schema(load.catalog, run.other_databases);
    for (const std::string& note : load.notes) {
      notes.push_back("database " + config + ": " + note);
    }
    // The rules see this database's project, so that a Drizzle project's
    // findings carry their Drizzle lines as the first database's do; the
    // rules that judge the project alone ran once already.
    const model::Project project = project_for(other->project);
    engine::RunInput input;
    input.catalog = &load.catalog;
    input.project = &project;
    input.diagnostics = load.diagnostics;
    input.other_schemas = &load.other_schemas;
    input.files_catalog = &load.catalog;
    input.suppressions = load.suppressions;
    engine::RunReport more = engine::run(input, run.settings, schema_rules);
    advisor::complete_drizzle_fixes(more.findings, &load.catalog, project);
    homes.push_back({discovery_files::absolute_normal(sources.databases[i]).parent_path(),
                     advisor::drizzle_migration_commands(project)});
    const std::size_t from = report.findings.size();
    report.findings.insert(report.findings.end(), more.findings.begin(), more.findings.end());
    tag_database(report.findings, from, config, database_key(sources.databases[i], sources.project));
    report.suppressed += more.suppressed;
    report.hidden += more.hidden;
  }
  retarget_project_commands(report.findings, first_count, homes);
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
    lint_other_databases(run);
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
