#pragma once

#include "core/result.hpp"
#include "loaders/schema_load.hpp"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace pgadvise::loaders {

// Replays SQL DDL (drizzle-kit migrations, hand-written migrations,
// pg_dump --schema-only) into a Catalog with libpg_query.
//
// `file_label` is the path shown in locations. Statements that do not parse
// become parse-error findings; statements about objects that do not exist
// become replay-warning findings; either way the replay goes on.
void replay_sql(std::string_view sql, const std::string& file_label, SchemaLoad& into);

// The same for a migration whose runner opens a transaction around it
// (the MigrationStep::transaction of its statements until a COMMIT; a
// drizzle-kit folder's: drizzle-kit migrate applies every pending migration
// inside one); none: the file's own markers say (goose, dbmate), else
// autocommit.
void replay_sql(std::string_view sql, const std::string& file_label, SchemaLoad& into,
                model::MigrationTransaction runner_transaction);

// Size caps, so one absurd input cannot exhaust memory or time: a larger SQL
// file is not read, a larger statement is not parsed; either way a located
// parse-error says so and the rest is still read.
inline constexpr std::uintmax_t k_max_sql_file_bytes = 256U * 1024U * 1024U;
inline constexpr std::size_t k_max_sql_statement_bytes = 4U * 1024U * 1024U;

// Reads and replays files in the order given.
void replay_sql_files(const std::vector<std::filesystem::path>& files, SchemaLoad& into);

// The order in which a migration folder is applied: the entries of
// meta/_journal.json (drizzle-kit) first, in journal order, then every other
// .sql file sorted by name; without a journal, all .sql files by name
// (natural order, so 2_x.sql precedes 10_x.sql). With a journal, the .sql
// files it does not list are left out (drizzle-kit migrate never applies
// them) and go to `unjournaled`.
core::Result<std::vector<std::filesystem::path>>
migration_order(const std::filesystem::path& dir, std::vector<std::string>* notes = nullptr,
                std::vector<std::filesystem::path>* unjournaled = nullptr);

// Path as shown to the user: relative to the current directory when under it.
std::string display_path(const std::filesystem::path& path);

} // namespace pgadvise::loaders
