#pragma once

#include "core/finding.hpp"
#include "model/catalog.hpp"
#include "model/project.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pgadvise::advisor {

// Drizzle schema.ts snippets for proposed fixes. They refer to columns by
// their Drizzle property: Column::property when the schema loader knew it,
// else the camelCase spelling of the column name (drizzle-kit's convention).

// A JavaScript double-quoted string literal.
std::string js_string(std::string_view text);

// The Drizzle property of a column of `table` (by SQL name).
std::string drizzle_property(const model::Table& table, std::string_view column);

// `table.prop`, or `table["prop"]` when prop is not a JavaScript identifier.
std::string drizzle_member(std::string_view object, std::string_view property);

// A column's builder call in the words its table's declaration uses:
// `bigint("id", { mode: "number" })`, or in a columns callback
// `(d) => ({ ... })` (t3's style) `d.bigint({ mode: "number" })`, the name
// left out where the property is the column's name, as such files write it.
// `options` is the call's object argument, or empty.
std::string drizzle_column_builder(const model::Table& table, const model::Column& column,
                                   std::string_view builder, std::string_view options = {});
// A string literal in the quote the column's schema.ts writes: 'x' in a
// file of single quotes, else js_string's "x".
std::string js_string_for(const model::Column& column, std::string_view text);
// What follows the column's builder call: as schema.ts wrote it
// (Column::drizzle_chain: `.$type<Prefs>().notNull()`, comments left out)
// when it was read from there, else `fallback` (pgadvise's own modifiers).
bool has_drizzle_chain(const model::Column& column);
// The column's builder options as schema.ts wrote them
// (Column::drizzle_options: `{ mode: 'string', precision: 3 }`) with `key`
// set to `value`, the others kept: `{ mode: 'string', precision: 3,
// withTimezone: true }`; `{ key: value }` when it has none.
std::string drizzle_options_with(const model::Column& column, std::string_view key, std::string_view value);
// The quote the table's schema.ts writes strings with (its columns were read
// from there): '\'' or '"'; 0 when the table was not read from a schema file.
char drizzle_quote(const model::Table& table);
// A string literal in that quote ('x' in a file of single quotes, else "x").
std::string js_string_for(const model::Table& table, std::string_view text);
std::string drizzle_chain_or(const model::Column& column, std::string_view fallback);
// The calls of a chain, `.notNull()` `.$type<X>()`, each with its method name.
struct ChainSegment {
  std::string name;
  std::string text;
};
std::vector<ChainSegment> split_drizzle_chain(std::string_view chain);
// `chain` with its calls named in `names` replaced by `replacement` (the
// first) and removed (the others, and all when `replacement` is empty);
// `found` tells whether there was one.
std::string replace_chain_calls(std::string_view chain, const std::vector<std::string_view>& names,
                                std::string_view replacement, bool* found = nullptr);
// The identity modifier the column has: `.generatedAlwaysAsIdentity()` or
// `.generatedByDefaultAsIdentity()`, with the options it was declared with
// that a bigint keeps (`{ startWith: 1000 }`).
std::string drizzle_identity_call(const model::Table& table, const model::Column& column);

// index("name").on(table.prop1, table.prop2) -- for the table's extra config
// callback `(table) => [ ... ]` (or the parameter name schema.ts uses), in
// the way its schema.ts writes indexes: its quote; `key: index(...)` in the
// older object form `(t) => ({ ... })`; `index().on(...)` where its indexes
// are unnamed and `name` is the one drizzle-kit gives such an index.
std::string render_drizzle_index(const model::Table& table, const std::vector<std::string>& columns,
                                 std::string_view name);
// The suffix a new index of `table` is named with: "index" where its
// schema.ts leaves indexes unnamed (drizzle-kit names them
// `<table>_<columns>_index`, so the DDL and the unnamed Drizzle line build
// one index), else "idx".
std::string_view index_suffix_for(const model::Table& table);

// The line to delete from schema.ts when dropping `index`, as a comment:
// `// remove from schema.ts: uniqueIndex("x").on(table.a)`. Expression keys
// are left out of .on() (pgadvise does not render Drizzle sql``).
std::string render_drizzle_removal(const model::Table& table, const model::Index& index);

// The commands that turn a schema.ts edit into a migration and apply it, in
// this project's terms: the generate/migrate scripts of the package holding
// drizzle.config (or of a package above it) that run drizzle-kit with this
// very config (`pnpm migration:postgresql:generate`, never the MySQL
// config's script beside it), from where they are declared (`cd packages/db
// && pnpm ... && pnpm ...`); else drizzle-kit through its package manager
// (`npx drizzle-kit generate && npx drizzle-kit migrate`, `--config` when
// the config has a name drizzle-kit does not find by itself).
std::string drizzle_migration_commands(const model::Project& project);
// How the package manager runs a package's binary: "npx", "pnpm exec", "yarn", "bunx".
std::string package_exec_prefix(const std::string& manager);

// Where a Drizzle line for `table` goes: the schema file and line of the
// table's declaration when a schema file was read, else the drizzle.config
// `schema` entries; empty when unknown.
std::string drizzle_file_for(const model::Table& table, const model::Project& project);

// Completes a fix that carries a Drizzle line, by its kind: a schema edit
// (FixKind::sql) with where it goes (file, table variable) and the
// project's generate + migrate commands (only the commands when the catalog
// does not have its table); a code change (FixKind::code) with its table's
// variable alone, since it goes where the rule found the code and needs no
// migration; commands (FixKind::shell) are left as they are. Safe on any
// thread (the rules complete their findings as they make them:
// engine::FindingCompletion). The project's commands are worked out once,
// at construction: they are the same for every fix, and working them out
// reads the package's scripts and paths (35,000 findings at 10,000 tables
// did it 35,000 times).
class DrizzleFixCompletion {
public:
  DrizzleFixCompletion(const model::Catalog* catalog, const model::Project& project);
  void complete(core::Finding& finding) const;

private:
  const model::Catalog* m_catalog;
  const model::Project& m_project;
  std::string m_commands;
};

} // namespace pgadvise::advisor
