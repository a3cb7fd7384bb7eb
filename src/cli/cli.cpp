#include "cli/cli.hpp"

#include "cli/baseline_command.hpp"
#include "cli/explain_command.hpp"
#include "cli/fix_command.hpp"
#include "cli/init_command.hpp"
#include "cli/lint_command.hpp"
#include "cli/merge_command.hpp"
#include "cli/rules_command.hpp"
#include "cli/schema_command.hpp"
#include "cli/shell_command.hpp"
#include "cli/stats_command.hpp"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <unistd.h>

namespace pgadvise::cli {

int run(int argc, char** argv) {
  CLI::App app{"pgadvise: a PostgreSQL query-performance linter and advisor"};
  app.set_version_flag("--version", std::string("pgadvise ") + PGADVISE_VERSION);
  app.require_subcommand(0, 1);

  app::LintOptions lint_options;
  CLI::App* lint = add_lint_command(app, lint_options);
  app::FixOptions fix_options;
  CLI::App* fix = add_fix_command(app, fix_options);
  app::LintOptions baseline_options;
  CLI::App* baseline = add_baseline_command(app, baseline_options);
  InitOptions init_options;
  CLI::App* init = add_init_command(app, init_options);
  RulesOptions rules_options;
  CLI::App* rules = add_rules_command(app, rules_options);
  app::StatsOptions stats_options;
  CLI::App* stats = add_stats_command(app, stats_options);
  app::SchemaOptions schema_options;
  CLI::App* schema = add_schema_command(app, schema_options);
  app::ExplainOptions explain_options;
  CLI::App* explain = add_explain_command(app, explain_options);
  app::ShellOptions shell_options;
  CLI::App* shell = add_shell_command(app, shell_options);
  app::MergeOptions merge_options;
  CLI::App* merge = add_merge_command(app, merge_options);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return k_exit_usage;
  }

  try {
    if (lint->parsed()) {
      return run_lint(lint_options);
    }
    if (fix->parsed()) {
      return run_fix(fix_options);
    }
    if (baseline->parsed()) {
      return run_baseline(baseline_options);
    }
    if (init->parsed()) {
      return run_init(init_options);
    }
    if (rules->parsed()) {
      return run_rules(rules_options);
    }
    if (stats->parsed()) {
      return run_stats(stats_options);
    }
    if (schema->parsed()) {
      return run_schema(schema_options);
    }
    if (explain->parsed()) {
      return run_explain(explain_options);
    }
    if (merge->parsed()) {
      return run_merge(merge_options);
    }
    if (shell->parsed() || (argc <= 1 && isatty(STDIN_FILENO) != 0 && isatty(STDOUT_FILENO) != 0)) {
      return run_shell(shell_options); // `pgadvise` alone at a terminal is the interactive prompt
    }
    std::cout << app.help();
    return k_exit_usage;
  } catch (const std::exception& e) {
    std::cerr << "pgadvise: " << e.what() << "\n";
    return k_exit_usage;
  }
}

} // namespace pgadvise::cli
