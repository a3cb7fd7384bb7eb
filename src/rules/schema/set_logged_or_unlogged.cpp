#include "core/text.hpp"
#include "engine/rule.hpp"
#include "rules/support/migration_locks.hpp"

#include <memory>

namespace pgadvise::rules {

namespace {

constexpr std::string_view k_id = "set-logged-or-unlogged";

// ALTER TABLE ... SET LOGGED / SET UNLOGGED: PostgreSQL 15 rewrites the
// table and its indexes into new files under ACCESS EXCLUSIVE (the replay
// records it as an alter_table step that rewrites, loaders/sql/replay_locks).
class SetLoggedOrUnlogged final : public LockStepRule {
public:
  SetLoggedOrUnlogged()
      : LockStepRule(
            {
                .id = std::string(k_id),
                .summary =
                    "ALTER TABLE ... SET LOGGED or SET UNLOGGED on an existing table: rewrites it under "
                    "ACCESS EXCLUSIVE",
                .has_fix = true,
                .fix_applicability = core::FixApplicability::unsafe,
            },
            model::MigrationStepKind::alter_table, StepEffect::rewrites) {}

private:
  void check_step(const engine::RuleContext& context, const LockedStep& locked,
                  core::FindingSink& out) const override {
    const model::MigrationStep& step = *locked.step;
    const bool unlogged = step.detail == "SET UNLOGGED";
    if (!unlogged && step.detail != "SET LOGGED") {
      return;
    }
    const std::string name = core::qualified_name(step.schema, step.table);
    core::Finding finding = lock_finding(
        k_id, context, locked,
        step.detail.str() + " rewrites existing table " + name +
            " and every index on it under an ACCESS EXCLUSIVE lock: reads and writes wait until it "
            "finishes" +
            (unlogged ? ", and from then on a crash empties the table" : std::string()));
    finding.help =
        "Changing a table's persistence copies it into new files and rebuilds its indexes while holding "
        "ACCESS EXCLUSIVE on " +
        name + "; SET LOGGED also writes the whole table to the WAL, which replicas replay. " +
        (unlogged ? "An unlogged table is not crash-safe (PostgreSQL truncates it after a crash) and is not "
                    "replicated: standbys see it empty. "
                  : "") +
        "Run it in a maintenance window, outside the migrations that run on every deploy, or build the "
        "table anew with the persistence it needs and move the rows in batches.";
    set_lock_fix(finding,
                 "-- remove from the migration; in a maintenance window, with a bound on the wait:\nSET "
                 "lock_timeout = '3s';\nALTER TABLE " +
                     name + " " + step.detail.str() + ";",
                 "The rewrite takes as long as copying the table and its indexes; check its size first "
                 "(SELECT pg_size_pretty(pg_total_relation_size('" +
                     name + "'))).",
                 step.detail.view());
    out.push_back(std::move(finding));
  }
};

} // namespace

std::unique_ptr<engine::Rule> make_set_logged_or_unlogged() {
  return std::make_unique<SetLoggedOrUnlogged>();
}

} // namespace pgadvise::rules
