#include "app/fix/fix.hpp"

#include "app/fix/fix_edits.hpp"
#include "app/fix/fix_suggestions.hpp"
#include "app/lint/lint_run.hpp"
#include "app/report/exit_codes.hpp"
#include "app/report/report_facts.hpp"
#include "app/scope/changed_files.hpp"
#include "core/text.hpp"
#include "core/text_edit.hpp"
#include "loaders/sql/migrations.hpp"
#include "rules/support/table_size.hpp"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <set>

namespace pgadvise::app {

namespace fs = std::filesystem;

void print_fix_plan(const FixPlan& plan, bool written, std::ostream& out, std::ostream& notes,
                    const std::vector<std::string>& left_out) {
  if (!written) {
    if (!plan.files.empty()) {
      // Before the first file's header, which git apply and patch skip to.
      for (const std::string& line : left_out) {
        out << "# pgadvise fix: " << line << "\n";
      }
    }
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
  for (const std::string& line : left_out) {
    notes << "  " << line << "\n";
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

FixSelection select_fixes(std::vector<core::Finding> findings, bool unsafe_fixes) {
  FixSelection out;
  for (core::Finding& finding : findings) {
    const core::FixApplicability applicability =
        finding.fix ? finding.fix->applicability : core::FixApplicability::safe;
    if (applicability == core::FixApplicability::manual) {
      out.manual.push_back(std::move(finding));
    } else if (applicability == core::FixApplicability::unsafe && !unsafe_fixes) {
      out.unsafe.push_back(std::move(finding));
    } else {
      out.applied.push_back(std::move(finding));
    }
  }
  return out;
}

namespace {

// "json-column-not-jsonb 14, duplicate-index 2", in the order the rules first come.
std::string counts_by_rule(const std::vector<std::pair<std::string, std::size_t>>& counts) {
  std::vector<std::string> parts;
  parts.reserve(counts.size());
  for (const auto& [rule, count] : counts) {
    parts.push_back(rule + " " + std::to_string(count));
  }
  return core::join(parts, ", ");
}

void count(std::vector<std::pair<std::string, std::size_t>>& counts, const std::string& rule, std::size_t n) {
  const auto it = std::find_if(counts.begin(), counts.end(), [&](const auto& c) { return c.first == rule; });
  if (it == counts.end()) {
    counts.emplace_back(rule, n);
  } else {
    it->second += n;
  }
}

// "3 unsafe fixes", "1 manual fix".
std::string fixes(std::size_t n, std::string_view kind) {
  return std::to_string(n) + " " + std::string(kind) + (n == 1 ? " fix" : " fixes");
}

// Why a rule's fix is unsafe, in a few words, from what it changes.
std::string why_unsafe(const core::Finding& finding) {
  const std::string& ddl = finding.fix->statements();
  if (fix_edit(finding) == engine::FixEdit::column_type || ddl.find(" TYPE ") != std::string::npos) {
    return "a column type change rewrites the table under an ACCESS EXCLUSIVE lock";
  }
  if (ddl.find("DROP INDEX") != std::string::npos ||
      finding.fix->code_text().str().rfind("// remove from schema.ts:", 0) == 0) {
    return "it drops an index";
  }
  return "it changes what the schema does";
}

// The findings of `all` with distinct fixes: two drizzle.config files over
// one schema file report each column once per config, and the edit is one
// (one edit per change), so the header counts it once.
std::vector<core::Finding> distinct_fixes(const std::vector<core::Finding>& all) {
  std::vector<core::Finding> out;
  std::set<std::string> seen;
  for (const core::Finding& finding : all) {
    std::string key = finding.rule;
    if (finding.fix) {
      key += '\0' + finding.fix->statements() + '\0' + finding.fix->code_text().str() + '\0' +
             finding.fix->code_file().str() + '\0' + finding.fix->code_table().str();
    }
    if (!finding.fix || (finding.fix->statements().empty() && finding.fix->code_text().empty())) {
      key += '\0' + finding.location.to_string() + '\0' + finding.message;
    }
    if (seen.insert(std::move(key)).second) {
      out.push_back(finding);
    }
  }
  return out;
}

} // namespace

std::vector<std::string> left_out_lines(const FixSelection& given,
                                        const std::map<std::string, std::size_t>& unsafe_written,
                                        bool asked) {
  FixSelection selection;
  selection.unsafe = distinct_fixes(given.unsafe);
  selection.manual = distinct_fixes(given.manual);
  std::vector<std::string> lines;
  std::vector<std::pair<std::string, std::size_t>> writable;
  std::vector<std::pair<std::string, std::size_t>> by_hand;
  std::vector<std::string> reasons;
  std::size_t writable_total = 0;
  std::size_t by_hand_total = 0;
  std::set<std::string> seen;
  for (const core::Finding& finding : selection.unsafe) {
    if (!seen.insert(finding.rule).second) {
      continue;
    }
    const auto n = static_cast<std::size_t>(
        std::count_if(selection.unsafe.begin(), selection.unsafe.end(),
                      [&](const core::Finding& f) { return f.rule == finding.rule; }));
    const auto written = unsafe_written.find(finding.rule);
    const std::size_t w = written == unsafe_written.end() ? 0 : std::min(n, written->second);
    if (w > 0) {
      count(writable, finding.rule, w);
      writable_total += w;
      const std::string why = why_unsafe(finding);
      if (std::find(reasons.begin(), reasons.end(), why) == reasons.end()) {
        reasons.push_back(why);
      }
    }
    if (n > w) {
      count(by_hand, finding.rule, n - w);
      by_hand_total += n - w;
    }
  }
  if (writable_total > 0) {
    lines.push_back(std::string(asked ? "not applied: the " : "left out: ") +
                    fixes(writable_total, "unsafe") + " (" + counts_by_rule(writable) + ")" +
                    (asked ? " you asked for" : "") + ", since " + core::join(reasons, "; ") +
                    ": --unsafe-fixes applies " + (writable_total == 1 ? "it" : "them"));
  }
  if (by_hand_total > 0) {
    lines.push_back("left out: " + fixes(by_hand_total, "unsafe") + " (" + counts_by_rule(by_hand) +
                    ") that pgadvise fix does not write even with --unsafe-fixes: apply " +
                    (by_hand_total == 1 ? "it" : "them") + " by hand from the report");
  }
  std::vector<std::pair<std::string, std::size_t>> manual;
  for (const core::Finding& finding : selection.manual) {
    count(manual, finding.rule, 1);
  }
  if (!selection.manual.empty()) {
    lines.push_back(
        "left out: " + fixes(selection.manual.size(), "manual") + " (" + counts_by_rule(manual) +
        "): application code, which pgadvise fix never writes; `pgadvise lint` shows each rewrite");
  }
  return lines;
}

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

// How many of each rule's unsafe fixes --unsafe-fixes would write (one
// plan per rule, nothing written): only those are promised to the flag.
std::map<std::string, std::size_t> unsafe_fixes_written(const std::vector<core::Finding>& unsafe,
                                                        const model::Project& project,
                                                        const FixTargets& targets) {
  std::map<std::string, std::size_t> written;
  for (const core::Finding& finding : unsafe) {
    if (written.count(finding.rule) > 0) {
      continue;
    }
    std::vector<core::Finding> of_rule;
    std::copy_if(unsafe.begin(), unsafe.end(), std::back_inserter(of_rule),
                 [&](const core::Finding& f) { return f.rule == finding.rule; });
    written[finding.rule] = plan_fixes(of_rule, project, targets).fixed;
  }
  return written;
}

} // namespace

FixSchemas run_fix_schemas(const LintRun& run) {
  return schemas_of(run.load, run.input.catalog, run.sources.migrations_dir);
}

std::map<std::string, FixSchemas> other_fix_schemas(const LintRun& run) {
  std::map<std::string, FixSchemas> out;
  for (std::size_t d = 1; d < run.databases.size(); ++d) {
    const DatabaseInput& database = run.databases[d];
    if (database.load) {
      out[database.shown] =
          schemas_of(*database.load, &database.load->catalog, database.sources->migrations_dir);
    }
  }
  return out;
}

FixTargets fix_targets(const LintRun& run) {
  FixTargets targets;
  targets.migrations_dir = run.sources.migrations_dir;
  targets.schema_ts = !run.sources.schema_ts.empty();
  targets.schemas = run_fix_schemas(run);
  targets.other_databases = other_fix_schemas(run); // as their rules read them
  if (run.input.catalog != nullptr) {
    for (const model::Table& table : run.input.catalog->tables) {
      if (const auto rows = rules::table_rows(table)) {
        targets.table_rows[(table.schema.empty() ? "public" : table.schema) + "." + table.name] = *rows;
      }
    }
  }
  return targets;
}

int run_fix(const FixOptions& options, std::ostream& out, std::ostream& err) {
  // lint's first four stages (app/lint/lint_run.hpp): the findings a lint run
  // with the same flags would report.
  LintRun run;
  run.keep_databases = true; // their schemas are where their fixes go
  if (const std::optional<core::Error> error = collect_findings(options.lint, run, err)) {
    err << "pgadvise: " << error->to_string() << "\n";
    return k_exit_usage;
  }
  std::vector<core::Finding>& all = run.report.findings;
  if (!options.fingerprints.empty()) {
    const std::set<std::string> wanted(options.fingerprints.begin(), options.fingerprints.end());
    std::erase_if(all, [&](const core::Finding& f) { return wanted.count(f.fingerprint) == 0; });
  }
  FixSelection selection = select_fixes(std::move(all), options.unsafe_fixes);
  const std::vector<core::Finding>& findings = selection.applied;
  const FixTargets targets = fix_targets(run);
  const FixPlan plan = plan_fixes(findings, run.sources.project, targets);
  const std::map<std::string, std::size_t> unsafe_written =
      unsafe_fixes_written(selection.unsafe, run.sources.project, targets);
  const bool asked = !options.fingerprints.empty() || !options.lint.rules.empty();
  const std::vector<std::string> left_out = left_out_lines(selection, unsafe_written, asked);
  if (options.write && !options.allow_dirty) {
    if (const auto dirty = dirty_files(plan.files); !dirty.empty()) {
      err << "pgadvise: fix: " << core::join(dirty, ", ") << (dirty.size() == 1 ? " has" : " have")
          << " uncommitted changes; commit or stash them first (so the fix is its own diff), or pass "
             "--allow-dirty. Nothing was written.\n";
      return k_exit_usage;
    }
  }
  if (!options.suggestions.empty()) {
    const std::vector<Suggestion> suggestions = fix_suggestions(
        plan, findings,
        [&](const core::Finding& finding) {
          return plan_fixes(std::vector<core::Finding>{finding}, run.sources.project, targets);
        },
        repository_root(options.lint.paths.empty() ? "." : options.lint.paths.front()));
    std::ofstream file(options.suggestions, std::ios::binary);
    file << suggestions_json(suggestions);
    file.flush();
    if (!file) {
      err << "pgadvise: fix: cannot write " << options.suggestions << "\n";
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
  print_fix_plan(plan, options.write, out, err, left_out);
  return k_exit_ok;
}

} // namespace pgadvise::app
