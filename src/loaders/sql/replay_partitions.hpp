#pragma once

#include "loaders/sql/replay.hpp"
#include "model/catalog.hpp"

#include <vector>

namespace pgadvise::loaders::replay {

// Partitioned tables, as PostgreSQL keeps them consistent: an index or
// foreign key added to a partitioned table (without ONLY) also exists on
// every partition, and a new partition gets the parent's columns, indexes
// and foreign keys. `CREATE INDEX ... ON ONLY` and `ALTER TABLE ONLY ... ADD
// PRIMARY KEY` leave the parent's index invalid until every partition has an
// index attached (pg_dump's `ALTER INDEX ... ATTACH PARTITION`).

// Direct partitions of `parent`.
std::vector<model::Table*> partitions_of(Replay& replay, const model::Table& parent);

// Same keys, INCLUDE columns, uniqueness, method and predicate.
bool equivalent_indexes(const model::Index& a, const model::Index& b);

// Gives each partition (recursively) an index like `index`, unless it has an
// equivalent one already.
void clone_index_to_partitions(Replay& replay, const model::Table& parent, const model::Index& index);
void clone_foreign_key_to_partitions(Replay& replay, const model::Table& parent, const model::ForeignKey& fk);

// Makes `child` a partition of `parent`, cloning the parent's indexes and
// foreign keys onto it.
void attach_partition(Replay& replay, model::Table& parent, model::Table& child);

// After an ATTACH: the parent's indexes become valid once every partition
// has an equivalent index.
void refresh_index_validity(Replay& replay, model::Table& parent);

} // namespace pgadvise::loaders::replay
