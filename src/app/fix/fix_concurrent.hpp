#pragma once

#include "app/fix/file_change.hpp"
#include "core/finding.hpp"

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// `pgadvise fix` for an index on a large table. drizzle-kit migrate (and
// drizzle-orm's migrate()) runs every pending migration in one transaction,
// where CREATE INDEX CONCURRENTLY is refused, and a plain CREATE INDEX blocks
// the table's writes for the whole build. So the index is built by a psql
// script the deploy runs before the migrations, in autocommit and
// CONCURRENTLY; the schema.ts entry (or the migration's statement) still goes
// in, so the schema and the next generate know the index, and the
// migration's CREATE INDEX says IF NOT EXISTS, finding the index the script
// built and costing nothing.
namespace pgadvise::app {

// Estimated rows at or above which an index goes through the deploy
// script: the rules' "big table" (rules/support/table_size, the same
// number that raises a finding's severity), where a locked build lasts
// seconds rather than milliseconds.
inline constexpr double k_concurrent_index_rows = 1'000'000;

// The script, relative to the project root: beside the project's other
// scripts, outside the migrations folder (its tools would take a .sql file
// there for a migration).
inline constexpr std::string_view k_concurrent_script = "scripts/concurrent-indexes.sql";

// The comment before a migration's CREATE INDEX of an index the script
// builds: index-created-non-concurrently's own advice for that statement,
// since it costs nothing once the script has run.
inline constexpr std::string_view k_built_by_script_comment =
    "-- pgadvise-ignore index-created-non-concurrently -- built CONCURRENTLY by "
    "scripts/concurrent-indexes.sql "
    "before the migrations\n";

struct ConcurrentIndex {
  std::string name; // the index
  std::string schema;
  std::string table;
  std::vector<std::string> columns; // plain columns the index needs; the build waits until they exist
  double rows = 0;                  // the estimate that chose this path
  std::string statement;            // CREATE [UNIQUE] INDEX CONCURRENTLY IF NOT EXISTS ...;
};

// The build statement of a CREATE INDEX proposal, CONCURRENTLY and IF NOT
// EXISTS; nullopt for anything else (several statements, a partitioned
// table's plain build, which PostgreSQL refuses to run CONCURRENTLY).
std::optional<std::string> concurrent_statement(std::string_view ddl);

// Which way the index `name` of a finding's fix is built: by the deploy
// script (returned) when its table has k_concurrent_index_rows or more
// estimated rows, else by the migration. `notes` says which and why, with
// the table and its estimate; indexes on tables of unknown size join
// `unknown` (one note says it for them all).
std::optional<ConcurrentIndex> choose_index_build(const core::Finding& finding, const std::string& name,
                                                  const std::map<std::string, double>& table_rows,
                                                  std::vector<std::string>& notes,
                                                  std::vector<std::string>& unknown);

// The one note for the indexes on tables of unknown size.
std::string unknown_size_note(const std::vector<std::string>& unknown);

// The index a `CREATE [UNIQUE] INDEX [CONCURRENTLY] [IF NOT EXISTS] name
// ON ...` statement creates; empty for another statement.
std::string created_index_name(std::string_view statement);

// The script with `indexes` added at its end (a new file when there is
// none; those it already builds left alone); nullopt when nothing is new.
std::optional<FileChange> concurrent_script_change(const std::filesystem::path& script,
                                                   const std::vector<ConcurrentIndex>& indexes);

// The indexes a script builds, by name.
std::vector<std::string> concurrent_script_indexes(std::string_view script);

// After drizzle-kit generate: the migrations' `CREATE INDEX "x"` of each
// index in `names` gains IF NOT EXISTS, so the migration skips the index
// the script built. One change per file; `notes` says which.
std::vector<FileChange> guard_migrations(const std::filesystem::path& migrations_dir,
                                         const std::vector<std::string>& names,
                                         std::vector<std::string>& notes);

} // namespace pgadvise::app
