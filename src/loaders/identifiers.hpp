#pragma once

#include "model/catalog.hpp"

namespace pgadvise::loaders {

// Cuts every name in the catalog to 63 bytes, as PostgreSQL's scanner does
// with every identifier it reads. drizzle-kit snapshots and schema.ts keep
// the long names drizzle-kit made up (a foreign key named after both tables
// and both columns); the database, and so the SQL replay, keeps only the
// first 63 bytes. Without this one long name is drift twice, once each way.
void truncate_identifiers(model::Catalog& catalog);

} // namespace pgadvise::loaders
