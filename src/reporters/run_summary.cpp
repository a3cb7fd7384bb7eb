#include "reporters/run_summary.hpp"

#include "model/index_set.hpp"
#include "model/live_analysis.hpp"
#include "reporters/report.hpp"

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

std::vector<std::string> header_notes(const ReportInput& input) {
  std::vector<std::string> notes;
  if (!input.scope_note.empty()) {
    notes.push_back(input.scope_note);
  }
  // No schema: where discovery looked, and that only the project was linted
  // (a Prisma app's root: "No findings." alone read as a clean schema).
  if (input.notes_explain_no_schema) {
    notes.insert(notes.end(), input.notes.begin(), input.notes.end());
  }
  if (input.live_analysis != nullptr && input.live_analysis->index_set != nullptr) {
    const std::vector<std::string>& caveats = input.live_analysis->index_set->caveats;
    notes.insert(notes.end(), caveats.begin(), caveats.end());
  }
  return notes;
}

} // namespace pgadvise::reporters
