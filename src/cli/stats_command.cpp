#include "cli/stats_command.hpp"

#include <CLI/CLI.hpp>
#include <iostream>

namespace pgadvise::cli {

CLI::App* add_stats_command(CLI::App& app, app::StatsOptions& options) {
  CLI::App* stats = app.add_subcommand(
      "stats", "Export a live database's table sizes, usage counters and column statistics (no data values) "
               "for `lint --stats`");
  stats
      ->add_option_function<std::vector<std::string>>(
          "--db",
          [&options](const std::vector<std::string>& values) {
            options.live.db_given = true;
            options.live.db = values.empty() ? std::string() : values.front();
          },
          "Live database: a libpq URI or key=value conninfo; without a value (or 'env'), the PG* environment")
      ->expected(0, 1)
      ->type_name("URL")
      ->required();
  stats->add_option("-o,--output", options.output, "Write the statistics to this file instead of stdout")
      ->type_name("FILE");
  stats
      ->add_option("--statement-timeout", options.live.statement_timeout_ms,
                   "Milliseconds any statement pgadvise runs may take")
      ->check(CLI::Range(1, 86'400'000))
      ->capture_default_str();
  stats->add_option("--lock-timeout", options.live.lock_timeout_ms, "Milliseconds pgadvise waits for a lock")
      ->check(CLI::Range(1, 86'400'000))
      ->capture_default_str();
  return stats;
}

int run_stats(const app::StatsOptions& options) {
  return app::run_stats(options, std::cout, std::cerr);
}

} // namespace pgadvise::cli
