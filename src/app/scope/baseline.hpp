#pragma once

#include "core/finding.hpp"
#include "core/finding_list.hpp"
#include "core/result.hpp"

#include <filesystem>
#include <map>
#include <ostream>
#include <string>
#include <vector>

namespace pgadvise::app {

// A baseline: the findings a project has accepted for now. `pgadvise
// baseline` writes one; `pgadvise lint --baseline FILE` reports and fails
// only on findings not in it. Findings match by fingerprint (rule id +
// object, never the line), so lines moving and a migration file being
// renamed keep a finding baselined. The rule, object and location are there
// for the humans who review the file.
struct BaselineEntry {
  std::string fingerprint;
  std::string rule;
  std::string object;
  std::string location; // file:line when the finding had one
};

struct Baseline {
  static constexpr int k_version = 1;
  std::vector<BaselineEntry> entries;
};

// Read one finding at a time: a spilled list is not read back whole.
Baseline make_baseline(const core::FindingList& findings);
void write_baseline(std::ostream& out, const Baseline& baseline);
// A located error (file, and line for JSON syntax) when the file is not a
// baseline this version can read.
core::Result<Baseline> read_baseline(const std::filesystem::path& path);

// Removes the findings the baseline holds (each entry absorbs one finding
// with its fingerprint) and returns how many were removed.
std::size_t drop_baselined(core::FindingList& findings, const Baseline& baseline);

} // namespace pgadvise::app
