#pragma once

#include "core/tree_walk.hpp"
#include "model/project_graph.hpp"

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace pgadvise::model {

// What pgadvise knows about the project around the schema. The spine fills
// the Drizzle facts fixes need; the project scanner (scripts, CI, containers)
// extends it.
struct Project {
  std::filesystem::path root;
  bool uses_drizzle = false;                     // drizzle-orm / drizzle-kit dependency or drizzle.config.*
  std::filesystem::path drizzle_config;          // empty when none
  std::string drizzle_out;                       // the config's `out`, relative to root
  std::vector<std::string> drizzle_schema_paths; // the config's `schema`, relative to root
  std::string casing;                            // "snake_case", "camelCase" or empty

  // Filled by loaders::scan_project (see model/project_graph.hpp).
  bool scanned = false;
  std::vector<Package> packages;          // every package.json outside node_modules
  std::vector<ExecutionSite> sites;       // places that run commands on their own
  std::vector<CommandFile> command_files; // shell scripts and Makefile targets
  std::vector<ProgramFile> programs;      // JS/TS files commands run (node x.js, tsx seed.ts, ...)
  std::vector<std::string>
      deploy_configs;               // files that show the project is deployed (Dockerfile, fly.toml, ...)
  std::vector<ScanNote> scan_notes; // malformed files, with locations
  // Drizzle query calls in the project's TypeScript and how many files were
  // searched for them (loaders/project/query_calls).
  std::vector<QueryCall> query_calls;
  std::size_t query_files_searched = 0;
  // Set when the scan left the query calls for later (the editor's first,
  // quick pass): the JS/TS files the walk found, which
  // loaders::scan_deferred_query_calls reads then.
  std::optional<std::vector<std::string>> deferred_query_files;
  // What the scan's walk saw of each folder's tsconfig.json, jsconfig.json
  // and node_modules, for the query-call search's resolver (null when the
  // walk stopped short).
  std::shared_ptr<const core::FolderListing> folder_listing;
  std::vector<DrizzleRelation> drizzle_relations; // relations() of the project's TypeScript
};

} // namespace pgadvise::model
