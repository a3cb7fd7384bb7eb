#pragma once

#include "app/lint/lint_options.hpp"

#include <cstddef>
#include <string>

namespace pgadvise::app::lsp {

// `pgadvise lsp`: what the command line gives the server; the client's
// initializationOptions can override each.
struct LspOptions {
  LintOptions lint;     // --config, rule selection: as lint's
  int debounce_ms = 50; // quiet time after an edit before the project is analysed again
  // At start-up, a project with at least this many JS/TS files gets its
  // schema's, migrations' and config's diagnostics before the search of its
  // code for query calls ends (0: everything at once).
  std::size_t first_pass_files = 2000;
  // Diagnostics published for one file at most (0: all), the most severe
  // and the nearest the file's last edit first, then one saying how many
  // more there are. 1,000 is VS Code's own limit: it parses whatever comes
  // and shows 1,000 a file, so more only costs the editor time.
  std::size_t max_diagnostics_per_file = 1000;
  // Work in the workspace folder, as lint run there would (findings' paths in
  // messages read relative to it). Off for a server run inside a test process.
  bool change_directory = true;
};

// Serves the Language Server Protocol on `in_fd` / `out_fd` until `exit`,
// the end of the input, or the death of the process that started it.
// Returns the exit code: 0 after shutdown then exit, 1 otherwise (as the
// protocol asks).
int serve(const LspOptions& options, int in_fd, int out_fd);

} // namespace pgadvise::app::lsp
