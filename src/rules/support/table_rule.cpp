#include "rules/support/table_rule.hpp"

#include "rules/support/rule_inputs.hpp"

#include <algorithm>
#include <utility>

namespace pgadvise::rules {

namespace {

engine::RuleMeta with_catalog_input(engine::RuleMeta meta) {
  if (std::find(meta.inputs.begin(), meta.inputs.end(), engine::Input::catalog) == meta.inputs.end()) {
    meta.inputs.insert(meta.inputs.begin(), engine::Input::catalog);
  }
  return meta;
}

} // namespace

TableRule::TableRule(engine::RuleMeta meta) : Rule(with_catalog_input(std::move(meta))) {}

void TableRule::check(const engine::RuleContext& context, std::vector<core::Finding>& out) const {
  for (const model::Table& table : catalog_tables(context)) {
    check_table(context, table, out);
  }
}

} // namespace pgadvise::rules
