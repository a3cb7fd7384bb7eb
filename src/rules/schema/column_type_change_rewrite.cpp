#include "core/text.hpp"
#include "engine/rule.hpp"
#include "model/type_ref.hpp"
#include "rules/support/migration_locks.hpp"

#include <memory>

namespace pgadvise::rules {

namespace {

constexpr std::string_view k_id = "column-type-change-rewrite";

class ColumnTypeChangeRewrite final : public LockStepRule {
public:
  ColumnTypeChangeRewrite()
      : LockStepRule(
            {
                .id = std::string(k_id),
                .summary = "ALTER COLUMN TYPE that rewrites an existing table",
                .has_fix = true,
                .lens = engine::Lens::change,
                .fix_applicability = core::FixApplicability::unsafe,
            },
            model::MigrationStepKind::alter_column_type, StepEffect::rewrites) {}

private:
  void check_step(const engine::RuleContext& context, const LockedStep& locked,
                  core::FindingSink& out) const override {
    // Only the steps that rewrite (StepEffect::rewrites): the replay's
    // reading of PostgreSQL 15 (loaders/sql/replay_locks: binary-coercible
    // changes and raised limits do not, nor does a USING that is the column
    // itself).
    out.push_back(make_finding(context, locked));
  }

  // With the type before unknown: whether the rewrite is certain (a USING
  // that computes the values, the replay's step.value) or PostgreSQL may
  // skip it, as it does for a binary-coercible change.
  static std::string unknown_type_clause(const model::MigrationStep& step) {
    if (!step.old_type.empty()) {
      return {};
    }
    if (!step.value.empty()) {
      return " whatever the type was: USING " + step.value.str() + " computes every row's value";
    }
    return " unless the change is binary-coercible";
  }

  static core::Finding make_finding(const engine::RuleContext& context, const LockedStep& locked) {
    const model::MigrationStep& step = *locked.step;
    const std::string name = core::qualified_name(step.schema, step.table);
    const std::string column = core::quote_ident(step.object);
    const std::string temp = core::quote_ident(step.object + "_new");
    // A table no migration file creates (a lone file's ALTER), or a column
    // none creates (added outside the migrations): its type before is not
    // known, so neither is whether PostgreSQL can skip the rewrite.
    const bool old_known = !step.old_type.empty();
    const std::string was = old_known ? step.old_type.str() : std::string("a type these files do not show");
    core::Finding finding = lock_finding(
        k_id, context, locked,
        "ALTER TABLE " + name + " ALTER COLUMN " + column + " TYPE " + step.new_type + " (was " + was + ")",
        "Changing " + name + "." + step.object +
            (old_known ? " from " + step.old_type.str() : std::string()) + " to " + step.new_type +
            (old_known ? "" : " (its current type is not in these files)") + " rewrites existing table " +
            name + " and its indexes under an ACCESS EXCLUSIVE lock" + unknown_type_clause(step));
    finding.object.columns = {step.object};
    if (!step.detail.empty()) {
      // No USING, and no automatic cast: PostgreSQL refuses the statement
      // (drizzle-kit generate writes it so for text to jsonb), and with it
      // every migration drizzle-kit migrate applies in the same transaction.
      finding.message = "PostgreSQL refuses ALTER COLUMN " + column + " TYPE " + step.new_type.str() +
                        " on " + name + ": " + step.detail.str() + " and no USING (ERROR: column \"" +
                        step.object + "\" cannot be cast automatically to type " + step.new_type.str() +
                        "), so the migration fails; with USING " + column + "::" + step.new_type.str() +
                        " it would rewrite " + name + " and its indexes under an ACCESS EXCLUSIVE lock";
      regrade(finding, core::Severity::high);
    }
    finding.help =
        "While the table and every index on it are rewritten, nothing can read or write " + name +
        " -- and drizzle-kit migrate holds the lock until all pending migrations commit. On a table "
        "with data, change the type in steps: add a column of the new type, backfill it in batches "
        "outside the migrator, then swap the columns in a short migration.";
    if (!step.detail.empty()) {
      finding.help += " First of all the statement needs USING " + column + "::" + step.new_type.str() +
                      " (drizzle-kit generate leaves it out): on an empty or small table, add it to the "
                      "generated migration; else take the steps below, whose backfill casts each row.";
    }
    if (model::parse_type_text(step.old_type).name == "timestamp" &&
        model::parse_type_text(step.new_type).name == "timestamptz") {
      finding.help += " (PostgreSQL 12 and later skip the rewrite of timestamp to timestamptz when the "
                      "migrator's session has TimeZone UTC: SET LOCAL TimeZone = 'UTC' before it in the "
                      "migration, when the stored values are UTC.)";
    }
    // The backfill computes what the migration's USING computes; a plain
    // change casts.
    const std::string value = step.value.empty() ? column + "::" + step.new_type.str() : step.value.str();
    set_lock_fix(finding,
                 "-- migration 1:\nALTER TABLE " + name + " ADD COLUMN " + temp + " " + step.new_type +
                     ";\n-- outside the migrator, in batches until no row is left:\nUPDATE " + name +
                     " SET " + temp + " = " + value + " WHERE ctid IN (SELECT ctid FROM " + name + " WHERE " +
                     temp + " IS NULL AND " + column +
                     " IS NOT NULL LIMIT 10000);\n-- migration 2:\nALTER TABLE " + name + " DROP COLUMN " +
                     column + ";\nALTER TABLE " + name + " RENAME COLUMN " + temp + " TO " + column + ";",
                 "Writes between the backfill and the swap must fill the new column too (a trigger, or "
                 "the application writing both). Indexes, constraints and defaults on the old column have "
                 "to be recreated on the new one, CONCURRENTLY for indexes.",
                 step.new_type);
    return finding;
  }
};

} // namespace

std::unique_ptr<engine::Rule> make_column_type_change_rewrite() {
  return std::make_unique<ColumnTypeChangeRewrite>();
}

} // namespace pgadvise::rules
