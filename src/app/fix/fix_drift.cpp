#include "app/fix/fix_drift.hpp"

#include "advisor/index_match.hpp"
#include "core/text.hpp"
#include "loaders/sql/migrations.hpp"

#include <algorithm>

namespace pgadvise::app {

namespace {

bool same_predicate(const std::string& a, const std::string& b) {
  if (a.empty() || b.empty()) {
    return a.empty() && b.empty();
  }
  return advisor::normalize_sql(a) == advisor::normalize_sql(b) || advisor::same_expression(a, b);
}

bool same_keys(const model::Index& a, const model::Index& b) {
  if (a.keys.size() != b.keys.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.keys.size(); ++i) {
    const model::IndexKey& x = a.keys[i];
    const model::IndexKey& y = b.keys[i];
    const bool same_target =
        x.column.empty() == y.column.empty() &&
        (x.column.empty() ? advisor::same_expression(x.expression, y.expression) : x.column == y.column);
    if (!same_target || x.descending != y.descending ||
        core::to_lower(x.opclass) != core::to_lower(y.opclass) ||
        x.effective_nulls_first() != y.effective_nulls_first()) {
      return false;
    }
  }
  return true;
}

bool same_shape(const model::Index& a, const model::Index& b) {
  std::vector<std::string> include_a = a.include;
  std::vector<std::string> include_b = b.include;
  std::sort(include_a.begin(), include_a.end());
  std::sort(include_b.begin(), include_b.end());
  return core::to_lower(a.method.empty() ? "btree" : a.method) ==
             core::to_lower(b.method.empty() ? "btree" : b.method) &&
         same_keys(a, b) && same_predicate(a.predicate, b.predicate) && include_a == include_b;
}

const model::Index* same_in(const model::Table* table, const model::Index& index) {
  if (table == nullptr) {
    return nullptr;
  }
  for (const model::Index& candidate : table->indexes) {
    if (same_index(candidate, index)) {
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
  if (!finding.fix) {
    return std::nullopt;
  }
  const std::string ddl(core::trim(finding.fix->ddl));
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

bool same_index(const model::Index& a, const model::Index& b) {
  return a.unique == b.unique && same_shape(a, b);
}

const model::Index* serving_index(const model::Table& table, const model::Index& proposed) {
  for (const model::Index& index : table.indexes) {
    if (same_index(index, proposed) || (index.unique && !proposed.unique && same_shape(index, proposed)) ||
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

std::string render_index_ddl(const std::string& schema, const std::string& table, const model::Index& index) {
  std::vector<std::string> keys;
  for (const model::IndexKey& key : index.keys) {
    std::string text = key.column.empty() ? "(" + key.expression + ")" : core::quote_ident(key.column);
    if (!key.opclass.empty()) {
      text += " " + key.opclass;
    }
    if (key.descending) {
      text += " DESC";
    }
    if (key.nulls_first && *key.nulls_first != key.descending) {
      text += *key.nulls_first ? " NULLS FIRST" : " NULLS LAST";
    }
    keys.push_back(std::move(text));
  }
  std::string out = std::string(index.unique ? "CREATE UNIQUE INDEX" : "CREATE INDEX") + " IF NOT EXISTS " +
                    core::quote_ident(index.name) + " ON " + core::qualified_name(schema, table);
  const std::string method = core::to_lower(index.method.empty() ? "btree" : index.method);
  if (method != "btree") {
    out += " USING " + method;
  }
  out += " (" + core::join(keys, ", ") + ")";
  if (!index.include.empty()) {
    std::vector<std::string> include;
    for (const std::string& column : index.include) {
      include.push_back(core::quote_ident(column));
    }
    out += " INCLUDE (" + core::join(include, ", ") + ")";
  }
  if (index.is_partial()) {
    out += " WHERE " + index.predicate;
  }
  return out + ";";
}

} // namespace pgadvise::app
