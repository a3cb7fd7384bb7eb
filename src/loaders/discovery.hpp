#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "loaders/schema_load.hpp"
#include "model/project.hpp"

namespace pgadvise::loaders {

// Where the schema of a project lives, found from what the user passed to
// `pgadvise lint`: a project directory, a migrations directory, .sql files or
// a snapshot file.
struct SchemaSources {
  model::Project project;
  std::optional<std::filesystem::path> migrations_dir; // holds .sql migrations
  std::vector<std::filesystem::path> sql_files;        // explicit .sql files (pg_dump, ...)
  std::optional<std::filesystem::path> snapshot;       // newest drizzle-kit snapshot
  std::vector<std::string> notes;                      // how each was found
};

// Looks, in each directory, for drizzle.config.{ts,js,mjs,cjs,json} (its
// `out` folder), then drizzle/, migrations/, and any **/meta/_journal.json.
core::Result<SchemaSources> discover(const std::vector<std::filesystem::path>& paths);

// Loads the schema: the SQL replay when there is SQL (the snapshot is then
// only noted), else the newest snapshot. Notes say which source was used.
SchemaLoad load_schema(const SchemaSources& sources);

} // namespace pgadvise::loaders
