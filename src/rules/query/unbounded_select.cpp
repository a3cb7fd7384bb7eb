#include "advisor/query_evidence.hpp"
#include "core/format.hpp"
#include "engine/rule.hpp"
#include "rules/support/rule_inputs.hpp"

#include <memory>

namespace pgadvise::rules {

namespace {

constexpr std::string_view k_id = "unbounded-select";

bool system_table(const model::TableUse& use) {
  return use.schema == "pg_catalog" || use.schema == "information_schema" || use.name.rfind("pg_", 0) == 0;
}

class UnboundedSelect final : public engine::Rule {
public:
  UnboundedSelect()
      : Rule({
            .id = std::string(k_id),
            .summary = "SELECT without WHERE or LIMIT reads and returns a whole table",
            .category = engine::Category::query,
            .inputs = {engine::Input::workload},
            .options = {{"min-rows", "100",
                         "When rows per call are known (pg_stat_statements) or the table's size is (live "
                         "statistics), only "
                         "report queries returning at least this many rows"}},
            .judges_one_statement = true,
        }) {}

  void check(const engine::RuleContext& context, core::FindingSink& out) const override {
    const double min_rows = static_cast<double>(context.options.get_int("min-rows"));
    for (const model::QueryStats& query : executed_queries(context)) {
      const model::QueryShape& shape = query.shape;
      if (shape.kind != model::StatementKind::select || shape.has_where || shape.has_limit ||
          shape.has_aggregate || shape.tables.empty() || system_table(shape.tables.front())) {
        continue;
      }
      std::optional<double> rows;
      if (query.rows && query.calls > 0) {
        rows = static_cast<double>(*query.rows) / static_cast<double>(query.calls);
      } else if (const model::Table* table = advisor::find_table(context.catalog, shape.tables.front().schema,
                                                                 shape.tables.front().name);
                 table != nullptr && table->stats && table->stats->reltuples >= 0) {
        rows = table->stats->reltuples;
      }
      if (rows && *rows < min_rows) {
        continue;
      }
      core::Finding finding = advisor::query_finding(k_id, context.severity, query, context.catalog);
      finding.message =
          "Unbounded SELECT: " + advisor::short_query(query.normalized, 100) + " has no WHERE and no LIMIT" +
          (rows
               ? " and returns about " + core::group_digits(static_cast<std::int64_t>(*rows)) + " rows a call"
               : std::string(": it returns every row of ") + finding.object.table);
      finding.help = "Every call reads the whole table and ships it to the application, and the cost grows "
                     "with the table. Filter in SQL (WHERE), paginate (ORDER BY key LIMIT n with keyset "
                     "pagination), or aggregate in the database. If the application really needs every row, "
                     "stream it with a cursor instead of loading it at once.";
      out.push_back(std::move(finding));
    }
  }
};

} // namespace

std::unique_ptr<engine::Rule> make_unbounded_select() {
  return std::make_unique<UnboundedSelect>();
}

} // namespace pgadvise::rules
