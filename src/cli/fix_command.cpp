#include "cli/fix_command.hpp"

#include "cli/lint_command.hpp"
#include "cli/live_options.hpp"
#include "cli/watchdog.hpp"

#include <CLI/CLI.hpp>
#include <iostream>

namespace pgadvise::cli {

CLI::App* add_fix_command(CLI::App& app, app::FixOptions& options) {
  CLI::App* fix = app.add_subcommand(
      "fix", "Write the findings' safe fixes into the project (new indexes in schema.ts, push -> migrate; "
             "--unsafe-fixes adds the rest); prints a diff unless --write");
  app::LintOptions& lint = options.lint;
  fix->add_option("paths", lint.paths, "What `pgadvise lint` would check (default: .)");
  CLI::Option* write =
      fix->add_flag("--write", options.write, "Apply the changes (default: print them as a unified diff)");
  // What ESLint's --fix-dry-run users type: the default, said explicitly.
  fix->add_flag("--dry-run")
      ->description("Print the changes as a unified diff and write nothing (the default)")
      ->excludes(write);
  fix->add_flag(
      "--allow-dirty", options.allow_dirty,
      "Edit files that have uncommitted changes in git (refused otherwise, so the fix is its own diff)");
  fix->add_flag(
      "--unsafe-fixes", options.unsafe_fixes,
      "Apply the unsafe fixes too (column type changes, dropped indexes, NOT NULL, changed defaults: "
      "each rewrites or drops something, or changes behaviour); without it, only safe fixes (new "
      "indexes, push -> migrate, suppressions) are applied");
  fix->add_option("--suggestions", options.suggestions,
                  "Also write the changes to existing files as GitHub review suggestions (JSON: the lines "
                  "each replaces, what they become, the findings it answers), for the Action's inline "
                  "```suggestion comments")
      ->type_name("FILE");
  fix->add_option("--fingerprint", options.fingerprints,
                  "Fix only the finding with this fingerprint (as the JSON report and the baseline show it; "
                  "repeatable)");
  add_config_option(*fix, lint);
  add_rule_selection(
      *fix, lint, "Fix only this rule's findings (repeatable)",
      "Fix only findings at or above this severity (default: min_severity in .pgadvise.toml, else low)");
  fix->add_option("--baseline", lint.baseline, "Leave alone the findings this baseline file accepts")
      ->type_name("FILE");
  fix->add_option("--stats", lint.stats, "Production statistics written by `pgadvise stats` (table sizes)")
      ->type_name("FILE");
  add_workload_files(*fix, lint.workload);
  // A live database's sizes choose the concurrent build, and its EXPLAIN
  // and index advisor propose what only a live run can (partial indexes
  // from the columns' null fractions), read-only as in lint.
  add_live_options(*fix, lint.live, {.explain = true, .verify = true}, &lint.paths);
  fix->add_option("--timeout", lint.timeout_seconds, "Stop after this many seconds, with exit code 2")
      ->type_name("SECONDS");
  return fix;
}

int run_fix(const app::FixOptions& options) {
  const Watchdog watchdog(options.lint.timeout_seconds);
  return app::run_fix(options, std::cout, std::cerr);
}

} // namespace pgadvise::cli
