#include "advisor/drizzle_render.hpp"
#include "core/text.hpp"
#include "engine/rule.hpp"
#include "rules/support/index_drop.hpp"
#include "rules/support/table_rule.hpp"

#include <memory>
#include <vector>

namespace pgadvise::rules {

namespace {

constexpr std::string_view k_id = "btree-index-on-array-column";

class BtreeIndexOnArrayColumn final : public TableRule {
public:
  BtreeIndexOnArrayColumn()
      : TableRule({
            .id = std::string(k_id),
            .summary =
                "btree index on an array column: containment (@>, <@, &&) and ANY() lookups cannot use it",
            .default_severity = core::Severity::low,
            .has_fix = true,
            .fix_applicability = core::FixApplicability::unsafe,
        }) {}

private:
  void check_table(const engine::RuleContext& context, const model::Table& table,
                   core::FindingSink& out) const override {
    if (!table.partition_of.empty()) {
      return; // a partition's index is its parent's, reported there
    }
    for (const model::Index& index : table.indexes) {
      // A unique index enforces something: whole arrays are compared, as intended.
      if (index.kind != model::IndexKind::index || index.unique || index.method != "btree") {
        continue;
      }
      for (const model::IndexKey& key : index.keys) {
        const model::Column* column = key.column.empty() ? nullptr : table.find_column(key.column);
        if (column != nullptr && context.catalog->resolve_type(column->type).is_array()) {
          out.push_back(make_finding(context, table, index, *column));
          break; // one finding per index
        }
      }
    }
  }

  static core::Finding make_finding(const engine::RuleContext& context, const model::Table& table,
                                    const model::Index& index, const model::Column& column) {
    const std::string table_name = core::qualified_name(table.schema, table.name);
    core::Finding finding = index_finding(k_id, context, table, index);
    finding.message = "Index " + index.name + " on " + table_name + " is a btree over array column " +
                      column.name + " (" + column.type.display() +
                      "): it serves only comparisons of whole arrays, not the containment and overlap "
                      "queries arrays are searched with";
    finding.help =
        "A btree orders whole arrays, so it helps `" + column.name + " = '{a,b}'` and sorting, but not `" +
        column.name + " @> '{a}'`, `&&` or `'a' = ANY(" + column.name +
        ")`: those read the whole table while every write still updates the index, and an array "
        "larger than about 2.7 kB cannot be inserted at all (a btree entry's size limit). A GIN index "
        "indexes each element and serves @>, <@ and && (write ANY() lookups as @> ARRAY[...]). Keep the "
        "btree only if queries compare whole arrays.";
    const std::string gin_name = index.name + "_gin";
    core::Fix fix;
    // The other keys of a composite index keep a btree of their own.
    std::vector<std::string> others;
    for (const model::IndexKey& key : index.keys) {
      const model::Column* other = key.column.empty() ? nullptr : table.find_column(key.column);
      if (other != nullptr && !context.catalog->resolve_type(other->type).is_array()) {
        others.push_back(core::quote_ident(other->name));
      }
    }
    fix.sql().ddl =
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS " + core::quote_ident(gin_name) + " ON " + table_name +
        " USING gin (" + core::quote_ident(column.name) + ");\n" +
        (others.empty() || others.size() + 1 != index.keys.size()
             ? std::string()
             : "CREATE INDEX CONCURRENTLY IF NOT EXISTS " + core::quote_ident(index.name + "_btree") +
                   " ON " + table_name + " (" + core::join(others, ", ") + ");\n") +
        "-- then, unless queries compare whole arrays:\n" + drop_index_fix(context, table, index).sql().ddl;
    fix.safety_note =
        "CONCURRENTLY cannot run inside drizzle-kit migrate's transaction: run it as a separate "
        "step. A GIN index is larger and slower to update than a btree; fastupdate (the default) "
        "batches its writes.";
    if (context.project != nullptr && context.project->uses_drizzle) {
      fix.sql().drizzle =
          "index(" + advisor::js_string_for(table, gin_name) + ").using(" +
          advisor::js_string_for(table, "gin") + ", " +
          advisor::drizzle_member(table.drizzle_config_param.empty() ? "table" : table.drizzle_config_param,
                                  advisor::drizzle_property(table, column.name)) +
          ")";
      // One schema.ts edit per finding: the GIN entry; the btree's goes by hand.
      fix.safety_note += " In schema.ts, remove index(" + advisor::js_string_for(table, index.name) +
                         ") once the GIN index is in place, and drizzle-kit generate drops it.";
    }
    finding.fix = std::move(fix);
    finding.compute_fingerprint();
    return finding;
  }
};

} // namespace

std::unique_ptr<engine::Rule> make_btree_index_on_array_column() {
  return std::make_unique<BtreeIndexOnArrayColumn>();
}

} // namespace pgadvise::rules
