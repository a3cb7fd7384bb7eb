#pragma once

#include "app/lint/lint.hpp"

namespace CLI {
class App;
}

namespace pgadvise::cli {

// `pgadvise lint`: its flags; app::run_lint does the work.
CLI::App* add_lint_command(CLI::App& app, app::LintOptions& options);
int run_lint(const app::LintOptions& options);

// --db and the options of a live run (timeouts, EXPLAIN, verification),
// shared by lint and fix; `emit_migration` adds lint's --emit-migration.
void add_live_options(CLI::App& command, app::LiveOptions& options, bool emit_migration);

} // namespace pgadvise::cli
