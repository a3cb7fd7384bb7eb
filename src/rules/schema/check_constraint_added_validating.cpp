#include "core/text.hpp"
#include "engine/rule.hpp"
#include "rules/support/migration_locks.hpp"

#include <algorithm>
#include <memory>

namespace pgadvise::rules {

namespace {

constexpr std::string_view k_id = "check-constraint-added-validating";

class CheckConstraintAddedValidating final : public LockStepRule {
public:
  CheckConstraintAddedValidating()
      : LockStepRule(
            {
                .id = std::string(k_id),
                .summary = "CHECK constraint added to an existing table without NOT VALID",
                .has_fix = true,
                .fix_applicability = core::FixApplicability::unsafe,
            },
            model::MigrationStepKind::add_check) {}

private:
  void check_step(const engine::RuleContext& context, const LockedStep& locked,
                  core::FindingSink& out) const override {
    const auto& checks = locked.defined->checks;
    const auto check = std::find_if(checks.begin(), checks.end(), [&](const model::CheckConstraint& each) {
      return each.name == locked.step->object;
    });
    if (check == checks.end()) {
      return;
    }
    if (!locked.step->not_valid) {
      out.push_back(make_finding(context, locked, *check));
    } else if (const model::MigrationStep* validate = validated_in_same_transaction(context, *locked.step)) {
      out.push_back(validated_at_once(context, locked, *validate));
    }
  }

  // A finding about the constraint `locked` adds, told at `at` (the ADD,
  // or the VALIDATE that scans under its lock).
  static core::Finding constraint_finding(const engine::RuleContext& context, const LockedStep& locked,
                                          const model::MigrationStep& at, LockAdvice advice) {
    LockedStep at_step = locked;
    at_step.step = &at;
    advice.constraint = locked.step->object;
    return lock_finding(k_id, context, at_step, std::move(advice));
  }

  static core::Finding make_finding(const engine::RuleContext& context, const LockedStep& locked,
                                    const model::CheckConstraint& check) {
    const model::MigrationStep& step = *locked.step;
    const std::string name = core::qualified_name(step.schema, step.table);
    const std::string constraint = core::quote_ident(step.object);
    return constraint_finding(
        context, locked, step,
        {
            .message = "CHECK constraint " + step.object + " is added to existing table " + name +
                       " without NOT VALID: every row is checked under an ACCESS EXCLUSIVE lock, so reads "
                       "and writes wait",
            .help =
                "ADD CONSTRAINT ... CHECK takes ACCESS EXCLUSIVE on " + name +
                " and reads the whole table to check the existing rows before it lets go. Add it NOT VALID "
                "(new and updated rows are checked at once; a brief lock), then VALIDATE CONSTRAINT in a "
                "later migration: the validating scan runs under SHARE UPDATE EXCLUSIVE, so reads and "
                "writes go on.",
            .ddl = "-- this migration:\nALTER TABLE " + name + " ADD CONSTRAINT " + constraint + " CHECK (" +
                   (check.expression.empty() ? std::string("...") : check.expression) +
                   ") NOT VALID;\n-- the next migration, in a later deploy:\nALTER TABLE " + name +
                   " VALIDATE CONSTRAINT " + constraint + ";",
            .safety_note =
                "VALIDATE fails if an old row breaks the check: fix those rows first. Keep it out of "
                "the migration that adds the constraint: migrations pending together run in one "
                "transaction (drizzle-kit migrate), where it would scan under the ADD's lock.",
            .key = step.object,
        });
  }

  // NOT VALID, then VALIDATE in the same transaction: the scan runs under
  // the ADD's ACCESS EXCLUSIVE lock as if NOT VALID were not there.
  static core::Finding validated_at_once(const engine::RuleContext& context, const LockedStep& locked,
                                         const model::MigrationStep& validate) {
    const std::string name = core::qualified_name(locked.step->schema, locked.step->table);
    return constraint_finding(
        context, locked, validate,
        {
            .message =
                "CHECK constraint " + locked.step->object +
                " is added NOT VALID and validated in the same transaction: the scan of existing table " +
                name + " still runs under the ADD's ACCESS EXCLUSIVE lock",
            .help =
                "The ACCESS EXCLUSIVE lock of ADD ... NOT VALID is held until its transaction commits (a "
                "BEGIN block, or drizzle-kit migrate's one transaction around all pending migrations), so a "
                "VALIDATE in the same transaction scans " +
                name + " under it. Move the VALIDATE to a migration of a later deploy.",
            .ddl = "-- keep the ADD ... NOT VALID here; move this to a migration of a later deploy:\nALTER "
                   "TABLE " +
                   name + " VALIDATE CONSTRAINT " + core::quote_ident(locked.step->object) + ";",
            .safety_note =
                "Create that migration with drizzle-kit generate --custom after this one is deployed.",
            .key = locked.step->object + "/validated-at-once",
        });
  }
};

} // namespace

std::unique_ptr<engine::Rule> make_check_constraint_added_validating() {
  return std::make_unique<CheckConstraintAddedValidating>();
}

} // namespace pgadvise::rules
