#include "core/text.hpp"
#include "engine/rule.hpp"
#include "rules/support/migration_locks.hpp"

#include <memory>
#include <vector>

namespace pgadvise::rules {

namespace {

constexpr std::string_view k_id = "partition-attached-validating";

// The safe recipe: the CHECK added NOT VALID, validated after a commit,
// the ATTACH, the CHECK dropped. Without a known condition (a key of
// several columns or expressions, a bound of expressions) the CHECK lines
// are comments to complete.
std::string fix_text(const model::MigrationStep& step, const std::string& name) {
  const std::string check = core::quote_ident(step.table + "_bound_check");
  const std::string condition =
      step.value.empty() ? "<the partition bound as a condition on the key>" : step.value.str();
  const std::string open = step.value.empty() ? "-- " : "";
  return open + "ALTER TABLE " + name + " ADD CONSTRAINT " + check + " CHECK (" + condition +
         ") NOT VALID;\n-- commit here (with drizzle-kit migrate: a later deploy)\n" + open + "ALTER TABLE " +
         name + " VALIDATE CONSTRAINT " + check + ";\n" + step.statement.str() + "; -- no scan now\n" + open +
         "ALTER TABLE " + name + " DROP CONSTRAINT " + check + ";";
}

class PartitionAttachedValidating final : public LockStepRule {
public:
  PartitionAttachedValidating()
      : LockStepRule(
            {
                .id = std::string(k_id),
                .summary =
                    "ATTACH PARTITION scans an existing table (the partition, or the default partition) "
                    "under ACCESS EXCLUSIVE to check the partition bound",
                .has_fix = true,
                .fix_applicability = core::FixApplicability::unsafe,
            },
            model::MigrationStepKind::attach_partition, StepEffect::scans) {}

private:
  void check_step(const engine::RuleContext& context, const LockedStep& locked,
                  core::FindingSink& out) const override {
    const model::MigrationStep& step = *locked.step;
    const std::string name = core::qualified_name(step.schema, step.table);
    const std::string parent = step.object;
    const bool is_default = step.detail == "the default partition";
    core::Finding finding = lock_finding(
        k_id, context, locked,
        is_default
            ? "ATTACH PARTITION to " + parent + " scans its existing default partition " + name +
                  " under ACCESS EXCLUSIVE, to check that none of its rows belongs to the new partition"
            : "ATTACH PARTITION of existing table " + name + " to " + parent + " scans every row of " + name +
                  " under ACCESS EXCLUSIVE to check the partition bound: no valid CHECK constraint of " +
                  name + " implies it");
    finding.object.constraint = parent;
    finding.help =
        "PostgreSQL 12 and later take only SHARE UPDATE EXCLUSIVE on the partitioned table " + parent +
        ", but ACCESS EXCLUSIVE on " + name +
        " while they check its rows, unless a valid CHECK constraint already proves the check would pass: "
        "reads and writes of " +
        name +
        " wait for the scan. Add that CHECK as NOT VALID (brief), VALIDATE it (a scan that lets reads "
        "and writes go on), attach, then drop the CHECK, which the partition constraint now makes "
        "redundant. NOT VALID and VALIDATE in one transaction defeat the purpose: commit between them "
        "(drizzle-kit migrate runs all pending files in one transaction, so VALIDATE goes in a later "
        "deploy).";
    set_lock_fix(
        finding, fix_text(step, name),
        "The CHECK must imply the key IS NOT NULL (the column's NOT NULL constraint does too) for "
        "PostgreSQL to skip the scan; with DEBUG1 messages on, ATTACH says \"partition constraint ... "
        "is implied by existing constraints\" when it does.",
        step.statement.str() + step.detail.str());
    out.push_back(std::move(finding));
  }
};

} // namespace

std::unique_ptr<engine::Rule> make_partition_attached_validating() {
  return std::make_unique<PartitionAttachedValidating>();
}

} // namespace pgadvise::rules
