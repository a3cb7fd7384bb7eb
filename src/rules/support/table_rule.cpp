#include "rules/support/table_rule.hpp"

#include "advisor/drizzle_render.hpp"
#include "advisor/evidence.hpp"
#include "rules/support/rule_inputs.hpp"
#include "rules/support/table_size.hpp"

#include <utility>

namespace pgadvise::rules {

TableRule::TableRule(engine::RuleMeta meta) : Rule(with_input(std::move(meta), engine::Input::catalog)) {}

void TableRule::check(const engine::RuleContext& context, std::vector<core::Finding>& out) const {
  for (const model::Table& table : catalog_tables(context)) {
    check_table(context, table, out);
  }
}

namespace {

engine::RuleMeta convention_rule(engine::RuleMeta meta) {
  meta.lens = engine::Lens::convention;
  return meta;
}

} // namespace

PrimaryKeyRule::PrimaryKeyRule(engine::RuleMeta meta) : TableRule(convention_rule(std::move(meta))) {}

void PrimaryKeyRule::check_table(const engine::RuleContext& context, const model::Table& table,
                                 std::vector<core::Finding>& out) const {
  if (const model::Column* column = single_primary_key_column(table); column != nullptr && judges(*column)) {
    out.push_back(make_finding(context, table, *column));
  }
}

core::Finding PrimaryKeyRule::key_finding(const engine::RuleContext& context, const model::Table& table,
                                          const model::Column& column, std::string definition) const {
  core::Finding finding;
  finding.rule = meta().id;
  finding.severity = context.severity;
  finding.object = core::ObjectRef{table.schema, table.name, {column.name}, {}};
  finding.location = column.location;
  finding.evidence.push_back(
      advisor::schema_evidence(*context.catalog, std::move(definition), column.location));
  return finding;
}

void PrimaryKeyRule::set_key_fix(core::Finding& finding, const engine::RuleContext& context,
                                 const model::Table& table, const model::Column& column, core::Fix fix,
                                 const std::string& drizzle) {
  if (context.project != nullptr && context.project->uses_drizzle) {
    fix.drizzle = advisor::drizzle_property(table, column.name) + ": " + drizzle;
  }
  finding.fix = std::move(fix);
  finding.compute_fingerprint();
}

} // namespace pgadvise::rules
