// Stage 1 of a lint run (app/lint/lint_run.hpp): the command line over the config
// file, checked into Settings.
#include "app/config/config.hpp"
#include "app/lint/lint_run.hpp"
#include "core/result.hpp"
#include "core/settings.hpp"
#include "core/text.hpp"
#include "engine/builtin_diagnostics.hpp"
#include "rules/registry.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>

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
  auto settings = make_settings(run.options);
  if (!settings) {
    return core::Error(settings.error().message);
  }
  run.settings = std::move(*settings);
  return std::nullopt;
}

} // namespace pgadvise::app
