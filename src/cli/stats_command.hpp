#pragma once

#include "app/live/stats.hpp"

namespace CLI {
class App;
}

namespace pgadvise::cli {

// `pgadvise stats --db URL [--output FILE]`: the production statistics file
// that `pgadvise lint --stats FILE` reads.
CLI::App* add_stats_command(CLI::App& app, app::StatsOptions& options);
int run_stats(const app::StatsOptions& options);

} // namespace pgadvise::cli
