#pragma once

#include "app/lint/lint.hpp"

namespace CLI {
class App;
}

namespace pgadvise::cli {

// `pgadvise baseline [paths] --output FILE`: a lint run whose findings are
// recorded as the baseline that `lint --baseline FILE` subtracts.
CLI::App* add_baseline_command(CLI::App& app, app::LintOptions& options);
int run_baseline(const app::LintOptions& options);

} // namespace pgadvise::cli
