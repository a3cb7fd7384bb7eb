#include "core/text.hpp"
#include "engine/rule.hpp"
#include "rules/support/index_statement.hpp"
#include "rules/support/migration_locks.hpp"

#include <memory>

namespace pgadvise::rules {

namespace {

constexpr std::string_view k_id = "concurrently-in-transaction";

// The statement's command as PostgreSQL names it in its refusal.
std::string command_of(const model::MigrationStep& step) {
  switch (step.kind) {
  case model::MigrationStepKind::create_index: return "CREATE INDEX CONCURRENTLY";
  case model::MigrationStepKind::drop_index: return "DROP INDEX CONCURRENTLY";
  case model::MigrationStepKind::reindex: return "REINDEX CONCURRENTLY";
  case model::MigrationStepKind::detach_partition: return "ALTER TABLE ... DETACH PARTITION ... CONCURRENTLY";
  default: return "";
  }
}

class ConcurrentlyInTransaction final : public MigrationFilesRule {
public:
  ConcurrentlyInTransaction()
      : MigrationFilesRule({
            .id = std::string(k_id),
            .summary =
                "A CONCURRENTLY statement in a migration that runs inside a transaction: the migration "
                "fails",
            .default_severity = core::Severity::critical,
            .has_fix = true,
            .fix_applicability = core::FixApplicability::unsafe,
        }) {}

private:
  // Every table, new ones too: PostgreSQL refuses the statement before it
  // looks at the table.
  void check_files(const engine::RuleContext& context, const model::Catalog& files,
                   core::FindingSink& out) const override {
    for (const model::MigrationStep& step : files.migration_steps) {
      if (step.concurrently && step.in_transaction() && !command_of(step).empty()) {
        out.push_back(make_finding(context, files, step));
      }
    }
  }

  static core::Finding make_finding(const engine::RuleContext& context, const model::Catalog& files,
                                    const model::MigrationStep& step) {
    const std::string command = command_of(step);
    const bool drizzle = step.transaction == model::MigrationTransaction::drizzle_kit;
    core::Finding finding;
    finding.rule = std::string(k_id);
    finding.severity = context.severity;
    finding.message =
        command + " cannot run inside a transaction block, and this statement runs inside " +
        step.transaction_text() + ": the migration fails" +
        (drizzle ? " at drizzle-kit migrate, and every migration pending with it is rolled back" : "");
    finding.object = core::ObjectRef{step.schema, step.table, {}, step.object};
    finding.location = step.location;
    finding.evidence.push_back(
        core::Evidence{core::Evidence::Kind::ddl, step.statement.str(), step.location});
    finding.help =
        "PostgreSQL refuses " + command +
        " in a transaction block (ERROR: ... cannot run inside a transaction block), because it commits "
        "work of its own while it waits for other transactions. " +
        (drizzle
             ? std::string("drizzle-kit migrate, like drizzle-orm's migrate(), applies all pending "
                           "migrations inside one transaction, so no drizzle-kit migration can hold it. "
                           "Teams run it as a separate deploy step before migrate: psql in autocommit "
                           "runs scripts/concurrent-indexes.sql (the script pgadvise fix writes), and the "
                           "migration keeps the plain statement with IF [NOT] EXISTS, which then finds "
                           "the work done and costs nothing. On a small table the plain statement alone "
                           "is fine: its lock lasts milliseconds.")
             : "Move it out of the transaction: after the COMMIT, or into a file the runner applies "
               "without one.");
    core::Fix fix;
    fix.sql().ddl = fix_text(files, step, drizzle);
    fix.safety_note =
        "Run the CONCURRENTLY statement in autocommit (psql -c or -f, no BEGIN, no -1). A CONCURRENTLY "
        "build that fails leaves an INVALID index: drop it and run it again.";
    finding.fix = std::move(fix);
    finding.compute_fingerprint(step.object);
    return finding;
  }

  static std::string fix_text(const model::Catalog& files, const model::MigrationStep& step, bool drizzle) {
    const std::string outside =
        drizzle ? "-- scripts/concurrent-indexes.sql, run by the deploy with psql (autocommit) "
                  "before drizzle-kit migrate:\n"
                : "-- outside the transaction block (after its COMMIT):\n";
    const std::string in_migration =
        drizzle ? "\n-- in the migration, without CONCURRENTLY (a no-op once the script ran):\n" : "";
    const model::Table* table = files.find_table(step.schema, step.table);
    const model::Index* index = table != nullptr ? table->find_index(step.object) : nullptr;
    switch (step.kind) {
    case model::MigrationStepKind::create_index:
      if (index != nullptr) {
        return outside + render_index_statement(table->schema, table->name, *index, true, true) +
               (drizzle ? in_migration +
                              "-- pgadvise-ignore index-created-non-concurrently -- built "
                              "CONCURRENTLY before drizzle-kit migrate\n" +
                              render_index_statement(table->schema, table->name, *index, false, true)
                        : "");
      }
      break;
    case model::MigrationStepKind::drop_index: {
      const std::string index_name = core::quote_ident(step.object);
      return outside + "DROP INDEX CONCURRENTLY IF EXISTS " + index_name + ";" +
             (drizzle ? in_migration + "DROP INDEX IF EXISTS " + index_name + ";" : "");
    }
    default: break;
    }
    const std::string statement = step.statement.str();
    return outside + statement + (statement.empty() || statement.back() == ';' ? "" : ";") +
           (drizzle ? "\n-- and remove it from the migration" : "");
  }
};

} // namespace

std::unique_ptr<engine::Rule> make_concurrently_in_transaction() {
  return std::make_unique<ConcurrentlyInTransaction>();
}

} // namespace pgadvise::rules
