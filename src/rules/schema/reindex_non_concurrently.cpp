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
                .fix_applicability = core::FixApplicability::unsafe,
            },
            model::MigrationStepKind::reindex, StepEffect::not_concurrent) {}

private:
  void check_step(const engine::RuleContext& context, const LockedStep& locked,
                  core::FindingSink& out) const override {
    if (!locked.step->detail.empty()) {
      whole_schema(context, locked, out);
      return;
    }
    const model::MigrationStep& step = *locked.step;
    // REINDEX INDEX of an index no file built names no table (replay_assumed).
    const std::string name =
        step.table.empty() ? std::string("its table") : core::qualified_name(step.schema, step.table);
    const std::string what = step.object.empty() ? "every index of " + name : "index " + step.object;
    core::Finding finding = lock_finding(
        k_id, context, locked,
        "REINDEX of " + what + " without CONCURRENTLY: writes to " +
            (step.table.empty() ? std::string("its table (not in these files)") : "existing table " + name) +
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

  // REINDEX SCHEMA / DATABASE: one step per table, one finding per
  // statement (at its first existing table), naming how many it rebuilds.
  static void whole_schema(const engine::RuleContext& context, const LockedStep& locked,
                           core::FindingSink& out) {
    const model::MigrationStep& step = *locked.step;
    std::vector<std::string> names;
    for (const LockedStep& each : steps_on_existing_tables(context, model::MigrationStepKind::reindex)) {
      if (each.step->location == step.location && each.step->detail == step.detail) {
        if (names.empty() && each.step != &step) {
          return; // reported at the statement's first table
        }
        names.push_back(core::qualified_name(each.step->schema, each.step->table));
      }
    }
    const std::string command = "REINDEX " + step.detail.str();
    core::Finding finding = lock_finding(
        k_id, context, locked,
        command + " without CONCURRENTLY rebuilds every index of " + std::to_string(names.size()) +
            (names.size() == 1 ? " existing table" : " existing tables") + " (" + core::join(names, ", ") +
            ") one table at a time: writes to each wait for its rebuild, and so do reads that use its "
            "indexes");
    finding.help =
        "REINDEX takes a SHARE lock on each table (INSERT, UPDATE and DELETE wait) and ACCESS "
        "EXCLUSIVE on each index it rebuilds, table after table. The CONCURRENTLY form builds new "
        "copies and swaps them, blocking neither; it cannot run inside a transaction block, and a "
        "rebuild is maintenance rather than a schema change, so it belongs outside the migrations.";
    const std::string detail = step.detail.str(); // "SCHEMA name" or "DATABASE name"
    const std::size_t space = detail.find(' ');
    const std::string target = detail.substr(0, space) + " CONCURRENTLY " +
                               core::quote_ident(space == std::string::npos ? "" : detail.substr(space + 1));
    set_lock_fix(finding, concurrently_fix(step, "REINDEX " + target + ";", ""),
                 "Run it in autocommit (psql -c), when the tables are quiet. A rebuild that fails leaves an "
                 "INVALID index named ..._ccnew: drop it and run again.",
                 step.detail.view());
    out.push_back(std::move(finding));
  }
};

} // namespace

std::unique_ptr<engine::Rule> make_reindex_non_concurrently() {
  return std::make_unique<ReindexNonConcurrently>();
}

} // namespace pgadvise::rules
