#pragma once

// What discovery asks of the file system: is this a migrations folder, a
// project, a drizzle-kit config; where are the nested configs and journals;
// which drizzle-kit runs name a config. Shared by discovery.cpp (where the
// sources are) and load_schema.cpp (loading them); not an API of its own.

#include "core/file.hpp"
#include "model/project.hpp"

#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pgadvise::app::discovery_files {

// How far up from a folder or file to look for its project.
constexpr int k_max_parent_levels = 6;

bool has_suffix(std::string_view text, std::string_view suffix);
using core::is_dir;  // core/file.hpp
using core::is_file; // core/file.hpp

// Migration files directly in `dir`, or drizzle-kit 1.x's <tag>/migration.sql.
std::size_t count_sql_files(const std::filesystem::path& dir);
// SQL migrations, a drizzle-kit journal, or at least a snapshot.
bool is_migrations_dir(const std::filesystem::path& dir);
// A package.json or a drizzle.config.*.
bool is_project_dir(const std::filesystem::path& dir);
// The folder's own project markers: a package.json or a drizzle.config.*
// in it, a migrations folder where projects keep one (drizzle/,
// migrations/, db/migrations/, src/db/migrations/), or drizzle-kit's
// journal or snapshots in the folder itself. A stray .sql file, or a
// project in some subfolder (another checkout under a home folder), is not.
bool has_own_project_markers(const std::filesystem::path& dir);
// A folder as notes show it: relative to the working directory, ending in /.
std::string shown_dir(const std::filesystem::path& dir);
std::filesystem::path absolute_normal(const std::filesystem::path& path);

// Whether package.json names drizzle-orm or drizzle-kit in any dependency
// list. Sets *kit_1 when a drizzle dependency is version 1 or later, and
// *object_config when drizzle-orm is pinned below 0.36 (`^0.33.0`), whose
// extra-config callbacks return objects only; a package.json that is not
// JSON gets a note.
bool package_uses_drizzle(const std::filesystem::path& package_json, std::vector<std::string>& notes,
                          bool* kit_1 = nullptr, bool* object_config = nullptr);

using DirectoryVisit = std::function<void(const std::filesystem::path& dir, const std::string& name)>;
// Calls `visit` with every directory below root (not root itself), skipping
// dependencies and build output (and dot-folders when asked); bounded in depth
// and entries, so a huge tree is cut rather than walked for minutes.
void walk_directories(const std::filesystem::path& root, bool skip_dot_folders, const DirectoryVisit& visit);
// What marks a migrations folder below root, found in one walk (each list
// sorted): drizzle-kit's meta/_journal.json, and Prisma Migrate's
// migration_lock.toml (its folder holds NAME/migration.sql).
struct MigrationMarkers {
  std::vector<std::filesystem::path> journals;
  std::vector<std::filesystem::path> prisma_locks;
};
MigrationMarkers find_migration_markers(const std::filesystem::path& root);
// The `provider` a Prisma migration_lock.toml names ("postgresql"), or
// empty when it names none or cannot be read.
std::string prisma_provider(const std::filesystem::path& lock);
// Below root (not root's own), in the folders walk_directories visits with
// dot-folders skipped: each folder's drizzle.config.* (the first of
// drizzle_config_names(), as find_drizzle_config), sorted, every
// package.json, and every Prisma migration_lock.toml.
struct NestedFiles {
  std::vector<std::filesystem::path> configs;
  std::vector<std::filesystem::path> manifests;
  std::vector<std::filesystem::path> prisma_locks;
};
NestedFiles find_nested_files(const std::filesystem::path& root);

// One package.json script that runs drizzle-kit with --config: drizzle-kit
// then runs in the package's folder (or where a leading `cd` took it) and
// resolves the config's `out` and `schema` from there, not from the
// config's own folder.
struct KitRun {
  std::filesystem::path run_dir; // where drizzle-kit runs
  std::filesystem::path config;  // the --config file, absolute and normal
  std::string where;             // `the script "db:generate" of package.json`
};

// The drizzle-kit runs with --config in one package.json's scripts.
std::vector<KitRun> read_kit_runs(const std::filesystem::path& package_json);
// The drizzle-kit push/migrate/generate runs with --config the project
// scanner found in CI steps, Dockerfiles, compose files, platform configs,
// shell scripts and package scripts, each in the folder it runs in.
std::vector<KitRun> scanned_kit_runs(const model::Project& project);

// Whether a config's or snapshot's dialect is PostgreSQL ("" when it names
// none: older configs say `driver: 'pg'` only).
bool is_postgres_dialect(std::string_view dialect);
// drizzle-kit 1.0's layout: no meta/_journal.json, each migration a folder
// <timestamp>_<name>/ holding migration.sql and snapshot.json. The newest
// folder (name order) holds the newest snapshot.
std::optional<std::filesystem::path> newest_folder_snapshot(const std::filesystem::path& dir);
// The dialect a migrations folder was generated for: its journal's, else its
// newest snapshot's; "" when neither says.
std::string migrations_dialect(const std::filesystem::path& dir);
// Whether a file named on the command line or by --config reads as a
// drizzle-kit config: drizzle.config.*, or any *.config.* file.
bool looks_like_config_name(const std::string& name);

} // namespace pgadvise::app::discovery_files
