#include "advisor/evidence.hpp"
#include "core/text.hpp"
#include "engine/rule.hpp"
#include "rules/support/table_rule.hpp"

#include <memory>

namespace pgadvise::rules {

namespace {

constexpr std::string_view k_id = "not-valid-constraint";

class NotValidConstraint final : public TableRule {
public:
  NotValidConstraint()
      : TableRule({
            .id = std::string(k_id),
            .summary = "Constraint added NOT VALID and never validated",
            .has_fix = true,
            .fix_applicability = core::FixApplicability::unsafe,
        }) {}

private:
  void check_table(const engine::RuleContext& context, const model::Table& table,
                   core::FindingSink& out) const override {
    // A partition repeats its parent's foreign keys; the parent reports them.
    if (!table.partition_of.empty()) {
      return;
    }
    for (const model::ForeignKey& fk : table.foreign_keys) {
      if (!fk.valid) {
        out.push_back(make_finding(context, table, fk.name, fk.columns, "foreign key",
                                   advisor::describe_foreign_key(fk), fk.location));
      }
    }
    for (const model::CheckConstraint& check : table.checks) {
      if (!check.valid) {
        out.push_back(make_finding(context, table, check.name, {}, "check constraint",
                                   "CHECK (" + check.expression + ")", check.location));
      }
    }
  }

  static core::Finding make_finding(const engine::RuleContext& context, const model::Table& table,
                                    const std::string& name, const std::vector<std::string>& columns,
                                    const std::string& what, const std::string& definition,
                                    const core::SourceLocation& location) {
    const std::string table_name = core::qualified_name(table.schema, table.name);
    core::Finding finding;
    finding.rule = std::string(k_id);
    finding.severity = context.severity;
    finding.object = core::ObjectRef{table.schema, table.name, columns, name};
    finding.location = location.known() ? location : table.location;
    finding.message = "The " + what + " " + name + " on " + table_name +
                      " was added NOT VALID and never validated: existing rows are not known to satisfy it";
    finding.evidence.push_back(
        advisor::schema_evidence(*context.catalog, definition + " NOT VALID", location));
    finding.help =
        "NOT VALID is the first half of adding a constraint without a long lock: new and updated rows "
        "are checked, old rows are not, and the planner cannot rely on the constraint (a CHECK does "
        "not exclude partitions, a NOT NULL-style CHECK cannot back SET NOT NULL). Finish it with "
        "VALIDATE CONSTRAINT, which checks the old rows under a lock that lets reads and writes go on.";
    core::Fix fix;
    fix.sql().ddl = "ALTER TABLE " + table_name + " VALIDATE CONSTRAINT " + core::quote_ident(name) + ";";
    fix.safety_note =
        "VALIDATE takes a SHARE UPDATE EXCLUSIVE lock (reads and writes continue) while it scans "
        "the table; it fails if an old row violates the constraint: fix those rows first. With "
        "Drizzle, put it in its own migration (drizzle-kit generate --custom).";
    finding.fix = std::move(fix);
    finding.compute_fingerprint();
    return finding;
  }
};

} // namespace

std::unique_ptr<engine::Rule> make_not_valid_constraint() {
  return std::make_unique<NotValidConstraint>();
}

} // namespace pgadvise::rules
