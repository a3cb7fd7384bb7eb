#include "reporters/ci_output.hpp"
#include "reporters/report.hpp"

#include <nlohmann/json.hpp>

// GitLab's Code Quality report: a JSON array of issues, each with a
// description, check name, fingerprint, severity and a location relative to
// the repository (GitLab shows them in the merge request).
namespace pgadvise::reporters {

namespace {

using json = nlohmann::ordered_json;

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
json location_json(const core::Finding& finding, const ReportInput& input) {
  const core::SourceLocation where = primary_location(finding);
  std::string path;
  int line = 1;
  if (where.known()) {
    path = repo_relative(where.file, input.repo_root);
    line = where.line > 0 ? where.line : 1;
  } else {
    path = repo_relative(input.inputs.empty() ? std::string(".") : input.inputs.front(), input.repo_root);
  }
  return json{{"path", path}, {"lines", {{"begin", line}}}};
}

} // namespace

void write_gitlab(std::ostream& out, const ReportInput& input) {
  json issues = json::array();
  if (input.run != nullptr) {
    for (const core::Finding& finding : input.run->findings) {
      std::string description = finding.rule + ": " + finding.message;
      if (const std::string object = qualified_object(finding.object);
          !object.empty() && !primary_location(finding).known()) {
        description += " (" + object + ")";
      }
      issues.push_back({{"type", "issue"},
                        {"description", description},
                        {"check_name", finding.rule},
                        {"content", {{"body", message_with_fix(finding)}}},
                        {"categories", json::array({"Performance"})},
                        {"fingerprint", finding.fingerprint},
                        {"severity", gitlab_severity(finding.severity)},
                        {"location", location_json(finding, input)}});
    }
  }
  out << issues.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
}

} // namespace pgadvise::reporters
