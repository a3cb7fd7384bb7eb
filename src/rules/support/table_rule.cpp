#include "rules/support/table_rule.hpp"

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

void PrimaryKeyRule::check_table(const engine::RuleContext& context, const model::Table& table,
                                 std::vector<core::Finding>& out) const {
  if (const model::Column* column = single_primary_key_column(table)) {
    check_key(context, table, *column, out);
  }
}

} // namespace pgadvise::rules
