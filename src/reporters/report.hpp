#pragma once

#include "engine/runner.hpp"

#include <ostream>
#include <string>
#include <vector>

namespace pgadvise::reporters {

// What every output format gets: the findings and the facts around them.
struct ReportInput {
  const engine::RunReport* run = nullptr;
  std::string schema_source;       // "sql", "drizzle-snapshot", ... or "none"
  std::string schema_description;  // "SQL replay of drizzle/ (4 files)"
  std::vector<std::string> inputs; // files and directories read
  std::vector<std::string> notes;  // how sources were found (shown with --verbose)
  bool color = false;
  bool verbose = false;
  // What the HTML report charts (top queries, N+1 bursts, proposed indexes);
  // null when the run had no workload / no live analysis.
  const model::Workload* workload = nullptr;
  const model::LiveAnalysis* live_analysis = nullptr;
};

void write_text(std::ostream& out, const ReportInput& input);
void write_json(std::ostream& out, const ReportInput& input);
// One self-contained HTML file (inline CSS, JS and SVG charts; no network).
void write_html(std::ostream& out, const ReportInput& input);

// The JSON report's format version; bump on incompatible changes.
inline constexpr int k_json_version = 1;

} // namespace pgadvise::reporters
