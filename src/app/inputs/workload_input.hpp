#pragma once

#include "core/finding.hpp"
#include "core/result.hpp"
#include "model/workload.hpp"

#include <ostream>
#include <string>
#include <vector>

// `pgadvise lint --log / --pgss / --queries`: the query workload half of a
// lint run. Every file is read into one Workload (logs in the order given, so
// rotated files keep sessions whole); what could not be read becomes located
// parse-error findings, never a silent "0 queries".
namespace pgadvise::app {

struct WorkloadOptions {
  std::vector<std::string>
      logs; // --log FILE...: stderr/csvlog/jsonlog (plain or .gz), .sql, Drizzle logger output
  std::vector<std::string> pgss; // --pgss FILE: pg_stat_statements as CSV (with header) or JSON
  std::vector<std::string>
      queries;                 // --queries FILE...: .sql files or Drizzle logger output, never server logs
  std::string log_line_prefix; // --log-line-prefix: the server's setting; empty: detected
  double burst_gap_ms = 100;   // --burst-gap-ms: autocommit statements closer than this are one burst

  [[nodiscard]] bool requested() const { return !logs.empty() || !pgss.empty() || !queries.empty(); }
  // Every workload path, in the order read (for the report's inputs).
  [[nodiscard]] std::vector<std::string> paths() const;
};

struct WorkloadInput {
  model::Workload workload;
  std::vector<core::Finding> diagnostics; // located reader warnings (parse-error findings)
  std::vector<std::string> notes;         // for --verbose and the JSON report
  bool usable = false;                    // statements or sessions were read
};

// Reads every workload file. The error (exit 2) is for usage mistakes only: a
// file that does not exist, stdin given twice, a bad --log-line-prefix. Bad
// content is reported in `diagnostics` while the rest is read. `progress`
// shows a progress line on stderr (the caller passes "stderr is a TTY").
core::Result<WorkloadInput> read_workload_input(const WorkloadOptions& options, bool progress);

// When a run has nothing to lint: says why the workload files gave no
// queries (each located diagnostic), so exit 2 is never unexplained. Prints
// nothing when no workload file was given.
void print_unusable_workload(const WorkloadInput* input, std::ostream& err);

} // namespace pgadvise::app
