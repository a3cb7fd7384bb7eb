#pragma once

#include "app/fix/fix.hpp"

namespace CLI {
class App;
}

namespace pgadvise::cli {

// `pgadvise fix`: lint's inputs and selection flags, --write and
// --allow-dirty; app::run_fix does the work.
CLI::App* add_fix_command(CLI::App& app, app::FixOptions& options);
int run_fix(const app::FixOptions& options);

} // namespace pgadvise::cli
