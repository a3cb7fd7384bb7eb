#include "app/fix/fix.hpp"

#include "app/inputs/discovery.hpp"
#include "app/lint/lint_run.hpp"
#include "app/report/exit_codes.hpp"
#include "app/scope/changed_files.hpp"
#include "core/text.hpp"
#include "core/text_edit.hpp"
#include "loaders/sql/migrations.hpp"
#include "rules/support/table_size.hpp"

#include <memory>
#include <optional>
#include <set>

namespace pgadvise::app {

namespace fs = std::filesystem;

void print_fix_plan(const FixPlan& plan, bool written, std::ostream& out, std::ostream& notes) {
  if (!written) {
    for (const FileChange& change : plan.files) {
      if (!change.summary.empty()) {
        out << "--- " << (change.created ? "/dev/null" : "a/" + change.label) << "\n+++ b/" << change.label
            << "\n# " << change.summary << "\n";
        continue;
      }
      out << core::unified_diff(change.label, change.before, change.after, change.created);
    }
  }
  if (plan.files.empty()) {
    notes << "pgadvise: fix: nothing to change";
    if (plan.left_out > 0) {
      notes << " (" << plan.left_out << " fix" << (plan.left_out == 1 ? "" : "es")
            << " could not be placed: see the notes)";
    } else if (plan.fixed > 0) {
      notes << " (the fixes are already in the files)";
    }
    notes << "\n";
  } else {
    notes << "pgadvise: fix: " << (written ? "changed " : "would change ") << plan.files.size() << " file"
          << (plan.files.size() == 1 ? "" : "s");
    if (plan.fixed > 0) {
      notes << " for " << plan.fixed << " finding" << (plan.fixed == 1 ? "" : "s");
    }
    notes << (written ? "" : " (--write applies it)") << "\n";
  }
  for (const std::string& note : plan.notes) {
    notes << "  note: " << note << "\n";
  }
  if (!plan.files.empty()) {
    for (const std::string& step : plan.next) {
      notes << "  next: " << step << "\n";
    }
  }
}

namespace {

// Files git knows to have uncommitted changes (staged, unstaged, or
// untracked), among `files`; none outside a repository.
std::vector<std::string> dirty_files(const std::vector<FileChange>& files) {
  std::vector<std::string> dirty;
  for (const FileChange& change : files) {
    if (change.created) {
      continue;
    }
    std::error_code ec;
    const fs::path absolute = fs::absolute(change.path, ec);
    auto status =
        run_git(absolute.parent_path(), {"status", "--porcelain", "--", absolute.filename().string()});
    if (status && status->status == 0 && !core::trim(status->out).empty()) {
      dirty.push_back(change.label);
    }
  }
  return dirty;
}

} // namespace

namespace {

// The catalogs of one database load as a fix judges drift with them.
FixSchemas schemas_of(const loaders::SchemaLoad& load, const model::Catalog* applied,
                      const std::optional<fs::path>& migrations_dir) {
  FixSchemas out;
  out.applied = applied;
  out.migrations_dir = migrations_dir;
  const auto take = [&out](const model::Catalog& catalog) {
    if (catalog.source == model::SchemaSource::drizzle_schema && out.declared == nullptr) {
      out.declared = &catalog;
    } else if (catalog.source == model::SchemaSource::drizzle_snapshot && out.snapshot == nullptr) {
      out.snapshot = &catalog;
    }
  };
  take(load.catalog);
  for (const model::Catalog& other : load.other_schemas) {
    take(other);
  }
  return out;
}

} // namespace

int run_fix(const FixOptions& options, std::ostream& out, std::ostream& err) {
  // lint's first four stages (app/lint/lint_run.hpp): the findings a lint run
  // with the same flags would report.
  LintRun run;
  if (const std::optional<core::Error> error = collect_findings(options.lint, run, err)) {
    err << "pgadvise: " << error->to_string() << "\n";
    return k_exit_usage;
  }
  std::vector<core::Finding>& findings = run.report.findings;
  if (!options.fingerprints.empty()) {
    const std::set<std::string> wanted(options.fingerprints.begin(), options.fingerprints.end());
    std::erase_if(findings, [&](const core::Finding& f) { return wanted.count(f.fingerprint) == 0; });
  }
  FixTargets targets;
  targets.migrations_dir = run.sources.migrations_dir;
  targets.schema_ts = !run.sources.schema_ts.empty();
  targets.schemas = schemas_of(run.load, run.input.catalog, run.sources.migrations_dir);
  // Each further drizzle.config's schemas, read again (lint kept only its findings).
  std::vector<std::unique_ptr<loaders::SchemaLoad>> other_loads;
  for (std::size_t i = 1; i < run.sources.databases.size(); ++i) {
    auto other = discover({run.sources.databases[i]});
    if (!other) {
      continue;
    }
    other_loads.push_back(std::make_unique<loaders::SchemaLoad>(load_schema(*other)));
    targets.other_databases[loaders::display_path(run.sources.databases[i])] =
        schemas_of(*other_loads.back(), &other_loads.back()->catalog, other->migrations_dir);
  }
  if (run.input.catalog != nullptr) {
    for (const model::Table& table : run.input.catalog->tables) {
      if (const auto rows = rules::table_rows(table)) {
        targets.table_rows[(table.schema.empty() ? "public" : table.schema) + "." + table.name] = *rows;
      }
    }
  }
  const FixPlan plan = plan_fixes(findings, run.sources.project, targets);
  if (options.write && !options.allow_dirty) {
    if (const auto dirty = dirty_files(plan.files); !dirty.empty()) {
      err << "pgadvise: fix: " << core::join(dirty, ", ") << (dirty.size() == 1 ? " has" : " have")
          << " uncommitted changes; commit or stash them first (so the fix is its own diff), or pass "
             "--allow-dirty. Nothing was written.\n";
      return k_exit_usage;
    }
  }
  if (options.write) {
    for (const FileChange& change : plan.files) {
      if (auto written = write_file_change(change); !written) {
        err << "pgadvise: fix: " << written.error().message << "\n";
        return k_exit_usage;
      }
    }
  }
  print_fix_plan(plan, options.write, out, err);
  return k_exit_ok;
}

} // namespace pgadvise::app
