#include "advisor/evidence.hpp"
#include "core/text.hpp"
#include "engine/rule.hpp"
#include "rules/support/index_drop.hpp"
#include "rules/support/index_predicate.hpp"
#include "rules/support/index_statement.hpp"
#include "rules/support/table_rule.hpp"

#include <memory>

namespace pgadvise::rules {

namespace {

constexpr std::string_view k_id = "redundant-index-predicate";

// The table's columns that hold no null: NOT NULL ones and the primary key's.
std::vector<std::string> not_null_columns(const model::Table& table) {
  std::vector<std::string> out;
  for (const model::Column& column : table.columns) {
    if (column.not_null) {
      out.push_back(column.name);
    }
  }
  for (const model::Index& index : table.indexes) {
    if (index.kind == model::IndexKind::primary_key) {
      for (const std::string& column : index.leading_columns()) {
        out.push_back(column);
      }
    }
  }
  return out;
}

// A partial index whose WHERE only says NOT NULL columns are not null (what
// pg-index-health's indexes-with-unnecessary-where-clause finds): it holds
// every row, like the whole index, but the planner uses it only for a query
// whose own conditions imply the predicate.
class RedundantIndexPredicate final : public TableRule {
public:
  RedundantIndexPredicate()
      : TableRule({
            .id = std::string(k_id),
            .summary = "Partial index whose WHERE only asks NOT NULL columns to be not null: it excludes no "
                       "row, yet queries must imply it to use the index",
            .default_severity = core::Severity::low,
            .has_fix = true,
            .fix_applicability = core::FixApplicability::unsafe,
        }) {}

private:
  void check_table(const engine::RuleContext& context, const model::Table& table,
                   core::FindingSink& out) const override {
    const std::vector<std::string> not_null = not_null_columns(table);
    for (const model::Index& index : table.indexes) {
      if (index.valid && index.is_partial() && !index.inherited &&
          only_not_null_of(index.predicate.str(), not_null)) {
        out.push_back(make_finding(context, table, index));
      }
    }
  }

  static core::Finding make_finding(const engine::RuleContext& context, const model::Table& table,
                                    const model::Index& index) {
    const std::string name = core::qualified_name(table.schema, table.name);
    const std::string predicate = index.predicate.str();
    core::Finding finding = index_finding(k_id, context, table, index);
    finding.message = "Index " + index.name + " on " + name + " is partial, WHERE " + predicate +
                      ", but those columns are NOT NULL: the predicate excludes no row";
    finding.help =
        "The index holds every row, as a whole index would, yet the planner uses a partial index only for "
        "a query whose own conditions imply its WHERE: an ORDER BY ... LIMIT, or a lookup on another key "
        "column, cannot use it and sorts or scans instead. Build it without the WHERE.";
    model::Index whole = index;
    whole.predicate.clear();
    whole.name = index.name + "_whole";
    core::Fix fix;
    fix.sql().ddl = render_index_statement(table.schema, table.name, whole, !table.partitioned, true) + "\n" +
                    "DROP INDEX " + std::string(table.partitioned ? "" : "CONCURRENTLY ") + "IF EXISTS " +
                    core::quote_ident(index.name) + ";\nALTER INDEX " + core::quote_ident(whole.name) +
                    " RENAME TO " + core::quote_ident(index.name) + ";";
    fix.safety_note =
        "CONCURRENTLY builds and drops without blocking writes and cannot run inside a transaction "
        "block: run these in autocommit (psql), or as a migration the runner does not wrap.";
    finding.fix = std::move(fix);
    finding.compute_fingerprint();
    return finding;
  }
};

} // namespace

std::unique_ptr<engine::Rule> make_redundant_index_predicate() {
  return std::make_unique<RedundantIndexPredicate>();
}

} // namespace pgadvise::rules
