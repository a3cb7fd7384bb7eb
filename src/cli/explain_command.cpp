#include "cli/explain_command.hpp"

#include "cli/choice_option.hpp"
#include "cli/live_options.hpp"

#include <CLI/CLI.hpp>
#include <iostream>

namespace pgadvise::cli {

void add_advisor_options(CLI::App& command, app::AdvisorOptions& options) {
  command
      .add_option("-p,--project", options.paths,
                  "Project directory, migration folder, .sql schema or snapshot (default: .; repeatable)")
      ->expected(1)
      ->allow_extra_args(false);
  add_live_options(command, options.live, {.verify = true}, nullptr);
}

CLI::App* add_explain_command(CLI::App& app, app::ExplainOptions& options) {
  CLI::App* explain = app.add_subcommand(
      "explain", "Judge statements against the project's schema: normalized form, fingerprint, findings, "
                 "and with --db the plan and the proposed index checked with HypoPG");
  explain->add_option("sql", options.queries, "Statements to judge");
  explain->add_option("-f,--file", options.file, "A .sql file of statements ('-' for stdin)")
      ->type_name("FILE");
  add_choice(*explain, "--format", options.format,
             {{"text", app::DocumentFormat::text}, {"json", app::DocumentFormat::json}}, "Output format");
  explain->add_flag("--analyze", options.analyze,
                    "EXPLAIN ANALYZE (SELECT only; DML with --allow-dml-analyze, rolled back) (--db)");
  add_advisor_options(*explain, options.advisor);
  return explain;
}

int run_explain(const app::ExplainOptions& options) {
  return app::run_explain(options, std::cout, std::cerr);
}

} // namespace pgadvise::cli
