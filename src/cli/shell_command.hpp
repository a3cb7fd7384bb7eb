#pragma once

#include "app/inspect/shell.hpp"

namespace CLI {
class App;
}

namespace pgadvise::cli {

// `pgadvise shell` (and `pgadvise` alone at a terminal).
CLI::App* add_shell_command(CLI::App& app, app::ShellOptions& options);
int run_shell(const app::ShellOptions& options);

} // namespace pgadvise::cli
