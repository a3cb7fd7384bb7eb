#pragma once

#include "loaders/sql/replay.hpp"
#include "model/catalog.hpp"

#include <string>

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
// model::Table::assumed; null only for a view or sequence.
model::Table* find_or_assume_table(Replay& replay, const QualifiedName& name);

// The column `column` of `table`, added (of unknown type) when `table` is
// assumed and the files did not name it before; null when a table the
// files created lacks it.
model::Column* find_or_assume_column(model::Table& table, const std::string& column);

// A foreign key's referenced table that the files never created (no
// placeholder: the referencing table may be an element of the same list):
// the note that it is taken as existing before the files.
void note_assumed_reference(Replay& replay, const QualifiedName& name);

// DROP INDEX [CONCURRENTLY] [IF EXISTS] of an index the files never built:
// one built before them, on a table they do not name. Recorded as a
// drop_index step with no table (the lock rules name the index alone), and
// noted (a replay-warning would call the lone file wrong).
void drop_assumed_index(Replay& replay, const QualifiedName& name, bool concurrently, bool missing_ok);

} // namespace pgadvise::loaders::replay
