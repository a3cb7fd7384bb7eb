#include "cli/advise_command.hpp"

#include "cli/choice_option.hpp"
#include "cli/lint_command.hpp"
#include "cli/live_options.hpp"

#include <CLI/CLI.hpp>
#include <iostream>

namespace pgadvise::cli {

CLI::App* add_advise_command(CLI::App& app, app::AdviseOptions& options) {
  CLI::App* advise = app.add_subcommand(
      "advise", "The indexes to build for the whole workload, chosen together under a budget with HypoPG "
                "(--db), in the order to build them");
  advise
      ->add_option("paths", options.paths, "The project (default: .): its Drizzle schema gets Drizzle lines")
      ->type_name("PATH");
  advise
      ->add_option("--budget", options.budget,
                   "Storage for the new indexes: a size (20MB, 1.5GB) or a share of the workload's data "
                   "(0.25x, 50%); default: none")
      ->type_name("SIZE");
  advise
      ->add_option("--max-indexes", options.max_indexes, "At most this many new indexes (default: no limit)")
      ->type_name("N");
  advise
      ->add_option("--time-limit", options.time_limit_seconds,
                   "Seconds the search may take; it then gives the best set found so far")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  add_choice(*advise, "-f,--format", options.format,
             {{"text", app::DocumentFormat::text}, {"json", app::DocumentFormat::json}}, "Output format");
  advise->add_option("-o,--output", options.output, "Write the set to this file instead of stdout")
      ->type_name("FILE");
  advise->add_flag("-v,--verbose", options.verbose, "Say where the queries and the schema came from");
  add_workload_options(*advise, options.workload);
  add_live_options(*advise, options.live, {.db_required = true}, &options.paths);
  return advise;
}

int run_advise(const app::AdviseOptions& options) {
  return app::run_advise(options, std::cout, std::cerr);
}

} // namespace pgadvise::cli
