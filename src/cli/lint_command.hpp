#pragma once

#include "app/lint/lint.hpp"

#include <string>

namespace CLI {
class App;
}

namespace pgadvise::cli {

// `pgadvise lint`: its flags; app::run_lint does the work.
CLI::App* add_lint_command(CLI::App& app, app::LintOptions& options);
int run_lint(const app::LintOptions& options);

// --log, --pgss, --queries, --log-line-prefix and --burst-gap-ms: where a
// command reads the workload's queries (lint, advise).
void add_workload_options(CLI::App& command, app::WorkloadOptions& options);

// --log, --pgss, --queries and --log-line-prefix, their help "as in lint":
// the workload of the commands that run lint's checks (baseline, fix).
void add_workload_files(CLI::App& command, app::WorkloadOptions& options);

// --config: the .pgadvise.toml to read instead of the one found upward.
void add_config_option(CLI::App& command, app::LintOptions& options);

// --rule (with its help), --disable and --min-severity, checked against the
// registry as they are read: lint's and fix's selection of findings.
void add_rule_selection(CLI::App& command, app::LintOptions& options, const std::string& rule_help,
                        const std::string& min_severity_help);

} // namespace pgadvise::cli
