#pragma once

#include "app/advise/advise.hpp"

namespace CLI {
class App;
}

namespace pgadvise::cli {

// `pgadvise advise`: its flags; app::run_advise does the work.
CLI::App* add_advise_command(CLI::App& app, app::AdviseOptions& options);
int run_advise(const app::AdviseOptions& options);

} // namespace pgadvise::cli
