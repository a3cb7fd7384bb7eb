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
  std::string migration_file;      // where --emit-migration wrote the proposed indexes; empty: not written
  bool color = false;
  bool verbose = false;
};

void write_text(std::ostream& out, const ReportInput& input);
void write_json(std::ostream& out, const ReportInput& input);

// The JSON report's format version; bump on incompatible changes.
inline constexpr int k_json_version = 1;

} // namespace pgadvise::reporters
