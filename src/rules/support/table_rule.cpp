#include "rules/support/table_rule.hpp"

#include "rules/support/rule_inputs.hpp"

#include <utility>

namespace pgadvise::rules {

TableRule::TableRule(engine::RuleMeta meta) : Rule(with_input(std::move(meta), engine::Input::catalog)) {}

void TableRule::check(const engine::RuleContext& context, std::vector<core::Finding>& out) const {
  for (const model::Table& table : catalog_tables(context)) {
    check_table(context, table, out);
  }
}

} // namespace pgadvise::rules
