#include "reporters/run_summary.hpp"

namespace pgadvise::reporters {

SeverityCounts count_by_severity(const std::vector<core::Finding>& findings) {
  SeverityCounts counts;
  for (const core::Finding& finding : findings) {
    ++counts.counts[static_cast<std::size_t>(finding.severity)];
    ++counts.total;
  }
  return counts;
}

SkippedRule parse_skipped(std::string_view entry) {
  const std::size_t colon = entry.find(": ");
  if (colon == std::string_view::npos) {
    return {std::string(entry), {}};
  }
  return {std::string(entry.substr(0, colon)), std::string(entry.substr(colon + 2))};
}

} // namespace pgadvise::reporters
