#pragma once

#include "loaders/sql/replay.hpp"
#include "model/catalog.hpp"

#include <string>
#include <string_view>

// Tables the migration files use but never create: a lone migration file
// (a pull request's new file, a peer linter's test input) alters a table in
// use whose CREATE is elsewhere, in the database or an earlier history. The
// replay takes such a table as existing before the files, in use and of
// unknown size, so that the lock rules judge the statement as PostgreSQL
// would run it; it knows only the columns the statements name (of unknown
// type), and says so in a note instead of a replay-warning.
namespace pgadvise::loaders::replay {

// The table `name` names, or, when the files never created it (and it is
// no view or sequence they made), a placeholder for it marked
// model::Table::assumed; null for a view or sequence, and for a table the
// files dropped and did not create again (PostgreSQL rejects a statement
// on it: the caller warns, with dropped_clause).
model::Table* find_or_assume_table(Replay& replay, const QualifiedName& name);

// ` (dropped at FILE line N)` when a DROP TABLE or DROP INDEX of the
// files removed the relation `name` names (a table's indexes go with it);
// empty otherwise.
std::string dropped_clause(const Replay& replay, const QualifiedName& name);

// Remembers that the statement being replayed dropped the table or index `name`.
void record_dropped(Replay& replay, const QualifiedName& name);

// The column `column` of `table`, added (of unknown type) when `table` is
// assumed and the files did not name it before; null when a table the
// files created lacks it.
model::Column* find_or_assume_column(model::Table& table, const std::string& column);

// A foreign key's referenced table that the files never created (no
// placeholder: the referencing table may be an element of the same list):
// the note that it is taken as existing before the files.
void note_assumed_reference(Replay& replay, const QualifiedName& name);

// A type, index or schema (`kind`, as the note names it) the statement
// works on that no file created: one created before them, noted (a
// replay-warning would call a lone migration file wrong).
void note_assumed_object(Replay& replay, std::string_view kind, const std::string& name);

// DROP INDEX [CONCURRENTLY] [IF EXISTS] of an index the files never built:
// one built before them, on a table they do not name. Recorded as a
// drop_index step with no table (the lock rules name the index alone), and
// noted (a replay-warning would call the lone file wrong).
void drop_assumed_index(Replay& replay, const QualifiedName& name, bool concurrently, bool missing_ok);

// A step of `kind` (drop_index, reindex) on index `name` that the files
// never built: no table (the lock rules name the index alone), `noted`:
// with the note that it is taken as built before them.
model::MigrationStep& assumed_index_step(Replay& replay, const QualifiedName& name,
                                         model::MigrationStepKind kind, bool concurrently, bool noted);

// ALTER DOMAIN ... ADD CONSTRAINT / SET NOT NULL / VALIDATE CONSTRAINT of a
// domain (schema-qualified) the files never created: one in use before
// them, its columns in tables they do not name. Noted, and recorded as an
// add_domain_constraint step with no table, of `object` (the constraint);
// the caller fills its detail and prediction.
model::MigrationStep& assumed_domain_step(Replay& replay, const QualifiedName& domain,
                                          const std::string& object, bool not_valid);

} // namespace pgadvise::loaders::replay
