#pragma once

#include "app/fix/file_change.hpp"
#include "app/fix/fix_plan.hpp"
#include "app/lint/lint_options.hpp"
#include "app/lint/lint_run.hpp"
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
  bool unsafe_fixes = false;             // --unsafe-fixes: unsafe fixes too, not only the safe ones
  std::string suggestions;               // --suggestions FILE: the changes as review suggestions (JSON)
};

// Which findings' fixes a run applies: the safe ones, and the unsafe ones
// with --unsafe-fixes; manual fixes (application code) never. What is left
// out is counted by rule, for the header of the diff.
struct FixSelection {
  std::vector<core::Finding> applied;
  std::vector<core::Finding> unsafe; // left out: --unsafe-fixes applies them
  std::vector<core::Finding> manual; // left out: application code, never written
};
FixSelection select_fixes(std::vector<core::Finding> findings, bool unsafe_fixes);

// What the header of the diff says was left out, and the flag that
// applies it: "left out: 3 unsafe fixes (json-column-not-jsonb 2, ...):
// --unsafe-fixes applies them", one line per kind. `unsafe_written` is how
// many of each rule's unsafe fixes `pgadvise fix --unsafe-fixes` would
// write (a fix it cannot place is not promised); `asked`: --rule or
// --fingerprint named them.
std::vector<std::string> left_out_lines(const FixSelection& selection,
                                        const std::map<std::string, std::size_t>& unsafe_written, bool asked);

// Prints the plan as a unified diff (stdout), then its notes and next
// steps. `left_out` (left_out_lines) heads both: as `#` lines before the
// diff (git apply skips them) and after the summary line.
void print_fix_plan(const FixPlan& plan, bool written, std::ostream& out, std::ostream& notes,
                    const std::vector<std::string>& left_out = {});

// A fix run: lint's pipeline, the plan, then the diff or (--write) the
// files. Exit 0, or 2 for a usage problem or a file git has uncommitted
// changes in (without --allow-dirty; nothing is written then).
int run_fix(const FixOptions& options, std::ostream& out, std::ostream& err);

// The catalogs of a lint run's first database as a fix judges drift with
// them: the applied schema (the replay, or the live catalog), schema.ts,
// the newest snapshot.
FixSchemas run_fix_schemas(const LintRun& run);

// Each further database's schemas (a run with keep_databases), by the
// config its findings' "database" evidence names.
std::map<std::string, FixSchemas> other_fix_schemas(const LintRun& run);

// Where a lint run's fixes go: its first database's schemas, each further
// database's (kept by a run with keep_databases), the tables' sizes.
FixTargets fix_targets(const LintRun& run);

} // namespace pgadvise::app
