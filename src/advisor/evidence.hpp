#pragma once

#include "core/finding.hpp"
#include "model/catalog.hpp"

#include <string>

namespace pgadvise::advisor {

// Evidence that points at where the catalog learned an object: "ddl" for a
// SQL replay, "snapshot" for a drizzle-kit snapshot, "schema" for schema.ts,
// "catalog" for a live database.
core::Evidence schema_evidence(const model::Catalog& catalog, std::string detail,
                               core::SourceLocation location);

// "posts" or "blog.posts" (quoted where SQL needs it), for messages.
std::string table_display(const model::Table& table);

// FOREIGN KEY (a, b) REFERENCES users (id) ON DELETE CASCADE
std::string describe_foreign_key(const model::ForeignKey& fk);

} // namespace pgadvise::advisor
