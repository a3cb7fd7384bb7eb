#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace pgadvise::model {

// What pgadvise knows about the project around the schema. The spine fills
// the Drizzle facts fixes need; the project scanner (scripts, CI, containers)
// extends it.
struct Project {
  std::filesystem::path root;
  bool uses_drizzle = false;          // drizzle-orm / drizzle-kit dependency or drizzle.config.*
  std::filesystem::path drizzle_config; // empty when none
  std::string drizzle_out;            // the config's `out`, relative to root
  std::vector<std::string> drizzle_schema_paths; // the config's `schema`
  std::string casing;                 // "snake_case", "camelCase" or empty
};

} // namespace pgadvise::model
