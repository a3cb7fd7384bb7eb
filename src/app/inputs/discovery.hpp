#pragma once

#include "core/result.hpp"
#include "loaders/project/scan.hpp"
#include "loaders/schema_load.hpp"
#include "model/project.hpp"

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace pgadvise::loaders {
class ReplayCache;
class SchemaTsCache;
} // namespace pgadvise::loaders

namespace pgadvise::app {

using loaders::SchemaLoad;

// Where the schema of a project lives, found from what the user passed to
// `pgadvise lint`: a project directory, a migrations directory, .sql files or
// a snapshot file.
struct SchemaSources {
  model::Project project;
  std::optional<std::filesystem::path> migrations_dir; // holds .sql migrations
  std::vector<std::filesystem::path> sql_files;        // explicit .sql files (pg_dump, ...)
  std::optional<std::filesystem::path> snapshot;       // newest drizzle-kit snapshot
  // Drizzle schema files: the drizzle.config `schema` entries expanded, or
  // a conventional src/db/schema.ts / src/db/schema/ of a Drizzle project.
  std::vector<std::filesystem::path> schema_ts;
  std::vector<std::string> notes; // how each was found
  // Every drizzle.config.* found below the folder given (server/,
  // packages/db/, ...), when that folder has none of its own: one database
  // each. The first is the schema above; lint runs the others on their own.
  std::vector<std::filesystem::path> databases;
  // drizzle-kit 1.0 made the migrations (a folder per migration, no
  // journal) or the project depends on drizzle 1.x: unnamed constraints in
  // the Drizzle schema get 1.0's names (`_fkey`, `_key`, `_pkey`).
  bool drizzle_kit_1 = false;
  // The project pins drizzle-orm below 0.36, whose extra-config callback
  // returns only an object (`(t) => ({ ... })`): a schema without any
  // callback gets its first one in that form.
  bool drizzle_object_config = false;
  // The sources a deferred code scan will read, being read already
  // (discover's `read_code_ahead`); for scan_deferred_code.
  std::shared_ptr<loaders::scan::SourceReadAhead> code_read_ahead;
};

// Looks, in each directory, for drizzle.config.{ts,js,mjs,cjs,json} (its
// `out` folder), then drizzle/, migrations/, and any **/meta/_journal.json;
// and for the project's Drizzle schema files. `code` says whether the
// project scan reads the TypeScript's query calls now or leaves them for
// loaders::scan_deferred_query_calls; with `read_code_ahead`, a deferred
// scan's sources are read on a thread of their own from the walk on
// (SchemaSources::code_read_ahead).
core::Result<SchemaSources> discover(const std::vector<std::filesystem::path>& paths,
                                     loaders::CodeScan code = loaders::CodeScan::now,
                                     bool read_code_ahead = false);

// Whether `dir` looks like a project of its own: a package.json, a
// drizzle.config.*, or a migrations folder where projects keep one. `lint`
// with no path reads `.` only then when it was given --log or --db.
bool looks_like_project(const std::filesystem::path& dir);

// Rewrites the project's file locations, which the scanner makes relative to
// the project root, to be relative to the working directory, so that
// `server/Dockerfile:49` reads the same whichever folder was given.
void relocate_project(model::Project& project);

// The query calls a deferred scan left out (loaders::CodeScan::deferred),
// read now and located as relocate_project locates the rest; nothing when
// none were left out.
// `read_ahead`, the reading discovery started for them, or null.
void scan_deferred_code(model::Project& project, const std::function<void()>& indexed = {},
                        loaders::scan::SourceReadAhead* read_ahead = nullptr);

// Loads the schema: the SQL replay when there is SQL, else the newest
// snapshot, else the Drizzle schema files. The sources not used for the
// catalog are still read into `other_schemas` (for snapshot-drift), and the
// Drizzle schema's property names and declarations are copied onto the
// catalog's tables and columns (for Drizzle-native fixes). Notes say which
// source was used. With a `cache` (a process that loads the same project
// again after each edit), the SQL replay starts from where the last one
// was before the first migration that changed.
// What a process that lints again and again (the language server) keeps
// between its runs: the SQL replay and the schema.ts load.
struct KeptLoads {
  loaders::ReplayCache* replay = nullptr;
  loaders::SchemaTsCache* schema_ts = nullptr;
};
SchemaLoad load_schema(const SchemaSources& sources, const KeptLoads& kept = {});

} // namespace pgadvise::app
