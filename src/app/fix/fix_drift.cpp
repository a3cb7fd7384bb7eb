#include "app/fix/fix_drift.hpp"

#include "advisor/index_match.hpp"
#include "app/fix/fix_edits.hpp"
#include "core/text.hpp"
#include "loaders/sql/migrations.hpp"
#include "rules/support/index_statement.hpp"

#include <algorithm>

namespace pgadvise::app {

namespace {

const model::Index* same_in(const model::Table* table, const model::Index& index) {
  if (table == nullptr) {
    return nullptr;
  }
  for (const model::Index& candidate : table->indexes) {
    if (advisor::same_index(candidate, index)) {
      return &candidate;
    }
  }
  return nullptr;
}

std::string where_of(const model::Index& index) {
  return index.location.known()
             ? " (" + index.location.file.str() + ":" + std::to_string(index.location.line) + ")"
             : std::string();
}

} // namespace

std::optional<model::Index> proposed_index(const core::Finding& finding, const model::Catalog& applied) {
  const core::SqlChange* sql = finding.fix ? finding.fix->if_sql() : nullptr;
  if (sql == nullptr) {
    return std::nullopt;
  }
  const std::string ddl(core::trim(sql->ddl));
  if (ddl.rfind("CREATE INDEX ", 0) != 0 && ddl.rfind("CREATE UNIQUE INDEX ", 0) != 0) {
    return std::nullopt;
  }
  const std::string schema = finding.object.schema.empty() ? "public" : finding.object.schema;
  const model::Table* table = applied.find_table(schema, finding.object.table);
  if (table == nullptr) {
    return std::nullopt;
  }
  // The DDL replayed onto a copy of the table: the index as the SQL
  // migrations would hold it, keys and predicate parsed by libpg_query.
  loaders::SchemaLoad scratch;
  if (std::find(scratch.catalog.schemas.begin(), scratch.catalog.schemas.end(), schema) ==
      scratch.catalog.schemas.end()) {
    scratch.catalog.schemas.push_back(schema);
  }
  model::Table copy = *table;
  copy.indexes.clear();
  scratch.catalog.tables.push_back(std::move(copy));
  loaders::replay_sql(ddl, "fix", scratch);
  const model::Table* replayed = scratch.catalog.find_table(schema, finding.object.table);
  if (replayed == nullptr || replayed->indexes.size() != 1) {
    return std::nullopt;
  }
  return replayed->indexes.front();
}

const model::Index* serving_index(const model::Table& table, const model::Index& proposed) {
  for (const model::Index& index : table.indexes) {
    if (advisor::same_index(index, proposed) ||
        (index.unique && !proposed.unique && advisor::same_definition(index, proposed)) ||
        (!proposed.unique && advisor::is_left_prefix_of(proposed, index))) {
      return &index;
    }
  }
  return nullptr;
}

IndexPlacement place_index(const FixSchemas& schemas, const std::string& schema, const std::string& table,
                           const model::Index& proposed) {
  IndexPlacement out;
  const model::Table* declared =
      schemas.declared != nullptr ? schemas.declared->find_table(schema, table) : nullptr;
  const model::Index* match = declared != nullptr ? serving_index(*declared, proposed) : nullptr;
  if (match == nullptr) {
    return out;
  }
  out.declared = match;
  const model::Table* snapshotted =
      schemas.snapshot != nullptr ? schemas.snapshot->find_table(schema, table) : nullptr;
  const std::string what = "schema.ts declares " + match->name + where_of(*match);
  if (schemas.snapshot != nullptr && same_in(snapshotted, *match) == nullptr) {
    out.drift = IndexDrift::not_generated;
    out.why = what + ", which drizzle-kit has not generated yet: its next generate writes the CREATE INDEX";
    return out;
  }
  out.drift = IndexDrift::never_migrated;
  out.why = what + (schemas.snapshot != nullptr ? " and the snapshot has it too" : "") +
            ", but no SQL migration creates it (the migration was edited, or the index dropped by hand), so "
            "drizzle-kit generate writes nothing for it: schema.ts is right, and a custom migration (what "
            "`drizzle-kit generate --custom` makes) builds it";
  return out;
}

namespace {

const model::Column* column_in(const model::Catalog* catalog, const std::string& schema,
                               const std::string& table, const std::string& column) {
  const model::Table* found = catalog != nullptr ? catalog->find_table(schema, table) : nullptr;
  return found != nullptr ? found->find_column(column) : nullptr;
}

// An index to drop that schema.ts does not declare (by definition): a
// migration built it by hand, so no schema.ts entry can remove it. If the
// snapshot has it, drizzle-kit's next generate drops it; if not, a custom
// migration does.
DriftFix drift_removal(const core::Finding& finding, const SchemaEdit& edit, const FixSchemas& schemas) {
  DriftFix out;
  const std::string schema = finding.object.schema.empty() ? std::string("public") : finding.object.schema;
  const std::string& table_name = finding.object.table;
  const model::Table* applied = schemas.applied->find_table(schema, table_name);
  const model::Index* index = applied != nullptr ? applied->find_index(edit.name) : nullptr;
  const model::Table* declared = schemas.declared->find_table(schema, table_name);
  if (index == nullptr || declared == nullptr) {
    return out;
  }
  const auto same = [index](const model::Table* table) {
    return table != nullptr &&
           std::any_of(table->indexes.begin(), table->indexes.end(),
                       [index](const model::Index& other) { return advisor::same_index(other, *index); });
  };
  if (same(declared)) {
    return out; // schema.ts has it: its entry goes
  }
  const std::string what = schema + "." + table_name + ": schema.ts does not declare " + index->name;
  if (schemas.snapshot != nullptr && same(schemas.snapshot->find_table(schema, table_name))) {
    out.handled = true;
    out.note = what + ", and the snapshot still has it: drizzle-kit's next generate drops it";
    return out;
  }
  auto statement = migration_statement(finding);
  if (!statement || !schemas.migrations_dir) {
    return out;
  }
  out.handled = true;
  out.statement = *statement;
  out.note = what + " (a migration built it by hand), so no schema.ts edit and no generate drops it: "
                    "schema.ts is right, and a custom migration (what `drizzle-kit generate --custom` makes) "
                    "drops it";
  return out;
}

} // namespace

// A finding whose change schema.ts already declares: an index of the same
// definition (whatever its name), or a column already of the new type.
DriftFix drift_fix(const core::Finding& finding, const SchemaEdit& edit, const FixSchemas& schemas) {
  DriftFix out;
  if (schemas.declared == nullptr || schemas.applied == nullptr) {
    return out;
  }
  const std::string schema = finding.object.schema.empty() ? std::string("public") : finding.object.schema;
  const std::string& table = finding.object.table;
  if (edit.kind == SchemaEditKind::add_index) {
    const auto proposed = proposed_index(finding, *schemas.applied);
    if (!proposed) {
      return out;
    }
    const IndexPlacement placement = place_index(schemas, schema, table, *proposed);
    if (placement.drift == IndexDrift::undeclared ||
        (placement.drift == IndexDrift::never_migrated && !schemas.migrations_dir)) {
      return out;
    }
    out.handled = true;
    out.note = schema + "." + table + ": " + placement.why;
    if (placement.drift == IndexDrift::never_migrated) {
      out.statement = rules::render_index_statement(schema, table, *placement.declared, false, true);
    }
    return out;
  }
  if (edit.kind == SchemaEditKind::remove_index) {
    return drift_removal(finding, edit, schemas);
  }
  if ((edit.kind != SchemaEditKind::replace_column && edit.kind != SchemaEditKind::set_column_option) ||
      finding.object.columns.size() != 1) {
    return out;
  }
  // The type the edit gives the column, as the catalog spells it.
  const std::string wanted = edit.kind == SchemaEditKind::set_column_option
                                 ? std::string("timestamptz")
                                 : edit.entry.substr(0, edit.entry.find('('));
  // timestamptz(3) is timestamptz too: the option keeps the precision.
  const auto type_of = [&edit](const model::Column& c) {
    return core::to_lower(edit.kind == SchemaEditKind::set_column_option ? std::string(c.type.name)
                                                                         : c.type.display());
  };
  const std::string& column = finding.object.columns.front();
  const model::Column* declared = column_in(schemas.declared, schema, table, column);
  if (declared == nullptr || type_of(*declared) != wanted) {
    return out;
  }
  const model::Column* snapshotted = column_in(schemas.snapshot, schema, table, column);
  out.handled = true;
  const std::string what = schema + "." + table + "." + column + ": schema.ts declares it " + wanted;
  if (schemas.snapshot != nullptr && (snapshotted == nullptr || type_of(*snapshotted) != wanted)) {
    out.note = what + ", which drizzle-kit has not generated yet: its next generate writes the ALTER";
    return out;
  }
  auto statement = migration_statement(finding);
  if (!statement || !schemas.migrations_dir) {
    out.handled = false;
    return out;
  }
  out.statement = *statement;
  out.note =
      what + (schemas.snapshot != nullptr ? " and the snapshot does too" : "") +
      ", but no SQL migration changes its type, so drizzle-kit generate writes nothing for it: schema.ts "
      "is right, and a custom migration (what `drizzle-kit generate --custom` makes) changes it";
  return out;
}

// Whether the index `edit` adds is the first of its definition on its table
// this run (two findings may propose one index under two names).
bool first_of_definition(const core::Finding& finding, const SchemaEdit& edit, const FixSchemas& schemas,
                         std::map<std::string, std::vector<model::Index>>& added, std::string* earlier) {
  if (edit.kind != SchemaEditKind::add_index) {
    return true;
  }
  const std::string table = finding.object.schema + "." + finding.object.table;
  const auto seen = [&](std::vector<model::Index>& list, const auto& same) {
    const auto it = std::find_if(list.begin(), list.end(), same);
    if (it != list.end() && earlier != nullptr) {
      *earlier = it->name;
    }
    return it != list.end();
  };
  const auto proposed = schemas.applied != nullptr ? proposed_index(finding, *schemas.applied) : std::nullopt;
  if (!proposed) {
    // No definition to compare (the table is not in the applied schema):
    // the same name on the same table is the same entry.
    auto& named = added['\x1f' + table];
    if (seen(named, [&](const model::Index& index) { return index.name == edit.name; })) {
      return false;
    }
    named.emplace_back().name = edit.name;
    return true;
  }
  auto& list = added[table];
  if (seen(list, [&](const model::Index& index) { return advisor::same_index(index, *proposed); })) {
    return false;
  }
  list.push_back(*proposed);
  list.back().name = edit.name;
  return true;
}

} // namespace pgadvise::app
