#pragma once

#include "app/report/report_output.hpp"

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

// `pgadvise merge a.json b.json ... -o merged.json`: JSON reports from several
// servers or CI jobs (shards of one fleet's logs) combined into one.
namespace pgadvise::app {

struct MergeOptions {
  std::vector<std::string> reports;
  std::string output; // empty: stdout
  DocumentFormat format = DocumentFormat::json;
};

// One report out of several: findings deduplicated by fingerprint (their
// evidence united, numeric `calls` / `total_ms` summed when present), each
// finding listing the reports it came from, the summary recomputed, and
// `sources` describing every input report.
nlohmann::ordered_json
merge_reports(const std::vector<std::pair<std::string, nlohmann::ordered_json>>& reports);

// Exit 0, or 2 when a report cannot be read (file:reason on `err`).
int run_merge(const MergeOptions& options, std::ostream& out, std::ostream& err);

} // namespace pgadvise::app
