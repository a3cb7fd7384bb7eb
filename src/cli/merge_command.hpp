#pragma once

#include "app/report/merge.hpp"

namespace CLI {
class App;
}

namespace pgadvise::cli {

// `pgadvise merge`: its flags; app::run_merge does the work.
CLI::App* add_merge_command(CLI::App& app, app::MergeOptions& options);
int run_merge(const app::MergeOptions& options);

} // namespace pgadvise::cli
