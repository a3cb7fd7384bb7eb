#include "advisor/index_match.hpp"
#include "core/text.hpp"
#include "engine/rule.hpp"
#include "rules/support/index_drop.hpp"
#include "rules/support/table_rule.hpp"

#include <memory>

namespace pgadvise::rules {

namespace {

constexpr std::string_view k_id = "invalid-index";

class InvalidIndex final : public TableRule {
public:
  InvalidIndex()
      : TableRule({
            .id = std::string(k_id),
            .summary = "Index left invalid (a failed CREATE INDEX CONCURRENTLY), live database",
            .default_severity = core::Severity::high,
            .inputs = {engine::Input::live},
            .has_fix = true,
            .fix_applicability = core::FixApplicability::unsafe,
        }) {}

private:
  void check_table(const engine::RuleContext& context, const model::Table& table,
                   core::FindingSink& out) const override {
    // An index ON ONLY a partitioned table is invalid until every
    // partition's index is attached: that is a step, not a failure.
    if (table.partitioned) {
      return;
    }
    for (const model::Index& index : table.indexes) {
      if (!index.valid) {
        out.push_back(make_finding(context, table, index));
      }
    }
  }

  static core::Finding make_finding(const engine::RuleContext& context, const model::Table& table,
                                    const model::Index& index) {
    const std::string name = core::qualified_name(table.schema, index.name);
    core::Finding finding = index_finding(k_id, context, table, index);
    finding.message = "Index " + name + " on " + core::qualified_name(table.schema, table.name) +
                      " is INVALID (pg_index.indisvalid = false)";
    finding.help =
        "An invalid index is what a failed or cancelled CREATE INDEX CONCURRENTLY (or REINDEX "
        "CONCURRENTLY) leaves behind. The planner never uses it, yet every INSERT and UPDATE still "
        "maintains it, and a unique one still rejects duplicates. Rebuild it, or drop it if it is not "
        "wanted; find out first why the build failed (a duplicate for a unique index, a deadlock, a "
        "statement or lock timeout) or the rebuild fails the same way.";
    core::Fix fix;
    fix.sql().ddl = "REINDEX INDEX CONCURRENTLY " + name + ";\n-- or, if it is not wanted:\n" +
                    drop_index_fix(context, table, index).sql().ddl;
    fix.safety_note =
        "REINDEX ... CONCURRENTLY (PostgreSQL 12+) and DROP INDEX CONCURRENTLY cannot run inside a "
        "transaction block: run them outside the migrator.";
    finding.fix = std::move(fix);
    finding.compute_fingerprint();
    return finding;
  }
};

} // namespace

std::unique_ptr<engine::Rule> make_invalid_index() {
  return std::make_unique<InvalidIndex>();
}

} // namespace pgadvise::rules
