#include "core/text.hpp"
#include "engine/rule.hpp"
#include "rules/support/migration_locks.hpp"

#include <memory>

namespace pgadvise::rules {

namespace {

constexpr std::string_view k_id = "unique-constraint-added-without-index";

std::string column_list(const model::Index& index) {
  std::vector<std::string> columns;
  for (const std::string& column : index.leading_columns()) {
    columns.push_back(core::quote_ident(column));
  }
  return core::join(columns, ", ");
}

class UniqueConstraintAddedWithoutIndex final : public LockStepRule {
public:
  UniqueConstraintAddedWithoutIndex()
      : LockStepRule(
            {
                .id = std::string(k_id),
                .summary = "ADD PRIMARY KEY / UNIQUE without USING INDEX, or ADD EXCLUDE: the index is "
                           "built under ACCESS EXCLUSIVE",
                .has_fix = true,
                .fix_applicability = core::FixApplicability::unsafe,
            },
            model::MigrationStepKind::add_key, StepEffect::scans) {}

private:
  void check_step(const engine::RuleContext& context, const LockedStep& locked,
                  core::FindingSink& out) const override {
    if (locked.step->detail == "EXCLUDE") {
      out.push_back(builds_exclusion(context, locked));
      return;
    }
    const model::Index* index = locked.defined->find_index(locked.step->object);
    if (index == nullptr) {
      return;
    }
    const bool adopts = locked.step->detail.view().rfind("USING INDEX", 0) == 0;
    out.push_back(adopts ? nullable_key(context, locked, *index) : builds_index(context, locked, *index));
  }

  static std::string kind_words(const model::Index& index) {
    return index.kind == model::IndexKind::primary_key ? "PRIMARY KEY" : "UNIQUE";
  }

  // A finding about the key's constraint, on its columns.
  static core::Finding key_finding(const engine::RuleContext& context, const LockedStep& locked,
                                   const model::Index& index, LockAdvice advice) {
    advice.columns = index.leading_columns();
    advice.constraint = locked.step->object;
    return lock_finding(k_id, context, locked, std::move(advice));
  }

  static core::Finding builds_index(const engine::RuleContext& context, const LockedStep& locked,
                                    const model::Index& index) {
    const model::MigrationStep& step = *locked.step;
    const std::string name = core::qualified_name(step.schema, step.table);
    const std::string constraint = core::quote_ident(step.object);
    const std::string create = "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS " + constraint + " ON " +
                               name + " (" + column_list(index) + ");";
    const std::string adopt = "ALTER TABLE " + name + " ADD CONSTRAINT " + constraint + " " +
                              kind_words(index) + " USING INDEX " + constraint + ";";
    return key_finding(
        context, locked, index,
        {
            .message = "ADD CONSTRAINT " + step.object + " " + kind_words(index) +
                       " builds its index on existing table " + name +
                       " under an ACCESS EXCLUSIVE lock: reads and writes wait for the whole build",
            .help = "ALTER TABLE ... ADD " + kind_words(index) + " takes ACCESS EXCLUSIVE on " + name +
                    " and builds the unique index while holding it. Build the index first with CREATE UNIQUE "
                    "INDEX CONCURRENTLY (writes go on; it cannot run in a transaction, so not inside "
                    "drizzle-kit migrate), then turn it into the constraint with ADD CONSTRAINT ... USING "
                    "INDEX, a catalog change.",
            .ddl = concurrently_fix(step, create, "") +
                   (!step.in_transaction() ? "\n" : "\n-- in the migration:\n") + adopt,
            .safety_note =
                std::string(index.kind == model::IndexKind::primary_key
                                ? "A primary key also needs its columns NOT NULL: make them so "
                                  "first (not-null-added-validating shows how without a scan), or "
                                  "ADD PRIMARY KEY USING INDEX scans for nulls under the lock. "
                                : "") +
                "A CONCURRENTLY build that fails (a duplicate) leaves an INVALID index: drop it, fix "
                "the duplicates, build again.",
            .key = step.object,
        });
  }

  // EXCLUDE has no USING INDEX form and no concurrent build: the lock
  // cannot be avoided, only bounded and timed, so no SQL fix is offered.
  static core::Finding builds_exclusion(const engine::RuleContext& context, const LockedStep& locked) {
    const model::MigrationStep& step = *locked.step;
    const std::string name = core::qualified_name(step.schema, step.table);
    core::Finding finding =
        lock_finding(k_id, context, locked,
                     "ADD CONSTRAINT " + step.object + " EXCLUDE builds its index on existing table " + name +
                         " under an ACCESS EXCLUSIVE lock: reads and writes wait for the whole build");
    finding.object.constraint = step.object;
    finding.help =
        "An exclusion constraint builds its index (and checks every row against it) while holding "
        "ACCESS EXCLUSIVE on " +
        name +
        ", and unlike PRIMARY KEY and UNIQUE it cannot adopt an index built CONCURRENTLY: there is "
        "no lock-free form. Add it when the table is created; on a table in use, run it in a quiet "
        "window with a short lock_timeout before it, or build a new table with the constraint, "
        "backfill it and swap it in.";
    finding.compute_fingerprint(step.object);
    return finding;
  }

  static core::Finding nullable_key(const engine::RuleContext& context, const LockedStep& locked,
                                    const model::Index& index) {
    const model::MigrationStep& step = *locked.step;
    const std::string name = core::qualified_name(step.schema, step.table);
    std::string ddl;
    for (const std::string& column : index.leading_columns()) {
      const std::string check = core::quote_ident(step.table + "_" + column + "_not_null");
      ddl += "ALTER TABLE " + name + " ADD CONSTRAINT " + check + " CHECK (" + core::quote_ident(column) +
             " IS NOT NULL) NOT VALID;\n";
    }
    ddl += "-- a later migration:\n";
    for (const std::string& column : index.leading_columns()) {
      const std::string check = core::quote_ident(step.table + "_" + column + "_not_null");
      ddl += "ALTER TABLE " + name + " VALIDATE CONSTRAINT " + check + ";\nALTER TABLE " + name +
             " ALTER COLUMN " + core::quote_ident(column) + " SET NOT NULL;\n";
    }
    ddl += step.statement;
    return key_finding(
        context, locked, index,
        {
            .message = "ADD CONSTRAINT " + step.object + " PRIMARY KEY " + step.detail +
                       " on existing table " + name +
                       " makes nullable columns NOT NULL: every row is read under an ACCESS EXCLUSIVE lock",
            .help = "A primary key needs NOT NULL columns; ADD PRIMARY KEY USING INDEX on nullable ones sets "
                    "them NOT NULL, which scans " +
                    name +
                    " under its ACCESS EXCLUSIVE lock. Make each column NOT NULL first through a validated "
                    "CHECK (col IS NOT NULL), which lets SET NOT NULL skip the scan.",
            .ddl = std::move(ddl),
            .safety_note = "The VALIDATE fails if a row holds a null: backfill those rows first.",
            .key = step.object + "/not-null",
        });
  }
};

} // namespace

std::unique_ptr<engine::Rule> make_unique_constraint_added_without_index() {
  return std::make_unique<UniqueConstraintAddedWithoutIndex>();
}

} // namespace pgadvise::rules
