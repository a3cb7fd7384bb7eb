#pragma once

#include "core/finding_list.hpp"
#include "reporters/report.hpp"

#include <cstddef>
#include <set>
#include <string>
#include <vector>

// The entries of the text report's default (compact) layout and their
// order: severity first (every critical and high entry before any other),
// then measured or estimated impact (workload time a verified index saves,
// then the table's rows), then file order. Many findings of one rule and
// severity are one entry; each finding of an action rule (an unindexed
// foreign key, an N+1 loop) stays its own, up to a point, so that 20,000
// of one kind cannot bury a critical finding of another.
namespace pgadvise::reporters {

// One entry of the report: a finding, or many of one rule and severity
// (positions in the run's list, in rank order).
struct Entry {
  std::vector<std::size_t> findings;
  core::Severity severity = core::Severity::info; // its findings'
  bool rest = false;                              // the findings of an action rule past its first entries
  [[nodiscard]] bool grouped() const { return findings.size() > 1; }
};

// The rules whose findings are each an action of their own
// (RuleInfo::each_finding_an_action).
std::set<std::string> action_rules(const ReportInput& input);

// The entries of `findings` in report order; `expand` (--verbose): one
// entry per finding, none grouped.
std::vector<Entry> entries_of(const core::FindingList& findings, const ReportInput& input, bool expand);

} // namespace pgadvise::reporters
