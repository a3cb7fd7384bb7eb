#include "cli/explain_command.hpp"

#include <CLI/CLI.hpp>
#include <iostream>

namespace pgadvise::cli {

void add_advisor_options(CLI::App& command, app::AdvisorOptions& options) {
  command
      .add_option("-p,--project", options.paths,
                  "Project directory, migration folder, .sql schema or snapshot (default: .; repeatable)")
      ->expected(1)
      ->allow_extra_args(false);
  app::LiveOptions& live = options.live;
  command
      .add_option_function<std::vector<std::string>>(
          "--db",
          [&live](const std::vector<std::string>& values) {
            live.db_given = true;
            live.db = values.empty() ? std::string() : values.front();
          },
          "Live database: a libpq URI or key=value conninfo; without a value, the PG* environment")
      ->expected(0, 1)
      ->type_name("URL");
  command
      .add_option("--statement-timeout", live.statement_timeout_ms,
                  "Milliseconds a statement may take (--db)")
      ->check(CLI::Range(1, 86'400'000))
      ->capture_default_str();
  command.add_option("--lock-timeout", live.lock_timeout_ms, "Milliseconds pgadvise waits for a lock (--db)")
      ->check(CLI::Range(1, 86'400'000))
      ->capture_default_str();
  command.add_option("--verify", live.verify, "Check the proposed index: hypopg, real (staging only), none")
      ->check(CLI::IsMember({"hypopg", "real", "none"}))
      ->capture_default_str();
  command.add_flag("--allow-dml-analyze", live.allow_dml_analyze,
                   "EXPLAIN ANALYZE INSERT/UPDATE/DELETE too, inside a transaction that is rolled back");
}

CLI::App* add_explain_command(CLI::App& app, app::ExplainOptions& options) {
  CLI::App* explain = app.add_subcommand(
      "explain", "Judge statements against the project's schema: normalized form, fingerprint, findings, "
                 "and with --db the plan and the proposed index checked with HypoPG");
  explain->add_option("sql", options.queries, "Statements to judge");
  explain->add_option("-f,--file", options.file, "A .sql file of statements ('-' for stdin)")
      ->type_name("FILE");
  explain->add_option("--format", options.format, "Output format")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  explain->add_flag("--analyze", options.analyze,
                    "EXPLAIN ANALYZE (SELECT only; DML with --allow-dml-analyze, rolled back) (--db)");
  add_advisor_options(*explain, options.advisor);
  return explain;
}

int run_explain(const app::ExplainOptions& options) {
  return app::run_explain(options, std::cout, std::cerr);
}

} // namespace pgadvise::cli
