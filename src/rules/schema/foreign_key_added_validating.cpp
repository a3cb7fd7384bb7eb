#include "advisor/evidence.hpp"
#include "core/text.hpp"
#include "engine/rule.hpp"
#include "rules/support/migration_locks.hpp"

#include <algorithm>
#include <cctype>
#include <memory>

namespace pgadvise::rules {

namespace {

constexpr std::string_view k_id = "foreign-key-added-validating";

std::string action_clause(std::string_view clause, model::FkAction action) {
  if (action == model::FkAction::no_action) {
    return {};
  }
  std::string text(model::to_string(action));
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return " " + std::string(clause) + " " + text;
}

class ForeignKeyAddedValidating final : public LockStepRule {
public:
  ForeignKeyAddedValidating()
      : LockStepRule(
            {
                .id = std::string(k_id),
                .summary = "Foreign key added to an existing table without NOT VALID",
                .has_fix = true,
                .lens = engine::Lens::change,
                .fix_applicability = core::FixApplicability::unsafe,
            },
            model::MigrationStepKind::add_foreign_key) {}

private:
  void check_step(const engine::RuleContext& context, const LockedStep& locked,
                  core::FindingSink& out) const override {
    const auto& fks = locked.defined->foreign_keys;
    const auto fk = std::find_if(fks.begin(), fks.end(), [&](const model::ForeignKey& each) {
      return each.name == locked.step->object;
    });
    if (fk == fks.end()) {
      return;
    }
    if (!locked.step->not_valid) {
      out.push_back(make_finding(context, locked, *fk));
    } else if (const model::MigrationStep* validate = validated_in_same_transaction(context, *locked.step)) {
      out.push_back(validated_at_once(context, locked, *fk, *validate));
    }
  }

  // NOT VALID, then VALIDATE in the same transaction: the validating scan
  // runs under the ADD's lock as if NOT VALID were not there.
  static core::Finding validated_at_once(const engine::RuleContext& context, const LockedStep& locked,
                                         const model::ForeignKey& fk, const model::MigrationStep& validate) {
    const model::Table& table = *locked.defined;
    const std::string name = core::qualified_name(table.schema, table.name);
    const std::string ref = core::qualified_name(fk.ref_schema, fk.ref_table);
    LockedStep at_validate = locked;
    at_validate.step = &validate;
    core::Finding finding = lock_finding(
        k_id, context, at_validate,
        "ALTER TABLE " + name + " VALIDATE CONSTRAINT " + fk.name + " (added NOT VALID at " +
            locked.step->location.to_string() + ")",
        "Foreign key " + fk.name + " is added NOT VALID and validated in the same transaction: the " +
            "scan of existing table " + name + " still runs while writes to " + name + " and " + ref +
            " wait");
    finding.object.columns = fk.columns;
    finding.object.constraint = fk.name;
    finding.help =
        "ADD FOREIGN KEY ... NOT VALID takes a SHARE ROW EXCLUSIVE lock on both tables, held until the "
        "transaction ends (a BEGIN block, or drizzle-kit migrate's one transaction around all pending "
        "migrations), so a VALIDATE CONSTRAINT in the same transaction scans " +
        name +
        " under that lock: the NOT VALID gains nothing. Move the VALIDATE to a later migration, "
        "shipped in a later deploy.";
    set_lock_fix(
        finding,
        "-- keep the ADD ... NOT VALID here; move this to a migration of a later deploy:\nALTER TABLE " +
            name + " VALIDATE CONSTRAINT " + core::quote_ident(fk.name) + ";",
        "Create that migration with drizzle-kit generate --custom after this one is deployed. "
        "VALIDATE fails if an old row has no match: clean those rows up first.",
        fk.name + "/validated-at-once");
    return finding;
  }

  static core::Finding make_finding(const engine::RuleContext& context, const LockedStep& locked,
                                    const model::ForeignKey& fk) {
    const model::Table& table = *locked.defined;
    const std::string name = core::qualified_name(table.schema, table.name);
    const std::string ref = core::qualified_name(fk.ref_schema, fk.ref_table);
    const std::string constraint = core::quote_ident(fk.name);
    core::Finding finding = lock_finding(
        k_id, context, locked,
        "ALTER TABLE " + name + " ADD CONSTRAINT " + fk.name + " " + advisor::describe_foreign_key(fk),
        "Foreign key " + fk.name + " is added to existing table " + name + " without NOT VALID: writes to " +
            name + " and " + ref + " wait while every row is checked");
    finding.object.columns = fk.columns;
    finding.object.constraint = fk.name;
    finding.help =
        "ADD FOREIGN KEY takes a SHARE ROW EXCLUSIVE lock on both " + name + " and " + ref +
        " and scans all of " + name +
        " to check existing rows: writes to both tables wait for the scan, and drizzle-kit migrate holds the "
        "locks until all pending migrations commit. Add the constraint NOT VALID (only new rows are "
        "checked; a brief lock), then VALIDATE CONSTRAINT in the next migration, which checks the old rows "
        "under a lock that lets reads and writes continue. Ship the two in separate deploys: migrations "
        "pending together run in one transaction, where the VALIDATE would scan under the first lock.";
    std::vector<std::string> columns;
    std::vector<std::string> ref_columns;
    for (const std::string& column : fk.columns) {
      columns.push_back(core::quote_ident(column));
    }
    for (const std::string& column : fk.ref_columns) {
      ref_columns.push_back(core::quote_ident(column));
    }
    set_lock_fix(finding,
                 "-- this migration:\nALTER TABLE " + name + " ADD CONSTRAINT " + constraint +
                     " FOREIGN KEY (" + core::join(columns, ", ") + ") REFERENCES " + ref +
                     (ref_columns.empty() ? "" : " (" + core::join(ref_columns, ", ") + ")") +
                     action_clause("ON DELETE", fk.on_delete) + action_clause("ON UPDATE", fk.on_update) +
                     " NOT VALID;\n-- the next migration:\nALTER TABLE " + name + " VALIDATE CONSTRAINT " +
                     constraint + ";",
                 "drizzle-kit generate writes the constraint without NOT VALID: edit the generated SQL "
                 "file (add NOT VALID), deploy it, then add the VALIDATE statement as the next migration "
                 "(drizzle-kit generate --custom) in a later deploy. VALIDATE fails if an old row has no "
                 "match: clean those rows up first.",
                 fk.name);
    return finding;
  }
};

} // namespace

std::unique_ptr<engine::Rule> make_foreign_key_added_validating() {
  return std::make_unique<ForeignKeyAddedValidating>();
}

} // namespace pgadvise::rules
