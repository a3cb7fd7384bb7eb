#include "core/text.hpp"
#include "engine/rule.hpp"
#include "rules/support/migration_locks.hpp"

#include <memory>

namespace pgadvise::rules {

namespace {

constexpr std::string_view k_id = "delete-all-rows-in-migration";

// DELETE that matches every row of an existing table (no WHERE, or one
// every row passes: loaders/sql/replay_rows), in a migration file. A table
// the same file created is empty and skipped.
class DeleteAllRowsInMigration final : public LockStepRule {
public:
  DeleteAllRowsInMigration()
      : LockStepRule(
            {
                .id = std::string(k_id),
                .summary = "DELETE of every row of an existing table inside a migration",
                .has_fix = true,
                .fix_applicability = core::FixApplicability::unsafe,
            },
            model::MigrationStepKind::delete_rows, StepEffect::scans) {}

private:
  void check_step(const engine::RuleContext& context, const LockedStep& locked,
                  core::FindingSink& out) const override {
    const model::MigrationStep& step = *locked.step;
    const std::string name = core::qualified_name(step.schema, step.table);
    const std::string held = !step.in_transaction() ? std::string("until the statement ends")
                                                    : "until " + step.transaction_text() + " commits";
    core::Finding finding = lock_finding(
        k_id, context, locked,
        "DELETE of every row of existing table " + name + " in a migration (" + step.detail.str() +
            "): its data is gone once the migration runs, and each deleted row stays locked " + held);
    finding.help =
        "A migration runs on every environment, production included, so a DELETE that matches every row "
        "removes all the data of " +
        name +
        " there. If that is not meant, give it the WHERE it needs. If it is (a cache, a table being "
        "retired, reference rows re-inserted next), TRUNCATE empties the table at once instead of writing a "
        "deletion for each row to the WAL and leaving dead rows for VACUUM, but it takes ACCESS EXCLUSIVE: "
        "set lock_timeout before it.";
    set_lock_fix(finding,
                 "-- if every row must go:\nSET lock_timeout = '3s';\nTRUNCATE " + name +
                     ";\n-- otherwise: the DELETE with the WHERE that selects only the rows meant",
                 "TRUNCATE fires no DELETE triggers and fails when other tables' foreign keys reference " +
                     name + " (CASCADE would empty them too).",
                 "delete");
    out.push_back(std::move(finding));
  }
};

} // namespace

std::unique_ptr<engine::Rule> make_delete_all_rows_in_migration() {
  return std::make_unique<DeleteAllRowsInMigration>();
}

} // namespace pgadvise::rules
