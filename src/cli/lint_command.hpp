#pragma once

#include "app/lint.hpp"

namespace CLI {
class App;
}

namespace pgadvise::cli {

// `pgadvise lint`: its flags; app::run_lint does the work.
CLI::App* add_lint_command(CLI::App& app, app::LintOptions& options);
int run_lint(const app::LintOptions& options);

} // namespace pgadvise::cli
