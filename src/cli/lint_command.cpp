#include "cli/lint_command.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>

#include <unistd.h>

#include <CLI/CLI.hpp>

#include "cli/cli.hpp"
#include "core/result.hpp"
#include "core/settings.hpp"
#include "core/text.hpp"
#include "engine/registry.hpp"
#include "engine/runner.hpp"
#include "loaders/discovery.hpp"
#include "loaders/project_scan.hpp"
#include "reporters/report.hpp"

namespace pgadvise::cli {

namespace {

bool known_id(std::string_view id) {
  if (engine::find_rule(id) != nullptr) {
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
  if (core::to_lower(options.fail_on) == "none" || core::to_lower(options.fail_on) == "never") {
    settings.fail_on.reset();
  } else if (auto level = core::parse_severity(options.fail_on)) {
    settings.fail_on = *level;
  } else {
    return core::Error("--fail-on: unknown severity '" + options.fail_on +
                       "' (critical, high, medium, low, info or none)");
  }
  if (auto level = core::parse_severity(options.min_severity)) {
    settings.min_severity = *level;
  } else {
    return core::Error("--min-severity: unknown severity '" + options.min_severity + "'");
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
    const engine::Rule* rule = engine::find_rule(id);
    if (rule == nullptr) {
      return core::Error("--option: no rule named '" + id + "'");
    }
    const auto& known = rule->meta().options;
    if (std::none_of(known.begin(), known.end(), [&](const engine::RuleOption& o) { return o.name == name; })) {
      return core::Error("--option: rule '" + id + "' has no option '" + name + "'");
    }
    settings.rule_options[id][name] = pair.substr(eq + 1);
  }
  return settings;
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

} // namespace

CLI::App* add_lint_command(CLI::App& app, LintOptions& options) {
  CLI::App* lint = app.add_subcommand("lint", "Check a project's schema, queries (--log, --pgss) and live database (--db)");
  lint->add_option("paths", options.paths,
                   "Project directories, migration folders, .sql files or drizzle snapshots (default: .)");
  lint->add_option("-f,--format", options.format, "Output format")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  lint->add_option("-o,--output", options.output, "Write the report to this file instead of stdout");
  lint->add_option("--fail-on", options.fail_on,
                   "Exit 1 when a finding is at or above this severity (critical, high, medium, low, info, none)")
      ->capture_default_str();
  lint->add_option("--min-severity", options.min_severity, "Hide findings below this severity")
      ->capture_default_str();
  lint->add_option("--rule", options.rules, "Run only this rule (repeatable)");
  lint->add_option("--disable", options.disable, "Do not run this rule (repeatable)");
  lint->add_option("--severity", options.severities, "Override a rule's severity: RULE=LEVEL (repeatable)");
  lint->add_option("--option", options.options, "Set a rule option: RULE.NAME=VALUE (repeatable)");
  lint->add_option("--color", options.color, "Color the text report: auto, always, never")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->capture_default_str();
  lint->add_flag("-v,--verbose", options.verbose, "Say which sources were used and which rules were skipped");
  add_live_options(*lint, options.live);
  add_workload_options(*lint, options.workload);
  return lint;
}

int run_lint(const LintOptions& options) {
  auto settings = make_settings(options);
  if (!settings) {
    std::cerr << "pgadvise: " << settings.error().message << "\n";
    return k_exit_usage;
  }

  std::vector<std::filesystem::path> paths;
  for (const std::string& p : options.paths) {
    paths.emplace_back(p);
  }
  if (paths.empty()) {
    paths.emplace_back(".");
  }
  auto sources = loaders::discover(paths);
  if (!sources) {
    std::cerr << "pgadvise: " << sources.error().to_string() << "\n";
    return k_exit_usage;
  }
  if (!sources->project.root.empty()) {
    loaders::scan_project(sources->project); // scripts, CI, containers (drizzle-push-in-production)
  }
  loaders::SchemaLoad load = loaders::load_schema(*sources);
  std::optional<LiveRun> live; // --db: the database's catalog is the schema
  if (options.live.requested()) {
    auto opened = open_live(options.live, load, *sources);
    if (!opened) {
      std::cerr << "pgadvise: " << opened.error().to_string() << "\n";
      return k_exit_usage;
    }
    live.emplace(std::move(*opened));
  }
  std::optional<WorkloadInput> workload; // --log, --pgss, --queries: query rules run even without a schema
  if (options.workload.requested()) {
    auto read = read_workload_input(options.workload, isatty(STDERR_FILENO) != 0);
    if (!read) {
      std::cerr << "pgadvise: " << read.error().to_string() << "\n";
      return k_exit_usage;
    }
    workload.emplace(std::move(*read));
  }
  if (load.catalog.source == model::SchemaSource::none && !live && !(workload && workload->usable)) {
    print_unusable_workload(workload ? &*workload : nullptr, std::cerr);
    std::cerr << "pgadvise: no schema found in " << core::join(options.paths.empty() ? std::vector<std::string>{"."} : options.paths, ", ")
              << "\n";
    for (const std::string& note : load.notes) {
      std::cerr << "  " << note << "\n";
    }
    std::cerr << "  looked for drizzle.config.{ts,js,mjs,cjs,json}, drizzle/, migrations/, **/meta/_journal.json, "
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
    input.diagnostics.insert(input.diagnostics.end(), workload->diagnostics.begin(), workload->diagnostics.end());
  }
  if (live) {
    input.catalog = &live->catalog;
    input.workload = choose_workload(input.workload, *live);
    input.diagnostics.insert(input.diagnostics.end(), live->diagnostics.begin(), live->diagnostics.end());
    analyze_live(options.live, *live, input.workload, sources->project, std::cerr); // EXPLAIN, index advisor
    input.live_analysis = live->analysis ? &*live->analysis : nullptr;
  }
  input.suppressions = load.suppressions;
  engine::RunReport report = engine::run(input, *settings);
  if (live) {
    if (auto finished = finish_live(options.live, *live, report.findings, input.workload, sources->project);
        !finished) {
      std::cerr << "pgadvise: " << finished.error().to_string() << "\n";
      return k_exit_usage;
    }
  }

  std::ofstream file;
  if (!options.output.empty()) {
    file.open(options.output);
    if (!file) {
      std::cerr << "pgadvise: cannot write " << options.output << "\n";
      return k_exit_usage;
    }
  }
  std::ostream& out = options.output.empty() ? std::cout : file;

  reporters::ReportInput report_input;
  report_input.run = &report;
  report_input.schema_source = std::string(model::to_string(input.catalog->source));
  report_input.schema_description = input.catalog->source_description;
  report_input.inputs = options.paths.empty() ? std::vector<std::string>{"."} : options.paths;
  report_input.notes = sources->notes;
  report_input.notes.insert(report_input.notes.end(), load.notes.begin(), load.notes.end());
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
  report_input.verbose = settings->verbose;
  report_input.color = options.output.empty() && use_color(options.color, isatty(STDOUT_FILENO) != 0);
  if (options.format == "json") {
    reporters::write_json(out, report_input);
  } else {
    reporters::write_text(out, report_input);
  }
  out.flush();
  if (!out) {
    std::cerr << "pgadvise: error writing the report\n";
    return k_exit_usage;
  }
  return engine::exit_code_for(report, *settings);
}

} // namespace pgadvise::cli
