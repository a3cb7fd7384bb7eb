#include "cli/lint_command.hpp"

#include "app/lint/lint.hpp"
#include "cli/watchdog.hpp"
#include "reporters/formats.hpp"

#include <CLI/CLI.hpp>
#include <iostream>
#include <string>
#include <vector>

namespace pgadvise::cli {

void add_live_options(CLI::App& lint, app::LiveOptions& options, bool emit_migration) {
  lint.add_option_function<std::vector<std::string>>(
          "--db",
          [&options](const std::vector<std::string>& values) {
            options.db_given = true;
            options.db = values.empty() ? std::string() : values.front();
          },
          "Live database: a libpq URI or key=value conninfo; without a value (or 'env'), the PG* environment")
      ->expected(0, 1)
      ->type_name("URL");
  lint.add_option("--statement-timeout", options.statement_timeout_ms,
                  "Milliseconds any statement pgadvise runs may take (--db)")
      ->check(CLI::Range(1, 86'400'000))
      ->capture_default_str();
  lint.add_option("--lock-timeout", options.lock_timeout_ms, "Milliseconds pgadvise waits for a lock (--db)")
      ->check(CLI::Range(1, 86'400'000))
      ->capture_default_str();
  lint.add_flag("--explain,!--no-explain", options.explain,
                "Run the workload's queries under EXPLAIN (ANALYZE for SELECT only) (--db; default on)");
  lint.add_option(
          "--verify", options.verify,
          "Check proposed indexes: hypopg (hypothetical indexes), real (CREATE INDEX in a rolled-back "
          "transaction; staging only), none")
      ->check(CLI::IsMember({"hypopg", "real", "none"}))
      ->capture_default_str();
  lint.add_flag("--allow-dml-analyze", options.allow_dml_analyze,
                "EXPLAIN ANALYZE INSERT/UPDATE/DELETE too, inside a transaction that is rolled back");
  if (emit_migration) {
    lint.add_option("--emit-migration", options.emit_migration,
                    "Write every proposed index as one migration file (--db)")
        ->type_name("FILE");
  }
  lint.add_option("--jobs", options.jobs, "Parallel database sessions for EXPLAIN (--db)")
      ->check(CLI::Range(1, 16))
      ->capture_default_str();
}

namespace {

void add_workload_options(CLI::App& lint, app::WorkloadOptions& options) {
  lint.add_option(
          "--log", options.logs,
          "Server log to read queries from (stderr, csvlog, jsonlog; .gz too; '-' for stdin; repeatable; "
          ".sql files and Drizzle logger output are detected)")
      ->type_name("FILE");
  lint.add_option("--pgss", options.pgss,
                  "pg_stat_statements export: CSV with header or JSON ('-' for stdin; repeatable)")
      ->type_name("FILE");
  lint.add_option(
          "--queries", options.queries,
          "Plain .sql file or Drizzle logger output (`Query: ... -- params: [...]`) to read as queries "
          "(repeatable)")
      ->type_name("FILE");
  lint.add_option("--log-line-prefix", options.log_line_prefix,
                  "The server's log_line_prefix (default: detected from the first lines)")
      ->type_name("PREFIX");
  lint.add_option("--burst-gap-ms", options.burst_gap_ms,
                  "Outside transactions, statements of a session closer than this form one burst (N+1)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
}

} // namespace

CLI::App* add_lint_command(CLI::App& app, app::LintOptions& options) {
  CLI::App* lint = app.add_subcommand(
      "lint", "Check a project's schema, queries (--log, --pgss) and live database (--db)");
  lint->add_option("paths", options.paths,
                   "Project directories, migration folders, .sql files or drizzle snapshots (default: .)");
  std::vector<std::string> format_names;
  std::string format_help = "Output format:";
  for (const reporters::OutputFormat& format : reporters::output_formats()) {
    format_names.emplace_back(format.name);
    format_help += (format_names.size() == 1 ? " " : ", ") + std::string(format.description);
  }
  lint->add_option("-f,--format", options.format, format_help)
      ->check(CLI::IsMember(format_names))
      ->capture_default_str();
  lint->add_option("-o,--output", options.output, "Write the report to this file instead of stdout");
  lint->add_option(
      "--fail-on", options.fail_on,
      "Exit 1 when a finding is at or above this severity (critical, high, medium, low, info, none; "
      "default: fail_on in .pgadvise.toml, else high)");
  lint->add_option("--min-severity", options.min_severity,
                   "Hide findings below this severity (default: min_severity in .pgadvise.toml, else low)");
  lint->add_option("--config", options.config, "Config file (default: .pgadvise.toml found from here upward)")
      ->type_name("FILE");
  lint->add_option("--rule", options.rules, "Run only this rule (repeatable)");
  lint->add_option("--disable", options.disable, "Do not run this rule (repeatable)");
  lint->add_option("--severity", options.severities, "Override a rule's severity: RULE=LEVEL (repeatable)");
  lint->add_option("--option", options.options, "Set a rule option: RULE.NAME=VALUE (repeatable)");
  lint->add_option("--color", options.color, "Color the text report: auto, always, never")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->capture_default_str();
  lint->add_option("--stats", options.stats,
                   "Production statistics written by `pgadvise stats`: severities follow real table sizes "
                   "without --db")
      ->type_name("FILE");
  lint->add_option("--baseline", options.baseline,
                   "Report and fail only on findings not in this baseline (written by `pgadvise baseline`)")
      ->type_name("FILE");
  lint->add_option(
          "--changed-since", options.changed_since,
          "Only findings in files changed since this git ref, and the schema findings those changes cause")
      ->type_name("REF");
  lint->add_flag("--all-migrations", options.all_migrations,
                 "Change rules (locks, rewrites, conventions for new columns) judge every migration; by "
                 "default only the newest (with --db: those not applied; with --baseline or "
                 "--changed-since: the new and changed ones)");
  lint->add_flag("-v,--verbose", options.verbose,
                 "Full text report: each finding's help, evidence and whole fix; which sources were used "
                 "and which rules were skipped");
  lint->add_flag("--show-literals", options.show_literals,
                 "Show each cited query once as it was logged, with its literals and parameters (reports "
                 "print $1, $2 otherwise: logs hold e-mails, tokens and card numbers)");
  lint->add_option("--timeout", options.timeout_seconds,
                   "Stop the whole run after this many seconds, with exit code 2 (default: no limit)")
      ->type_name("SECONDS");
  add_live_options(*lint, options.live, true);
  add_workload_options(*lint, options.workload);
  return lint;
}

int run_lint(const app::LintOptions& options) {
  const Watchdog watchdog(options.timeout_seconds);
  return app::run_lint(options, std::cout, std::cerr);
}

} // namespace pgadvise::cli
