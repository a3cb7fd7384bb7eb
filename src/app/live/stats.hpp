#pragma once

#include "app/live/live_input.hpp"
#include "core/result.hpp"
#include "model/catalog.hpp"

#include <ostream>
#include <string>
#include <vector>

// Production statistics for CI: `pgadvise stats --db URL --output
// stats.json` writes what the live database knows about its own size and
// use -- per table rows, size, writes and scans; per index scans and size;
// per column n_distinct and null_frac -- and `pgadvise lint --stats
// stats.json` puts it back into a catalog read from files, so severities
// follow the real table sizes without a database. Nothing from the data
// itself is written (no values, no most-common values, no histograms): the
// file is safe to commit.
namespace pgadvise::app {

struct StatsOptions {
  LiveOptions live;   // --db and its timeouts
  std::string output; // --output FILE; empty: stdout
};

// Connects, reads the catalog and statistics, writes the file. Returns the
// exit code; problems are one line on `err` (exit 2).
int run_stats(const StatsOptions& options, std::ostream& out, std::ostream& err);

// The statistics of a live catalog as the stats file's JSON text.
std::string stats_json(const model::Catalog& catalog);

// Copies the statistics of file `path` into `catalog`'s tables, indexes and
// columns (matched by schema and name). Notes say what was applied and
// which tables the file has that the catalog lacks. The error (unreadable
// file, not a stats file) means exit 2.
core::Result<bool> apply_stats_file(const std::string& path, model::Catalog& catalog,
                                    std::vector<std::string>& notes);

} // namespace pgadvise::app
