#include "core/text.hpp"
#include "engine/rule.hpp"
#include "rules/support/migration_locks.hpp"

#include <memory>

namespace pgadvise::rules {

namespace {

constexpr std::string_view k_id = "index-dropped-non-concurrently";

class IndexDroppedNonConcurrently final : public LockStepRule {
public:
  IndexDroppedNonConcurrently()
      : LockStepRule(
            {
                .id = std::string(k_id),
                .summary = "DROP INDEX without CONCURRENTLY on an existing table",
                .has_fix = true,
                .fix_applicability = core::FixApplicability::unsafe,
            },
            model::MigrationStepKind::drop_index, StepEffect::not_concurrent) {}

private:
  void check_step(const engine::RuleContext& context, const LockedStep& locked,
                  core::FindingSink& out) const override {
    // A partitioned table's index cannot be dropped CONCURRENTLY.
    if (locked.defined->partitioned) {
      return;
    }
    const model::MigrationStep& step = *locked.step;
    // An index no migration file built (a lone file's DROP INDEX): its table is not named.
    const std::string name =
        step.table.empty() ? std::string("its table") : core::qualified_name(step.schema, step.table);
    core::Finding finding = lock_finding(
        k_id, context, locked,
        "DROP INDEX " + step.object + " without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on " +
            (step.table.empty() ? std::string("its table (not in these files)") : "existing table " + name) +
            ": it waits for every query on the table, and every query after it waits too");
    finding.object.constraint = step.object;
    finding.help =
        "The drop itself is quick, but its ACCESS EXCLUSIVE request queues behind any long query or open "
        "transaction on " +
        name +
        ", and every later read and write of the table queues behind the request: a short outage, longer "
        "the busier the table. DROP INDEX CONCURRENTLY waits for those transactions without blocking "
        "anyone; it cannot run inside a transaction block.";
    const std::string index = core::quote_ident(step.object);
    set_lock_fix(finding,
                 concurrently_fix(step, "DROP INDEX CONCURRENTLY IF EXISTS " + index + ";",
                                  "DROP INDEX IF EXISTS " + index + ";"),
                 "Run the CONCURRENTLY statement in autocommit (psql -c, no BEGIN), one index per statement. "
                 "An index that backs a constraint is dropped with ALTER TABLE ... DROP CONSTRAINT instead.",
                 step.object);
    out.push_back(std::move(finding));
  }
};

} // namespace

std::unique_ptr<engine::Rule> make_index_dropped_non_concurrently() {
  return std::make_unique<IndexDroppedNonConcurrently>();
}

} // namespace pgadvise::rules
