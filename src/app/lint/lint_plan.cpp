// Stage 1 of a lint run (app/lint/lint_run.hpp): the command line over the config
// file, checked into Settings.
#include "app/config/config.hpp"
#include "app/config/rule_settings.hpp"
#include "app/lint/lint_run.hpp"
#include "core/result.hpp"
#include "core/settings.hpp"

#include <cstdlib>
#include <filesystem>

namespace pgadvise::app {

namespace {

// The options, already checked where they were read, as the engine's Settings.
core::Settings make_settings(const LintOptions& options) {
  core::Settings settings;
  settings.verbose = options.verbose;
  settings.fail_on = options.fail_on ? options.fail_on->at : core::Severity::high;
  settings.min_severity = options.min_severity.value_or(core::Severity::low);
  settings.only_rules = options.rules;
  settings.disabled = options.disable;
  settings.severity_overrides = options.severities;
  settings.rule_options = options.options;
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

// The command line over the config file: a flag given wins.
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
  if (!options.fail_on) {
    options.fail_on = config.fail_on;
  }
  options.all_migrations = options.all_migrations || config.all_migrations;
  if (!options.min_severity) {
    options.min_severity = config.min_severity;
  }
  // The file's rule settings: [rules.<id>], then [environments] (the names
  // the rules that read environments take) over them.
  core::RuleOptionValues file_options;
  for (const auto& [id, rule] : config.rules) {
    if (rule.enabled && !*rule.enabled) {
      options.disable.push_back(id);
    }
    if (rule.severity) {
      options.severities.emplace(id, *rule.severity); // a --severity given wins
    }
    file_options[id].insert(rule.options.begin(), rule.options.end());
  }
  for (const auto& [id, values] : environment_name_options(config.environments)) {
    for (const auto& [name, value] : values) {
      file_options[id][name] = value;
    }
  }
  for (const auto& [id, values] : file_options) {
    options.options[id].insert(values.begin(), values.end()); // an --option given wins
  }
  return options;
}

} // namespace

std::optional<core::Error> plan_lint(const LintOptions& given, LintRun& run, std::ostream& err) {
  auto config = read_config(given);
  if (!config) {
    return config.error();
  }
  run.config = std::move(*config);
  run.options = run.config ? with_config(given, *run.config, err) : given;
  // The config's baseline is used when its file exists; a missing one named by --baseline is an error.
  run.baseline_file = given.baseline;
  if (run.baseline_file.empty() && run.config && !run.config->baseline.empty()) {
    std::error_code ec;
    if (std::filesystem::exists(run.config->baseline, ec)) {
      run.baseline_file = run.config->baseline;
    } else if (given.verbose) {
      err << "pgadvise: no baseline yet at " << run.config->baseline << " (`pgadvise baseline` writes it)\n";
    }
  }
  if (run.options.baseline_command && run.options.record_baseline.empty()) {
    return core::Error("baseline: say where to write it: --output FILE, or `baseline = \"FILE\"` in " +
                       std::string(k_config_name));
  }
  run.settings = make_settings(run.options);
  return std::nullopt;
}

} // namespace pgadvise::app
