#include "core/text.hpp"
#include "engine/rule.hpp"
#include "rules/support/migration_locks.hpp"

#include <memory>

namespace pgadvise::rules {

namespace {

constexpr std::string_view k_id = "not-null-added-validating";

class NotNullAddedValidating final : public LockStepRule {
public:
  NotNullAddedValidating()
      : LockStepRule(
            {
                .id = std::string(k_id),
                .summary =
                    "SET NOT NULL on an existing table's column: every row is read under ACCESS EXCLUSIVE",
                .has_fix = true,
                .fix_applicability = core::FixApplicability::unsafe,
            },
            model::MigrationStepKind::set_not_null, StepEffect::scans) {}

private:
  void check_step(const engine::RuleContext& context, const LockedStep& locked,
                  core::FindingSink& out) const override {
    // Only steps that scan: none when a valid CHECK (column IS NOT NULL)
    // proves it (the replay looks, loaders/sql/replay_locks), or when the
    // column was NOT NULL already.
    const model::MigrationStep& step = *locked.step;
    const std::string name = core::qualified_name(step.schema, step.table);
    const std::string check = step.table + "_" + step.object + "_not_null";
    core::Finding finding =
        lock_finding(k_id, context, locked,
                     "SET NOT NULL on " + name + "." + step.object + " reads every row of existing table " +
                         name + " to look for nulls, under an ACCESS EXCLUSIVE lock: reads and writes wait");
    finding.object.columns = {step.object};
    finding.help =
        "ALTER COLUMN ... SET NOT NULL holds ACCESS EXCLUSIVE on " + name +
        " while it scans the whole table, unless a valid CHECK (" + step.object +
        " IS NOT NULL) constraint already proves there is no null (PostgreSQL 12 and later then skip the "
        "scan). Add that CHECK NOT VALID (a brief lock), VALIDATE it in a later migration (it scans under "
        "SHARE UPDATE EXCLUSIVE, so reads and writes go on), then SET NOT NULL, which is now a catalog "
        "change, and drop the CHECK.";
    const std::string quoted_check = core::quote_ident(check);
    const std::string column = core::quote_ident(step.object);
    set_lock_fix(
        finding,
        "-- this migration:\nALTER TABLE " + name + " ADD CONSTRAINT " + quoted_check + " CHECK (" + column +
            " IS NOT NULL) NOT VALID;\n-- the next migration, in a later deploy:\nALTER TABLE " + name +
            " VALIDATE CONSTRAINT " + quoted_check + ";\nALTER TABLE " + name + " ALTER COLUMN " + column +
            " SET NOT NULL;\nALTER TABLE " + name + " DROP CONSTRAINT " + quoted_check + ";",
        "The VALIDATE fails if a row still holds a null: backfill those rows first, in batches "
        "outside the migrator. Keep the VALIDATE out of the migration that adds the CHECK: "
        "migrations pending together run in one transaction, where it would scan under the ADD's "
        "ACCESS EXCLUSIVE lock.",
        step.object);
    out.push_back(std::move(finding));
  }
};

} // namespace

std::unique_ptr<engine::Rule> make_not_null_added_validating() {
  return std::make_unique<NotNullAddedValidating>();
}

} // namespace pgadvise::rules
