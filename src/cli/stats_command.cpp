#include "cli/stats_command.hpp"

#include "cli/live_options.hpp"

#include <CLI/CLI.hpp>
#include <iostream>

namespace pgadvise::cli {

CLI::App* add_stats_command(CLI::App& app, app::StatsOptions& options) {
  CLI::App* stats = app.add_subcommand(
      "stats", "Export a live database's table sizes, usage counters and column statistics (no data values) "
               "for `lint --stats`");
  stats->add_option("-o,--output", options.output, "Write the statistics to this file instead of stdout")
      ->type_name("FILE");
  add_live_options(*stats, options.live, {.db_required = true}, nullptr);
  return stats;
}

int run_stats(const app::StatsOptions& options) {
  return app::run_stats(options, std::cout, std::cerr);
}

} // namespace pgadvise::cli
