#include "app/lint.hpp"

#include "app/baseline.hpp"
#include "app/changed_files.hpp"
#include "app/config.hpp"
#include "app/consolidate.hpp"
#include "app/discovery.hpp"
#include "app/exit_codes.hpp"
#include "app/lens.hpp"
#include "app/report_facts.hpp"
#include "app/report_output.hpp"
#include "app/run_rules.hpp"
#include "app/show_literals.hpp"
#include "app/stats.hpp"
#include "core/result.hpp"
#include "core/settings.hpp"
#include "core/text.hpp"
#include "engine/builtin_diagnostics.hpp"
#include "engine/runner.hpp"
#include "loaders/project/scan.hpp"
#include "loaders/sql/migrations.hpp"
#include "reporters/formats.hpp"
#include "reporters/report.hpp"
#include "rules/registry.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <unistd.h>

namespace pgadvise::app {

namespace {

bool known_id(std::string_view id) {
  if (rules::find_rule(id) != nullptr) {
    return true;
  }
  for (const auto& diag : engine::builtin_diagnostics()) {
    if (diag.id == id) {
      return true;
    }
  }
  return false;
}

// Turns the command line into Settings, or explains what is wrong.
core::Result<core::Settings> make_settings(const LintOptions& options) {
  core::Settings settings;
  settings.verbose = options.verbose;
  const std::string fail_on = options.fail_on.empty() ? "high" : options.fail_on;
  const std::string min_severity = options.min_severity.empty() ? "low" : options.min_severity;
  if (core::to_lower(fail_on) == "none" || core::to_lower(fail_on) == "never") {
    settings.fail_on.reset();
  } else if (auto level = core::parse_severity(fail_on)) {
    settings.fail_on = *level;
  } else {
    return core::Error("--fail-on: unknown severity '" + fail_on +
                       "' (critical, high, medium, low, info or none)");
  }
  if (auto level = core::parse_severity(min_severity)) {
    settings.min_severity = *level;
  } else {
    return core::Error("--min-severity: unknown severity '" + min_severity + "'");
  }
  for (const std::string& id : options.rules) {
    if (!known_id(id)) {
      return core::Error("--rule: no rule named '" + id + "' (see `pgadvise rules`)");
    }
    settings.only_rules.push_back(id);
  }
  for (const std::string& id : options.disable) {
    if (!known_id(id)) {
      return core::Error("--disable: no rule named '" + id + "' (see `pgadvise rules`)");
    }
    settings.disabled.push_back(id);
  }
  for (const std::string& pair : options.severities) {
    const auto eq = pair.find('=');
    const std::string id = pair.substr(0, eq);
    if (eq == std::string::npos || !known_id(id)) {
      return core::Error("--severity: expected RULE=LEVEL with a known rule, got '" + pair + "'");
    }
    auto level = core::parse_severity(pair.substr(eq + 1));
    if (!level) {
      return core::Error("--severity: unknown severity in '" + pair + "'");
    }
    settings.severity_overrides[id] = *level;
  }
  for (const std::string& pair : options.options) {
    const auto dot = pair.find('.');
    const auto eq = pair.find('=');
    if (dot == std::string::npos || eq == std::string::npos || eq < dot) {
      return core::Error("--option: expected RULE.NAME=VALUE, got '" + pair + "'");
    }
    const std::string id = pair.substr(0, dot);
    const std::string name = pair.substr(dot + 1, eq - dot - 1);
    const engine::Rule* rule = rules::find_rule(id);
    if (rule == nullptr) {
      return core::Error("--option: no rule named '" + id + "'");
    }
    const auto& known = rule->meta().options;
    if (std::none_of(known.begin(), known.end(),
                     [&](const engine::RuleOption& o) { return o.name == name; })) {
      return core::Error("--option: rule '" + id + "' has no option '" + name + "'");
    }
    settings.rule_options[id][name] = pair.substr(eq + 1);
  }
  return settings;
}

// The config file (--config, else the nearest .pgadvise.toml), or nullopt.
core::Result<std::optional<Config>> read_config(const LintOptions& options) {
  std::optional<std::filesystem::path> file;
  if (!options.config.empty()) {
    file = options.config;
  } else {
    file = find_config(std::filesystem::current_path());
  }
  if (!file) {
    return std::optional<Config>{};
  }
  auto config = load_config(*file);
  if (!config) {
    return config.error();
  }
  return std::optional<Config>{std::move(*config)};
}

// The command line over the config file: a flag given wins; lists from the
// file come first so a flag's RULE=LEVEL or RULE.NAME=VALUE overrides them.
LintOptions with_config(LintOptions options, const Config& config, std::ostream& err) {
  if (options.paths.empty()) {
    options.paths = config.paths;
  }
  if (!options.workload.requested()) {
    options.workload.logs = config.logs;
  }
  if (options.workload.log_line_prefix.empty()) {
    options.workload.log_line_prefix = config.log_line_prefix;
  }
  if (!options.live.requested() && !config.database_env.empty()) {
    const char* value = std::getenv(config.database_env.c_str());
    if (value != nullptr && *value != '\0') {
      options.live.db_given = true;
      options.live.db = value;
    } else if (options.verbose) {
      err << "pgadvise: " << config.file.string() << " names $" << config.database_env
          << " for the database; it is not set, so no live checks\n";
    }
  }
  if (options.baseline_command && options.record_baseline.empty()) {
    options.record_baseline = config.baseline;
  }
  if (options.fail_on.empty()) {
    options.fail_on = config.fail_on;
  }
  options.all_migrations = options.all_migrations || config.all_migrations;
  if (options.min_severity.empty()) {
    options.min_severity = config.min_severity;
  }
  std::vector<std::string> severities;
  std::vector<std::string> rule_options;
  for (const auto& [id, rule] : config.rules) {
    if (rule.enabled && !*rule.enabled) {
      options.disable.push_back(id);
    }
    if (!rule.severity.empty()) {
      severities.push_back(id + "=" + rule.severity);
    }
    for (const auto& [name, value] : rule.options) {
      rule_options.push_back(id + "." + name + "=" + value);
    }
  }
  // [environments]: the names drizzle-push-in-production reads as each environment.
  for (const auto& [environment, names] : config.environments) {
    if (!names.empty()) {
      rule_options.push_back("drizzle-push-in-production." + environment +
                             "-names=" + core::join(names, ","));
    }
  }
  options.severities.insert(options.severities.begin(), severities.begin(), severities.end());
  options.options.insert(options.options.begin(), rule_options.begin(), rule_options.end());
  return options;
}

// Findings located in files the config's ignore globs match; returns how many.
std::size_t drop_ignored(std::vector<core::Finding>& findings, const Config& config) {
  const std::size_t before = findings.size();
  std::erase_if(findings, [&](const core::Finding& f) { return ignored_by(config, f.location.file); });
  return before - findings.size();
}

// `pgadvise baseline`: the run's findings become the baseline file.
int record_baseline(const std::string& path, const engine::RunReport& report, std::ostream& err) {
  std::error_code ec;
  if (const std::filesystem::path parent = std::filesystem::path(path).parent_path(); !parent.empty()) {
    std::filesystem::create_directories(parent, ec); // a failure shows as "cannot write" below
  }
  std::ofstream file(path);
  if (!file) {
    err << "pgadvise: cannot write " << path << "\n";
    return k_exit_usage;
  }
  write_baseline(file, make_baseline(report.findings));
  file.flush();
  if (!file) {
    err << "pgadvise: error writing " << path << "\n";
    return k_exit_usage;
  }
  err << "pgadvise: recorded " << report.findings.size() << " finding"
      << (report.findings.size() == 1 ? "" : "s") << " in " << path << "\n";
  return k_exit_ok;
}

// --baseline: drops the findings the file holds; says how many.
core::Result<std::size_t> apply_baseline(const std::string& path, engine::RunReport& report,
                                         std::ostream& err) {
  auto baseline = read_baseline(path);
  if (!baseline) {
    return baseline.error();
  }
  report.baselined = drop_baselined(report.findings, *baseline);
  err << "pgadvise: " << report.baselined << " finding" << (report.baselined == 1 ? " is" : "s are")
      << " in the baseline " << path << " and not reported\n";
  return report.baselined;
}

bool use_color(const std::string& mode, bool to_terminal) {
  if (mode == "always") {
    return true;
  }
  if (mode == "never") {
    return false;
  }
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color != nullptr && *no_color != '\0') {
    return false;
  }
  return to_terminal;
}

// The schema of each further drizzle.config found (packages/db, packages/auth,
// ...) linted on its own: its schema rules' findings join the report, each
// saying which database it belongs to. Project rules ran once already.
void tag_database(std::vector<core::Finding>& findings, std::size_t from, const std::string& config) {
  for (std::size_t i = from; i < findings.size(); ++i) {
    const engine::Rule* rule = rules::find_rule(findings[i].rule);
    const bool project_only = rule != nullptr && rule->meta().inputs == std::vector{engine::Input::project};
    if (!project_only) {
      findings[i].evidence.push_back({"database", config, {config, 0, 0}});
    }
  }
}

void lint_other_databases(const SchemaSources& sources, const core::Settings& settings,
                          engine::RunReport& report, std::vector<std::string>& notes) {
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
    const std::size_t from = report.findings.size();
    report.findings.insert(report.findings.end(), more.findings.begin(), more.findings.end());
    tag_database(report.findings, from, config);
    report.suppressed += more.suppressed;
    report.hidden += more.hidden;
  }
}

// Which migrations the change rules judge (app/lens): every one when asked
// or when a baseline holds the old findings; the branch's files with
// --changed-since; with --db those the migrations table does not list; else
// the newest. .sql files named on the command line are always judged.
LensScope choose_lens(const LintOptions& options, bool baseline, const loaders::SchemaLoad& load,
                      const SchemaSources& sources, const std::optional<LiveRun>& live,
                      const std::optional<ChangedFiles>& changed) {
  LensScope scope;
  std::set<std::string> named;
  for (const std::filesystem::path& file : sources.sql_files) {
    named.insert(loaders::display_path(file));
  }
  for (const std::string& file : load.replayed_files) {
    if (named.count(file) == 0) {
      scope.migrations.push_back(file);
    }
  }
  const model::MigrationLedger* ledger =
      live && live->catalog.drizzle_migrations && live->catalog.drizzle_migrations->files_read
          ? &*live->catalog.drizzle_migrations
          : nullptr;
  if (options.all_migrations || options.baseline_command || baseline) {
    scope.basis = LensBasis::all;
  } else if (changed) {
    scope.basis = LensBasis::changed;
    for (const std::string& file : scope.migrations) {
      if (changed->contains(file)) {
        scope.judged.insert(file);
      }
    }
  } else if (ledger != nullptr) {
    scope.basis = LensBasis::pending;
    scope.judged = pending_migrations(scope.migrations, *ledger);
    scope.ledger_table = ledger->table;
  } else {
    scope.basis = LensBasis::newest;
    if (!scope.migrations.empty()) {
      scope.judged.insert(scope.migrations.back());
    }
  }
  return scope;
}

// What the run read, for the JSON report's input_summary.
reporters::InputSummary summarize_inputs(const model::Catalog& catalog, const model::Workload* workload,
                                         bool live) {
  reporters::InputSummary summary;
  summary.tables = catalog.tables.size();
  for (const model::Table& table : catalog.tables) {
    summary.indexes += table.indexes.size();
    summary.foreign_keys += table.foreign_keys.size();
  }
  if (workload != nullptr) {
    summary.has_workload = true;
    for (const model::WorkloadSource& source : workload->sources) {
      summary.workload_sources.push_back({source.path, source.description});
    }
    summary.log_lines = workload->lines;
    summary.bytes = workload->bytes;
    summary.statements = workload->statements;
    summary.distinct_queries = workload->queries.size();
    summary.unparsed_statements = workload->unparsed_statements;
  }
  summary.live = live;
  return summary;
}

// Writes the report in the format asked for; `github` also appends its
// Markdown summary to $GITHUB_STEP_SUMMARY when the variable is set.
void write_report(const std::string& format, std::ostream& out, const reporters::ReportInput& input,
                  std::ostream& err) {
  const reporters::OutputFormat* found = reporters::find_output_format(format);
  if (found == nullptr) {
    found = &reporters::output_formats().front(); // the command line admits only known names
  }
  found->write(out, input);
  const char* summary_path = std::getenv("GITHUB_STEP_SUMMARY");
  if (found->step_summary != nullptr && summary_path != nullptr && *summary_path != '\0') {
    std::ofstream summary(summary_path, std::ios::app);
    found->step_summary(summary, input);
    if (!summary) {
      err << "pgadvise: cannot append to GITHUB_STEP_SUMMARY (" << summary_path << ")\n";
    }
  }
}

} // namespace

int run_lint(const LintOptions& given, std::ostream& report_out, std::ostream& err) {
  const auto started = std::chrono::steady_clock::now();
  auto config = read_config(given);
  if (!config) {
    err << "pgadvise: " << config.error().to_string() << "\n";
    return k_exit_usage;
  }
  const LintOptions options = *config ? with_config(given, **config, err) : given;
  // The config's baseline is used when its file exists; a missing one named by --baseline is an error.
  std::string baseline_file = given.baseline;
  if (baseline_file.empty() && *config && !(*config)->baseline.empty()) {
    std::error_code ec;
    if (std::filesystem::exists((*config)->baseline, ec)) {
      baseline_file = (*config)->baseline;
    } else if (given.verbose) {
      err << "pgadvise: no baseline yet at " << (*config)->baseline << " (`pgadvise baseline` writes it)\n";
    }
  }
  if (options.baseline_command && options.record_baseline.empty()) {
    err << "pgadvise: baseline: say where to write it: --output FILE, or `baseline = \"FILE\"` in "
        << k_config_name << "\n";
    return k_exit_usage;
  }
  auto settings = make_settings(options);
  if (!settings) {
    err << "pgadvise: " << settings.error().message << "\n";
    return k_exit_usage;
  }

  std::vector<std::filesystem::path> paths;
  for (const std::string& p : options.paths) {
    paths.emplace_back(p);
  }
  // With no path, `.` is read only when it looks like a project: --log or
  // --db started in some other folder reads just those.
  const bool only_queries = options.workload.requested() || options.live.requested();
  if (paths.empty() && (!only_queries || looks_like_project("."))) {
    paths.emplace_back(".");
  }
  std::optional<ChangedFiles> changed; // --changed-since: asked of git first, so a bad ref fails fast
  if (!options.changed_since.empty()) {
    std::error_code ec;
    const std::filesystem::path first = paths.empty() ? std::filesystem::path(".") : paths.front();
    std::filesystem::path dir = std::filesystem::is_directory(first, ec) ? first : first.parent_path();
    auto read = changed_files_since(options.changed_since, dir.empty() ? std::filesystem::path(".") : dir);
    if (!read) {
      err << "pgadvise: " << read.error().to_string() << "\n";
      return k_exit_usage;
    }
    changed.emplace(std::move(*read));
  }
  auto sources = paths.empty() ? core::Result<SchemaSources>(SchemaSources{}) : app::discover(paths);
  if (!sources) {
    err << "pgadvise: " << sources.error().to_string() << "\n";
    return k_exit_usage;
  }
  if (!sources->project.root.empty()) {
    if (!sources->project.scanned) {           // discovery scans the folder it was given
      loaders::scan_project(sources->project); // scripts, CI, containers (drizzle-push-in-production)
    }
    relocate_project(sources->project); // locations from where pgadvise runs
  }
  loaders::SchemaLoad load = app::load_schema(*sources);
  if (!options.stats.empty() && !options.live.requested()) {
    if (auto applied = apply_stats_file(options.stats, load.catalog, load.notes); !applied) {
      err << "pgadvise: " << applied.error().to_string() << "\n";
      return k_exit_usage;
    }
  }
  std::optional<LiveRun> live; // --db: the database's catalog is the schema
  if (options.live.requested()) {
    auto opened = open_live(options.live, load, *sources);
    if (!opened) {
      err << "pgadvise: " << opened.error().to_string() << "\n";
      return k_exit_usage;
    }
    live.emplace(std::move(*opened));
  }
  std::optional<WorkloadInput> workload; // --log, --pgss, --queries: query rules run even without a schema
  if (options.workload.requested()) {
    auto read = read_workload_input(options.workload, isatty(STDERR_FILENO) != 0);
    if (!read) {
      err << "pgadvise: " << read.error().to_string() << "\n";
      return k_exit_usage;
    }
    workload.emplace(std::move(*read));
  }
  // Push in production needs no schema: project files alone are enough to lint.
  const bool has_project = !sources->project.packages.empty() || !sources->project.sites.empty() ||
                           !sources->project.command_files.empty();
  if (load.catalog.source == model::SchemaSource::none && !live && !(workload && workload->usable) &&
      !has_project) {
    print_unusable_workload(workload ? &*workload : nullptr, err);
    err << "pgadvise: no schema found in "
        << core::join(options.paths.empty() ? std::vector<std::string>{"."} : options.paths, ", ") << "\n";
    for (const std::string& note : load.notes) {
      err << "  " << note << "\n";
    }
    err << "  looked for drizzle.config.{ts,js,mjs,cjs,json}, drizzle/, migrations/, **/meta/_journal.json, "
           "*.sql and meta/*_snapshot.json\n";
    return k_exit_usage;
  }

  engine::RunInput input;
  input.catalog = &load.catalog;
  input.project = &sources->project;
  input.diagnostics = load.diagnostics;
  input.other_schemas = &load.other_schemas; // snapshot-drift
  input.files_catalog = &load.catalog;       // stays the files' schema when --db makes the live one primary
  if (workload) {
    input.workload = &workload->workload;
    input.diagnostics.insert(input.diagnostics.end(), workload->diagnostics.begin(),
                             workload->diagnostics.end());
  }
  if (live) {
    input.catalog = &live->catalog;
    input.workload = choose_workload(input.workload, *live);
    input.diagnostics.insert(input.diagnostics.end(), live->diagnostics.begin(), live->diagnostics.end());
    analyze_live(options.live, *live, input.workload, sources->project, err); // EXPLAIN, index advisor
    input.live_analysis = live->analysis ? &*live->analysis : nullptr;
  }
  input.suppressions = load.suppressions;
  engine::RunReport report = app::run_rules(input, *settings);
  if (load.catalog.source == model::SchemaSource::none && !live) {
    load.notes.push_back("no schema found: only the project's scripts, CI and containers were linted");
  }
  if (sources->databases.size() > 1) {
    lint_other_databases(*sources, *settings, report, load.notes);
  }
  if (live) {
    if (auto finished = finish_live(options.live, *live, report.findings, input.workload, sources->project);
        !finished) {
      err << "pgadvise: " << finished.error().to_string() << "\n";
      return k_exit_usage;
    }
  }
  // One finding per problem: after the live pass, whose plan evidence it merges too.
  app::consolidate_findings(report.findings, live && live->analysis ? &*live->analysis : nullptr);
  if (options.show_literals && input.workload != nullptr) {
    add_literal_examples(report.findings, *input.workload);
  }
  // Change rules judge only migrations not yet applied: before the baseline
  // and --changed-since, which then see what a run reports.
  const LensScope lens_scope = choose_lens(options, !baseline_file.empty(), load, *sources, live, changed);
  const std::string scope_note = lens_note(lens_scope, apply_lens(report.findings, lens_scope, *settings));
  if (*config) {
    report.suppressed += drop_ignored(report.findings, **config);
  }
  if (options.baseline_command) {
    return record_baseline(options.record_baseline, report, err);
  }
  if (changed) {
    report.unchanged = keep_changed(report.findings, *changed, load.catalog);
    err << "pgadvise: " << report.unchanged << " finding" << (report.unchanged == 1 ? "" : "s")
        << " outside what changed since " << options.changed_since << " not reported\n";
  }
  if (!baseline_file.empty()) {
    if (auto applied = apply_baseline(baseline_file, report, err); !applied) {
      err << "pgadvise: " << applied.error().to_string() << "\n";
      return k_exit_usage;
    }
  }

  std::ofstream file;
  std::ostream* out_stream = report_output(options.output, file, report_out, err);
  if (out_stream == nullptr) {
    return k_exit_usage;
  }
  std::ostream& out = *out_stream;

  reporters::ReportInput report_input;
  report_input.run = &report;
  report_input.schema_source = std::string(model::to_string(input.catalog->source));
  report_input.schema_description = input.catalog->source_description;
  report_input.inputs =
      options.paths.empty() && !paths.empty() ? std::vector<std::string>{"."} : options.paths;
  report_input.notes = sources->notes;
  // With no schema found, the load repeats the discovery notes (for the
  // message on stderr); the report says each once.
  for (const std::string& note : load.notes) {
    if (std::find(sources->notes.begin(), sources->notes.end(), note) == sources->notes.end()) {
      report_input.notes.push_back(note);
    }
  }
  if (workload) {
    const std::vector<std::string> workload_paths = options.workload.paths();
    report_input.inputs.insert(report_input.inputs.end(), workload_paths.begin(), workload_paths.end());
    report_input.notes.insert(report_input.notes.end(), workload->notes.begin(), workload->notes.end());
  }
  if (live) {
    report_input.notes.insert(report_input.notes.end(), live->notes.begin(), live->notes.end());
  }
  for (const model::ScanNote& note : sources->project.scan_notes) {
    report_input.notes.push_back(note.location.to_string() + ": " + note.message);
  }
  if (!scope_note.empty()) {
    report_input.notes.push_back(scope_note);
    report_input.scope_note = scope_note;
  }
  report_input.verbose = settings->verbose;
  report_input.expand_groups = !options.rules.empty(); // --rule ID: every instance of that rule
  if (live && live->analysis && !options.live.emit_migration.empty()) {
    report_input.migration_file = options.live.emit_migration;
  }
  report_input.color = options.output.empty() && use_color(options.color, isatty(STDOUT_FILENO) != 0);
  report_input.rules = describe_rules();
  report_input.repo_root = repository_root(options.paths.empty() ? "." : options.paths.front());
  report_input.input_summary = summarize_inputs(*input.catalog, input.workload, live.has_value());
  report_input.workload = input.workload;
  report_input.catalog = input.catalog;
  report_input.live_analysis = input.live_analysis;
  const double elapsed_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  report_input.input_summary.elapsed_ms = std::round(elapsed_ms * 10) / 10; // 0.1 ms is plenty
  write_report(options.format, out, report_input, err);
  out.flush();
  if (!out) {
    err << "pgadvise: error writing the report\n";
    return k_exit_usage;
  }
  return engine::exit_code_for(report, *settings);
}

} // namespace pgadvise::app
