#include "core/text.hpp"
#include "engine/rule.hpp"
#include "rules/support/migration_locks.hpp"

#include <memory>

namespace pgadvise::rules {

namespace {

constexpr std::string_view k_id = "vacuum-full-or-cluster";

class VacuumFullOrCluster final : public LockStepRule {
public:
  VacuumFullOrCluster()
      : LockStepRule(
            {
                .id = std::string(k_id),
                .summary =
                    "VACUUM FULL or CLUSTER in a migration: the table is rewritten under ACCESS EXCLUSIVE",
                .has_fix = true,
                .fix_applicability = core::FixApplicability::unsafe,
            },
            model::MigrationStepKind::rewrite_table) {}

private:
  void check_step(const engine::RuleContext& context, const LockedStep& locked,
                  core::FindingSink& out) const override {
    const model::MigrationStep& step = *locked.step;
    const std::string name = core::qualified_name(step.schema, step.table);
    const bool vacuum = step.detail == "VACUUM FULL";
    // VACUUM refuses to run inside a transaction block: there it fails
    // before it locks anything.
    const bool fails = vacuum && step.in_transaction();
    core::Finding finding =
        fails
            ? lock_finding(k_id, context, locked,
                           "VACUUM FULL " + name + " runs inside " + step.transaction_text() +
                               ": VACUUM cannot run in a transaction block, so the migration fails")
            : lock_finding(k_id, context, locked,
                           step.detail + " rewrites existing table " + name +
                               " and every index on it under an ACCESS EXCLUSIVE lock: reads and writes wait "
                               "until it finishes");
    if (fails) {
      finding.severity = core::Severity::critical;
    }
    finding.help =
        step.detail +
        " copies the whole table into new files and rebuilds its indexes while holding ACCESS "
        "EXCLUSIVE on " +
        name +
        ": nothing can read or write it for the whole copy. It is maintenance, not a schema change: leave it "
        "out of the migrations, and reclaim space (or reorder rows) online with the pg_repack or pg_squeeze "
        "extension, which hold that lock only for a moment at the end.";
    set_lock_fix(
        finding,
        "-- remove from the migration; outside it, online (pg_repack extension installed):\n-- pg_repack "
        "--table=" +
            name + (step.detail == "CLUSTER" ? " --order-by=<the CLUSTER index's columns>" : "") +
            " \"$DATABASE_URL\"",
        "Plain VACUUM (without FULL) takes only SHARE UPDATE EXCLUSIVE and needs no migration: "
        "autovacuum runs it.",
        step.detail);
    out.push_back(std::move(finding));
  }
};

} // namespace

std::unique_ptr<engine::Rule> make_vacuum_full_or_cluster() {
  return std::make_unique<VacuumFullOrCluster>();
}

} // namespace pgadvise::rules
