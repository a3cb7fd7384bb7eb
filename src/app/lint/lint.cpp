#include "app/lint.hpp"

#include "app/exit_codes.hpp"
#include "app/lint_run.hpp"

namespace pgadvise::app {

// The stages, in order (app/lint_run.hpp); the first that fails stops the run.
int run_lint(const LintOptions& given, std::ostream& report_out, std::ostream& err) {
  LintRun run;
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
  if (error) {
    err << "pgadvise: " << error->to_string() << "\n";
    return k_exit_usage;
  }
  return write_lint_report(run, report_out, err);
}

} // namespace pgadvise::app
