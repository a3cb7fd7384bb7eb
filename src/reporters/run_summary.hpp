#pragma once

#include "core/finding.hpp"
#include "core/finding_list.hpp"
#include "core/severity.hpp"

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

// Facts about a run that several output formats print the same way.
namespace pgadvise::reporters {

// Every severity, most severe first: the order summaries list them in.
inline constexpr std::array<core::Severity, 5> k_severities_descending = {
    core::Severity::critical, core::Severity::high, core::Severity::medium, core::Severity::low,
    core::Severity::info};

struct SeverityCounts {
  std::array<std::size_t, 5> counts{}; // indexed by static_cast<size_t>(Severity)
  std::size_t total = 0;
  [[nodiscard]] std::size_t of(core::Severity severity) const {
    return counts[static_cast<std::size_t>(severity)];
  }
};

SeverityCounts count_by_severity(const core::FindingList& findings);

// RunReport::skipped holds "rule-id: why"; this splits it (why is empty
// when there is no separator).
struct SkippedRule {
  std::string rule;
  std::string reason;
};
SkippedRule parse_skipped(std::string_view entry);

struct ReportInput; // reporters/report.hpp

// The notes every text report shows under its header, not only with
// --verbose: which migrations the change rules judged (the scope note), a
// run without a schema its notes (where discovery looked), then a live
// run's caveats on its index proposals (tables VACUUM has not reached,
// model::IndexSet::caveats). Each is also among the report's notes.
std::vector<std::string> header_notes(const ReportInput& input);

} // namespace pgadvise::reporters
