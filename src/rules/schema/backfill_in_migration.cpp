#include "core/text.hpp"
#include "engine/rule.hpp"
#include "rules/support/migration_locks.hpp"

#include <algorithm>
#include <memory>
#include <vector>

namespace pgadvise::rules {

namespace {

constexpr std::string_view k_id = "backfill-in-migration";

// The table's one-column primary key, or empty (none, or several columns).
std::string single_key(const model::Table& table) {
  for (const model::Index& index : table.indexes) {
    if (index.kind == model::IndexKind::primary_key && index.keys.size() == 1 &&
        index.leading_columns().size() == 1) {
      return index.leading_columns().front();
    }
  }
  return {};
}

// The UPDATE in batches of 5,000 rows by its primary key (keyset: $1 is the
// largest key the previous batch returned), or the statement itself when
// the table has no one-column key.
std::string batched(const model::MigrationStep& step, const model::Table& table) {
  const std::string value = step.value.str();
  const std::size_t newline = value.find('\n');
  const std::string key = single_key(table);
  if (newline == std::string::npos || newline == 0 || key.empty()) {
    return step.statement.str() + ";";
  }
  const std::string assignments = value.substr(0, newline);
  const std::string condition = value.substr(newline + 1);
  const std::string name = core::qualified_name(step.schema, step.table);
  const std::string column = core::quote_ident(key);
  const std::string qualified = name + "." + column;
  return "UPDATE " + name + " SET " + assignments + "\nWHERE " +
         (condition.empty() ? std::string() : "(" + condition + ") AND ") + qualified + " IN (SELECT " +
         column + " FROM " + name + " WHERE " + column + " > $1 ORDER BY " + column +
         " LIMIT 5000)\nRETURNING " + qualified + ";";
}

// An ACCESS EXCLUSIVE statement on the same table earlier in the same
// transaction (the ADD COLUMN the backfill fills): its lock is still held,
// so the backfill blocks reads of the table too. Null when there is none.
const model::MigrationStep* held_before(const engine::RuleContext& context,
                                        const model::MigrationStep& step) {
  if (!step.in_transaction()) {
    return nullptr;
  }
  for (const model::MigrationStep& each : files_catalog(context).migration_steps) {
    if (&each == &step) {
      break;
    }
    if (each.lock == model::LockMode::access_exclusive && each.schema == step.schema &&
        each.table == step.table && each.same_transaction(step) && each.location.file == step.location.file) {
      return &each;
    }
  }
  return nullptr;
}

class BackfillInMigration final : public LockStepRule {
public:
  BackfillInMigration()
      : LockStepRule(
            {
                .id = std::string(k_id),
                .summary = "UPDATE of every row of an existing table inside a migration (a backfill)",
                .has_fix = true,
                .fix_applicability = core::FixApplicability::unsafe,
            },
            model::MigrationStepKind::update_rows, StepEffect::scans) {}

private:
  void check_step(const engine::RuleContext& context, const LockedStep& locked,
                  core::FindingSink& out) const override {
    const model::MigrationStep& step = *locked.step;
    const std::string name = core::qualified_name(step.schema, step.table);
    const bool in_transaction = step.in_transaction();
    const bool drizzle = step.transaction == model::MigrationTransaction::drizzle_kit;
    core::Finding finding =
        lock_finding(k_id, context, locked,
                     "UPDATE of every row of existing table " + name + " in a migration (" + step.detail +
                         "): it writes a new version of each row" +
                         (in_transaction ? " and keeps every updated row locked until " +
                                               step.transaction_text() + " commits"
                                         : std::string(" in one statement")));
    if (const model::MigrationStep* held = held_before(context, step)) {
      // Reads wait too: worse than writes alone.
      regrade(finding, std::max(finding.severity, core::Severity::high));
      finding.message += "; the ACCESS EXCLUSIVE lock line " + std::to_string(held->location.line) +
                         " took on " + name + " is still held, so reads of " + name +
                         " wait for the whole backfill too";
    }
    finding.object.columns = core::split(step.object, ',');
    finding.help =
        "A backfill in a migration updates the whole table in one statement: it writes every row again "
        "(table and index bloat, a burst of WAL that replicas must replay), and concurrent updates and "
        "deletes of " +
        name + " wait on the row locks it takes until its transaction commits" +
        (drizzle ? " -- drizzle-kit migrate commits only after every pending migration" : std::string()) +
        ". On a large table it also outlasts a sensible statement_timeout, and a failure rolls back the "
        "whole deploy. Keep the schema change in the migration and run the backfill after it, in batches of "
        "a few "
        "thousand rows, each its own transaction" +
        (drizzle
             ? "; in a Drizzle project, a script run after drizzle-kit migrate (db.execute(sql`...`) in a "
               "loop until it updates no row), not a drizzle-kit generate --custom migration"
             : std::string()) +
        ".";
    set_lock_fix(
        finding,
        "-- remove from the migration; after the deploy, outside it, in batches, each its own "
        "transaction:\n-- $1 starts below the smallest key, then is the largest key the previous "
        "batch returned; stop when a batch returns no row\n" +
            batched(step, *locked.defined),
        "Each batch is its own short transaction: its row locks are released at once and autovacuum can "
        "reclaim the old row versions between batches. The code must cope with rows not yet "
        "backfilled until the last batch ran.",
        step.statement.str());
    out.push_back(std::move(finding));
  }
};

} // namespace

std::unique_ptr<engine::Rule> make_backfill_in_migration() {
  return std::make_unique<BackfillInMigration>();
}

} // namespace pgadvise::rules
