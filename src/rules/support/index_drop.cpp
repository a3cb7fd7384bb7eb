#include "rules/support/index_drop.hpp"

#include "advisor/drizzle_render.hpp"
#include "advisor/evidence.hpp"
#include "advisor/index_ddl.hpp"
#include "advisor/index_match.hpp"

namespace pgadvise::rules {

core::ObjectRef index_object(const model::Table& table, const model::Index& index) {
  core::ObjectRef out{table.schema, table.name, {}, index.name};
  for (const model::IndexKey& key : index.keys) {
    out.columns.push_back(key.column.empty() ? key.expression : key.column);
  }
  return out;
}

core::Finding index_finding(std::string_view rule, const engine::RuleContext& context,
                            const model::Table& table, const model::Index& index) {
  core::Finding finding;
  finding.rule = std::string(rule);
  finding.severity = context.severity;
  finding.object = index_object(table, index);
  finding.location = index.location.known() ? index.location : table.location;
  finding.evidence.push_back(
      advisor::schema_evidence(*context.catalog, advisor::describe_index(index), finding.location));
  return finding;
}

core::Fix drop_index_fix(const engine::RuleContext& context, const model::Table& table,
                         const model::Index& index) {
  core::Fix fix;
  fix.ddl = advisor::render_drop_index(table.schema, index.name, !table.partitioned);
  fix.safety_note = table.partitioned
                        ? "DROP INDEX on a partitioned table locks every partition while it runs."
                        : advisor::concurrently_safety_note("DROP INDEX");
  if (context.project != nullptr && context.project->uses_drizzle) {
    fix.drizzle = advisor::render_drizzle_removal(table, index);
  }
  return fix;
}

} // namespace pgadvise::rules
