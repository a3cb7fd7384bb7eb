#include "reporters/run_summary.hpp"

namespace pgadvise::reporters {

SeverityCounts count_by_severity(const core::FindingList& findings) {
  SeverityCounts counts;
  for (std::size_t i = 0; i < findings.size(); ++i) {
    ++counts.counts[static_cast<std::size_t>(findings.severity(i))];
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
