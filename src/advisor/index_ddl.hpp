#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace pgadvise::advisor {

// Index DDL as pgadvise proposes it (printed, never applied). Identifiers are
// quoted only where PostgreSQL needs it (core::quote_ident); the public schema
// is left implicit.

// CREATE INDEX CONCURRENTLY IF NOT EXISTS name ON schema.table (col, ...);
// `concurrently = false` for partitioned tables, where PostgreSQL refuses it.
std::string render_create_index(std::string_view schema, std::string_view table,
                                const std::vector<std::string>& columns, std::string_view name,
                                bool concurrently = true);

// DROP INDEX CONCURRENTLY IF EXISTS schema.name;
std::string render_drop_index(std::string_view schema, std::string_view name, bool concurrently = true);

// ALTER TABLE schema.table DROP CONSTRAINT name; (an index that backs a
// PRIMARY KEY or UNIQUE constraint cannot be dropped with DROP INDEX).
std::string render_drop_constraint(std::string_view schema, std::string_view table, std::string_view name);

// The caveat every CONCURRENTLY statement needs: it cannot run in a
// transaction block, and drizzle-kit migrate runs migrations in one.
std::string concurrently_safety_note(std::string_view verb);

} // namespace pgadvise::advisor
