#pragma once

#include "core/result.hpp"
#include "loaders/drizzle_kit/json_keys.hpp"
#include "loaders/schema_load.hpp"

#include <nlohmann/json.hpp>
#include <string>

namespace pgadvise::loaders {

// Turns a parsed drizzle-kit PostgreSQL snapshot into a Catalog. Versions 5
// ("dialect": "pg", tables keyed by bare name, enum values as an object), 6
// and 7 ("dialect": "postgresql", tables and enums keyed "schema.name"; 7
// adds index column objects, identity and check constraints). Every field is
// read by its own name rather than by version, so the intermediate shapes
// older drizzle-kit releases wrote are read too.
//
// A snapshot that is not a PostgreSQL snapshot of a known version is an
// Error located at its "version"/"dialect" key; a table, column or
// constraint that is not shaped as expected becomes a located parse-error
// diagnostic and the rest is still read.
core::Result<SchemaLoad> read_snapshot(const nlohmann::ordered_json& snapshot, const JsonKeyLines& lines,
                                       const std::string& file);

} // namespace pgadvise::loaders
