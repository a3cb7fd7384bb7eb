#include "advisor/evidence.hpp"
#include "advisor/index_match.hpp"
#include "advisor/partitions.hpp"
#include "core/text.hpp"
#include "engine/rule.hpp"
#include "rules/support/table_rule.hpp"

#include <algorithm>
#include <memory>

namespace pgadvise::rules {

namespace {

constexpr std::string_view k_id = "missing-primary-key";

using model::Index;
using model::Table;

// A unique, full, plain-column index on NOT NULL columns identifies rows as
// well as a primary key would: it is the candidate to promote.
bool is_pk_candidate(const Table& table, const Index& index) {
  if (!index.unique || !index.valid || index.is_partial() || index.has_expressions() || index.keys.empty()) {
    return false;
  }
  return std::all_of(index.keys.begin(), index.keys.end(), [&](const model::IndexKey& key) {
    const model::Column* column = table.find_column(key.column);
    return column != nullptr && (column->not_null || column->identity);
  });
}

std::string quoted_key_columns(const Index& index) {
  std::vector<std::string> columns;
  for (const model::IndexKey& key : index.keys) {
    columns.push_back(core::quote_ident(key.column));
  }
  return core::join(columns, ", ");
}

class MissingPrimaryKey final : public TableRule {
public:
  MissingPrimaryKey()
      : TableRule({
            .id = std::string(k_id),
            .summary = "Table without a primary key",
        }) {}

private:
  void check_table(const engine::RuleContext& context, const Table& table,
                   core::FindingSink& out) const override {
    // A partition gets its primary key from its parent, which reports. A
    // table no migration file creates (a lone file's ALTER TABLE) may well
    // have one: only what the statements name is known of it; so may a
    // schema.ts table whose columns are built at run time.
    if (table.assumed || table.columns_unread || table.primary_key() != nullptr ||
        advisor::partition_parent(*context.catalog, table) != nullptr) {
      return;
    }
    out.push_back(make_finding(context, table));
  }

  static core::Finding make_finding(const engine::RuleContext& context, const Table& table) {
    const std::string name = advisor::table_display(table);
    core::Finding finding;
    finding.rule = std::string(k_id);
    finding.severity = context.severity;
    finding.object = core::ObjectRef{table.schema, table.name, {}, {}};
    finding.location = table.location;
    finding.message = "Table " + name + " has no primary key";
    finding.evidence.push_back(advisor::schema_evidence(
        *context.catalog, "CREATE TABLE " + name + " without PRIMARY KEY", table.location));

    const Index* candidate = nullptr;
    for (const Index& index : table.indexes) {
      if (is_pk_candidate(table, index)) {
        candidate = candidate == nullptr ? &index : candidate;
        finding.evidence.push_back(advisor::schema_evidence(
            *context.catalog,
            advisor::describe_index(index) + " is unique on NOT NULL columns: a primary key candidate",
            index.location));
      }
    }
    finding.help =
        "Without a primary key rows have no reliable identity: ORMs and admin tools cannot address "
        "single rows, duplicates creep in, and logical replication cannot replicate UPDATE or DELETE. "
        "Add one: an identity column (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY; Drizzle "
        "integer().primaryKey().generatedAlwaysAsIdentity()) or a uuid "
        "(uuid().primaryKey().defaultRandom()).";
    if (candidate != nullptr) {
      finding.help += " Or promote " + candidate->name + ": ALTER TABLE " + name +
                      (candidate->kind == model::IndexKind::index
                           ? " ADD PRIMARY KEY USING INDEX " + core::quote_ident(candidate->name) + ";"
                           : " ADD PRIMARY KEY (" + quoted_key_columns(*candidate) +
                                 "); then drop the now redundant constraint.");
    }
    finding.compute_fingerprint();
    return finding;
  }
};

} // namespace

std::unique_ptr<engine::Rule> make_missing_primary_key() {
  return std::make_unique<MissingPrimaryKey>();
}

} // namespace pgadvise::rules
