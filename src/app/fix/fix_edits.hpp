#pragma once

#include "app/fix/fix_schema_ts.hpp"
#include "core/finding.hpp"
#include "engine/rule.hpp"

#include <optional>
#include <string>
#include <vector>

// What a finding's fix becomes in the files `pgadvise fix` writes: its
// Drizzle line as a schema.ts edit, its DDL as a migration statement, and
// the passes over the edits of one schema file.
namespace pgadvise::app {

// What fix may write for the finding's rule (RuleMeta::fix_edit).
engine::FixEdit fix_edit(const core::Finding& finding);

// `src/db/schema.ts:41` -> `src/db/schema.ts`.
std::string strip_line(const std::string& location);

// A finding's Drizzle line as a schema.ts edit, or why it is not one. Its
// fix is a schema change (core::SqlChange).
std::optional<SchemaEdit> schema_edit_for(const core::Finding& finding, std::string& why_not);

// An index whose keys lead another new index of the same table is left
// out: the longer one serves its queries and its foreign key too, and two
// would only cost writes. Says which in `notes`.
void drop_covered(std::vector<SchemaEdit>& edits, std::vector<std::string>& notes);

// drizzle-kit 1.0's generate asks, for a table that loses an index and
// gains another, whether the new one is the old one renamed: says what to
// answer.
void note_rename_prompt(const std::vector<SchemaEdit>& edits, std::vector<std::string>& notes);

// The statement a finding's DDL becomes in a migration file: index builds
// and drops, and the JSON type changes, without CONCURRENTLY (a migrator's
// transaction refuses it); nullopt for anything else (sketches). Its fix
// is a schema change (core::SqlChange).
std::optional<std::string> migration_statement(const core::Finding& finding);

} // namespace pgadvise::app
