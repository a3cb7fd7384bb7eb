#pragma once

#include "core/result.hpp"
#include "core/source_location.hpp"
#include "model/lock_mode.hpp"
#include "pg/connection.hpp"

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

// `lint --verify-locks`: the pending migrations applied to an empty
// database of pgadvise's own (a throwaway cluster, or a scratch database on
// --db's server: never the user's database), one statement at a time, each
// first inside a transaction that is rolled back, where the locks its
// backend holds (pg_locks) and the relfilenode of every table (a rewrite
// gives a table a new one) are read; then once more with one row in each
// table it locked (does it fail on a table with rows?); then applied for
// real, so the next statement sees the schema it expects.
namespace pgadvise::app {

struct ObservedLock {
  std::string schema;
  std::string relation;
  char kind = 'r'; // pg_class.relkind: r table, p partitioned table, i index, ...
  model::LockMode mode = model::LockMode::none;
  // Its name after the statement when the statement renamed it (ALTER VIEW /
  // TABLE ... RENAME TO, SET SCHEMA), as the replay's steps name it; else empty.
  std::string renamed_schema;
  std::string renamed_to;
};

// Whether `lock` is on `qualified` ("schema.name"), under the name the
// relation had before the statement or the one it was renamed to.
bool lock_is_on(const ObservedLock& lock, std::string_view qualified);

struct ObservedStatement {
  core::SourceLocation location; // the statement's first token, as the SQL replay locates it
  int end_line = 0;              // its last line
  std::string text;              // blanks collapsed, for messages
  // Locks on relations that existed before the statement, strongest first.
  std::vector<ObservedLock> locks;
  std::vector<std::string> rewritten; // tables ("schema.name") given a new relfilenode
  // The statement refused to run inside a transaction block (SQLSTATE
  // 25001): it was applied in autocommit, where its locks cannot be read.
  bool refused_in_transaction = false;
  std::string error;       // the error it raised in the rolled-back transaction, if any
  bool rows_tried = false; // rerun with one row in each table it locked
  std::string error_with_rows;
  // Tables it locked that existed before its migration file began.
  std::vector<std::string> preexisting;
};

struct VerifyReport {
  std::string server; // "PostgreSQL 15.x"
  std::vector<ObservedStatement> statements;
  std::vector<std::string> notes; // statements of the earlier migrations that could not be applied, ...
};

// The migration files in the order they apply, each observed statement by
// statement or applied as it is (a migration already applied, whose
// schema the observed ones start from).
struct VerifyFile {
  std::string path; // as findings name it (relative to the working directory, or as given)
  bool observed = false;
};

// Runs the files on `session`, a read-write superuser session on an empty
// database. Every statement runs with statement_timeout `statement_timeout`
// and a lock_timeout; nothing is left open. An error only when the session
// itself fails.
core::Result<VerifyReport> observe_migrations(pg::Connection& session, const std::vector<VerifyFile>& files,
                                              std::chrono::milliseconds statement_timeout);

// "ACCESS EXCLUSIVE on orders, table rewritten" (what the findings say).
std::string describe_observation(const ObservedStatement& statement);

} // namespace pgadvise::app
