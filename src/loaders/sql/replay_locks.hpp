#pragma once

#include "loaders/sql/replay.hpp"
#include "model/catalog.hpp"

#include <string>

// What PostgreSQL 15 does to a table's rows and locks for the statements a
// migration runs, as its documentation says (ALTER TABLE's notes and lock
// levels, CREATE INDEX, REINDEX, CLUSTER, VACUUM, ALTER DOMAIN, SET): the
// predictions the replay writes into each model::MigrationStep, which the
// lock-safety rules read and `lint --verify-locks` checks against a real
// server.
namespace pgadvise::loaders::replay {

// The lock one ALTER TABLE subcommand (an AlterTableCmd) takes on its table.
model::LockMode alter_command_lock(const Json& cmd);

// The subcommand as SQL words for messages: "SET DEFAULT", "DROP COLUMN".
std::string alter_command_words(const Json& cmd);

// Whether the subcommand rewrites the table and its indexes without a step
// kind of its own: SET LOGGED, SET UNLOGGED, SET ACCESS METHOD.
bool alter_command_rewrites(const Json& cmd);

// What ALTER TABLE ... ADD COLUMN (a ColumnDef) does to the existing rows.
struct AddedColumn {
  bool rewrites = false;
  std::string why;   // "DEFAULT gen_random_uuid() calls gen_random_uuid(), which is volatile", ...
  std::string value; // the default's or the generation expression's SQL text
  bool has_default = false;
  bool not_null = false;
  // NOT NULL without a default (nor identity, serial or generation): every
  // existing row would be null, so the statement fails on a table with rows.
  bool fails_with_rows = false;
};
AddedColumn added_column(Replay& replay, const Json& column_def, const model::TypeRef& type);

// Whether ALTER COLUMN TYPE's USING (nullptr: none) keeps the values as they
// are -- the column itself, perhaps cast -- rather than computing new ones
// (an expression always rewrites the table).
bool using_keeps_values(const Json* using_expr, const std::string& column);

// Whether ALTER COLUMN ... TYPE from `from` to `to` rewrites the table: it
// does unless the change is binary-coercible or only raises a limit
// (varchar(n) to a larger n or to text, numeric precision at the same
// scale, ...) and the USING expression (`using_expr`, null when absent) is
// the column itself.
bool type_change_rewrites(const model::TypeRef& from, const model::TypeRef& to, const Json* using_expr,
                          const std::string& column);

// Whether a valid CHECK constraint of `table` proves `column` IS NOT NULL,
// so SET NOT NULL skips its scan.
bool not_null_proven(const model::Table& table, const std::string& column);

// Fills the lock, rewrite and scan predictions of a step the replay just
// recorded, from its kind and flags.
void predict(model::MigrationStep& step);

// BEGIN / START TRANSACTION / COMMIT / ROLLBACK / END (TransactionStmt).
void transaction_control(Replay& replay, const Json& stmt);
// SET [LOCAL] lock_timeout / statement_timeout (a VariableSetStmt):
// recorded as a set_timeout step; false for any other setting.
bool record_timeout(Replay& replay, const Json& stmt);
// CREATE FUNCTION: its declared volatility, for defaults that call it.
void create_function(Replay& replay, const Json& stmt);
void reindex(Replay& replay, const Json& stmt);      // ReindexStmt
void cluster(Replay& replay, const Json& stmt);      // ClusterStmt
void vacuum(Replay& replay, const Json& stmt);       // VacuumStmt (FULL rewrites)
void alter_domain(Replay& replay, const Json& stmt); // AlterDomainStmt
// TRUNCATE (`command` "TRUNCATE") and LOCK TABLE ("LOCK"): the lock each
// takes on every table it names (LOCK ... NOWAIT never queues: not recorded).
void lock_tables(Replay& replay, const Json& stmt, std::string_view command);

// Where a migration file's statements start: in the transaction its runner
// opens around it when the file's own markers say so (goose, dbmate);
// none otherwise.
model::MigrationTransaction runner_transaction_from_text(std::string_view text);

} // namespace pgadvise::loaders::replay
