#pragma once

#include "loaders/sql/replay.hpp"
#include "model/catalog.hpp"

#include <vector>

namespace pgadvise::loaders::replay {

// A constraint held back until every column of a CREATE TABLE exists
// (keys and foreign keys may name columns declared later).
struct DeferredConstraint {
  const Json* constraint = nullptr; // body of the Constraint node
  std::string column;               // set for inline column constraints
};

// Adds a ColumnDef to `table`: type, serial's implied NOT NULL and default,
// inline NOT NULL / DEFAULT / IDENTITY. Keys, FKs and CHECKs are appended to
// `deferred` when given, else applied at once (ALTER TABLE ADD COLUMN).
// Returns false when the column already exists.
bool add_column(Replay& replay, model::Table& table, const Json& column_def,
                std::vector<DeferredConstraint>* deferred, bool only);

// CREATE TABLE [IF NOT EXISTS] ... [PARTITION BY] [PARTITION OF] [INHERITS] [LIKE].
void create_table(Replay& replay, const Json& stmt);

} // namespace pgadvise::loaders::replay
