#pragma once

// Reading what pgadvise wrote: the JSON report (parsed without throwing,
// findings by rule, a finding's file) and the text report (counts, lines,
// the rows of the findings part).

#include "cli/process.hpp"

#include <algorithm>
#include <cstddef>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pgadvise::test {

// A JSON report. A text that is not JSON fails the test (instead of
// throwing here) and gives a discarded value, which throws if read.
inline nlohmann::json parse_report(const std::string& text, std::string_view context = {}) {
  nlohmann::json report = nlohmann::json::parse(text, nullptr, false);
  EXPECT_FALSE(report.is_discarded()) << "not JSON:\n" << text << context;
  return report;
}

// The JSON report a run printed on stdout (its stderr shown when it is not
// JSON); a report without findings when there is none.
inline nlohmann::json report_of(const ProcessResult& result) {
  const nlohmann::json report = parse_report(result.out, result.err);
  return report.is_discarded() ? nlohmann::json::object({{"findings", nlohmann::json::array()}}) : report;
}

// The findings of `rule`: those it reported, and those it found alongside
// another rule (one finding per problem lists both in rule_ids).
inline std::vector<nlohmann::json> findings_of(const nlohmann::json& report, std::string_view rule) {
  std::vector<nlohmann::json> out;
  if (!report.is_object() || !report.contains("findings")) {
    return out;
  }
  for (const nlohmann::json& finding : report["findings"]) {
    bool found = finding.value("rule", "") == rule;
    if (finding.contains("rule_ids")) {
      for (const nlohmann::json& id : finding["rule_ids"]) {
        found = found || id == rule;
      }
    }
    if (found) {
      out.push_back(finding);
    }
  }
  return out;
}

// The objects of `rule`'s findings as "table(column,column)": what a
// finding is about, whatever its message says.
inline std::set<std::string> finding_objects(const nlohmann::json& report, std::string_view rule) {
  std::set<std::string> out;
  for (const nlohmann::json& finding : findings_of(report, rule)) {
    std::string columns;
    for (const nlohmann::json& column : finding["object"].value("columns", nlohmann::json::array())) {
      columns += (columns.empty() ? "" : ",") + column.get<std::string>();
    }
    out.insert(finding["object"]["table"].get<std::string>() + "(" + columns + ")");
  }
  return out;
}

// The details of a finding's evidence of one kind ("code": the loop, each
// helper, the Drizzle call), one per line.
inline std::string evidence_details(const nlohmann::json& finding, std::string_view kind) {
  std::string out;
  for (const nlohmann::json& evidence : finding["evidence"]) {
    if (evidence.value("kind", "") == kind) {
      out += evidence["detail"].get<std::string>() + "\n";
    }
  }
  return out;
}

// A finding's file, or "" when it has no location (null in the report).
inline std::string file_of(const nlohmann::json& finding) {
  const nlohmann::json& location = finding["location"];
  return location.is_object() && location["file"].is_string() ? location["file"].get<std::string>() : "";
}

// How often `needle` occurs in `text` (overlapping occurrences too).
inline std::size_t count_of(std::string_view text, std::string_view needle) {
  std::size_t count = 0;
  for (std::size_t at = text.find(needle); at != std::string_view::npos; at = text.find(needle, at + 1)) {
    ++count;
  }
  return count;
}

inline std::size_t line_count(std::string_view text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

inline std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    lines.push_back(line);
  }
  return lines;
}

// Walks the findings part of a default text report (from the first blank
// line to the closing "Rules" section): a finding's row starts with two
// spaces and a non-space, its fix lines with more spaces. Returns the rows
// and the most lines any fix took.
inline std::pair<std::size_t, std::size_t> rows_and_fix_lines(const std::string& text) {
  std::istringstream in(text);
  std::string line;
  std::size_t rows = 0;
  std::size_t below = 0;
  std::size_t worst = 0;
  bool started = false;
  while (std::getline(in, line)) {
    if (!started) {
      started = line.empty();
      continue;
    }
    // The foreign keys' block of DDL, the rules section and the summary follow the entries.
    if (line.rfind("The ", 0) == 0 || line.rfind("Rules", 0) == 0 || line.rfind("To do", 0) == 0) {
      break;
    }
    if (line.size() > 2 && line[0] == ' ' && line[1] == ' ' && line[2] != ' ') {
      ++rows;
      below = 0;
    } else if (line.size() > 2 && line[2] == ' ') {
      worst = std::max(worst, ++below);
    } else {
      below = 0; // a file's name
    }
  }
  return {rows, worst};
}

} // namespace pgadvise::test
