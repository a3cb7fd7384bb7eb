#pragma once

#include "app/config/config.hpp"
#include "app/inputs/discovery.hpp"
#include "app/inputs/workload_input.hpp"
#include "app/lint/lint_options.hpp"
#include "app/lint/multi_database.hpp"
#include "app/live/live_input.hpp"
#include "app/scope/changed_files.hpp"
#include "core/result.hpp"
#include "core/settings.hpp"
#include "core/stage_timings.hpp"
#include "engine/runner.hpp"
#include "loaders/project/scan.hpp"
#include "loaders/schema_load.hpp"

#include <chrono>
#include <deque>
#include <filesystem>
#include <functional>
#include <future>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace pgadvise::app {

// The databases after the first of a project with several drizzle.configs:
// their drizzle.configs, for the report's schema line, and their sizes, for
// its summary.
struct DatabaseCounts {
  std::vector<std::string> configs;
  std::size_t tables = 0;
  std::size_t indexes = 0;
  std::size_t foreign_keys = 0;
};

// One lint run, filled stage by stage. `run_lint` calls the five stages in
// order; `pgadvise fix` runs the first four and edits the project instead of
// writing a report. Each stage returns an error (one line, exit 2) or fills
// its part; a later stage reads what the earlier ones filled. The run holds
// the catalogs the engine's input points into, so it is never copied or
// moved: make one and pass it by reference.
struct LintRun {
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  // Where the time and memory went, by stage (--timings, the JSON report's `timings`).
  core::StageTimings timings;

  // 1. plan_lint: the command line over .pgadvise.toml.
  LintOptions options;
  std::optional<Config> config;
  core::Settings settings;
  std::string baseline_file; // --baseline, else the config's when that file exists

  // 2. read_lint_inputs: what discovery found and every input read.
  std::vector<std::filesystem::path> paths; // the folders and files to read ('.' when none given)
  bool database_only = false; // no path, --db/--log, and `.` is no project: database and workload alone
  std::optional<ChangedFiles> changed; // --changed-since
  SchemaSources sources;
  // Set before the run by a driver that lints the same folder again after
  // an edit (the language server): the sources an earlier run discovered
  // and scanned, taken instead of walking and scanning the folder again.
  std::optional<SchemaSources> known_sources;
  // Such a driver's quick first pass (CodeScan::deferred) leaves the
  // TypeScript's query calls out when there are `defer_code_files` files or
  // more to search (fewer are searched at once); the run after it, given
  // its sources, reads them.
  loaders::CodeScan code_scan = loaders::CodeScan::now;
  std::size_t defer_code_files = 0;
  // What such a driver keeps between its runs (load_schema's caches).
  KeptLoads kept;
  // Set by such a driver when it shows only some files' findings (the
  // language server, when every open document is a migration): the
  // per-table rules judge only the tables with a part (the table, a column,
  // an index, a key, a check, a policy) located in a file this accepts
  // (engine::RunInput::checked_tables). One database only; unset: every table.
  std::function<bool(const core::FilePath&)> checks_tables_in;
  // Set by such a driver that keeps the per-table rules' findings between
  // its runs (engine::TableMemo; one database only, as above): the tables
  // as they were in the last run, which is alive, are not judged again.
  engine::TableMemo* table_memo = nullptr;
  loaders::SchemaLoad load;
  std::optional<LiveRun> live;           // --db: the database's catalog is the schema
  std::optional<WorkloadInput> workload; // --log, --pgss, --queries
  // The engine's input over all of it (stage 3 adds the live analysis).
  // With several drizzle.configs, each database's own input too (the first
  // the run's own): app/lint/multi_database.
  engine::RunInput input;
  std::deque<DatabaseInput> databases;
  // Set by a driver that reads them after stage 3 (pgadvise fix: each
  // database's schemas are where its fixes go): the further databases'
  // schemas are kept, not freed once their rules ran.
  bool keep_databases = false;
  // Each further database's migration files, in order (the lens trims their
  // change findings as it trims the first database's).
  std::vector<std::vector<std::string>> other_migrations;
  DatabaseCounts other_databases; // each linted with its own schema

  // 3. check_lint_inputs: every rule, the live post-passes, one finding per problem.
  engine::RunReport report;

  // 4. select_findings: the lenses, ignore globs, --changed-since, --baseline.
  std::string scope_note; // which migrations the change rules judged

  // Ready once that search has read and indexed the files on every core
  // (or ended): stage 2 reads the schemas beside its serial rest, not
  // beside the part that keeps both cores busy.
  std::future<void> code_indexed;
  // The TypeScript's query calls, searched on a thread of their own while
  // stage 2 reads the schemas (finish_code_scan). Last: a run that stops
  // early waits for it before the project it writes goes.
  std::future<void> code_scan_job;

  LintRun() = default;
  LintRun(const LintRun&) = delete;
  LintRun& operator=(const LintRun&) = delete;
  LintRun(LintRun&&) = delete;
  LintRun& operator=(LintRun&&) = delete;
  ~LintRun() = default;
};

// 1. Reads the config file and merges it under `given`; checks the flags
// (severities, rule ids, options) into Settings.
[[nodiscard]] std::optional<core::Error> plan_lint(const LintOptions& given, LintRun& run, std::ostream& err);

// 2. Discovery, the project scan, the schema load (and --stats), --db,
// --log/--pgss/--queries, and the engine's input over them (each
// database's, for several). An error when nothing at all can be linted.
[[nodiscard]] std::optional<core::Error> read_lint_inputs(LintRun& run, std::ostream& err);

// The query-call search stage 2 started beside the schema's reading,
// waited for (its time counted as the TypeScript scan's); nothing when
// none is running. Everything that reads the project's query calls comes
// after it.
void finish_code_scan(LintRun& run);

// 3. The live analysis, the rules (each database's over its own input), the
// live post-passes (EXPLAIN confirmation), consolidation and --show-literals.
[[nodiscard]] std::optional<core::Error> check_lint_inputs(LintRun& run, std::ostream& err);

// 4. Narrows the findings to what this run reports: the change rules judge
// only migrations not yet applied (app/scope/lens), the config's ignore globs;
// then, unless the run records a baseline, --changed-since and --baseline.
[[nodiscard]] std::optional<core::Error> select_findings(LintRun& run, std::ostream& err);

// Stages 1 to 4 in order, the first that fails stopping: the findings a
// lint run with these options reports. `pgadvise lint` writes them
// (write_lint_report); `pgadvise fix` turns them into edits.
[[nodiscard]] std::optional<core::Error> collect_findings(const LintOptions& given, LintRun& run,
                                                          std::ostream& err);

// 5. Writes the report in --format (to `out`, or --output) and returns the
// exit code; `pgadvise baseline` writes the baseline file instead.
int write_lint_report(const LintRun& run, std::ostream& out, std::ostream& err);

} // namespace pgadvise::app
