#include "cli/shell_command.hpp"

#include "cli/explain_command.hpp"

#include <CLI/CLI.hpp>
#include <iostream>
#include <unistd.h>

namespace pgadvise::cli {

CLI::App* add_shell_command(CLI::App& app, app::ShellOptions& options) {
  CLI::App* shell = app.add_subcommand(
      "shell", "Interactive prompt: paste a statement, see its findings (reads statements from stdin when it "
               "is not a terminal)");
  add_advisor_options(*shell, options.advisor);
  return shell;
}

int run_shell(const app::ShellOptions& options) {
  const bool interactive = isatty(STDIN_FILENO) != 0 && isatty(STDOUT_FILENO) != 0;
  return app::run_shell(options, interactive, std::cin, std::cout, std::cerr);
}

} // namespace pgadvise::cli
