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
  add_config_option(*baseline, options);
  add_rule_selection(*baseline, options, "Record only this rule's findings (repeatable)",
                     "Record only findings at or above this severity");
  add_workload_files(*baseline, options.workload);
  return baseline;
}

int run_baseline(const app::LintOptions& options) {
  return app::run_lint(options, std::cout, std::cerr);
}

} // namespace pgadvise::cli
