#include "cli/baseline_command.hpp"

#include "cli/lint_command.hpp"

#include <CLI/CLI.hpp>
#include <iostream>

namespace pgadvise::cli {

CLI::App* add_baseline_command(CLI::App& app, app::LintOptions& options) {
  CLI::App* baseline = app.add_subcommand(
      "baseline", "Record the current findings in a baseline file, for `pgadvise lint --baseline FILE`");
  baseline->add_option("paths", options.paths, "What `pgadvise lint` would check (default: .)");
  options.baseline_command = true;
  baseline
      ->add_option("-o,--output", options.record_baseline,
                   "The baseline file to write (default: `baseline` in .pgadvise.toml)")
      ->type_name("FILE");
  baseline
      ->add_option("--config", options.config, "Config file (default: .pgadvise.toml found from here upward)")
      ->type_name("FILE");
  add_rule_selection(*baseline, options, "Record only this rule's findings (repeatable)",
                     "Record only findings at or above this severity");
  baseline
      ->add_option("--log", options.workload.logs, "Server log to read queries from (as in lint; repeatable)")
      ->type_name("FILE");
  baseline->add_option("--pgss", options.workload.pgss, "pg_stat_statements export (as in lint; repeatable)")
      ->type_name("FILE");
  baseline->add_option("--queries", options.workload.queries, "Queries file (as in lint; repeatable)")
      ->type_name("FILE");
  baseline->add_option("--log-line-prefix", options.workload.log_line_prefix, "The server's log_line_prefix")
      ->type_name("PREFIX");
  return baseline;
}

int run_baseline(const app::LintOptions& options) {
  return app::run_lint(options, std::cout, std::cerr);
}

} // namespace pgadvise::cli
