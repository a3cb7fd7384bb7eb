#pragma once

#include "reporters/report.hpp"

#include <ostream>
#include <string_view>
#include <vector>

namespace pgadvise::reporters {

// One output format of `pgadvise lint --format`: the one table both the
// command line's validation and the report's dispatch read.
struct OutputFormat {
  std::string_view name;
  std::string_view description; // for --help
  void (*write)(std::ostream& out, const ReportInput& input) = nullptr;
  // Also written to $GITHUB_STEP_SUMMARY when that is set (github).
  void (*step_summary)(std::ostream& out, const ReportInput& input) = nullptr;
};

// Every format, text (the default) first.
const std::vector<OutputFormat>& output_formats();
// Null for a name no format has.
const OutputFormat* find_output_format(std::string_view name);

} // namespace pgadvise::reporters
