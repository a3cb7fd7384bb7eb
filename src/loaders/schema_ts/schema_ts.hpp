#pragma once

#include "loaders/schema_load.hpp"
#include "loaders/typescript/ast.hpp"
#include "loaders/typescript/module_resolver.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace pgadvise::loaders {

// Every construct the reader cannot resolve (computed names, spread helpers
// it cannot see, columns from a function call, unknown builders) becomes an
// info-level replay-warning diagnostic whose message starts with this, at
// the construct's file:line:col. Nothing is guessed; the rest is still read.
inline constexpr std::string_view k_schema_ts_unresolved = "schema.ts: cannot resolve ";

// One schema file given as text (tests, stdin); `label` is the path shown in
// locations.
struct SchemaTsSource {
  std::string label;
  std::string text;
};

// Reads Drizzle schema files (pgTable, pgSchema(...).table, pgEnum, column
// builders and modifiers, the extra-config callback) into a Catalog with
// source SchemaSource::drizzle_schema and locations in the files. `casing`
// is the drizzle.config `casing` ("snake_case", "camelCase" or empty) that
// maps property keys to column names. References may point at tables
// declared later or in another of the files. Only exported tables and
// enums are schema objects, as for drizzle-kit. Files a file re-exports
// (`export * from "./users"`, `export { users } from "@acme/db/schema"`)
// are read too, found as TypeScript finds them (the module resolver of
// loaders/typescript: relative paths, tsconfig `paths`, workspace
// packages) in the monorepo around the first file.
// `kit_1` names unnamed constraints as drizzle-kit 1.0 does (`_fkey`), and
// leaves out the config's `casing`, which drizzle-kit 1.0 does not read
// (its tables say their casing: snakeCase.table(...)).
SchemaLoad load_drizzle_schema(const std::vector<std::filesystem::path>& files, const std::string& casing,
                               bool kit_1_names = false);
// The same with the caller's resolver (nullptr: relative imports only).
SchemaLoad load_drizzle_schema(const std::vector<std::filesystem::path>& files, const std::string& casing,
                               bool kit_1_names, ts::ModuleResolver* resolver);

// load_drizzle_schema kept between the runs of one process (the language
// server lints the project after every edit, and an edit of a migration
// leaves schema.ts as it was): a call with the same files and options as
// the last, when every file the last load read (the entries, what they
// re-export, the helpers they import) reads as it did, an editor's unsaved
// buffer included (core::file_overlay), gets a copy of the last load
// instead of a new read. A load whose files read otherwise than at the read
// before (schema.ts being edited) is not kept: the next read would differ
// again. The catalog of a schema.ts holds no migration steps, so no text
// generation (core/text_generation.hpp) is kept.
namespace drizzle_reader {
struct ReadMemo;
} // namespace drizzle_reader

class SchemaTsCache {
public:
  SchemaTsCache();
  ~SchemaTsCache();
  SchemaTsCache(SchemaTsCache&&) noexcept;
  SchemaTsCache& operator=(SchemaTsCache&&) noexcept;
  SchemaTsCache(const SchemaTsCache&) = delete;
  SchemaTsCache& operator=(const SchemaTsCache&) = delete;

  SchemaLoad load(const std::vector<std::filesystem::path>& files, const std::string& casing,
                  bool kit_1_names, ts::ModuleResolver* resolver);
  // Whether the last call's load was the kept one.
  [[nodiscard]] bool reused() const { return m_reused; }
  // How many files' programs are kept for the next read to reparse.
  [[nodiscard]] std::size_t programs_kept() const { return m_programs.size(); }
  // How many tables the last read took from the read before it (their
  // declarations and what they name unchanged) instead of reading them.
  [[nodiscard]] std::size_t tables_kept() const;

private:
  struct Seen {
    std::filesystem::path file;
    std::uint64_t hash = 0;
    bool operator==(const Seen&) const = default;
  };
  std::vector<std::filesystem::path> m_files;
  std::string m_casing;
  bool m_kit_1_names = false;
  std::vector<Seen> m_read;
  std::unique_ptr<SchemaLoad> m_kept;
  // While the files are being edited (they changed between the last two
  // reads), their programs as last read, by path: the next read reparses
  // them (ts::reparse) instead of parsing them whole.
  std::map<std::string, ts::Program> m_programs;
  // While they are being edited, the tables of the last read, for the next
  // to take those whose declarations did not change.
  std::unique_ptr<drizzle_reader::ReadMemo> m_memo;
  bool m_reused = false;
};

// The same from in-memory sources (re-exports are not followed).
SchemaLoad load_drizzle_schema_sources(const std::vector<SchemaTsSource>& sources, const std::string& casing);

// Expands drizzle.config `schema` entries, relative to `root`, into schema
// files the way drizzle-kit does: a file; a directory (its files, not
// recursive); or a glob (`*`, `?`, `**`, `{a,b}`; dot-files excluded). Only
// .ts/.mts/.cts/.js/.mjs/.cjs files (no .d.ts), sorted, without duplicates.
// Entries that match nothing are named in `notes`.
std::vector<std::filesystem::path> expand_schema_paths(const std::filesystem::path& root,
                                                       const std::vector<std::string>& entries,
                                                       std::vector<std::string>* notes = nullptr);

// Copies what schema.ts declares for `declared` onto the same table read
// from elsewhere (SQL migrations, a snapshot, the live catalog): variable,
// property names, where it is written and the file's habits (callback
// parameters and form, unnamed indexes, key style), its columns' builder
// chains and shared objects, its indexes' keys. Only what `table` does not
// know yet is filled, matching columns and indexes by name.
void adopt_drizzle_facts(model::Table& table, const model::Table& declared);

// Whether a path matches a glob pattern (both with '/' separators).
bool schema_glob_match(std::string_view pattern, std::string_view path);

} // namespace pgadvise::loaders
