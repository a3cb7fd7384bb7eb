#pragma once

#include "loaders/sql/replay.hpp"
#include "model/catalog.hpp"

#include <string>

namespace pgadvise::loaders::replay {

// Where a Constraint node is being applied.
struct ConstraintTarget {
  std::string column;     // inline column constraint: the column it is written on
  bool in_create = false; // inside CREATE TABLE (NOT VALID means nothing there)
  bool only = false;      // ALTER TABLE ONLY: not applied to partitions
};

// Column-level constraints that only change the column: NOT NULL, NULL,
// DEFAULT, GENERATED ... AS IDENTITY. Returns false for any other kind.
bool apply_column_property(Replay& replay, const model::Table& table, model::Column& column,
                           const Json& constraint);

// PRIMARY KEY, UNIQUE (also USING INDEX), FOREIGN KEY and CHECK: become
// Index / ForeignKey / CheckConstraint entries with PostgreSQL's default
// names when unnamed. `constraint` is the body of a {"Constraint": ...} node.
void add_constraint(Replay& replay, model::Table& table, const Json& constraint,
                    const ConstraintTarget& target);

} // namespace pgadvise::loaders::replay
