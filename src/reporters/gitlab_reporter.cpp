#include "reporters/ci_output.hpp"
#include "reporters/json_writer.hpp"
#include "reporters/report.hpp"

#include <string>
#include <string_view>

// GitLab's Code Quality report: a JSON array of issues, each with a
// description, check name, fingerprint, severity and a location relative to
// the repository (GitLab shows them in the merge request).
namespace pgadvise::reporters {

namespace {

std::string_view gitlab_severity(core::Severity severity) {
  switch (severity) {
  case core::Severity::critical: return "blocker";
  case core::Severity::high: return "critical";
  case core::Severity::medium: return "major";
  case core::Severity::low: return "minor";
  case core::Severity::info: break;
  }
  return "info";
}

// GitLab needs a path: a finding without a file (a live catalog object) is
// shown on the first input, line 1.
void write_location(JsonWriter& w, const core::Finding& finding, const ReportInput& input) {
  const core::SourceLocation where = primary_location(finding);
  std::string path;
  int line = 1;
  if (where.known()) {
    path = repo_relative(where.file, input.repo_root);
    line = where.line > 0 ? where.line : 1;
  } else {
    path = repo_relative(input.inputs.empty() ? std::string(".") : input.inputs.front(), input.repo_root);
  }
  w.open('{');
  w.field("path", path);
  w.key("lines");
  w.open('{');
  w.key("begin");
  w.number(line);
  w.close('}');
  w.close('}');
}

// One issue, written by JsonWriter rather than built as a tree (a tree of
// every issue peaked at 274 MB at 10,000 tables, against 176 MB for JSON).
void write_issue(JsonWriter& w, const core::Finding& finding, const ReportInput& input) {
  std::string description = finding.rule + ": " + finding.message;
  if (const std::string object = qualified_object(finding.object);
      !object.empty() && !primary_location(finding).known()) {
    description += " (" + object + ")";
  }
  w.open('{');
  w.field("type", "issue");
  w.field("description", description);
  w.field("check_name", finding.rule);
  w.key("content");
  w.open('{');
  // content.body is Markdown: a code fix's rewrite goes in fenced blocks.
  w.field("body", has_code_fix(finding) ? markdown_with_code_fix(finding, input.repo_root)
                                        : message_with_fix(finding, input.repo_root));
  w.close('}');
  w.key("categories");
  w.open('[');
  w.item();
  w.text("Performance");
  w.close(']');
  w.field("fingerprint", finding.fingerprint);
  w.field("severity", gitlab_severity(finding.severity));
  w.key("location");
  write_location(w, finding, input);
  w.close('}');
}

} // namespace

void write_gitlab(std::ostream& out, const ReportInput& input) {
  static const engine::RunReport k_empty;
  const engine::RunReport& run = input.run != nullptr ? *input.run : k_empty;
  constexpr std::string_view k_empty_array = "[]";
  write_spliced(out, k_empty_array, empty_array_end(k_empty_array, "", 0), 0, run.findings.loaded(),
                [&](JsonWriter& w, const core::Finding& finding) { write_issue(w, finding, input); });
  out << "\n";
}

} // namespace pgadvise::reporters
