#include "advisor/query_evidence.hpp"
#include "engine/rule.hpp"
#include "rules/support/rule_inputs.hpp"

#include <memory>

namespace pgadvise::rules {

namespace {

constexpr std::string_view k_id = "select-star";

class SelectStar final : public engine::Rule {
public:
  SelectStar()
      : Rule({
            .id = std::string(k_id),
            .summary = "SELECT * returns every column, including ones the caller never reads",
            .category = engine::Category::query,
            .default_severity = core::Severity::low,
            .inputs = {engine::Input::workload},
            .judges_one_statement = true,
        }) {}

  void check(const engine::RuleContext& context, core::FindingSink& out) const override {
    for (const model::QueryStats& query : executed_queries(context)) {
      if (query.shape.kind != model::StatementKind::select || !query.shape.select_star ||
          query.shape.tables.empty()) {
        continue;
      }
      core::Finding finding = advisor::query_finding(k_id, context.severity, query, context.catalog);
      finding.message = "SELECT * in " + advisor::short_query(query.normalized, 100);
      finding.help =
          "List the columns the code uses. SELECT * sends every column (large text and jsonb values "
          "included) over the network, prevents index-only scans, and changes shape when a migration "
          "adds a column. In Drizzle, pass the columns to db.select({ ... }) or use columns: { ... } in "
          "relational queries.";
      out.push_back(std::move(finding));
    }
  }
};

} // namespace

std::unique_ptr<engine::Rule> make_select_star() {
  return std::make_unique<SelectStar>();
}

} // namespace pgadvise::rules
