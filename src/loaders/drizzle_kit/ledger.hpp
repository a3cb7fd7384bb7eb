#pragma once

#include "core/result.hpp"
#include "model/migration_ledger.hpp"
#include "pg/connection.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace pgadvise::loaders {

// Where drizzle-orm's migrator keeps its record: drizzle.config's
// `migrations.schema` / `migrations.table`, else "drizzle" and
// "__drizzle_migrations" (PostgreSQL defaults).
struct LedgerTable {
  std::string schema = "drizzle";
  std::string table = "__drizzle_migrations";
};

// The migration files of a drizzle-kit folder in journal order
// (meta/_journal.json), each hashed as drizzle-orm's migrator hashes it:
// SHA-256 of the file's text (and of the text with CRLF turned into LF, as
// newer drizzle-orm versions do). Empty with a note when there is no
// readable journal.
std::vector<model::MigrationFile> read_migration_files(const std::filesystem::path& migrations_dir,
                                                       std::string& journal_display,
                                                       std::vector<std::string>& notes);

// Reads drizzle's migrations table through a (read-only) session: `where`,
// else drizzle-orm's default one (migrate() ignores drizzle.config). nullopt
// when neither exists; an error when one exists but cannot be read.
// `migrations_dir` (may be empty) supplies the files to compare with.
pg::DbResult<std::optional<model::MigrationLedger>>
load_drizzle_ledger(pg::Connection& connection, const LedgerTable& where,
                    const std::optional<std::filesystem::path>& migrations_dir,
                    std::vector<std::string>& notes);

} // namespace pgadvise::loaders
