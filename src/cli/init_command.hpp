#pragma once

namespace CLI {
class App;
}

namespace pgadvise::cli {

struct InitOptions {
  bool force = false;
};

// `pgadvise init [--force]`: writes a commented .pgadvise.toml for the project here.
CLI::App* add_init_command(CLI::App& app, InitOptions& options);
int run_init(const InitOptions& options);

} // namespace pgadvise::cli
