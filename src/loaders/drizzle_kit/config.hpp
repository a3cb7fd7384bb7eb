#pragma once

#include "core/result.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pgadvise::loaders {

// What pgadvise needs from a drizzle.config.{ts,js,mjs,cjs,json}: read from
// the object literal's string values, without evaluating any JavaScript.
struct DrizzleConfig {
  std::filesystem::path file;
  std::string out;                 // as written ("./drizzle"); empty when absent
  std::vector<std::string> schema; // a string or an array of strings
  std::string dialect;
  std::string casing;
  std::string migrations_table;  // migrations.table
  std::string migrations_schema; // migrations.schema
  std::string migrations_prefix; // migrations.prefix
  // Keys pgadvise reads whose value is an expression (a variable, a
  // ternary, a template with substitutions), so it could not be read.
  std::vector<std::string> unresolved;
};

// drizzle-kit's `out` when the config does not set one.
inline constexpr std::string_view k_drizzle_default_out = "drizzle";

// The config file names drizzle-kit looks for, in its order of preference.
const std::vector<std::string>& drizzle_config_names();

// The first drizzle.config.* in `dir`, if any.
std::optional<std::filesystem::path> find_drizzle_config(const std::filesystem::path& dir);

// Scans a config's text. Tolerates anything around the object literal
// (imports, comments, `satisfies Config`, `as const`); never fails.
DrizzleConfig scan_drizzle_config(std::string_view text);

// Reads and scans a config file; an Error only when it cannot be read.
core::Result<DrizzleConfig> read_drizzle_config(const std::filesystem::path& file);

// The config's `out` as a relative folder name: "./drizzle/" -> "drizzle";
// drizzle-kit's default when absent or unreadable.
std::string drizzle_out_dir(const DrizzleConfig& config);

} // namespace pgadvise::loaders
