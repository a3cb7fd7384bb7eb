#include "cli/cli.hpp"

#include "cli/advise_command.hpp"
#include "cli/baseline_command.hpp"
#include "cli/command_line.hpp"
#include "cli/explain_command.hpp"
#include "cli/fix_command.hpp"
#include "cli/init_command.hpp"
#include "cli/lint_command.hpp"
#include "cli/lsp_command.hpp"
#include "cli/merge_command.hpp"
#include "cli/rules_command.hpp"
#include "cli/schema_command.hpp"
#include "cli/shell_command.hpp"
#include "cli/stats_command.hpp"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <unistd.h>

namespace pgadvise::cli {

int run(int argc, char** argv) {
  const std::unique_ptr<CommandLine> line = make_command_line();
  CLI::App& app = line->app;
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return k_exit_usage;
  }

  try {
    if (line->lint->parsed()) {
      return run_lint(line->lint_options);
    }
    if (line->fix->parsed()) {
      return run_fix(line->fix_options);
    }
    if (line->baseline->parsed()) {
      return run_baseline(line->baseline_options);
    }
    if (line->init->parsed()) {
      return run_init(line->init_options);
    }
    if (line->rules->parsed()) {
      return run_rules(line->rules_options);
    }
    if (line->stats->parsed()) {
      return run_stats(line->stats_options);
    }
    if (line->schema->parsed()) {
      return run_schema(line->schema_options);
    }
    if (line->explain->parsed()) {
      return run_explain(line->explain_options);
    }
    if (line->merge->parsed()) {
      return run_merge(line->merge_options);
    }
    if (line->advise->parsed()) {
      return run_advise(line->advise_options);
    }
    if (line->lsp->parsed()) {
      return run_lsp(line->lsp_options);
    }
    if (line->shell->parsed() || (argc <= 1 && isatty(STDIN_FILENO) != 0 && isatty(STDOUT_FILENO) != 0)) {
      return run_shell(line->shell_options); // `pgadvise` alone at a terminal is the interactive prompt
    }
    std::cout << app.help();
    return k_exit_usage;
  } catch (const std::exception& e) {
    std::cerr << "pgadvise: " << e.what() << "\n";
    return k_exit_usage;
  }
}

} // namespace pgadvise::cli
