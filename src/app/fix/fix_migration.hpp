#pragma once

#include "app/fix/file_change.hpp"
#include "core/result.hpp"

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

// `pgadvise fix` in a project without a Drizzle schema file: the DDL goes
// into a new migration, named and registered the way the folder's own tool
// would: drizzle-kit 0.x (NNNN_name.sql and a meta/_journal.json entry),
// drizzle-kit 1.0 (<UTC timestamp>_name/migration.sql), or a plain folder
// of numbered or timestamped .sql files.
namespace pgadvise::app {

// One statement of the new migration, and the rule whose finding it fixes.
struct MigrationStatement {
  std::string rule;
  std::string sql;
};

// The statements in the order a reviewer reads them -- index builds, index
// drops, column type changes -- each group led by a comment that says what
// it does and which rules asked for it (the type changes: that each
// rewrites its table under an ACCESS EXCLUSIVE lock).
std::vector<std::string> ordered_statements(const std::vector<MigrationStatement>& statements);

// What `drizzle-kit generate --custom --name <name>` writes, holding
// `statements`: in a drizzle-kit 0.x folder the next NNNN_name.sql (its
// first line the one drizzle-kit writes), its journal entry and
// meta/NNNN_snapshot.json (the newest snapshot under a new id, its prevId
// the old one: the schema did not change); in a drizzle-kit 1.0 folder
// <UTC stamp>_name/migration.sql and a `diff` snapshot.json with no deltas.
// Anything else gets a plain new migration (new_migration).
core::Result<std::vector<FileChange>> custom_migration(const std::filesystem::path& folder,
                                                       const std::string& name,
                                                       const std::vector<std::string>& statements,
                                                       std::chrono::system_clock::time_point now);

// The files (new, and the journal changed) for a migration holding
// `statements` in `folder`; `now` names timestamped migrations.
core::Result<std::vector<FileChange>> new_migration(const std::filesystem::path& folder,
                                                    const std::vector<std::string>& statements,
                                                    std::chrono::system_clock::time_point now);

} // namespace pgadvise::app
