#include "core/text.hpp"
#include "engine/rule.hpp"
#include "rules/support/migration_locks.hpp"

#include <memory>

namespace pgadvise::rules {

namespace {

constexpr std::string_view k_id = "column-added-with-volatile-default";

class ColumnAddedWithVolatileDefault final : public AddedColumnRule {
public:
  ColumnAddedWithVolatileDefault()
      : AddedColumnRule(
            {
                .id = std::string(k_id),
                .summary =
                    "ADD COLUMN computed row by row (volatile default, identity, STORED generated) on an "
                    "existing table: a full rewrite",
                .has_fix = true,
                .fix_applicability = core::FixApplicability::unsafe,
            },
            StepEffect::rewrites) {}

private:
  // Only the steps that rewrite: the replay says which added columns
  // PostgreSQL fills row by row (loaders/sql/replay_locks); a constant or
  // STABLE default such as now() is evaluated once and kept in the catalog
  // since PostgreSQL 11.
  void check_column(const engine::RuleContext& context, const LockedStep& locked, const model::Column& column,
                    core::FindingSink& out) const override {
    out.push_back(make_finding(context, locked, column));
  }

  static core::Finding make_finding(const engine::RuleContext& context, const LockedStep& locked,
                                    const model::Column& column) {
    const model::MigrationStep& step = *locked.step;
    const std::string name = core::qualified_name(step.schema, step.table);
    core::Finding finding =
        lock_finding(k_id, context, locked,
                     "ADD COLUMN " + step.object + " rewrites existing table " + name +
                         " and its indexes under an ACCESS EXCLUSIVE lock: " + step.detail);
    finding.object.columns = {step.object};
    finding.help =
        "PostgreSQL 11 and later add a column with a constant (or STABLE, like now()) default by "
        "storing the value once in the catalog, without touching a row. A volatile default "
        "(gen_random_uuid(), clock_timestamp(), nextval() behind serial), an identity column, a STORED "
        "generated column or a domain with constraints gives every row its own value, so the whole "
        "table and its indexes are rewritten while nothing can read or write " +
        name +
        " -- held until the migration's transaction commits (drizzle-kit migrate runs all pending "
        "migrations in one). Add the "
        "column without that default, set the default for new rows in a second statement (a catalog "
        "change), and fill the existing rows in batches outside the migrator.";
    set_lock_fix(finding, safe_rewrite(context, step, column),
                 "A STORED generated column cannot be added to PostgreSQL 15 without a rewrite: keep a plain "
                 "column the application (or a trigger) fills, backfilled the same way. An identity column "
                 "neither: a sequence default is its online equivalent. If the column must be NOT NULL, "
                 "add CHECK (... IS NOT NULL) NOT VALID after the backfill, VALIDATE it in a later "
                 "migration, then SET NOT NULL (not-null-added-validating).",
                 step.object);
    return finding;
  }

  // The column added plain (a catalog change), its default set for new rows
  // in a second statement, and the existing rows filled in batches.
  static std::string safe_rewrite(const engine::RuleContext& context, const model::MigrationStep& step,
                                  const model::Column& column) {
    const std::string name = core::qualified_name(step.schema, step.table);
    const std::string column_name = core::quote_ident(step.object);
    const std::string sequence = step.table + "_" + step.object + "_seq";
    const bool numbered = column.type.serial || column.identity;
    std::string type =
        column.type.serial ? (column.type.name == "int8" ? "bigint" : "integer") : column.type.display();
    std::string ddl = "-- migration 1, catalog changes only:\n";
    if (const model::Domain* domain =
            files_catalog(context).find_domain(column.type.schema, column.type.name)) {
      // The domain's checks are what rewrite: the base type has none.
      type = domain->base.display();
      ddl = "-- migration 1, catalog changes only (" + domain->name +
            "'s checks as a table CHECK ... NOT VALID, "
            "validated in a later migration):\n";
    }
    if (numbered) {
      ddl += "CREATE SEQUENCE IF NOT EXISTS " + core::quote_ident(sequence) + ";\n";
    }
    // What fills the column: also the default for new rows, except for a
    // generated column, which the application or a trigger keeps.
    const bool generated = !numbered && !column.default_expr.has_value();
    const std::string value = numbered ? "nextval(" + core::quote_literal(sequence) + ")" : step.value.str();
    ddl += "ALTER TABLE " + name + " ADD COLUMN " + column_name + " " + type + ";";
    if (value.empty()) {
      return ddl; // a domain's column without a default: nothing to fill
    }
    ddl += "\n";
    if (!generated) {
      ddl += "ALTER TABLE " + name + " ALTER COLUMN " + column_name + " SET DEFAULT " + value + ";\n";
    }
    return ddl + "-- outside the migrator, in batches until no row is left:\nUPDATE " + name + " SET " +
           column_name + " = " + value + " WHERE ctid IN (SELECT ctid FROM " + name + " WHERE " +
           column_name + " IS NULL LIMIT 10000);";
  }
};

} // namespace

std::unique_ptr<engine::Rule> make_column_added_with_volatile_default() {
  return std::make_unique<ColumnAddedWithVolatileDefault>();
}

} // namespace pgadvise::rules
