#include "core/text.hpp"
#include "engine/rule.hpp"
#include "rules/support/migration_locks.hpp"

#include <memory>

namespace pgadvise::rules {

namespace {

constexpr std::string_view k_id = "partition-detached-non-concurrently";

class PartitionDetachedNonConcurrently final : public LockStepRule {
public:
  PartitionDetachedNonConcurrently()
      : LockStepRule(
            {
                .id = std::string(k_id),
                .summary = "DETACH PARTITION without CONCURRENTLY",
                .has_fix = true,
                .fix_applicability = core::FixApplicability::unsafe,
            },
            model::MigrationStepKind::detach_partition, StepEffect::not_concurrent) {}

private:
  void check_step(const engine::RuleContext& context, const LockedStep& locked,
                  core::FindingSink& out) const override {
    const model::MigrationStep& step = *locked.step;
    const std::string name = core::qualified_name(step.schema, step.table);
    core::Finding finding = lock_finding(
        k_id, context, locked,
        "DETACH PARTITION " + step.object + " without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on " +
            name + ": every query on the partitioned table waits for it, and it waits for every query");
    finding.object.constraint = step.object;
    finding.help =
        "Detaching a partition locks the whole partitioned table " + name +
        " in ACCESS EXCLUSIVE mode. DETACH PARTITION ... CONCURRENTLY (PostgreSQL 14 and later) takes only "
        "SHARE UPDATE EXCLUSIVE on it and waits for running queries in two transactions of its own, so it "
        "cannot run inside a transaction block, and it is refused when the table has a DEFAULT partition.";
    const std::string detach =
        "ALTER TABLE " + name + " DETACH PARTITION " + core::quote_ident(step.object) + " CONCURRENTLY;";
    set_lock_fix(finding, concurrently_fix(step, detach, ""),
                 "If it is interrupted, the partition is left detached-pending: finish with ALTER TABLE ... "
                 "DETACH PARTITION ... FINALIZE.",
                 step.object);
    out.push_back(std::move(finding));
  }
};

} // namespace

std::unique_ptr<engine::Rule> make_partition_detached_non_concurrently() {
  return std::make_unique<PartitionDetachedNonConcurrently>();
}

} // namespace pgadvise::rules
