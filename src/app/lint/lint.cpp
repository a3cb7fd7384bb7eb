#include "app/lint/lint.hpp"

#include "app/lint/lint_run.hpp"
#include "app/report/exit_codes.hpp"
#include "reporters/timings_table.hpp"

namespace pgadvise::app {

std::optional<core::Error> collect_findings(const LintOptions& given, LintRun& run, std::ostream& err) {
  const core::StageTimings::Current timed(run.timings);
  std::optional<core::Error> error;
  {
    const core::StageTimer timer(core::Stage::discovery);
    error = plan_lint(given, run, err);
    if (!error) {
      error = read_lint_inputs(run, err);
    }
  }
  const core::StageTimer timer(core::Stage::rules);
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
  const core::StageTimings::Current timed(run.timings);
  int code = 0;
  {
    const core::StageTimer timer(core::Stage::report);
    code = write_lint_report(run, report_out, err);
  }
  if (run.options.timings) {
    reporters::write_timings(run.timings.snapshot(), err);
  }
  return code;
}

} // namespace pgadvise::app
