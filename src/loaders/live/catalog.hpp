#pragma once

#include "core/result.hpp"
#include "loaders/schema_load.hpp"
#include "pg/connection.hpp"

namespace pgadvise::loaders {

// Reads the schema of a live database from pg_catalog into the same Catalog
// the file loaders fill (source = live), so every schema rule works on it,
// plus what only a live database knows: row estimates, usage counters of
// tables and indexes, index sizes, planner statistics per column, the age of
// the counters and the server version.
//
// Only the user's objects are read: not pg_catalog, information_schema,
// TOAST or temporary schemas, nor objects created by extensions. Types are
// normalized with model::parse_type_text, so they compare equal to what the
// SQL replay and snapshot loaders produce. Objects have no file location
// (SourceLocation::known() is false); rules name them by ObjectRef.
//
// Every query only reads; the statistics part may fail (a lock timeout on
// sizes, say) without failing the load: the catalog then lacks those numbers
// and a note says so. A failure of the schema part is the returned error.
core::Result<SchemaLoad> load_live_catalog(pg::Connection& connection);

} // namespace pgadvise::loaders
