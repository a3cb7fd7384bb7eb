#pragma once

#include "core/source_location.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pgadvise::model {

// Drizzle's record of applied migrations (by default
// "drizzle"."__drizzle_migrations": id, hash, created_at) read from a live
// database, next to the migration files the project has now. drizzle-orm's
// migrator stores, per migration, the SHA-256 of the file's text and the
// journal entry's `when` as created_at; comparing both tells which files
// were edited after they ran and which applied migrations are gone.

struct AppliedMigration {
  std::int64_t id = 0;
  std::string hash;                       // lowercase hex, as stored
  std::optional<std::int64_t> created_at; // the journal's `when` (milliseconds)
};

struct MigrationFile {
  std::string tag;       // journal entry tag, e.g. "0003_grey_jazinda"
  std::int64_t when = 0; // journal entry `when`
  bool exists = false;   // the .sql file is there and readable
  // SHA-256 of the text as drizzle-orm hashes it. Older drizzle-orm hashed
  // the text as read; newer versions first turn CRLF into LF. Both are kept
  // so either record matches.
  std::string hash;
  std::string hash_lf;
  core::SourceLocation location; // the .sql file (line 1), or the journal entry when missing
};

struct MigrationLedger {
  std::string schema;                    // where the table was found, e.g. "drizzle"
  std::string name;                      // e.g. "__drizzle_migrations"
  std::string table;                     // both, quoted where needed, for messages
  std::string journal;                   // path of meta/_journal.json, as shown to users
  std::vector<AppliedMigration> applied; // by id
  std::vector<MigrationFile> files;      // journal order
  bool files_read = false;               // a journal was found and read
};

} // namespace pgadvise::model
