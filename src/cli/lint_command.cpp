#include "cli/lint_command.hpp"

#include "app/config/rule_settings.hpp"
#include "app/lint/lint.hpp"
#include "cli/choice_option.hpp"
#include "cli/live_options.hpp"
#include "cli/watchdog.hpp"
#include "reporters/formats.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

namespace pgadvise::cli {

namespace {

// A usage error CLI11 reports like its own (exit 2).
[[noreturn]] void reject(const core::Error& error) {
  throw CLI::ValidationError(error.message);
}

// --rule and --disable: each id checked against the registry as it is read.
void read_rule_ids(std::string_view flag, const std::vector<std::string>& ids,
                   std::vector<std::string>& out) {
  for (const std::string& id : ids) {
    auto known = app::parse_rule_id(flag, id);
    if (!known) {
      reject(known.error());
    }
    out.push_back(*known);
  }
}

void add_format_option(CLI::App& lint, app::LintOptions& options) {
  std::vector<std::pair<std::string, const reporters::OutputFormat*>> choices;
  std::string help = "Output format:";
  for (const reporters::OutputFormat& format : reporters::output_formats()) {
    choices.emplace_back(std::string(format.name), &format);
    help += (choices.size() == 1 ? " " : ", ") + std::string(format.description);
  }
  add_choice(lint, "-f,--format", options.format, std::move(choices), help);
}

} // namespace

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

void add_config_option(CLI::App& command, app::LintOptions& options) {
  command
      .add_option("--config", options.config, "Config file (default: .pgadvise.toml found from here upward)")
      ->type_name("FILE");
}

void add_workload_files(CLI::App& command, app::WorkloadOptions& options) {
  command.add_option("--log", options.logs, "Server log to read queries from (as in lint; repeatable)")
      ->type_name("FILE");
  command.add_option("--pgss", options.pgss, "pg_stat_statements export (as in lint; repeatable)")
      ->type_name("FILE");
  command.add_option("--queries", options.queries, "Queries file (as in lint; repeatable)")
      ->type_name("FILE");
  command.add_option("--log-line-prefix", options.log_line_prefix, "The server's log_line_prefix")
      ->type_name("PREFIX");
}

void add_rule_selection(CLI::App& command, app::LintOptions& options, const std::string& rule_help,
                        const std::string& min_severity_help) {
  command
      .add_option_function<std::vector<std::string>>(
          "--rule",
          [&options](const std::vector<std::string>& ids) { read_rule_ids("--rule", ids, options.rules); },
          rule_help)
      ->type_name("RULE");
  command
      .add_option_function<std::vector<std::string>>(
          "--disable",
          [&options](const std::vector<std::string>& ids) {
            read_rule_ids("--disable", ids, options.disable);
          },
          "Do not run this rule (repeatable)")
      ->type_name("RULE");
  command
      .add_option_function<std::string>(
          "--min-severity",
          [&options](const std::string& text) {
            options.min_severity = core::parse_severity(text);
            if (!options.min_severity) {
              reject(core::Error("--min-severity: unknown severity '" + text +
                                 "' (critical, high, medium, low or info)"));
            }
          },
          min_severity_help)
      ->type_name("LEVEL");
}

namespace {

// -f, -o and --fail-on: what the report is and when the run fails.
void add_report_options(CLI::App& lint, app::LintOptions& options) {
  add_format_option(lint, options);
  lint.add_option("-o,--output", options.output, "Write the report to this file instead of stdout");
  lint.add_option("--comment-key", options.comment_key,
                  "github-comment: a key in the comment's hidden marker, so that several jobs or configs "
                  "of one pull request each keep a comment of their own")
      ->type_name("KEY");
  lint.add_option_function<std::string>(
          "--fail-on",
          [&options](const std::string& text) {
            options.fail_on = core::parse_fail_on(text);
            if (!options.fail_on) {
              reject(core::Error("--fail-on: unknown severity '" + text +
                                 "' (critical, high, medium, low, info or none)"));
            }
          },
          "Exit 1 when a finding is at or above this severity (critical, high, medium, low, info, none; "
          "default: fail_on in .pgadvise.toml, else high)")
      ->type_name("LEVEL");
}

// --severity RULE=LEVEL and --option RULE.NAME=VALUE, each parsed into the
// rule settings as it is read.
void add_rule_settings(CLI::App& lint, app::LintOptions& options) {
  lint.add_option_function<std::vector<std::string>>(
          "--severity",
          [&options](const std::vector<std::string>& settings) {
            for (const std::string& setting : settings) {
              if (auto error = app::parse_severity_setting(setting, options.severities)) {
                reject(*error);
              }
            }
          },
          "Override a rule's severity: RULE=LEVEL (repeatable)")
      ->type_name("RULE=LEVEL");
  lint.add_option_function<std::vector<std::string>>(
          "--option",
          [&options](const std::vector<std::string>& settings) {
            for (const std::string& setting : settings) {
              if (auto error = app::parse_option_setting(setting, options.options)) {
                reject(*error);
              }
            }
          },
          "Set a rule option: RULE.NAME=VALUE (repeatable)")
      ->type_name("RULE.NAME=VALUE");
}

// --stats, --baseline, --changed-since and --all-migrations: what the
// project's history and production say about which findings count.
void add_history_options(CLI::App& lint, app::LintOptions& options) {
  lint.add_option("--stats", options.stats,
                  "Production statistics written by `pgadvise stats`: severities follow real table sizes "
                  "without --db")
      ->type_name("FILE");
  lint.add_option("--baseline", options.baseline,
                  "Report and fail only on findings not in this baseline (written by `pgadvise baseline`)")
      ->type_name("FILE");
  lint.add_option(
          "--changed-since", options.changed_since,
          "Only findings in files changed since this git ref, and the schema findings those changes cause")
      ->type_name("REF");
  lint.add_flag("--all-migrations", options.all_migrations,
                "Change rules (locks, rewrites, conventions for new columns) judge every migration; by "
                "default only the newest (with --db: those not applied; with --baseline or "
                "--changed-since: the new and changed ones)");
}

// --verify-locks and --verify-locks-on-db-server: where the pending
// migrations are run to see their locks.
void add_verify_locks_options(CLI::App& lint, app::LintOptions& options) {
  lint.add_flag_callback(
      "--verify-locks",
      [&options] { options.verify_locks = std::max(options.verify_locks, app::VerifyLocks::local); },
      "Run the pending migrations on a throwaway PostgreSQL cluster (the local server binaries; never your "
      "database), one statement at a time in a rolled-back transaction, and add to each change finding the "
      "locks PostgreSQL took and whether it rewrote the table");
  lint.add_flag_callback(
      "--verify-locks-on-db-server", [&options] { options.verify_locks = app::VerifyLocks::db_server; },
      "As --verify-locks, on a scratch database created (and dropped) on --db's server instead of a local "
      "cluster: needs CREATEDB there");
}

} // namespace

CLI::App* add_lint_command(CLI::App& app, app::LintOptions& options) {
  CLI::App* lint = app.add_subcommand(
      "lint", "Check a project's schema, queries (--log, --pgss) and live database (--db)");
  lint->add_option("paths", options.paths,
                   "Project directories, migration folders, .sql files or drizzle snapshots (default: .)");
  add_report_options(*lint, options);
  add_config_option(*lint, options);
  add_rule_selection(*lint, options, "Run only this rule (repeatable)",
                     "Hide findings below this severity (default: min_severity in .pgadvise.toml, else low)");
  add_rule_settings(*lint, options);
  add_choice(*lint, "--color", options.color,
             {{"auto", app::ColorMode::automatic},
              {"always", app::ColorMode::always},
              {"never", app::ColorMode::never}},
             "Color the text report: auto, always, never");
  add_history_options(*lint, options);
  add_verify_locks_options(*lint, options);
  lint->add_flag("-v,--verbose", options.verbose,
                 "Full text report: each finding's help, evidence and whole fix; which sources were used "
                 "and which rules were skipped");
  lint->add_flag("--timings", options.timings,
                 "Print where the run's time and peak memory went, by stage (discovery, TypeScript scan, "
                 "schema replay, logs, live, rules, report), on stderr; the JSON report gets a `timings` "
                 "object");
  lint->add_flag("--show-literals", options.show_literals,
                 "Show each cited query once as it was logged, with its literals and parameters (reports "
                 "print $1, $2 otherwise: logs hold e-mails, tokens and card numbers)");
  lint->add_option("--timeout", options.timeout_seconds,
                   "Stop the whole run after this many seconds, with exit code 2 (default: no limit)")
      ->type_name("SECONDS");
  add_live_options(*lint, options.live, {.explain = true, .verify = true, .emit_migration = true},
                   &options.paths);
  add_workload_options(*lint, options.workload);
  return lint;
}

int run_lint(const app::LintOptions& options) {
  const Watchdog watchdog(options.timeout_seconds);
  return app::run_lint(options, std::cout, std::cerr);
}

} // namespace pgadvise::cli
