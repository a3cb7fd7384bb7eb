#pragma once

#include "app/fix/fix_plan.hpp"
#include "app/lint/lint_options.hpp"
#include "app/lint/lint_run.hpp"
#include "core/finding.hpp"
#include "core/result.hpp"
#include "core/stage_timings.hpp"
#include "engine/table_memo.hpp"
#include "loaders/schema_ts/schema_ts.hpp"
#include "loaders/sql/replay_cache.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace pgadvise::app::lsp {

// A finding as one file shows it: where lint locates it, or, for a state
// finding about a table the Drizzle schema declares, the declaration there
// (the foreign key's `.references(...)`, the column, else the table).
struct PlacedFinding {
  const core::Finding* finding = nullptr;
  core::SourceLocation at;
};

// One lint run the language server keeps between edits: the workspace
// folder (or a file opened outside any project) through lint's stages 1-4
// (the stages of collect_findings), with open buffers read through
// core::file_overlay. No rule logic of its own: the findings are lint's.
struct Analysis {
  Analysis() = default;
  Analysis(const Analysis&) = delete;
  Analysis& operator=(const Analysis&) = delete;
  Analysis(Analysis&&) = delete;
  Analysis& operator=(Analysis&&) = delete;
  // The texts the run stored (its migration steps') go with it
  // (core/text_generation.hpp): a server that lints after every edit stays
  // at its first run's size.
  ~Analysis();

  std::uint32_t text_generation = 0;
  // Begun during the run, once the SQL replay kept its state (the texts of
  // the migration being edited go there, not with the kept state's).
  std::vector<std::uint32_t> later_generations;
  std::filesystem::path target;
  std::unique_ptr<LintRun> run;     // null when a stage failed
  std::optional<core::Error> error; // why it failed, or an exception's text
  std::string log;                  // what the run wrote to stderr
  double milliseconds = 0;
  double placing_milliseconds = 0; // of `milliseconds`: each finding put in the file lint locates it in
  core::TimingsSnapshot timings;
  // The files the Drizzle schema was read from (absolute, normal): the
  // entries discovery named and every file a barrel led to that declares
  // a table or an enum. An edit of one of them (or of a migration) leaves
  // what discovery, the project scan and the workload gave as they were.
  std::set<std::string> schema_files;
  // This run took its discovery, project scan and workload from the run
  // before it (moved out of it: that run is replaced by this one).
  bool reused_inputs = false;
  std::size_t replay_reused = 0; // migrations not replayed again (the kept replay's)
  std::size_t tables_reused = 0; // tables whose per-table findings were copied (AnalysisPass::table_memo)
  std::size_t schema_ts_tables_kept = 0; // schema.ts tables not read again (SchemaTsCache::tables_kept)
  // The migrations the SQL replay read (absolute, normal).
  std::set<std::string> migration_files;
  // When the per-table rules judged only the tables of some migrations
  // (AnalysisPass::open_migrations): those files. The findings of a file
  // it does not cover are not all known.
  std::optional<std::set<std::string>> scoped_to;
  [[nodiscard]] bool covers(const std::filesystem::path& file) const {
    return !scoped_to || scoped_to->count(file.string()) > 0;
  }
  // A first pass's: the JS/TS files whose query calls it left out (0 when
  // it read them). Its findings in those files are not yet known.
  std::size_t code_pending = 0;
  // The findings `file` shows, in the run's order. Where lint locates each
  // is worked out with the run (place_located); where the Drizzle schema
  // declares them (a JS/TS file, always) only when such a file is first
  // asked for: only open documents are, and at 10,000 tables placing its
  // 45,000 findings took 175 ms of an 800 ms keystroke in a migration, 35
  // to 41 ms where lint locates them alone.
  [[nodiscard]] const std::vector<PlacedFinding>& findings_in(const std::filesystem::path& file) const;
  void place_located();

private:
  void place_declared() const;

  // The findings by the absolute, normal path of each file that shows them.
  mutable std::map<std::string, std::vector<PlacedFinding>> m_by_file;
  mutable bool m_declared_placed = false;
};

// Whether `file` is JavaScript or TypeScript (by its extension): a file
// that may hold query calls or declare a Drizzle schema.
bool code_file(const std::filesystem::path& file);

// Runs lint's pipeline over `target` with `base`'s options (its paths
// replaced). With `previous` (the last analysis of `target`, about to be
// replaced by this one), its discovery, project scan and workload are
// taken, not read again: lint_check leaves them as read_lint_inputs gave
// them. With `replay`, the SQL replay starts from where the last run that
// used it was before the first migration that changed. No database is
// read (`inputs.database_env` is left to `pgadvise lint`): the keystroke
// path never waits for one. Never throws: a failure is the analysis's
// error.
// A first pass (`first_pass_files` > 0, no `previous`) leaves the
// TypeScript's query calls out when the project has that many JS/TS files
// or more (Analysis::code_pending); the analysis given it as `previous`
// reads them.
struct AnalysisPass {
  Analysis* previous = nullptr;
  loaders::ReplayCache* replay = nullptr;
  loaders::SchemaTsCache* schema_ts = nullptr; // with `replay`: schema.ts read again only when it changed
  std::size_t first_pass_files = 0;
  // Every open document, when each is a migration the last run replayed
  // (absolute, normal): the per-table rules judge only the tables those
  // files define or change, whose findings are all that is shown
  // (LintRun::checks_tables_in). Null: every table.
  const std::set<std::string>* open_migrations = nullptr;
  // The per-table rules' findings of the last run of `target` (the one
  // `previous` holds; cleared when that is not the run that filled it):
  // the tables as they were are not judged again (engine::TableMemo).
  engine::TableMemo* table_memo = nullptr;
};
std::unique_ptr<Analysis> analyse(const std::filesystem::path& target, const LintOptions& base,
                                  const AnalysisPass& pass = {});

// Whether an edit of `file` (absolute, normal) can change what discovery
// and the project scan of `last` found, so the next run must read the
// folder again: every file but the schema files it read (the migrations
// folder's files, explicit .sql files, the snapshot, the Drizzle schema
// files). True when `last` did not run.
bool changes_project(const std::filesystem::path& file, const Analysis& last);

// The edits `pgadvise fix` makes for `findings` (app/fix's plan_fixes, with the
// targets a fix run of this analysis would give it).
FixPlan plan_analysis_fixes(const Analysis& analysis, const std::vector<core::Finding>& findings);

// The absolute, normal form of a path as the analysis keys its files.
std::string file_key(const std::filesystem::path& path);

} // namespace pgadvise::app::lsp
