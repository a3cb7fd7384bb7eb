#include "cli/merge_command.hpp"

#include "cli/choice_option.hpp"

#include <CLI/CLI.hpp>
#include <iostream>

namespace pgadvise::cli {

CLI::App* add_merge_command(CLI::App& app, app::MergeOptions& options) {
  CLI::App* merge = app.add_subcommand(
      "merge", "Combine JSON reports (servers, CI shards) into one: findings deduplicated by fingerprint");
  merge->add_option("reports", options.reports, "JSON reports written by `pgadvise lint --format json`")
      ->required();
  merge->add_option("-o,--output", options.output, "Write the merged report to this file instead of stdout");
  add_choice(*merge, "-f,--format", options.format,
             {{"json", app::DocumentFormat::json}, {"html", app::DocumentFormat::html}}, "Output format");
  return merge;
}

int run_merge(const app::MergeOptions& options) {
  return app::run_merge(options, std::cout, std::cerr);
}

} // namespace pgadvise::cli
