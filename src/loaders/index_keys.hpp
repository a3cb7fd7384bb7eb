#pragma once

#include "model/catalog.hpp"

namespace pgadvise::loaders {

// Index keys written as SQL that PostgreSQL reads as a plain column:
// Drizzle's `index().using("gin", sql`${t.name} gin_trgm_ops`)` is the
// expression `"name" gin_trgm_ops` in schema.ts and in drizzle-kit's
// snapshot, but CREATE INDEX reads it as the column name with an operator
// class (and the SQL replay, like the database, keeps it so). Each such key
// becomes the column key (column, operator class, ASC/DESC, NULLS), so the
// same index is the same in every source; any other expression is kept.
// Then each index gets its identity (pg::identify_index), as the SQL
// replay and the live catalog give theirs when they read an index.
void finish_indexes(model::Table& table);
void finish_indexes(model::Catalog& catalog);

} // namespace pgadvise::loaders
