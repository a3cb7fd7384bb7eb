#include "core/utf8.hpp"
#include "reporters/ci_output.hpp"
#include "reporters/report.hpp"

#include <algorithm>
#include <map>
#include <vector>

// JUnit XML, which most CI systems (Jenkins, Azure Pipelines, CircleCI,
// Buildkite, GitLab's test reports) show as test results: one testsuite per
// rule that ran, one failing testcase per finding, one passing testcase for
// a rule that found nothing.
namespace pgadvise::reporters {

namespace {

// Text and attribute values: the five entities, control characters other
// than tab and newline dropped (XML 1.0 cannot hold them), invalid UTF-8
// replaced.
std::string xml(std::string_view text) {
  std::string valid(text);
  core::utf8::replace_invalid(valid);
  std::string out;
  for (const char c : valid) {
    switch (c) {
    case '&': out += "&amp;"; break;
    case '<': out += "&lt;"; break;
    case '>': out += "&gt;"; break;
    case '"': out += "&quot;"; break;
    case '\'': out += "&apos;"; break;
    default:
      if (static_cast<unsigned char>(c) >= 0x20 || c == '\t' || c == '\n') {
        out += c;
      } else if (c == '\r') {
        out += "&#13;";
      }
    }
  }
  return out;
}

std::string testcase_name(const core::Finding& finding, const std::string& repo_root) {
  const core::SourceLocation where = primary_location(finding);
  std::string name;
  if (where.known()) {
    name = repo_relative(where.file, repo_root);
    if (where.line > 0) {
      name += ":" + std::to_string(where.line);
    }
  }
  const std::string object = qualified_object(finding.object);
  if (!object.empty()) {
    name += (name.empty() ? "" : " ") + object;
  }
  return name.empty() ? finding.fingerprint : name;
}

} // namespace

void write_junit(std::ostream& out, const ReportInput& input) {
  static const engine::RunReport k_empty;
  const engine::RunReport& run = input.run != nullptr ? *input.run : k_empty;
  // Suites: every rule that ran, in registry order, plus any rule that only
  // reported (built-in diagnostics such as parse-error).
  std::vector<std::string> suites = run.rules_run;
  // Positions in the run's list (its findings may be in the spill file:
  // each is read back as its testcase is written).
  std::map<std::string, std::vector<std::size_t>> by_rule;
  for (std::size_t i = 0; i < run.findings.size(); ++i) {
    const std::string& rule = run.findings.rule(i);
    auto& list = by_rule[rule];
    if (list.empty() && std::find(suites.begin(), suites.end(), rule) == suites.end()) {
      suites.push_back(rule);
    }
    list.push_back(i);
  }
  std::size_t tests = 0;
  for (const std::string& rule : suites) {
    const auto found = by_rule.find(rule);
    tests += found == by_rule.end() ? 1 : found->second.size();
  }
  out << R"(<?xml version="1.0" encoding="UTF-8"?>)"
      << "\n";
  out << R"(<testsuites name="pgadvise" tests=")" << tests << "\" failures=\"" << run.findings.size()
      << "\" errors=\"0\">\n";
  for (const std::string& rule : suites) {
    const auto found = by_rule.find(rule);
    const std::size_t failures = found == by_rule.end() ? 0 : found->second.size();
    out << "  <testsuite name=\"" << xml(rule) << "\" tests=\"" << std::max<std::size_t>(failures, 1)
        << "\" failures=\"" << failures << "\" errors=\"0\" skipped=\"0\">\n";
    if (failures == 0) {
      out << "    <testcase classname=\"pgadvise." << xml(rule) << "\" name=\"" << xml(rule) << "\"/>\n";
      out << "  </testsuite>\n";
      continue;
    }
    for (const std::size_t i : found->second) {
      const core::FindingList::Held finding = run.findings.at(i);
      const core::SourceLocation where = primary_location(*finding);
      out << "    <testcase classname=\"pgadvise." << xml(rule) << "\" name=\""
          << xml(testcase_name(*finding, input.repo_root)) << "\"";
      if (where.known()) {
        out << " file=\"" << xml(repo_relative(where.file, input.repo_root)) << "\"";
        if (where.line > 0) {
          out << " line=\"" << where.line << "\"";
        }
      }
      out << ">\n";
      out << "      <failure message=\"" << xml(finding->message) << "\" type=\""
          << core::to_string(finding->severity) << "\">" << xml(message_with_fix(*finding, input.repo_root));
      if (!finding->help.empty()) {
        out << "\n\n" << xml(finding->help);
      }
      out << "</failure>\n";
      out << "    </testcase>\n";
    }
    out << "  </testsuite>\n";
  }
  out << "</testsuites>\n";
}

} // namespace pgadvise::reporters
