#pragma once

#include "core/finding.hpp"
#include "core/severity.hpp"
#include "core/source_location.hpp"

#include <string>
#include <string_view>

// What the CI formats (SARIF, GitHub, GitLab, JUnit) share: paths relative to
// the repository, the three-level mapping of severities, and a finding's
// message with its fix.
namespace pgadvise::reporters {

// `file` (as the loaders recorded it: relative to the working directory or
// absolute) relative to `repo_root`, with '/' separators. A file outside the
// root, or any file when the root is empty, keeps its normalized path.
std::string repo_relative(const std::string& file, const std::string& repo_root);

// Critical and high are errors, medium warnings, the rest notes.
enum class Level { error, warning, note };
Level level_of(core::Severity severity);
std::string_view sarif_level(core::Severity severity); // "error", "warning", "note"

// Where a finding points: its own location, else the first evidence that has
// a file (a catalog finding confirmed by a logged query). Unknown when none.
core::SourceLocation primary_location(const core::Finding& finding);

// A place written "file:line" (a fix's drizzle_file) with its file relative
// to `repo_root` as repo_relative() makes it.
std::string repo_relative_place(const std::string& place, const std::string& repo_root);

// How `pgadvise fix` treats a fix, for a reader: "safe: `pgadvise fix`
// applies it", "unsafe: `pgadvise fix --unsafe-fixes` applies it",
// "manual: ...". Every format that shows a fix says it.
std::string_view fix_applicability_text(core::FixApplicability applicability);

// The message, then the fix: a schema fix's DDL (or commands); a code fix's
// rewrite (CodeChange::code, TypeScript for the place it names) and the SQL
// the new code sends, each under its own heading, so that no reader takes
// the statements for a migration to run.
std::string message_with_fix(const core::Finding& finding, const std::string& repo_root = {});

// Whether the finding's fix is a code change that says something (a rewrite
// or the statements it sends): the CI formats carry it apart from a schema fix.
bool has_code_fix(const core::Finding& finding);

// The message and a code fix in GitHub-flavoured Markdown: the rewrite and the
// SQL in fenced blocks (SARIF message.markdown, GitLab content.body).
std::string markdown_with_code_fix(const core::Finding& finding, const std::string& repo_root);

// A fence longer than any run of backticks in `text`, and `text` fenced with
// it (```sql ... ```): a fix that quotes backticks cannot close its block.
std::string fence_for(std::string_view text);
std::string fenced(std::string_view language, std::string_view text);

// Plain text as Markdown: the characters that would start emphasis, code,
// links, headings, tables or HTML are escaped.
std::string markdown_text(std::string_view text);

// The object as "schema.table.column" (columns joined with '+'), or "" when
// the finding names none.
std::string qualified_object(const core::ObjectRef& object);

} // namespace pgadvise::reporters
