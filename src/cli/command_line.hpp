#pragma once

#include "app/advise/advise.hpp"
#include "app/fix/fix.hpp"
#include "app/inspect/explain.hpp"
#include "app/inspect/schema_view.hpp"
#include "app/inspect/shell.hpp"
#include "app/lint/lint_options.hpp"
#include "app/live/stats.hpp"
#include "app/lsp/lsp_server.hpp"
#include "app/report/merge.hpp"
#include "cli/init_command.hpp"
#include "cli/rules_command.hpp"

#include <CLI/CLI.hpp>
#include <memory>

namespace pgadvise::cli {

// Every command, its flags and the typed options they fill: what parsing a
// command line produces. Tests parse into it without running anything.
struct CommandLine {
  CLI::App app{"pgadvise: a PostgreSQL query-performance linter and advisor"};
  app::LintOptions lint_options;
  app::FixOptions fix_options;
  app::LintOptions baseline_options;
  InitOptions init_options;
  RulesOptions rules_options;
  app::StatsOptions stats_options;
  app::SchemaOptions schema_options;
  app::ExplainOptions explain_options;
  app::ShellOptions shell_options;
  app::MergeOptions merge_options;
  app::AdviseOptions advise_options;
  app::lsp::LspOptions lsp_options;
  CLI::App* lint = nullptr;
  CLI::App* fix = nullptr;
  CLI::App* baseline = nullptr;
  CLI::App* init = nullptr;
  CLI::App* rules = nullptr;
  CLI::App* stats = nullptr;
  CLI::App* schema = nullptr;
  CLI::App* explain = nullptr;
  CLI::App* shell = nullptr;
  CLI::App* merge = nullptr;
  CLI::App* advise = nullptr;
  CLI::App* lsp = nullptr;
};

std::unique_ptr<CommandLine> make_command_line();

} // namespace pgadvise::cli
