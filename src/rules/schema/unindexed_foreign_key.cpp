#include "advisor/drizzle_render.hpp"
#include "advisor/evidence.hpp"
#include "advisor/index_ddl.hpp"
#include "advisor/index_match.hpp"
#include "advisor/index_naming.hpp"
#include "advisor/partitions.hpp"
#include "core/text.hpp"
#include "engine/rule.hpp"
#include "rules/support/index_predicate.hpp"
#include "rules/support/rule_inputs.hpp"
#include "rules/support/table_size.hpp"

#include <algorithm>
#include <cctype>
#include <memory>
#include <optional>

namespace pgadvise::rules {

namespace {

constexpr std::string_view k_id = "unindexed-foreign-key";

using model::Catalog;
using model::ForeignKey;
using model::Index;
using model::Table;

const Table* parent_of(const Catalog& catalog, const Table& table) {
  return advisor::partition_parent(catalog, table);
}

// The table's own indexes and those declared on its partition ancestors:
// PostgreSQL creates an index on a partitioned table on every partition.
std::vector<const Index*> usable_indexes(const Catalog& catalog, const Table& table) {
  std::vector<const Index*> out;
  const Table* current = &table;
  for (int depth = 0; current != nullptr && depth < 32; ++depth) { // bounded: a bad catalog may loop
    for (const Index& index : current->indexes) {
      out.push_back(&index);
    }
    current = parent_of(catalog, *current);
  }
  return out;
}

// Whether the lookup a foreign key runs on the referencing table when a
// parent row is deleted or its key updated (WHERE fk_cols = the parent's
// key) can use `index`: a btree leading with the columns, also partial when
// its predicate only asks them to be not null, or a hash index on the one
// column of a one-column key (equality is all the lookup needs).
bool serves_lookup(const Index& index, const ForeignKey& fk) {
  if (index.is_partial() && index.valid && only_not_null_of(index.predicate, fk.columns)) {
    Index whole = index;
    whole.predicate.clear();
    return advisor::covers_leading(whole, fk.columns);
  }
  if (index.method == "hash" && index.valid && !index.is_partial() && fk.columns.size() == 1 &&
      index.keys.size() == 1) {
    return index.keys.front().column == fk.columns.front();
  }
  return advisor::covers_leading(index, fk.columns);
}

bool covered_by_own_indexes(const Catalog& catalog, const Table& table, const ForeignKey& fk) {
  const auto indexes = usable_indexes(catalog, table);
  return std::any_of(indexes.begin(), indexes.end(),
                     [&](const Index* index) { return serves_lookup(*index, fk); });
}

std::vector<const Table*> partitions_of(const Catalog& catalog, const Table& parent) {
  std::vector<const Table*> out;
  for (const Table& table : catalog.tables) {
    if (parent_of(catalog, table) == &parent) {
      out.push_back(&table);
    }
  }
  return out;
}

// A partitioned table without a covering index of its own is still covered
// when every one of its partitions has one (the scans then hit partitions).
bool covered(const Catalog& catalog, const Table& table, const ForeignKey& fk) {
  if (covered_by_own_indexes(catalog, table, fk)) {
    return true;
  }
  if (!table.partitioned) {
    return false;
  }
  const auto partitions = partitions_of(catalog, table);
  return !partitions.empty() &&
         std::all_of(partitions.begin(), partitions.end(),
                     [&](const Table* partition) { return covered_by_own_indexes(catalog, *partition, fk); });
}

// A partition repeats its parent's foreign keys; the parent reports them.
bool inherited_from_parent(const Catalog& catalog, const Table& table, const ForeignKey& fk) {
  const Table* parent = parent_of(catalog, table);
  if (parent == nullptr) {
    return false;
  }
  return std::any_of(parent->foreign_keys.begin(), parent->foreign_keys.end(), [&](const ForeignKey& other) {
    return other.columns == fk.columns && other.ref_table == fk.ref_table &&
           other.ref_schema == fk.ref_schema;
  });
}

std::string column_list(const std::vector<std::string>& columns) {
  return columns.size() == 1 ? columns.front() : "(" + core::join(columns, ", ") + ")";
}

class UnindexedForeignKey final : public engine::Rule {
public:
  UnindexedForeignKey()
      : Rule({
            .id = std::string(k_id),
            .summary = "Foreign key whose columns do not lead any usable index",
            .default_severity = core::Severity::critical,
            .inputs = {engine::Input::catalog},
            .has_fix = true,
            .index_columns_any_order = true,
            .confirmed_by_plan = true,
            .each_finding_an_action = true,
            .fix_applicability = core::FixApplicability::safe,
            .per_table = true,
        }) {}

  void check(const engine::RuleContext& context, core::FindingSink& out) const override {
    // Gathered once, on the first finding: a schema of 10,000 tables may have 30,000 of them.
    std::optional<advisor::RelationNames> names;
    for (const Table& table : catalog_tables(context)) {
      for (const ForeignKey& fk : table.foreign_keys) {
        if (fk.columns.empty() || covered(*context.catalog, table, fk) ||
            inherited_from_parent(*context.catalog, table, fk)) {
          continue;
        }
        if (!names) {
          names.emplace(*context.catalog);
        }
        out.push_back(make_finding(context, *names, table, fk));
      }
    }
  }

private:
  static core::Finding make_finding(const engine::RuleContext& context, const advisor::RelationNames& names,
                                    const Table& table, const ForeignKey& fk) {
    const Catalog& catalog = *context.catalog;
    const std::string table_name = advisor::table_display(table);
    const std::string ref_name = core::qualified_name(fk.ref_schema, fk.ref_table);
    const std::string columns = column_list(fk.columns);

    core::Finding finding;
    finding.rule = std::string(k_id);
    // A missing index costs in proportion to the rows scanned: known sizes
    // (--db, --stats) rank a 200-row table below a 10-million-row one.
    finding.severity = cap_by_rows(context.severity, table);
    // A table no migration file creates (a lone file's ALTER TABLE), keyed
    // on columns it had before: an index built before the files may serve.
    const bool earlier_columns =
        table.assumed && std::any_of(fk.columns.begin(), fk.columns.end(), [&](const std::string& name) {
          const model::Column* column = table.find_column(name);
          return column == nullptr || column->type.name.empty();
        });
    if (earlier_columns) {
      finding.severity = std::min(finding.severity, core::Severity::medium);
    }
    finding.message =
        "Foreign key " + table_name + "(" + core::join(fk.columns, ", ") + ") -> " + ref_name +
        (fk.ref_columns.empty() ? "" : "(" + core::join(fk.ref_columns, ", ") + ")") +
        " has no index that starts with " + columns +
        (earlier_columns ? " in these files (the table and its earlier indexes are not in them)" : "");
    finding.help = "Every JOIN from " + ref_name + " to " + table_name +
                   " on this key, and every DELETE (or key "
                   "UPDATE) on " +
                   ref_name + " -- PostgreSQL must look for referencing rows" +
                   (fk.on_delete == model::FkAction::no_action || fk.on_delete == model::FkAction::restrict
                        ? std::string{}
                        : " to " + std::string(model::to_string(fk.on_delete)) + " them") +
                   " -- scans all of " + table_name + ". Create a btree index that starts with " + columns +
                   ".";
    finding.object = core::ObjectRef{table.schema, table.name, fk.columns, fk.name};
    finding.location = fk.location;
    finding.evidence.push_back(
        advisor::schema_evidence(catalog, advisor::describe_foreign_key(fk), fk.location));
    if (const std::string rows = describe_rows(table); !rows.empty()) {
      finding.evidence.push_back(advisor::schema_evidence(catalog, table_name + ": " + rows, table.location));
    }
    for (const Index* index : usable_indexes(catalog, table)) {
      if (auto reason = advisor::near_miss_reason(*index, fk.columns)) {
        finding.evidence.push_back(advisor::schema_evidence(catalog, *reason, index->location));
      }
    }
    finding.fix = make_fix(context, names, table, fk);

    // Stable across constraint renames: the table and columns identify it.
    const std::string referenced = core::qualified_name(fk.ref_schema, fk.ref_table);
    finding.compute_fingerprint(core::FingerprintIdentity{.schema = finding.object.schema,
                                                          .table = finding.object.table,
                                                          .columns = &finding.object.columns,
                                                          .discriminator = referenced});
    return finding;
  }

  static core::Fix make_fix(const engine::RuleContext& context, const advisor::RelationNames& names,
                            const Table& table, const ForeignKey& fk) {
    const std::string name = advisor::unique_index_name(names, table.schema, table.name, fk.columns,
                                                        advisor::index_suffix_for(table));
    core::Fix fix;
    // PostgreSQL refuses CONCURRENTLY on a partitioned table.
    fix.sql().ddl =
        advisor::render_create_index(table.schema, table.name, fk.columns, name, !table.partitioned);
    if (table.partitioned) {
      fix.safety_note =
          "CREATE INDEX on a partitioned table cannot be CONCURRENTLY and blocks writes to every "
          "partition while it builds. For big partitions, create the index on each partition "
          "CONCURRENTLY first, then CREATE INDEX ... ON ONLY the parent and ALTER INDEX ... ATTACH "
          "PARTITION each one.";
    } else {
      fix.safety_note = advisor::concurrently_safety_note("CREATE INDEX", context.catalog);
    }
    if (context.project != nullptr && context.project->uses_drizzle) {
      fix.sql().drizzle = advisor::render_drizzle_index(table, fk.columns, name);
    }
    return fix;
  }
};

} // namespace

std::unique_ptr<engine::Rule> make_unindexed_foreign_key() {
  return std::make_unique<UnindexedForeignKey>();
}

} // namespace pgadvise::rules
