#include "core/text.hpp"
#include "engine/rule.hpp"
#include "rules/support/migration_locks.hpp"

#include <memory>
#include <vector>

namespace pgadvise::rules {

namespace {

constexpr std::string_view k_id = "refresh-materialized-view-non-concurrently";

class RefreshMaterializedViewNonConcurrently final : public MigrationFilesRule {
public:
  RefreshMaterializedViewNonConcurrently()
      : MigrationFilesRule({
            .id = std::string(k_id),
            .summary =
                "REFRESH MATERIALIZED VIEW without CONCURRENTLY in a migration: the view cannot be read "
                "until the refresh commits",
            .has_fix = true,
            .fix_applicability = core::FixApplicability::unsafe,
        }) {}

private:
  // Views created in the same file are new: nobody reads them yet.
  void check_files(const engine::RuleContext& context, const model::Catalog& files,
                   core::FindingSink& out) const override {
    for (const model::MigrationStep& step : files.migration_steps) {
      if (step.kind == model::MigrationStepKind::refresh_view && !step.concurrently && !step.table_is_new) {
        out.push_back(make_finding(context, step));
      }
    }
  }

  static core::Finding make_finding(const engine::RuleContext& context, const model::MigrationStep& step) {
    const std::string name = core::qualified_name(step.schema, step.table);
    const bool drizzle = step.transaction == model::MigrationTransaction::drizzle_kit;
    core::Finding finding;
    finding.rule = std::string(k_id);
    finding.severity = context.severity;
    finding.message =
        "REFRESH MATERIALIZED VIEW " + name +
        " without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on the view: every query reading " + name +
        " waits until the refresh " +
        (!step.in_transaction() ? std::string("finishes") : "commits, with " + step.transaction_text());
    finding.object = core::ObjectRef{step.schema, step.table, {}, {}};
    finding.location = step.location;
    finding.evidence.push_back(
        core::Evidence{core::Evidence::Kind::ddl, step.statement.str(), step.location});
    finding.help =
        "A plain refresh runs the view's whole query and swaps in the result while holding ACCESS EXCLUSIVE "
        "on "
        "the view, so readers of " +
        name +
        " wait for the full recomputation. REFRESH MATERIALIZED VIEW CONCURRENTLY takes only an EXCLUSIVE "
        "lock (reads go on; only another refresh waits) and works inside a transaction block; it needs a "
        "unique index on the view, with no WHERE clause, on columns that identify each row." +
        (drizzle ? std::string(
                       " Outside the migrations, Drizzle's db.refreshMaterializedView(view).concurrently() "
                       "issues the same statement.")
                 : std::string());
    set_lock_fix(
        finding,
        "REFRESH MATERIALIZED VIEW CONCURRENTLY " + name +
            ";\n-- it needs a unique index on the view; if it has none, once before it:\n-- CREATE UNIQUE "
            "INDEX ON " +
            name + " (<columns that identify a row>);",
        "CONCURRENTLY is slower (it compares the old and new contents) and needs the view populated "
        "already; a view created WITH NO DATA gets its first refresh without it.",
        step.statement.str());
    return finding;
  }
};

} // namespace

std::unique_ptr<engine::Rule> make_refresh_materialized_view_non_concurrently() {
  return std::make_unique<RefreshMaterializedViewNonConcurrently>();
}

} // namespace pgadvise::rules
