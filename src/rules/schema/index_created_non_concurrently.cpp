#include "core/text.hpp"
#include "engine/rule.hpp"
#include "rules/support/index_statement.hpp"
#include "rules/support/migration_locks.hpp"

#include <memory>

namespace pgadvise::rules {

namespace {

// How the migrator runs one migration without a transaction.
std::string own_migration_hint(model::MigrationTransaction runner) {
  switch (runner) {
  case model::MigrationTransaction::prisma: return " (a Prisma migration of this one statement)";
  case model::MigrationTransaction::goose: return " (-- +goose NO TRANSACTION)";
  case model::MigrationTransaction::dbmate: return " (-- migrate:up transaction:false)";
  case model::MigrationTransaction::block: return ", or after the COMMIT";
  case model::MigrationTransaction::none:
  case model::MigrationTransaction::drizzle_kit: return {}; // advised otherwise
  }
  return {};
}

constexpr std::string_view k_id = "index-created-non-concurrently";

class IndexCreatedNonConcurrently final : public LockStepRule {
public:
  IndexCreatedNonConcurrently()
      : LockStepRule(
            {
                .id = std::string(k_id),
                .summary = "CREATE INDEX without CONCURRENTLY on a table an earlier migration created",
                .has_fix = true,
                .lens = engine::Lens::change,
                .fix_applicability = core::FixApplicability::safe,
            },
            model::MigrationStepKind::create_index, StepEffect::not_concurrent) {}

private:
  void check_step(const engine::RuleContext& context, const LockedStep& locked,
                  core::FindingSink& out) const override {
    const model::Index* index = locked.defined->find_index(locked.step->object);
    // Dropped later in the history, or a partitioned table (CONCURRENTLY is refused there).
    if (index == nullptr || locked.defined->partitioned) {
      return;
    }
    out.push_back(make_finding(context, locked, *index));
  }

  static core::Finding make_finding(const engine::RuleContext& context, const LockedStep& locked,
                                    const model::Index& index) {
    const model::Table& table = *locked.defined;
    const std::string name = core::qualified_name(table.schema, table.name);
    core::Finding finding = lock_finding(
        k_id, context, locked, render_index_statement(table.schema, table.name, index, false, false),
        "CREATE INDEX " + index.name + " on existing table " + name +
            " without CONCURRENTLY: writes to the table wait until the index is built");
    finding.object.constraint = index.name;
    const std::string lock = "CREATE INDEX holds a SHARE lock on " + name +
                             " for the whole build: every INSERT, UPDATE and DELETE waits, for seconds to "
                             "minutes on a big table";
    const std::string concurrent = render_index_statement(table.schema, table.name, index, true, true);
    const std::string run_note =
        "Run the CONCURRENTLY statement in autocommit (psql -c, no BEGIN): it waits for "
        "transactions already using the table, then builds without blocking writes. "
        "One that fails leaves an INVALID index (invalid-index): drop it and run it "
        "again.";
    const model::MigrationStep& step = *locked.step;
    // drizzle-kit's, and a folder whose runner is not known (psql, or a
    // migrator that wraps each file): build it outside the migrator.
    if (step.transaction == model::MigrationTransaction::drizzle_kit || !step.in_transaction()) {
      finding.help =
          lock +
          ", and drizzle-kit migrate runs all pending migrations in one transaction, so the lock is held "
          "until the last one commits. CREATE INDEX CONCURRENTLY lets writes continue but cannot run inside "
          "a transaction block, so it cannot go in a file drizzle-kit migrate runs (the migration would "
          "fail): build the index in a separate deploy step before drizzle-kit migrate (psql, or a script "
          "with the same connection), and make the migration's statement CREATE INDEX IF NOT EXISTS so it "
          "finds the index already there and costs nothing.";
      // The help says why CONCURRENTLY stays out of the migrator; the note is
      // about running it (the index advisor's note says the former once per report).
      set_lock_fix(finding,
                   "-- outside the migrator (psql in the deploy step), before drizzle-kit migrate:\n" +
                       concurrent +
                       "\n-- in the migration, a no-op once the index exists:\n-- pgadvise-ignore " +
                       std::string(k_id) + " -- built CONCURRENTLY before drizzle-kit migrate\n" +
                       render_index_statement(table.schema, table.name, index, false, true),
                   run_note, index.name);
    } else {
      finding.help = lock +
                     ". CREATE INDEX CONCURRENTLY lets writes continue but cannot run inside a transaction "
                     "block, and this statement runs inside " +
                     step.transaction_text() + ": build it in a migration of its own that runs without one" +
                     own_migration_hint(step.transaction) + ".";
      set_lock_fix(finding, "-- in a migration of its own, run without a transaction:\n" + concurrent,
                   run_note, index.name);
    }
    return finding;
  }
};

} // namespace

std::unique_ptr<engine::Rule> make_index_created_non_concurrently() {
  return std::make_unique<IndexCreatedNonConcurrently>();
}

} // namespace pgadvise::rules
