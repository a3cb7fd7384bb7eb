// Stage 5 of a lint run (app/lint/lint_run.hpp): the report, or the baseline file.
#include "app/lint/lint_run.hpp"
#include "app/report/exit_codes.hpp"
#include "app/report/report_facts.hpp"
#include "app/report/report_output.hpp"
#include "app/scope/baseline.hpp"
#include "reporters/formats.hpp"
#include "reporters/report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <unistd.h>

namespace pgadvise::app {

namespace {

// `pgadvise baseline`: the run's findings become the baseline file.
int record_baseline(const std::string& path, const engine::RunReport& report, std::ostream& err) {
  std::error_code ec;
  if (const std::filesystem::path parent = std::filesystem::path(path).parent_path(); !parent.empty()) {
    std::filesystem::create_directories(parent, ec); // a failure shows as "cannot write" below
  }
  std::ofstream file(path);
  if (!file) {
    err << "pgadvise: cannot write " << path << "\n";
    return k_exit_usage;
  }
  write_baseline(file, make_baseline(report.findings));
  file.flush();
  if (!file) {
    err << "pgadvise: error writing " << path << "\n";
    return k_exit_usage;
  }
  err << "pgadvise: recorded " << report.findings.size() << " finding"
      << (report.findings.size() == 1 ? "" : "s") << " in " << path << "\n";
  return k_exit_ok;
}

bool use_color(ColorMode mode, bool to_terminal) {
  if (mode == ColorMode::always) {
    return true;
  }
  if (mode == ColorMode::never) {
    return false;
  }
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color != nullptr && *no_color != '\0') {
    return false;
  }
  return to_terminal;
}

// What the run read, for the JSON report's input_summary.
reporters::InputSummary summarize_inputs(const model::Catalog& catalog, const model::Workload* workload,
                                         bool live) {
  reporters::InputSummary summary;
  summary.tables = catalog.tables.size();
  for (const model::Table& table : catalog.tables) {
    summary.indexes += table.indexes.size();
    summary.foreign_keys += table.foreign_keys.size();
  }
  if (workload != nullptr) {
    summary.has_workload = true;
    for (const model::WorkloadSource& source : workload->sources) {
      summary.workload_sources.push_back({source.path, source.description});
    }
    summary.log_lines = workload->lines;
    summary.bytes = workload->bytes;
    summary.statements = workload->statements;
    summary.distinct_queries = workload->queries.size();
    summary.unparsed_statements = workload->unparsed_statements;
  }
  summary.live = live;
  return summary;
}

// The schema line: the first database's source, then the further
// databases' drizzle.configs (a folder of projects, a monorepo of apps),
// the first few by name; the notes say what each was read from.
std::string describe_schema(const std::string& first, const DatabaseCounts& others) {
  constexpr std::size_t k_named = 3;
  const std::vector<std::string>& more = others.configs;
  if (more.empty()) {
    return first;
  }
  std::string out = first + "; " + std::to_string(more.size()) +
                    (more.size() == 1 ? " more database, linted on its own: "
                                      : " more databases, each linted on its own: ");
  for (std::size_t i = 0; i < more.size() && i < k_named; ++i) {
    out += (i == 0 ? "" : ", ") + more[i];
  }
  if (more.size() > k_named) {
    out += " and " + std::to_string(more.size() - k_named) + " more";
  }
  return out;
}

// Writes the report in the format asked for; `github` also appends its
// Markdown summary to $GITHUB_STEP_SUMMARY when the variable is set.
void write_report(const reporters::OutputFormat& format, std::ostream& out,
                  const reporters::ReportInput& input, std::ostream& err) {
  format.write(out, input);
  const char* summary_path = std::getenv("GITHUB_STEP_SUMMARY");
  if (format.step_summary != nullptr && summary_path != nullptr && *summary_path != '\0') {
    std::ofstream summary(summary_path, std::ios::app);
    format.step_summary(summary, input);
    if (!summary) {
      err << "pgadvise: cannot append to GITHUB_STEP_SUMMARY (" << summary_path << ")\n";
    }
  }
}

std::string env(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr ? std::string(value) : std::string();
}

// What the pull request's comment links to, from the variables a GitHub
// Actions job has: the repository at the change's commit (PGADVISE_COMMIT_SHA,
// the pull request's head, else GITHUB_SHA), the run's page, and the rule
// pages (PGADVISE_RULES_URL, which the Action sets to its own checkout's).
reporters::CommentContext comment_context(const LintOptions& options) {
  reporters::CommentContext context;
  context.key = options.comment_key;
  context.baseline = options.baseline;
  context.changed_since = options.changed_since;
  context.rules_url = env("PGADVISE_RULES_URL");
  const std::string repository = env("GITHUB_REPOSITORY");
  if (repository.empty()) {
    return context;
  }
  std::string server = env("GITHUB_SERVER_URL");
  server = server.empty() ? "https://github.com" : server;
  const std::string commit =
      env("PGADVISE_COMMIT_SHA").empty() ? env("GITHUB_SHA") : env("PGADVISE_COMMIT_SHA");
  if (!commit.empty()) {
    context.source_url = server + "/" + repository + "/blob/" + commit;
  }
  if (const std::string run = env("GITHUB_RUN_ID"); !run.empty()) {
    context.report_url = server + "/" + repository + "/actions/runs/" + run;
  }
  return context;
}

// The notes the report carries: discovery's, the load's not already said,
// the workload's and the database's, the project scan's, the lens's.
std::vector<std::string> report_notes(const LintRun& run) {
  std::vector<std::string> notes = run.sources.notes;
  // With no schema found, the load repeats the discovery notes (for the
  // message on stderr); the report says each once.
  for (const std::string& note : run.load.notes) {
    if (std::find(run.sources.notes.begin(), run.sources.notes.end(), note) == run.sources.notes.end()) {
      notes.push_back(note);
    }
  }
  if (run.workload) {
    notes.insert(notes.end(), run.workload->notes.begin(), run.workload->notes.end());
  }
  if (run.live) {
    notes.insert(notes.end(), run.live->notes.begin(), run.live->notes.end());
  }
  for (const model::ScanNote& note : run.sources.project.scan_notes) {
    notes.push_back(note.location.to_string() + ": " + note.message);
  }
  if (!run.scope_note.empty()) {
    notes.push_back(run.scope_note);
  }
  return notes;
}

} // namespace

int write_lint_report(const LintRun& run, std::ostream& report_out, std::ostream& err) {
  const LintOptions& options = run.options;
  if (options.baseline_command) {
    return record_baseline(options.record_baseline, run.report, err);
  }
  std::ofstream file;
  std::ostream* out_stream = report_output(options.output, file, report_out, err);
  if (out_stream == nullptr) {
    return k_exit_usage;
  }
  std::ostream& out = *out_stream;

  reporters::ReportInput report_input;
  report_input.run = &run.report;
  report_input.schema_source = std::string(model::to_string(run.input.catalog->source));
  report_input.schema_description =
      describe_schema(run.input.catalog->source_description, run.other_databases);
  report_input.inputs =
      options.paths.empty() && !run.paths.empty() ? std::vector<std::string>{"."} : options.paths;
  if (run.workload) {
    const std::vector<std::string> workload_paths = options.workload.paths();
    report_input.inputs.insert(report_input.inputs.end(), workload_paths.begin(), workload_paths.end());
  }
  report_input.notes = report_notes(run);
  report_input.notes_explain_no_schema =
      run.input.catalog->source == model::SchemaSource::none && !run.workload && !run.live;
  report_input.scope_note = run.scope_note;
  report_input.verbose = run.settings.verbose;
  report_input.expand_groups = !options.rules.empty(); // --rule ID: every instance of that rule
  if (run.live && run.live->analysis && !options.live.emit_migration.empty()) {
    report_input.migration_file = options.live.emit_migration;
  }
  report_input.color = options.output.empty() && use_color(options.color, isatty(STDOUT_FILENO) != 0);
  report_input.rules = describe_rules();
  report_input.repo_root = repository_root(options.paths.empty() ? "." : options.paths.front());
  report_input.input_summary = summarize_inputs(*run.input.catalog, run.input.workload, run.live.has_value());
  report_input.input_summary.tables += run.other_databases.tables;
  report_input.input_summary.indexes += run.other_databases.indexes;
  report_input.input_summary.foreign_keys += run.other_databases.foreign_keys;
  report_input.workload = run.input.workload;
  report_input.catalog = run.input.catalog;
  report_input.live_analysis = run.input.live_analysis;
  report_input.comment = comment_context(options);
  const double elapsed_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - run.started).count();
  report_input.input_summary.elapsed_ms = std::round(elapsed_ms * 10) / 10; // 0.1 ms is plenty
  if (options.timings) {
    report_input.timings = run.timings.snapshot();
  }
  write_report(*options.format, out, report_input, err);
  out.flush();
  if (!out) {
    err << "pgadvise: error writing the report\n";
    return k_exit_usage;
  }
  return engine::exit_code_for(run.report, run.settings);
}

} // namespace pgadvise::app
