#pragma once

#include "app/inputs/workload_input.hpp"
#include "app/live/live_input.hpp"
#include "core/settings.hpp"
#include "reporters/formats.hpp"

#include <optional>
#include <string>
#include <vector>

namespace pgadvise::app {

// --color: whether the text report is colored.
enum class ColorMode { automatic, always, never };

// --verify-locks: where the pending migrations are run to observe their
// locks (app/lint/lint_verify.hpp): nowhere, a throwaway cluster of the
// local PostgreSQL binaries, or a scratch database on --db's server.
enum class VerifyLocks { off, local, db_server };

// Everything `pgadvise lint` was asked to do, typed where it was read:
// cli/lint_command.cpp fills it from the command line, lint_plan puts the
// config file's settings under it.
struct LintOptions {
  std::vector<std::string> paths;
  const reporters::OutputFormat* format = &reporters::output_formats().front(); // --format
  std::string output;
  std::string comment_key;                    // --comment-key: the github-comment marker's key
  std::optional<core::FailOn> fail_on;        // nullopt: .pgadvise.toml's, else high
  std::optional<core::Severity> min_severity; // nullopt: .pgadvise.toml's, else low
  std::vector<std::string> rules;             // known rule ids, checked where given
  std::vector<std::string> disable;
  core::SeverityOverrides severities; // --severity id=level
  core::RuleOptionValues options;     // --option id.name=value
  ColorMode color = ColorMode::automatic;
  bool verbose = false;
  // --timings: where the run's time and memory went, by stage, on stderr
  // (and in the JSON report's `timings`).
  bool timings = false;
  // --show-literals: add each cited query's logged values (app/lint/show_literals.hpp).
  bool show_literals = false;
  std::string stats; // --stats FILE: production statistics (app/live/stats.hpp) for a file schema
  // --timeout: stop the whole run after this long (0: no limit; cli/watchdog.hpp).
  unsigned timeout_seconds = 0;
  std::string config;            // --config FILE; empty: .pgadvise.toml found from the working directory up
  std::string baseline;          // --baseline FILE: report only findings not in it
  bool baseline_command = false; // `pgadvise baseline`: write the findings to record_baseline instead
  std::string record_baseline;   // its --output, else .pgadvise.toml's baseline
  std::string changed_since;     // --changed-since REF: only what a git diff since REF touches
  // --all-migrations (all_migrations = true in .pgadvise.toml): the change
  // rules judge every migration, not only those not yet applied (app/scope/lens).
  bool all_migrations = false;
  VerifyLocks verify_locks = VerifyLocks::off;
  LiveOptions live;         // --db and its options (app/live/live_input.hpp)
  WorkloadOptions workload; // --log, --pgss, --queries (app/inputs/workload_input.hpp)
};

} // namespace pgadvise::app
