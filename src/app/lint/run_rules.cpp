#include "app/lint/run_rules.hpp"

#include "advisor/drizzle_render.hpp"
#include "rules/registry.hpp"

namespace pgadvise::app {

engine::RunReport run_rules(const engine::RunInput& input, const core::Settings& settings) {
  engine::RunReport report = engine::run(input, settings, rules::rule_set());
  if (input.project != nullptr && input.project->uses_drizzle) { // else a spilled list stays in its file
    advisor::complete_drizzle_fixes(report.findings, input.catalog, *input.project);
  }
  return report;
}

} // namespace pgadvise::app
