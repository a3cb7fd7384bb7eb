#pragma once

#include "app/inspect/explain.hpp"

namespace CLI {
class App;
}

namespace pgadvise::cli {

// --project, --db and the live-session flags `explain` and `shell` share.
void add_advisor_options(CLI::App& command, app::AdvisorOptions& options);

// `pgadvise explain`: its flags; app::run_explain does the work.
CLI::App* add_explain_command(CLI::App& app, app::ExplainOptions& options);
int run_explain(const app::ExplainOptions& options);

} // namespace pgadvise::cli
