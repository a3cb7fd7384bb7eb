#include "core/text.hpp"
#include "engine/rule.hpp"
#include "rules/support/migration_locks.hpp"

#include <memory>

namespace pgadvise::rules {

namespace {

constexpr std::string_view k_id = "reindex-non-concurrently";

class ReindexNonConcurrently final : public LockStepRule {
public:
  ReindexNonConcurrently()
      : LockStepRule(
            {
                .id = std::string(k_id),
                .summary = "REINDEX without CONCURRENTLY in a migration",
                .has_fix = true,
            },
            model::MigrationStepKind::reindex, StepEffect::not_concurrent) {}

private:
  void check_step(const engine::RuleContext& context, const LockedStep& locked,
                  std::vector<core::Finding>& out) const override {
    const model::MigrationStep& step = *locked.step;
    const std::string name = core::qualified_name(step.schema, step.table);
    const std::string what = step.object.empty() ? "every index of " + name : "index " + step.object;
    core::Finding finding =
        lock_finding(k_id, context, locked,
                     "REINDEX of " + what + " without CONCURRENTLY: writes to existing table " + name +
                         " wait for the whole rebuild, and so do reads that use the index");
    finding.object.constraint = step.object;
    finding.help =
        "REINDEX takes a SHARE lock on " + name +
        " (INSERT, UPDATE and DELETE wait) and ACCESS EXCLUSIVE on each index it rebuilds (queries that "
        "would use it wait) until it finishes. REINDEX ... CONCURRENTLY builds a new copy beside the old one "
        "and swaps them, blocking neither; it cannot run inside a transaction block, and a rebuild is "
        "maintenance rather than a schema change, so it belongs outside the migrations.";
    const std::string target = step.object.empty() ? "TABLE CONCURRENTLY " + name
                                                   : "INDEX CONCURRENTLY " + core::quote_ident(step.object);
    set_lock_fix(
        finding, concurrently_fix(step, "REINDEX " + target + ";", ""),
        "Run it in autocommit (psql -c). One that fails leaves an INVALID index named ..._ccnew: drop "
        "it and run again.",
        step.object.empty() ? std::string("table") : step.object);
    out.push_back(std::move(finding));
  }
};

} // namespace

std::unique_ptr<engine::Rule> make_reindex_non_concurrently() {
  return std::make_unique<ReindexNonConcurrently>();
}

} // namespace pgadvise::rules
