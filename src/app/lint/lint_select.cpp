// Stage 4 of a lint run (app/lint/lint_run.hpp): which findings this run reports.
#include "app/lint/lint_run.hpp"
#include "app/lint/lint_verify.hpp"
#include "app/scope/baseline.hpp"
#include "app/scope/lens.hpp"
#include "loaders/sql/migrations.hpp"

#include <set>

namespace pgadvise::app {

namespace {

// Which migrations the change rules judge (app/scope/lens): every one when asked
// or when a baseline holds the old findings; the branch's files with
// --changed-since; with --db those the migrations table does not list; else
// the newest. .sql files named on the command line are always judged.
LensScope choose_lens(const LintRun& run) {
  const LintOptions& options = run.options;
  const bool baseline = !run.baseline_file.empty();
  const loaders::SchemaLoad& load = run.load;
  const SchemaSources& sources = run.sources;
  const std::optional<LiveRun>& live = run.live;
  const std::optional<ChangedFiles>& changed = run.changed;
  LensScope scope;
  std::set<std::string> named;
  for (const std::filesystem::path& file : sources.sql_files) {
    named.insert(loaders::display_path(file));
  }
  for (const std::string& file : load.replayed_files) {
    if (named.count(file) == 0) {
      scope.migrations.push_back(file);
    }
  }
  scope.other_migrations = run.other_migrations;
  const model::MigrationLedger* ledger =
      live && live->catalog.drizzle_migrations && live->catalog.drizzle_migrations->files_read
          ? &*live->catalog.drizzle_migrations
          : nullptr;
  if (options.all_migrations || options.baseline_command || baseline) {
    scope.basis = LensBasis::all;
  } else if (changed) {
    scope.basis = LensBasis::changed;
    for (const std::string& file : scope.migrations) {
      if (changed->contains(file)) {
        scope.judged.insert(file);
      }
    }
    for (const std::vector<std::string>& folder : scope.other_migrations) {
      for (const std::string& file : folder) {
        if (changed->contains(file)) {
          scope.judged.insert(file);
        }
      }
    }
  } else if (ledger != nullptr) {
    scope.basis = LensBasis::pending;
    scope.judged = pending_migrations(scope.migrations, *ledger);
    scope.ledger_table = ledger->table;
  } else {
    scope.basis = LensBasis::newest;
    if (!scope.migrations.empty()) {
      scope.judged.insert(scope.migrations.back());
    }
  }
  // A further database's ledger is not read (--db is the first one's): its
  // newest migration is the one judged, as without --db.
  if (scope.basis == LensBasis::newest || scope.basis == LensBasis::pending) {
    for (const std::vector<std::string>& folder : scope.other_migrations) {
      if (!folder.empty()) {
        scope.judged.insert(folder.back());
      }
    }
  }
  return scope;
}

// Findings located in files the config's ignore globs match; returns how many.
std::size_t drop_ignored(core::FindingList& findings, const Config& config) {
  return findings.remove_if([&](core::FindingList::Entry& f) { return ignored_by(config, f.file()); });
}

// --baseline: drops the findings the file holds; says how many.
core::Result<std::size_t> apply_baseline(const std::string& path, engine::RunReport& report,
                                         std::ostream& err) {
  auto baseline = read_baseline(path);
  if (!baseline) {
    return baseline.error();
  }
  report.baselined = drop_baselined(report.findings, *baseline);
  err << "pgadvise: " << report.baselined << " finding" << (report.baselined == 1 ? " is" : "s are")
      << " in the baseline " << path << " and not reported\n";
  return report.baselined;
}

} // namespace

std::optional<core::Error> select_findings(LintRun& run, std::ostream& err) {
  // Change rules judge only migrations not yet applied: before the baseline
  // and --changed-since, which then see what a run reports.
  const LensScope lens_scope = choose_lens(run);
  run.scope_note = lens_note(lens_scope, apply_lens(run.report.findings, lens_scope, run.settings));
  // --verify-locks runs the judged migrations and says what PostgreSQL did.
  if (auto failed = verify_migration_locks(run, lens_scope, err)) {
    return failed;
  }
  if (run.config) {
    run.report.suppressed += drop_ignored(run.report.findings, *run.config);
  }
  if (run.options.baseline_command) { // the baseline records every finding the run has
    return std::nullopt;
  }
  if (run.changed) {
    run.report.unchanged = keep_changed(run.report.findings, *run.changed, run.load.catalog);
    err << "pgadvise: " << run.report.unchanged << " finding" << (run.report.unchanged == 1 ? "" : "s")
        << " outside what changed since " << run.options.changed_since << " not reported\n";
  }
  if (!run.baseline_file.empty()) {
    if (auto applied = apply_baseline(run.baseline_file, run.report, err); !applied) {
      return applied.error();
    }
  }
  return std::nullopt;
}

} // namespace pgadvise::app
