#pragma once

#include "app/lint/lint_options.hpp"

#include <ostream>

namespace pgadvise::app {

// A lint run: discovers and loads the inputs, runs the rules and the
// post-passes, writes the report (to `out`, or --output) and returns the
// exit code. Problems that stop the run are one line on `err` and exit 2.
int run_lint(const LintOptions& options, std::ostream& out, std::ostream& err);

} // namespace pgadvise::app
