#include "reporters/ci_output.hpp"
#include "reporters/report.hpp"
#include "reporters/run_summary.hpp"

// GitHub Actions workflow commands: each finding becomes an annotation on its
// file and line in the pull request (`::error file=..,line=..::message`), and
// the step summary gets a Markdown table of the run.
namespace pgadvise::reporters {

namespace {

// Workflow-command escaping: the message may not hold %, CR or LF raw...
std::string escape_data(std::string_view text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
    case '%': out += "%25"; break;
    case '\r': out += "%0D"; break;
    case '\n': out += "%0A"; break;
    default: out += c;
    }
  }
  return out;
}

// ...and a property value not ':' or ',' either, which separate properties.
std::string escape_property(std::string_view text) {
  std::string out;
  for (const char c : escape_data(text)) {
    if (c == ':') {
      out += "%3A";
    } else if (c == ',') {
      out += "%2C";
    } else {
      out += c;
    }
  }
  return out;
}

std::string_view command_of(core::Severity severity) {
  switch (level_of(severity)) {
  case Level::error: return "error";
  case Level::warning: return "warning";
  case Level::note: break;
  }
  return "notice";
}

// A Markdown table cell: one line, pipes escaped.
std::string cell(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n' || c == '\r') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

} // namespace

void write_github(std::ostream& out, const ReportInput& input) {
  if (input.run == nullptr) {
    return;
  }
  for (const core::Finding& finding : input.run->findings.loaded()) {
    std::string properties;
    const core::SourceLocation where = primary_location(finding);
    if (where.known()) {
      properties += "file=" + escape_property(repo_relative(where.file, input.repo_root));
      if (where.line > 0) {
        properties += ",line=" + std::to_string(where.line);
        if (where.column > 0) {
          properties += ",col=" + std::to_string(where.column);
        }
      }
      properties += ",";
    }
    properties += "title=" + escape_property("pgadvise " + finding.rule + " (" +
                                             std::string(core::to_string(finding.severity)) + ")");
    out << "::" << command_of(finding.severity) << " " << properties
        << "::" << escape_data(message_with_fix(finding, input.repo_root)) << "\n";
  }
}

void write_github_summary(std::ostream& out, const ReportInput& input) {
  static const engine::RunReport k_empty;
  const engine::RunReport& run = input.run != nullptr ? *input.run : k_empty;
  const SeverityCounts counts = count_by_severity(run.findings);
  out << "### pgadvise: " << counts.total << (counts.total == 1 ? " finding" : " findings") << "\n\n";
  if (counts.total == 0) {
    out << "No findings.\n";
    return;
  }
  std::string totals;
  for (core::Severity severity : k_severities_descending) {
    if (counts.of(severity) > 0) {
      totals += (totals.empty() ? "" : ", ") + std::to_string(counts.of(severity)) + " " +
                std::string(core::to_string(severity));
    }
  }
  out << totals << "\n\n";
  out << "| severity | rule | location | message |\n|---|---|---|---|\n";
  for (const core::Finding& finding : run.findings.loaded()) {
    const core::SourceLocation where = primary_location(finding);
    std::string place;
    if (where.known()) {
      place = repo_relative(where.file, input.repo_root);
      if (where.line > 0) {
        place += ":" + std::to_string(where.line);
      }
    } else {
      place = qualified_object(finding.object);
    }
    out << "| " << core::to_string(finding.severity) << " | `" << finding.rule << "` | "
        << (place.empty() ? "" : "`" + cell(place) + "`") << " | " << cell(finding.message) << " |\n";
  }
  out << "\n";
}

} // namespace pgadvise::reporters
