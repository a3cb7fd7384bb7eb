#pragma once

#include <string>
#include <vector>

#include "cli/live_input.hpp"
#include "cli/workload_input.hpp"

namespace CLI {
class App;
}

namespace pgadvise::cli {

struct LintOptions {
  std::vector<std::string> paths;
  std::string format = "text";
  std::string output;
  std::string fail_on = "high";
  std::string min_severity = "low";
  std::vector<std::string> rules;
  std::vector<std::string> disable;
  std::vector<std::string> severities; // id=level
  std::vector<std::string> options;    // id.name=value
  std::string color = "auto";
  bool verbose = false;
  LiveCliOptions live; // --db and its options (cli/live_input.hpp)
  WorkloadCliOptions workload; // --log, --pgss, --queries (cli/workload_input.hpp)
};

CLI::App* add_lint_command(CLI::App& app, LintOptions& options);
int run_lint(const LintOptions& options);

} // namespace pgadvise::cli
