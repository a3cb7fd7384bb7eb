#include "advisor/query_evidence.hpp"
#include "core/format.hpp"
#include "engine/rule.hpp"
#include "rules/support/rule_inputs.hpp"

#include <algorithm>
#include <memory>

namespace pgadvise::rules {

namespace {

constexpr std::string_view k_id = "large-offset-pagination";

class LargeOffsetPagination final : public engine::Rule {
public:
  LargeOffsetPagination()
      : Rule({
            .id = std::string(k_id),
            .summary = "Pagination with a large OFFSET reads and discards every skipped row",
            .category = engine::Category::query,
            .inputs = {engine::Input::workload},
            .options = {{"min-offset", "1000",
                         "Report queries whose largest logged literal OFFSET is at least this"}},
            .judges_one_statement = true,
        }) {}

  void check(const engine::RuleContext& context, core::FindingSink& out) const override {
    const std::int64_t min_offset = context.options.get_int("min-offset");
    for (const model::QueryStats& query : executed_queries(context)) {
      if (!query.shape.has_offset) {
        continue;
      }
      std::optional<std::int64_t> offset = query.max_offset;
      if (query.shape.offset && (!offset || *query.shape.offset > *offset)) {
        offset = query.shape.offset;
      }
      if (!offset || *offset < min_offset) {
        continue;
      }
      core::Finding finding = advisor::query_finding(k_id, context.severity, query, context.catalog);
      finding.message = "OFFSET pagination reaches OFFSET " + core::group_digits(*offset) + " in " +
                        advisor::short_query(query.normalized, 100);
      finding.help =
          "PostgreSQL produces and throws away every skipped row, so page N costs N pages of work and "
          "deep pages get slower as the table grows (and rows shift between pages while users read). "
          "Use keyset pagination: remember the last row's sort key and ask for WHERE (sort_col, id) > "
          "($1, $2) ORDER BY sort_col, id LIMIT n, backed by an index on (sort_col, id).";
      finding.evidence.push_back(core::Evidence{core::Evidence::Kind::query,
                                                "largest OFFSET logged: " + core::group_digits(*offset),
                                                query.first_seen});
      out.push_back(std::move(finding));
    }
  }
};

} // namespace

std::unique_ptr<engine::Rule> make_large_offset_pagination() {
  return std::make_unique<LargeOffsetPagination>();
}

} // namespace pgadvise::rules
