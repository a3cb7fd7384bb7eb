#pragma once

#include "core/severity.hpp"
#include "core/stage_timings.hpp"
#include "engine/rule.hpp"
#include "engine/runner.hpp"

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace pgadvise::reporters {

// A rule or built-in diagnostic as output formats describe it (SARIF
// tool.driver.rules, JUnit suites, docs/rules.md's table). The app fills the
// list from the registry, which reporters cannot see.
struct RuleInfo {
  std::string id;
  std::string summary;
  core::Severity severity = core::Severity::medium;     // the default one
  engine::Category category = engine::Category::schema; // built-in diagnostics: input
  bool has_fix = false;
  engine::Lens lens = engine::Lens::state; // built-in diagnostics: state
  bool each_finding_an_action = false;     // engine::RuleMeta's: never folded, DDL gathered in one block
};

// One workload file: where it was and what it was read as.
struct WorkloadSourceInfo {
  std::string path;
  std::string description;
};

// What a run read, how much, and how long it took (the JSON report's
// input_summary).
struct InputSummary {
  std::size_t tables = 0;
  std::size_t indexes = 0;
  std::size_t foreign_keys = 0;
  bool has_workload = false;
  std::vector<WorkloadSourceInfo> workload_sources;
  std::uint64_t log_lines = 0;
  std::uint64_t bytes = 0;
  std::uint64_t statements = 0; // calls summed
  std::uint64_t distinct_queries = 0;
  std::uint64_t unparsed_statements = 0;
  bool live = false;
  double elapsed_ms = 0;
};

// What the pull request's comment (github-comment) links to and says about
// its scope; every field may be empty (then no link, or nothing said).
struct CommentContext {
  // --comment-key: in the hidden marker, so that several jobs or configs
  // of one pull request each keep a comment of their own.
  std::string key;
  std::string source_url;    // a file's line is <source_url>/<path>#L<line> (.../blob/<sha>)
  std::string rules_url;     // a rule's page is <rules_url>/<id>.md
  std::string report_url;    // where the full report is (the workflow run)
  std::string baseline;      // --baseline FILE the findings are new against
  std::string changed_since; // --changed-since REF
};

// What every output format gets: the findings and the facts around them.
struct ReportInput {
  const engine::RunReport* run = nullptr;
  std::string schema_source;       // "sql", "drizzle-snapshot", ... or "none"
  std::string schema_description;  // "SQL replay of drizzle/ (4 files)"
  std::vector<std::string> inputs; // files and directories read
  std::vector<std::string> notes;  // how sources were found (shown with --verbose)
  // The run found no schema and read no log: the notes (where discovery
  // looked) are shown under the text report's header, not only with -v.
  bool notes_explain_no_schema = false;
  std::string migration_file; // where --emit-migration wrote the proposed indexes; empty: not written
  bool color = false;
  bool verbose = false;
  // The text report shows many findings of one shape as one entry; --rule
  // ID (the way to see all of a rule) lists each instead.
  bool expand_groups = false;
  // Which migrations the change rules judged, when some were left out
  // (app/scope/lens): shown in every text report, not only with --verbose. Also in `notes`.
  std::string scope_note;
  // --timings: the run's costs by stage until the report began (the JSON
  // report's `timings`); none without it.
  std::optional<core::TimingsSnapshot> timings;
  // The schema, for the text report's order by impact (table rows); may be null.
  const model::Catalog* catalog = nullptr;
  // Every rule and built-in diagnostic, registry order (SARIF, JUnit).
  std::vector<RuleInfo> rules;
  // Absolute; SARIF, GitHub and GitLab give file paths relative to it. The
  // git top level of the linted path, else that path. Empty: paths as found.
  std::string repo_root;
  InputSummary input_summary;
  // What the HTML report charts (top queries, N+1 bursts, proposed indexes);
  // null when the run had no workload / no live analysis.
  const model::Workload* workload = nullptr;
  const model::LiveAnalysis* live_analysis = nullptr;
  CommentContext comment; // github-comment only
};

void write_text(std::ostream& out, const ReportInput& input);
void write_json(std::ostream& out, const ReportInput& input);
// SARIF 2.1.0 (code scanning).
void write_sarif(std::ostream& out, const ReportInput& input);
// GitHub Actions workflow commands: one ::error/::warning/::notice per finding.
void write_github(std::ostream& out, const ReportInput& input);
// The Markdown table GitHub shows on the run's page ($GITHUB_STEP_SUMMARY).
void write_github_summary(std::ostream& out, const ReportInput& input);
// One Markdown comment for a pull request: a hidden marker, the new
// findings most severe first with their fixes, under GitHub's size limit.
void write_github_comment(std::ostream& out, const ReportInput& input);
// GitLab Code Quality report (a JSON array of issues).
void write_gitlab(std::ostream& out, const ReportInput& input);
// JUnit XML: one testsuite per rule run, one failing testcase per finding.
void write_junit(std::ostream& out, const ReportInput& input);
// The docs/rules.md's table (`pgadvise rules --format markdown`).
void write_rules_markdown(std::ostream& out, const std::vector<RuleInfo>& rules);
// One self-contained HTML file (inline CSS, JS and SVG charts; no network).
void write_html(std::ostream& out, const ReportInput& input);

// The JSON report's format version; bump on incompatible changes.
inline constexpr int k_json_version = 1;

} // namespace pgadvise::reporters
