#include "app/lint/run_rules.hpp"

#include "advisor/drizzle_drift.hpp"
#include "advisor/drizzle_render.hpp"
#include "rules/registry.hpp"

namespace pgadvise::app {

namespace {

// Whether complete_drizzle_fixes() changed `after` from `before`: it sets
// only these three texts of a fix.
bool completed(const core::Finding& before, const core::Finding& after) {
  return before.fix && (before.fix->drizzle_file != after.fix->drizzle_file ||
                        before.fix->drizzle_table != after.fix->drizzle_table ||
                        before.fix->commands != after.fix->commands);
}

// A spilled list (core::FindingList) is completed a finding at a time,
// those it changes written back to the spill file: a Drizzle project's
// findings are not all read back at once.
void complete_drizzle_fixes(core::FindingList& findings, const model::Catalog* catalog,
                            const model::Project& project) {
  if (!findings.spilled()) {
    advisor::complete_drizzle_fixes(findings.vec(), catalog, project);
    return;
  }
  advisor::DrizzleFixCompletion completion(catalog, project);
  for (std::size_t i = 0; i < findings.size(); ++i) {
    const core::Finding before = findings.load(i);
    core::Finding after = before;
    completion.complete(after);
    if (completed(before, after)) {
      findings.replace(i, std::move(after));
    }
  }
}

} // namespace

engine::RunReport run_rules(const engine::RunInput& input, const core::Settings& settings) {
  return run_rules(input, settings, rules::rule_set());
}

engine::RunReport run_rules(const engine::RunInput& input, const core::Settings& settings,
                            const std::vector<const engine::Rule*>& rules) {
  engine::RunReport report = engine::run(input, settings, rules);
  if (input.project != nullptr && input.project->uses_drizzle) {
    complete_drizzle_fixes(report.findings, input.catalog, *input.project);
    // An index schema.ts declares but no migration builds: one finding
    // saying so (judged against the migrations, also under --db, where the
    // catalog is the server's). A spilled list (a huge schema) is left as it is.
    if (!report.findings.spilled()) {
      advisor::note_declared_indexes(report.findings.vec(),
                                     input.files_catalog != nullptr ? input.files_catalog : input.catalog,
                                     input.other_schemas);
    }
  }
  if (input.files_catalog != nullptr && input.catalog != nullptr && input.files_catalog != input.catalog &&
      !report.findings.spilled()) {
    advisor::note_unapplied_indexes(report.findings.vec(), *input.catalog, *input.files_catalog);
  }
  return report;
}

} // namespace pgadvise::app
