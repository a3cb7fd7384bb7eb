#pragma once

#include "core/shared_text.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace pgadvise::model {
class Catalog;
} // namespace pgadvise::model

namespace pgadvise::advisor {

// Index DDL as pgadvise proposes it (printed, never applied). Identifiers are
// quoted only where PostgreSQL needs it (core::quote_ident); the public schema
// is left implicit.

// CREATE INDEX CONCURRENTLY IF NOT EXISTS name ON schema.table (col, ...);
// `concurrently = false` for partitioned tables, where PostgreSQL refuses it.
std::string render_create_index(std::string_view schema, std::string_view table,
                                const std::vector<std::string>& columns, std::string_view name,
                                bool concurrently = true);

// The same with index elements already in SQL (`(settings ->> 'theme')`,
// `lower(email)`, `settings jsonb_path_ops`) and an access method ("" or
// "btree": none written): CREATE INDEX ... ON t USING gin (settings);
std::string render_create_index_elements(std::string_view schema, std::string_view table,
                                         const std::vector<std::string>& elements, std::string_view name,
                                         bool concurrently = true, std::string_view method = {});

// A proposal's DDL in the form a transaction and HypoPG accept: without
// CONCURRENTLY, IF NOT EXISTS and the final semicolon.
std::string transactional_create_index(std::string_view ddl);

// DROP INDEX CONCURRENTLY IF EXISTS schema.name;
std::string render_drop_index(std::string_view schema, std::string_view name, bool concurrently = true);

// ALTER TABLE schema.table DROP CONSTRAINT name; (an index that backs a
// PRIMARY KEY or UNIQUE constraint cannot be dropped with DROP INDEX).
std::string render_drop_constraint(std::string_view schema, std::string_view table, std::string_view name);

// The caveat every CONCURRENTLY statement needs: it cannot run in a
// transaction block, and drizzle-kit migrate runs migrations in one (Prisma
// Migrate a migration of several statements, when `catalog` is replayed
// from its folder: the change then goes into schema.prisma).
core::SharedText concurrently_safety_note(std::string_view verb, const model::Catalog* catalog = nullptr);

} // namespace pgadvise::advisor
