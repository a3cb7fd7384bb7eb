#pragma once

#include "app/fix/file_change.hpp"
#include "app/fix/fix_plan.hpp"
#include "app/lint/lint_options.hpp"
#include "core/finding.hpp"
#include "core/result.hpp"
#include "model/project.hpp"

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace pgadvise::app {

// `pgadvise fix`: lint's inputs and selection, plus what to do with the edits.
struct FixOptions {
  LintOptions lint;
  std::vector<std::string> fingerprints; // --fingerprint: only these findings (empty: all)
  bool write = false;                    // --write: apply; otherwise print the diff
  bool allow_dirty = false;              // --allow-dirty: edit files git has uncommitted changes in
};

// Prints the plan as a unified diff (stdout), then its notes and next steps.
void print_fix_plan(const FixPlan& plan, bool written, std::ostream& out, std::ostream& notes);

// A fix run: lint's pipeline, the plan, then the diff or (--write) the
// files. Exit 0, or 2 for a usage problem or a file git has uncommitted
// changes in (without --allow-dirty; nothing is written then).
int run_fix(const FixOptions& options, std::ostream& out, std::ostream& err);

} // namespace pgadvise::app
