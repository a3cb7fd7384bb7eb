#include "loaders/sql/replay_partitions.hpp"

#include "loaders/sql/replay_names.hpp"

#include <algorithm>

namespace pgadvise::loaders::replay {

namespace {

std::string_view label_for(model::IndexKind kind) {
  switch (kind) {
  case model::IndexKind::primary_key: return "pkey";
  case model::IndexKind::unique_constraint: return "key";
  case model::IndexKind::index: return "idx";
  }
  return "idx";
}

std::vector<std::string> key_names(const model::Index& index) {
  std::vector<std::string> names;
  for (const model::IndexKey& key : index.keys) {
    names.push_back(key.column.empty() ? "expr" : key.column);
  }
  return names;
}

bool has_equivalent(const model::Table& table, const model::Index& index) {
  return std::any_of(table.indexes.begin(), table.indexes.end(),
                     [&](const model::Index& other) { return equivalent_indexes(other, index); });
}

} // namespace

std::vector<model::Table*> partitions_of(Replay& replay, const model::Table& parent) {
  std::vector<model::Table*> out;
  if (!parent.partitioned) {
    return out; // only partitioned tables have partitions
  }
  const std::string qualified = parent.qualified();
  for (model::Table& table : replay.catalog().tables) {
    if (table.partition_of == qualified && &table != &parent) {
      out.push_back(&table);
    }
  }
  return out;
}

bool equivalent_indexes(const model::Index& a, const model::Index& b) {
  // Both came through the replay, which gave them their identity.
  return a.keys == b.keys && a.include == b.include && a.unique == b.unique && a.method == b.method &&
         a.predicate_identity == b.predicate_identity;
}

void clone_index_to_partitions(Replay& replay, const model::Table& parent, const model::Index& index) {
  for (model::Table* partition : partitions_of(replay, parent)) {
    if (has_equivalent(*partition, index)) {
      continue;
    }
    model::Index copy = index;
    copy.valid = true;
    const std::string schema = partition->schema;
    const std::string name2 =
        index.kind == model::IndexKind::primary_key ? "" : join_column_names(key_names(index));
    copy.name = choose_name(partition->name, name2, label_for(index.kind), [&](const std::string& candidate) {
      return replay.relation_name_taken(schema, candidate);
    });
    if (index.kind == model::IndexKind::primary_key) {
      for (const std::string& column : index.leading_columns()) {
        if (model::Column* found = partition->find_column(column)) {
          found->not_null = true;
        }
      }
    }
    partition->indexes.push_back(copy);
    replay.index_added(schema, copy);
    if (partition->partitioned) {
      clone_index_to_partitions(replay, *partition, copy);
    }
  }
}

void clone_foreign_key_to_partitions(Replay& replay, const model::Table& parent,
                                     const model::ForeignKey& fk) {
  for (model::Table* partition : partitions_of(replay, parent)) {
    const bool present = std::any_of(partition->foreign_keys.begin(), partition->foreign_keys.end(),
                                     [&](const model::ForeignKey& other) { return other.name == fk.name; });
    if (!present) {
      partition->foreign_keys.push_back(fk);
      replay.constraint_added(partition->schema, fk.name);
    }
    if (partition->partitioned) {
      clone_foreign_key_to_partitions(replay, *partition, fk);
    }
  }
}

void attach_partition(Replay& replay, model::Table& parent, model::Table& child) {
  child.partition_of = parent.qualified();
  for (const model::Index& index : parent.indexes) {
    clone_index_to_partitions(replay, parent, index);
  }
  for (const model::ForeignKey& fk : parent.foreign_keys) {
    clone_foreign_key_to_partitions(replay, parent, fk);
  }
  refresh_index_validity(replay, parent);
}

void refresh_index_validity(Replay& replay, model::Table& parent) {
  const std::vector<model::Table*> partitions = partitions_of(replay, parent);
  for (model::Index& index : parent.indexes) {
    if (index.valid) {
      continue;
    }
    index.valid = std::all_of(partitions.begin(), partitions.end(), [&](const model::Table* partition) {
      return has_equivalent(*partition, index);
    });
  }
}

} // namespace pgadvise::loaders::replay
