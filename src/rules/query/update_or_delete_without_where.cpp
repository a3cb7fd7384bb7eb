#include "advisor/query_evidence.hpp"
#include "engine/rule.hpp"
#include "rules/support/rule_inputs.hpp"

#include <memory>

namespace pgadvise::rules {

namespace {

constexpr std::string_view k_id = "update-or-delete-without-where";

class UpdateOrDeleteWithoutWhere final : public engine::Rule {
public:
  UpdateOrDeleteWithoutWhere()
      : Rule({
            .id = std::string(k_id),
            .summary = "UPDATE or DELETE without WHERE touches every row of the table",
            .category = engine::Category::query,
            .default_severity = core::Severity::high,
            .inputs = {engine::Input::workload},
            .judges_one_statement = true,
        }) {}

  void check(const engine::RuleContext& context, core::FindingSink& out) const override {
    for (const model::QueryStats& query : executed_queries(context)) {
      const model::StatementKind kind = query.shape.kind;
      if (query.shape.has_where ||
          (kind != model::StatementKind::update && kind != model::StatementKind::delete_)) {
        continue;
      }
      core::Finding finding = advisor::query_finding(k_id, context.severity, query, context.catalog);
      const bool update = kind == model::StatementKind::update;
      finding.message = std::string(update ? "UPDATE" : "DELETE") + " without WHERE on " +
                        finding.object.table + ": " + advisor::short_query(query.normalized, 100);
      finding.help = core::SharedText::fixed(
          update ? "It rewrites every row (a new row version each, so the table and its indexes bloat) "
                   "while holding row locks on all of them. Add the WHERE the code meant; for a real "
                   "backfill, update in batches of a few thousand rows by key range."
                 : "It deletes every row one by one, writing WAL and dead tuples for each, and fires "
                   "foreign-key checks per row. Add the WHERE the code meant; to empty a table on "
                   "purpose, TRUNCATE is instant (it takes an exclusive lock).");
      out.push_back(std::move(finding));
    }
  }
};

} // namespace

std::unique_ptr<engine::Rule> make_update_or_delete_without_where() {
  return std::make_unique<UpdateOrDeleteWithoutWhere>();
}

} // namespace pgadvise::rules
