#pragma once

#include "core/finding.hpp"
#include "model/workload.hpp"

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace pgadvise::loaders {

struct LogReadOptions {
  std::string log_line_prefix; // --log-line-prefix; empty: detect from the first lines
  unsigned threads = 0;        // parsing threads; 0: one per core
  double burst_gap_ms = 100;   // autocommit statements closer than this are one group (N+1 bursts)
  bool progress = false;       // a progress line on stderr (the CLI sets it when stderr is a TTY)
  std::size_t block_bytes = 0; // parallel block size; 0: default (tests use tiny blocks to cross boundaries)
  bool queries_only = false; // --queries: each file is Drizzle logger output or plain SQL, never a server log
};

// What reading produced: the workload, located diagnostics (parse-error
// findings made from the workload's reader warnings), notes for --verbose,
// and whether anything usable was read.
struct LogReadResult {
  model::Workload workload;
  std::vector<core::Finding> diagnostics;
  std::vector<std::string> notes; // "read x.log: stderr, prefix '%m [%p] ', 120 lines, 40 statements"
  bool usable = false;            // false: nothing could be read (the diagnostics say why)
};

// Reads server logs (stderr with any prefix, csvlog, jsonlog; plain or gzip;
// "-" for stdin), Drizzle logger output and plain .sql files, detecting the
// format of each. Files are read in the order given (rotated logs in order
// keep sessions whole), in parallel blocks.
LogReadResult read_logs(const std::vector<std::string>& paths, const LogReadOptions& options = {});

// Reads a pg_stat_statements export (CSV with header, a JSON array of rows or
// JSON lines). No statement order: workload.ordered stays false.
LogReadResult read_pgss(const std::string& path);

// Turns reader warnings into located parse-error findings (appended).
void append_diagnostics(const model::Workload& workload, std::vector<core::Finding>& out);

// A short human summary of a workload (counts, top statements by total time,
// repeats, connections); used by the benchmark and --verbose.
void write_workload_summary(std::ostream& out, const model::Workload& workload, std::size_t top = 10);

} // namespace pgadvise::loaders
