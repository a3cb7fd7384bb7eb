#pragma once

#include "app/inputs/workload_input.hpp"
#include "app/live/live_input.hpp"

#include <string>
#include <vector>

namespace pgadvise::app {

// Everything `pgadvise lint` was asked to do (cli/lint_command.cpp fills it
// from the command line).
struct LintOptions {
  std::vector<std::string> paths;
  std::string format = "text";
  std::string output;
  std::string fail_on;      // empty: .pgadvise.toml's, else "high"
  std::string min_severity; // empty: .pgadvise.toml's, else "low"
  std::vector<std::string> rules;
  std::vector<std::string> disable;
  std::vector<std::string> severities; // id=level
  std::vector<std::string> options;    // id.name=value
  std::string color = "auto";
  bool verbose = false;
  bool show_literals =
      false;         // --show-literals: add each cited query's logged values (app/lint/show_literals.hpp)
  std::string stats; // --stats FILE: production statistics (app/live/stats.hpp) for a file schema
  unsigned timeout_seconds =
      0;                // --timeout: stop the whole run after this long (0: no limit; cli/watchdog.hpp)
  std::string config;   // --config FILE; empty: .pgadvise.toml found from the working directory up
  std::string baseline; // --baseline FILE: report only findings not in it
  bool baseline_command = false; // `pgadvise baseline`: write the findings to record_baseline instead
  std::string record_baseline;   // its --output, else .pgadvise.toml's baseline
  std::string changed_since;     // --changed-since REF: only what a git diff since REF touches
  // --all-migrations (all_migrations = true in .pgadvise.toml): the change
  // rules judge every migration, not only those not yet applied (app/scope/lens).
  bool all_migrations = false;
  LiveOptions live;         // --db and its options (app/live/live_input.hpp)
  WorkloadOptions workload; // --log, --pgss, --queries (app/inputs/workload_input.hpp)
};

} // namespace pgadvise::app
