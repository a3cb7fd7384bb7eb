#include "core/text.hpp"
#include "engine/rule.hpp"
#include "rules/support/migration_locks.hpp"
#include "rules/support/table_size.hpp"

#include <memory>

namespace pgadvise::rules {

namespace {

constexpr std::string_view k_id = "not-null-column-added-without-default";

class NotNullColumnAddedWithoutDefault final : public AddedColumnRule {
public:
  NotNullColumnAddedWithoutDefault()
      : AddedColumnRule(
            {
                .id = std::string(k_id),
                .summary = "ADD COLUMN ... NOT NULL without a default: fails on a table with rows",
                .default_severity = core::Severity::high,
                .has_fix = true,
                .fix_applicability = core::FixApplicability::unsafe,
            },
            StepEffect::fails_with_rows) {}

private:
  void check_column(const engine::RuleContext& context, const LockedStep& locked, const model::Column& column,
                    core::FindingSink& out) const override {
    const model::MigrationStep& step = *locked.step;
    const std::string name = core::qualified_name(step.schema, step.table);
    core::Finding finding =
        lock_finding(k_id, context, locked,
                     "ADD COLUMN " + step.object + " NOT NULL without a default: every existing row of " +
                         name + " would hold a null, so the migration fails unless the table is empty");
    // Not a lock but a failure: any row is enough, so only a table known to
    // be empty makes it harmless (lock_finding grades by size for the locks).
    const std::optional<double> rows = table_rows(*locked.table);
    finding.severity = rows && *rows <= 0 ? core::Severity::low : context.severity;
    finding.object.columns = {step.object};
    finding.help =
        "PostgreSQL fills a new column of existing rows with its default, null without one, and the NOT "
        "NULL constraint then fails (column contains null values): the migration, and every migration "
        "pending with it (drizzle-kit migrate runs them in one transaction), is rolled back. Give the "
        "column a constant default (no rewrite since PostgreSQL 11), or add it nullable, backfill it, and "
        "make it NOT NULL through a validated CHECK.";
    const std::string column_name = core::quote_ident(step.object);
    const std::string check = core::quote_ident(step.table + "_" + step.object + "_not_null");
    set_lock_fix(finding,
                 "-- migration 1: nullable (a catalog change):\nALTER TABLE " + name + " ADD COLUMN " +
                     column_name + " " + column.type.display() +
                     ";\n-- outside the migrator, in batches: UPDATE ... SET " + column_name +
                     " = ... WHERE it IS NULL\n-- migration 2:\nALTER TABLE " + name + " ADD CONSTRAINT " +
                     check + " CHECK (" + column_name +
                     " IS NOT NULL) NOT VALID;\n-- migration 3, a later deploy:\nALTER TABLE " + name +
                     " VALIDATE CONSTRAINT " + check + ";\nALTER TABLE " + name + " ALTER COLUMN " +
                     column_name + " SET NOT NULL;\nALTER TABLE " + name + " DROP CONSTRAINT " + check + ";",
                 "Or, when one value suits every existing row, keep a single statement with a constant "
                 "default: ADD COLUMN ... NOT NULL DEFAULT <value> stores the value in the catalog and "
                 "touches no row (a volatile default such as gen_random_uuid() would rewrite the table: "
                 "column-added-with-volatile-default).",
                 step.object);
    out.push_back(std::move(finding));
  }
};

} // namespace

std::unique_ptr<engine::Rule> make_not_null_column_added_without_default() {
  return std::make_unique<NotNullColumnAddedWithoutDefault>();
}

} // namespace pgadvise::rules
