#include "app/lint/run_rules.hpp"

#include "advisor/drizzle_drift.hpp"
#include "advisor/drizzle_render.hpp"
#include "rules/registry.hpp"

#include <optional>

namespace pgadvise::app {

engine::RunReport run_rules(const engine::RunInput& input, const core::Settings& settings) {
  return run_rules(input, settings, rules::rule_set());
}

engine::RunReport run_rules(const engine::RunInput& input, const core::Settings& settings,
                            const std::vector<const engine::Rule*>& rules) {
  // Each fix with a Drizzle line gets where it goes in schema.ts and the
  // project's commands as its rule makes it, before a big schema's findings
  // are spilled: not read back, completed and written again after.
  std::optional<advisor::DrizzleFixCompletion> completion;
  engine::FindingCompletion complete;
  if (input.project != nullptr && input.project->uses_drizzle) {
    completion.emplace(input.catalog, *input.project);
    complete = [&completion](core::Finding& finding) { completion->complete(finding); };
  }
  engine::RunReport report = engine::run(input, settings, rules, complete);
  if (input.project != nullptr && input.project->uses_drizzle) {
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
