#include "cli/lsp_command.hpp"

#include "cli/lint_command.hpp"

#include <CLI/CLI.hpp>
#include <unistd.h>

namespace pgadvise::cli {

CLI::App* add_lsp_command(CLI::App& app, app::lsp::LspOptions& options) {
  CLI::App* lsp = app.add_subcommand(
      "lsp",
      "Serve the Language Server Protocol on stdin/stdout: lint's findings as diagnostics in the editor, "
      "fix's edits as quick fixes");
  // Editors' clients often pass --stdio; it is the only transport.
  lsp->add_flag("--stdio")->description("Talk over stdin and stdout (the default and only transport)");
  add_config_option(*lsp, options.lint);
  add_rule_selection(
      *lsp, options.lint, "Report only this rule's findings (repeatable)",
      "Report only findings at or above this severity (default: min_severity in .pgadvise.toml, else low)");
  lsp->add_option("--debounce", options.debounce_ms,
                  "Milliseconds of quiet after an edit before the project is linted again (default 50)")
      ->type_name("MS")
      ->check(CLI::NonNegativeNumber);
  lsp->add_option("--first-pass-files", options.first_pass_files,
                  "At start-up, show the schema's and migrations' diagnostics before searching the code "
                  "for query calls when the project has at least this many JS/TS files (default 2000; 0: "
                  "never)")
      ->type_name("N");
  lsp->add_option("--max-diagnostics", options.max_diagnostics_per_file,
                  "Diagnostics shown in one file at most, the most severe and the nearest the last edit "
                  "first, then one that says how many more there are (default 1000, VS Code's own "
                  "limit; 0: all)")
      ->type_name("N");
  return lsp;
}

int run_lsp(const app::lsp::LspOptions& options) {
  // The protocol owns stdout: it gets a descriptor of its own, and anything
  // else written to stdout goes to stderr (the editor's log) instead.
  const int protocol_out = ::dup(STDOUT_FILENO);
  if (protocol_out < 0 || ::dup2(STDERR_FILENO, STDOUT_FILENO) < 0) {
    return 2;
  }
  return app::lsp::serve(options, STDIN_FILENO, protocol_out);
}

} // namespace pgadvise::cli
