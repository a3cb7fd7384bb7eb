#pragma once

#include "core/finding.hpp"
#include "model/catalog.hpp"

#include <string_view>
#include <vector>

namespace pgadvise::advisor {

// The start of the Drizzle line of a finding whose index schema.ts already
// declares (note_declared_indexes): `pgadvise fix` reads the index name after it.
inline constexpr std::string_view k_declared_in_schema = "// schema.ts declares ";

// Lint's side of Drizzle drift: a finding that proposes an index which
// schema.ts already declares (by its columns, not its name) while the SQL
// migrations (`applied`) never build it gets, instead of a new index line,
// `// schema.ts declares <name> (<file:line>); no migration builds it yet:
// run <generate and migrate>`, and its DDL builds the index under that
// name; snapshot-drift's finding about the same index goes (one problem,
// one finding). `other_schemas` holds the Drizzle schema when one was read.
void note_declared_indexes(std::vector<core::Finding>& findings, const model::Catalog* applied,
                           const std::vector<model::Catalog>* other_schemas);

// --db: a finding that proposes an index the migration files build (by its
// columns) but the database lacks, when the migrations table could not tell
// that the migration is pending (which would have put the index into the
// live catalog): its fix names that migration and the index's name, and
// says to apply it rather than build a second index beside it.
void note_unapplied_indexes(std::vector<core::Finding>& findings, const model::Catalog& database,
                            const model::Catalog& files);

} // namespace pgadvise::advisor
