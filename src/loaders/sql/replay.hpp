#pragma once

#include "core/source_location.hpp"
#include "loaders/schema_load.hpp"
#include "loaders/sql/lexer.hpp"
#include "loaders/sql/line_cursor.hpp"
#include "loaders/sql/name_set.hpp"
#include "loaders/sql/replay_tree.hpp"
#include "loaders/sql/script_text.hpp"
#include "model/catalog.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace pgadvise::loaders::replay {

// The name caches of Replay's lookups. replay_sql_files hands one set from
// each file's replay to the next: rebuilt for every file, they took a fifth
// of a lint of 10,000 tables in 100 migrations (100 rebuilds over all the
// tables).
struct ReplayNames {
  bool valid = false;
  const model::Catalog* catalog = nullptr; // the catalog they name
  std::size_t tables = 0;                  // its tables as they knew them: a changed count is a rebuild
  // (schema, name) -> index in catalog.tables, open addressing: a slot is a
  // 32-bit hash of the name over the position + 1 (0: empty), 8 bytes where
  // a map node took 64 (100,000 tables at once in the replay's peak).
  std::vector<std::uint64_t> table_slots;
  std::size_t table_count = 0;
  NameSet relation_names; // tables and indexes
  NameSet constraint_names;
};

// The state of replaying one SQL file into a SchemaLoad: the file's text and
// line index, the statement being replayed (for locations and source
// slices), the session's search_path, and how problems are reported.
class Replay {
public:
  // `script` outlives the replay, which releases its text as it goes.
  // `names`: caches an earlier file's replay into `load` left (nullptr:
  // its own).
  Replay(SchemaLoad& load, const std::string& file, ScriptText& script, ReplayNames* names = nullptr);
  Replay(const Replay&) = delete; // m_names may be m_own_names
  Replay& operator=(const Replay&) = delete;

  [[nodiscard]] SchemaLoad& load() { return m_load; }
  [[nodiscard]] const SchemaLoad& load() const { return m_load; }
  [[nodiscard]] model::Catalog& catalog() { return m_load.catalog; }
  [[nodiscard]] const model::Catalog& catalog() const { return m_load.catalog; }
  [[nodiscard]] const std::string& file() const { return m_file; }
  [[nodiscard]] const core::FilePath& file_path() const { return m_file; }
  [[nodiscard]] std::string_view text() const { return m_text; }

  // The statement being replayed, as a span of the file's text. Locations
  // in its parse tree are offsets into that span.
  void set_statement(std::size_t offset, std::size_t length);
  [[nodiscard]] std::string_view statement_text() const;
  [[nodiscard]] std::size_t statement_offset() const { return m_statement_offset; }
  [[nodiscard]] const SqlTokens& tokens() const { return m_tokens; }
  [[nodiscard]] bool statement_empty() const { return m_tokens.tokens().empty(); }
  // Gives back the script's text well behind the statement being replayed:
  // what the replay still reads is at or after the start of the line that
  // holds the byte before it (the next statements, and the line cursor's
  // walk back from there). Statements only move forward.
  void release_text_before_statement();

  [[nodiscard]] core::SourceLocation at(std::size_t statement_offset) const;
  [[nodiscard]] core::SourceLocation at_statement() const; // its first token
  // A node's own location (its "location" field), else the statement's.
  [[nodiscard]] core::SourceLocation at_node(const Json& node) const;
  [[nodiscard]] int line_of(std::size_t file_offset) const { return m_lines.line_of(file_offset); }

  // Inside drizzle-kit's `DO $$ BEGIN ... EXCEPTION WHEN duplicate_object
  // THEN null; END $$` an object that already exists is expected.
  [[nodiscard]] bool quiet_duplicates() const { return m_quiet_duplicates; }
  void set_quiet_duplicates(bool quiet) { m_quiet_duplicates = quiet; }

  // A statement about an object that does not exist (replay-warning).
  void warn(std::string message, core::SourceLocation where);
  // A statement creating an object that already exists: a replay-warning
  // unless duplicates are expected here.
  void warn_duplicate(std::string message, core::SourceLocation where);
  void parse_error(std::string message, core::SourceLocation where);
  void note(std::string message) { m_load.notes.push_back(std::move(message)); }
  // Counts a statement kind that is understood but does not change the
  // catalog (GRANT, COMMENT, ...), for one summary note per file.
  void count_skipped(std::string_view kind) { ++m_skipped[std::string(kind)]; }
  [[nodiscard]] const std::map<std::string, int>& skipped() const { return m_skipped; }

  // --- transaction blocks ------------------------------------------------
  // The transaction the file's statements start in: the runner's (drizzle-kit
  // migrate wraps every pending file in one), or none.
  void set_runner_transaction(model::MigrationTransaction runner) {
    m_transaction = runner;
    m_transaction_line = 0;
  }
  // BEGIN opens a block at `line`; COMMIT or ROLLBACK ends whichever is open.
  void begin_transaction(std::uint32_t line) {
    m_transaction = model::MigrationTransaction::block;
    m_transaction_line = line;
  }
  void end_transaction() { set_runner_transaction(model::MigrationTransaction::none); }
  // The transaction the current statement runs in (none: autocommit), and
  // a block's BEGIN line.
  [[nodiscard]] model::MigrationTransaction transaction() const { return m_transaction; }
  [[nodiscard]] std::uint32_t transaction_line() const { return m_transaction_line; }

  // --- names -------------------------------------------------------------
  void set_search_path(std::vector<std::string> schemas) { m_search_path = std::move(schemas); }
  // Where unqualified objects are created: the first search_path schema
  // that exists, else public.
  [[nodiscard]] std::string creation_schema() const;
  [[nodiscard]] std::string schema_for(const QualifiedName& name) const;
  // Lookups follow the search_path for unqualified names (then public).
  [[nodiscard]] model::Table* find_table(const QualifiedName& name) const;
  [[nodiscard]] model::Table* find_index_owner(const QualifiedName& name) const; // the index's table
  [[nodiscard]] model::Enum* find_enum(const QualifiedName& name) const;
  [[nodiscard]] model::Domain* find_domain(const QualifiedName& name) const;
  [[nodiscard]] bool is_untracked(const QualifiedName& name) const;
  void set_untracked(const QualifiedName& name, bool present);
  [[nodiscard]] bool relation_name_taken(const std::string& schema, const std::string& name) const;
  [[nodiscard]] bool constraint_name_taken(const std::string& schema, const std::string& name) const;

  // Name lookups stay constant-time on large schemas through caches that
  // handlers keep current: they report what they add, and anything removed,
  // renamed or moved (the caches are then rebuilt on the next lookup).
  void table_added();                                                        // the catalog's last table
  void relation_added(const std::string& schema, const std::string& name);   // an index
  void constraint_added(const std::string& schema, const std::string& name); // FK, CHECK, PK, UNIQUE
  void index_added(const std::string& schema, const model::Index& index);    // relation (+ constraint)
  void names_changed() { m_names.valid = false; }

  // A TypeName node as a normalized TypeRef: built-in names canonical,
  // enum and domain types with their schema.
  [[nodiscard]] model::TypeRef type_ref(const Json& type_name) const;

private:
  [[nodiscard]] std::vector<std::string> lookup_schemas(const QualifiedName& name) const;
  void rebuild_caches() const;

  SchemaLoad& m_load;
  ScriptText& m_script;
  core::FilePath m_file; // interned once: every located node of the file points at it
  std::string_view m_text;
  LineCursor m_lines; // walks from the last place asked: no index of 1.6 M line starts
  std::size_t m_statement_offset = 0;
  std::size_t m_statement_length = 0;
  std::size_t m_statement_line_start = 0; // of the line holding the byte before the statement
  SqlTokens m_tokens{std::string_view()};
  bool m_quiet_duplicates = false;
  model::MigrationTransaction m_transaction = model::MigrationTransaction::none;
  std::uint32_t m_transaction_line = 0;
  std::vector<std::string> m_search_path{"public"};
  std::map<std::string, int> m_skipped;
  ReplayNames m_own_names;
  ReplayNames& m_names;
  void put_table_position(std::size_t position) const;
  // The table of that name, if cached; `stale` when a slot of its hash
  // names another table (the tables changed without a word).
  [[nodiscard]] model::Table* cached_table(const std::string& schema, const std::string& name,
                                           bool& stale) const;
};

// Records a lock-taking statement on `table` (the statement being replayed)
// in the catalog's migration steps, and returns it to be completed (its
// lock, rewrite and scan: replay_locks says what PostgreSQL 15 does).
model::MigrationStep& record_step(Replay& replay, const model::Table& table, model::MigrationStepKind kind,
                                  std::string object, bool not_valid);

// The same for a statement that names no table of the catalog (SET).
model::MigrationStep& record_statement_step(Replay& replay, model::MigrationStepKind kind,
                                            std::string object);

// Appends to one of a table's short lists (its indexes, its foreign keys),
// growing it by half instead of doubling: three foreign keys hold room for
// three, not four (300,000 keys at 100,000 tables).
template <typename T> T& append_compact(std::vector<T>& list, T&& item) {
  if (list.size() == list.capacity()) {
    list.reserve(list.size() + std::max<std::size_t>(1, list.size() / 2));
  }
  return list.emplace_back(std::move(item));
}

} // namespace pgadvise::loaders::replay
