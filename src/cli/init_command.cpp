#include "cli/init_command.hpp"

#include "app/config/init_config.hpp"
#include "app/report/exit_codes.hpp"

#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>

namespace pgadvise::cli {

CLI::App* add_init_command(CLI::App& app, InitOptions& options) {
  CLI::App* init =
      app.add_subcommand("init", "Write a commented .pgadvise.toml for the project in the current directory");
  init->add_flag("--force", options.force, "Replace an existing .pgadvise.toml");
  return init;
}

int run_init(const InitOptions& options) {
  auto written = app::write_init_config(std::filesystem::current_path(), options.force);
  if (!written) {
    std::cerr << "pgadvise: " << written.error().to_string() << "\n";
    return app::k_exit_usage;
  }
  std::cout << "wrote " << written->string() << "\n";
  return app::k_exit_ok;
}

} // namespace pgadvise::cli
