// Stage 2 of a lint run (app/lint/lint_run.hpp): every input found and read.
#include "app/inputs/discovery.hpp"
#include "app/inputs/discovery_files.hpp"
#include "app/lint/lint_run.hpp"
#include "app/lint/multi_database.hpp"
#include "app/live/stats.hpp"
#include "app/scope/lens.hpp"
#include "core/text.hpp"
#include "loaders/project/scan.hpp"

#include <future>
#include <memory>
#include <mutex>
#include <system_error>
#include <unistd.h>

namespace pgadvise::app {

namespace {

// With no path, `.` is read only when it has its own project markers
// (has_own_project_markers): --log or --db started in some other folder (a
// home folder, /tmp) judges the database and the workload alone, never a
// checkout that happens to sit below it.
std::vector<std::filesystem::path> paths_to_read(const LintOptions& options, bool& database_only) {
  std::vector<std::filesystem::path> paths;
  for (const std::string& p : options.paths) {
    paths.emplace_back(p);
  }
  const bool only_queries = options.workload.requested() || options.live.requested();
  database_only = paths.empty() && only_queries && !discovery_files::has_own_project_markers(".");
  if (paths.empty() && !database_only) {
    paths.emplace_back(".");
  }
  return paths;
}

// --changed-since: asked of git before anything is read, so a bad ref fails fast.
core::Result<ChangedFiles> changed_files(const LintOptions& options,
                                         const std::vector<std::filesystem::path>& paths) {
  std::error_code ec;
  const std::filesystem::path first = paths.empty() ? std::filesystem::path(".") : paths.front();
  std::filesystem::path dir = std::filesystem::is_directory(first, ec) ? first : first.parent_path();
  return changed_files_since(options.changed_since, dir.empty() ? std::filesystem::path(".") : dir);
}

// Nothing to lint at all: the error lists what discovery noted and looked for.
core::Error nothing_to_lint(const LintRun& run) {
  std::string message =
      "no schema found in " +
      core::join(run.options.paths.empty() ? std::vector<std::string>{"."} : run.options.paths, ", ");
  for (const std::string& note : run.load.notes) {
    message += "\n  " + note;
  }
  message += "\n  looked for drizzle.config.{ts,js,mjs,cjs,json}, drizzle/, migrations/, "
             "**/meta/_journal.json, *.sql and meta/*_snapshot.json";
  return core::Error(message);
}

// The query calls searched on a thread of their own: the project scan
// left them for later (CodeScan::deferred), and the search, the longest
// part of a monorepo's stage 2, runs while the schemas are read (on sim,
// 1.4 s of search beside 0.3 s of schema; in a folder of 20 apps, 6 s
// beside 1 s). finish_code_scan waits for it. Where no thread can be
// started it is done now.
//
// The schemas are read once the search has indexed the files
// (run.code_indexed): its first part keeps both cores busy, its search
// through helpers one, so the schema replay beside that costs nothing
// (real sim 1.12 -> 1.08 s, lobe-chat 1.00 -> 0.91 s, the 20-checkout
// folder 6.6-7.3 -> 6.2-6.3 s, the 10,000-table project not slower).
// The signal is given once, when the files are indexed or when the
// search ends however it ends, so the wait cannot outlast the search.
void start_code_scan(LintRun& run) {
  model::Project& project = run.sources.project;
  if (!project.deferred_query_files) {
    return;
  }
  struct Signal {
    std::promise<void> promise;
    std::once_flag once;
    void give() {
      std::call_once(once, [this] { promise.set_value(); });
    }
  };
  auto signal = std::make_shared<Signal>();
  run.code_indexed = signal->promise.get_future();
  const auto search = [&project, signal, read_ahead = run.sources.code_read_ahead] {
    try {
      scan_deferred_code(
          project, [&given = *signal] { given.give(); }, read_ahead.get());
    } catch (...) {
      signal->give();
      throw;
    }
    signal->give();
  };
  try {
    run.code_scan_job = std::async(std::launch::async, search);
  } catch (const std::system_error&) {
    search();
  }
}

// Stage 2's sources: discovery and the project scan, or the ones a driver
// gave (known_sources) with what its first pass left out read now. A
// run's own query-call search goes on beside the rest (start_code_scan).
std::optional<core::Error> read_sources(LintRun& run) {
  if (run.known_sources) {
    run.sources = std::move(*run.known_sources); // scanned and relocated already
    run.known_sources.reset();
    if (run.code_scan == loaders::CodeScan::now) {
      scan_deferred_code(run.sources.project); // what a first pass left out
    }
    return std::nullopt;
  }
  const bool beside = run.code_scan == loaders::CodeScan::now;
  const loaders::CodeScan code = beside ? loaders::CodeScan::deferred : run.code_scan;
  if (!run.paths.empty()) {
    auto sources = app::discover(run.paths, code, beside);
    if (!sources) {
      return sources.error();
    }
    run.sources = std::move(*sources);
  }
  if (!run.sources.project.root.empty()) {
    // Discovery scans the folder it was given; scripts, CI, containers
    // (drizzle-push-in-production) of another root are scanned here.
    if (!run.sources.project.scanned) {
      loaders::scan_project(run.sources.project, code, beside ? &run.sources.code_read_ahead : nullptr);
    }
    relocate_project(run.sources.project); // locations from where pgadvise runs
    const auto& deferred = run.sources.project.deferred_query_files;
    if (beside) {
      start_code_scan(run);
    } else if (deferred && deferred->size() < run.defer_code_files) {
      scan_deferred_code(run.sources.project); // few enough to search now
    }
  }
  return std::nullopt;
}

// The engine's input over what was read: the schema (the live one with
// --db, the files' kept for the rules that compare), the project, the
// workload, every reader's diagnostics. The live analysis (EXPLAIN, the
// index advisor) adds to it in stage 3.
void build_run_input(LintRun& run) {
  engine::RunInput& input = run.input;
  input.catalog = &run.load.catalog;
  input.project = &run.sources.project;
  input.diagnostics = run.load.diagnostics;
  input.other_schemas = &run.load.other_schemas; // snapshot-drift
  input.files_catalog = &run.load.catalog; // stays the files' schema when --db makes the live one primary
  if (run.workload) {
    input.workload = &run.workload->workload;
    input.diagnostics.insert(input.diagnostics.end(), run.workload->diagnostics.begin(),
                             run.workload->diagnostics.end());
  }
  if (run.live) {
    LiveRun& live = *run.live;
    if (!live.pending_tables.empty() && live.catalog.drizzle_migrations) {
      mark_tables_pending_migrations_create(
          run.load.catalog, live.pending_tables,
          pending_migrations(run.load.replayed_files, *live.catalog.drizzle_migrations));
    }
    input.catalog = &live.catalog;
    input.workload = choose_workload(input.workload, live);
    input.diagnostics.insert(input.diagnostics.end(), live.diagnostics.begin(), live.diagnostics.end());
  }
  input.suppressions = run.load.suppressions;
  // A folder of projects: each database's own input, its rules judging its
  // own projects' code, the first's included (its schemas are read before
  // the query calls are waited for).
  if (run.sources.databases.size() > 1) {
    build_database_inputs(run);
  } else {
    finish_code_scan(run);
  }
}

} // namespace

void finish_code_scan(LintRun& run) {
  if (run.code_scan_job.valid()) {
    const core::StageTimer timer(core::Stage::typescript_scan);
    run.code_scan_job.get();
  }
}

std::optional<core::Error> read_lint_inputs(LintRun& run, std::ostream& err) {
  const LintOptions& options = run.options;
  run.paths = paths_to_read(options, run.database_only);
  if (!options.changed_since.empty()) {
    auto read = changed_files(options, run.paths);
    if (!read) {
      return read.error();
    }
    run.changed.emplace(std::move(*read));
  }
  if (std::optional<core::Error> error = read_sources(run)) {
    return error;
  }
  if (run.code_indexed.valid()) {
    // start_code_scan says why; the wait is the TypeScript scan's time, as
    // finish_code_scan's is (not discovery's, around it).
    const core::StageTimer timer(core::Stage::typescript_scan);
    run.code_indexed.wait();
  }
  run.load = app::load_schema(run.sources, run.kept);
  if (run.database_only) {
    run.load.notes.clear(); // no schema source was looked for
    run.load.notes.push_back(
        std::string(
            "no project in the current folder (no drizzle.config, package.json or migrations folder here): "
            "judging ") +
        (options.live.requested() && options.workload.requested() ? "the database and the workload"
         : options.live.requested()                               ? "the database"
                                                                  : "the workload") +
        " alone; give a path to lint a project's files too");
  }
  if (!options.stats.empty() && !options.live.requested()) {
    if (auto applied = apply_stats_file(options.stats, run.load.catalog, run.load.notes); !applied) {
      return applied.error();
    }
  }
  if (options.live.requested()) {
    auto opened = open_live(options.live, run.load, run.sources);
    if (!opened) {
      return opened.error();
    }
    run.live.emplace(std::move(*opened));
  }
  if (options.workload.requested()) { // query rules run even without a schema
    auto read = read_workload_input(options.workload, isatty(STDERR_FILENO) != 0);
    if (!read) {
      return read.error();
    }
    run.workload.emplace(std::move(*read));
  }
  // Push in production needs no schema: project files alone are enough to lint.
  const model::Project& project = run.sources.project;
  const bool has_project =
      !project.packages.empty() || !project.sites.empty() || !project.command_files.empty();
  if (run.load.catalog.source == model::SchemaSource::none && !run.live &&
      !(run.workload && run.workload->usable) && !has_project) {
    print_unusable_workload(run.workload ? &*run.workload : nullptr, err);
    return nothing_to_lint(run);
  }
  // The migration steps are read by the lock rules and, after them, by
  // --verify-locks alone: without it they go once the rules ran, before
  // the findings are read back (35 MB at 100,000 tables that the later
  // passes, consolidation, the lens and the writers, allocate from again).
  if (options.verify_locks == VerifyLocks::off) {
    run.input.after_rules = [&run] { model::MigrationSteps().swap(run.load.catalog.migration_steps); };
  }
  build_run_input(run);
  return std::nullopt;
}

} // namespace pgadvise::app
