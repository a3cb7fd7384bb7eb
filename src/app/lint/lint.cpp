#include "app/lint/lint.hpp"

#include "app/lint/lint_run.hpp"
#include "app/report/exit_codes.hpp"

namespace pgadvise::app {

std::optional<core::Error> collect_findings(const LintOptions& given, LintRun& run, std::ostream& err) {
  std::optional<core::Error> error = plan_lint(given, run, err);
  if (!error) {
    error = read_lint_inputs(run, err);
  }
  if (!error) {
    error = check_lint_inputs(run, err);
  }
  if (!error) {
    error = select_findings(run, err);
  }
  return error;
}

// The stages, in order (app/lint/lint_run.hpp); the first that fails stops the run.
int run_lint(const LintOptions& given, std::ostream& report_out, std::ostream& err) {
  LintRun run;
  if (const std::optional<core::Error> error = collect_findings(given, run, err)) {
    err << "pgadvise: " << error->to_string() << "\n";
    return k_exit_usage;
  }
  return write_lint_report(run, report_out, err);
}

} // namespace pgadvise::app
